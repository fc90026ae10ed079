# Copyright 2026 The keras_nlp Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     https://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""End to end: a model that takes raw strings, saved every way it can be.

`strings -> BertPreprocessor -> BertEncoder -> Dense`, with a WordPiece and
with a SentencePiece (ALBERT-style, lower-casing and accent-stripping)
tokenizer, is exported with `model.export` to a SavedModel that a separate
Python process, which never imports keras_nlp, runs on raw strings; saved
and reloaded as a `.keras` file (the vocabulary travels as an asset); and
written as a preset with `BertEncoder.save_to_preset(path, tokenizer=...)`,
from which the tokenizer, the preprocessor and the encoder load back.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np

import keras_nlp
from keras_nlp.testing import vocabularies
from keras_nlp.testing.test_case import TestCase

SEQUENCE_LENGTH = 8
TEXTS = ["The quick fox.", "brown FOX jumped", "Café naïve!"]
# Another batch size than the traced one.
MORE_TEXTS = TEXTS + ["the lazy dog", ""]
VOCABULARY = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "the",
    "quick",
    "brown",
    "fox",
    "jump",
    "##ed",
    ".",
    "!",
    "cafe",
    "naive",
    "lazy",
    "dog",
]
SENTENCE_PIECE_CORPUS = [
    "the quick brown fox jumped over the lazy dog",
    "cafe naive fox dog quick",
]

# Runs in a fresh interpreter: TensorFlow and tensorflow-text only.
CONSUMER = textwrap.dedent("""
    import json
    import sys

    import tensorflow as tf
    import tensorflow_text  # noqa: F401 (registers the string ops)

    request = json.loads(sys.argv[1])
    results = {}
    for name, path in request["exports"].items():
        loaded = tf.saved_model.load(path)
        results[name] = {
            key: loaded.serve(tf.constant(texts)).numpy().tolist()
            for key, texts in request["texts"].items()
        }
    assert "keras_nlp" not in sys.modules, "keras_nlp was imported"
    results["keras_nlp_imported"] = "keras_nlp" in sys.modules
    print(json.dumps(results))
""")


def _sentence_piece_proto():
    return vocabularies.train_sentence_piece(
        corpus=SENTENCE_PIECE_CORPUS * 2, vocab_size=40
    )


def _tiny_encoder(vocab_size):
    return keras_nlp.encoders.BertEncoder(
        vocab_size=vocab_size,
        hidden_size=8,
        num_layers=1,
        num_attention_heads=2,
        inner_dim=16,
        max_sequence_length=SEQUENCE_LENGTH,
        type_vocab_size=2,
    )


def _string_model(tokenizer):
    """`strings -> BertPreprocessor -> BertEncoder -> Dense(2)`."""
    preprocessor = keras_nlp.tokenizers.BertPreprocessor(
        tokenizer, sequence_length=SEQUENCE_LENGTH
    )
    encoder = _tiny_encoder(tokenizer.vocab_size())
    text = keras.Input(shape=(), dtype="string", name="text")
    outputs = encoder(preprocessor(text))
    logits = keras.layers.Dense(2, name="logits")(outputs["pooled_output"])
    return keras.Model(text, logits), preprocessor, encoder


def _preprocessor_of(model):
    return next(
        layer
        for layer in model.layers
        if isinstance(layer, keras_nlp.tokenizers.BertPreprocessor)
    )


class PreprocessingExportTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        keras.utils.set_random_seed(7)
        tokenizers = {
            "word_piece": keras_nlp.tokenizers.WordPieceTokenizer(VOCABULARY),
            "sentence_piece": keras_nlp.tokenizers.SentencePieceTokenizer(
                _sentence_piece_proto(), lowercase=True, strip_accents=True
            ),
        }
        cls.models = {}
        for name, tokenizer in tokenizers.items():
            cls.models[name] = _string_model(tokenizer)

    def test_models_run_on_python_strings(self):
        for name, (model, preprocessor, encoder) in self.models.items():
            outputs = model(np.array(TEXTS))
            self.assertEqual(tuple(outputs.shape), (3, 2))
            # The same as the layers called one by one.
            pooled = encoder(preprocessor(TEXTS))["pooled_output"]
            expected = model.get_layer("logits")(pooled)
            self.assertAllClose(outputs, expected, atol=1e-6, msg=name)
            self.assertAllClose(
                model.predict(np.array(TEXTS, dtype=object), verbose=0),
                outputs,
                atol=1e-6,
                msg=name,
            )

    def test_saved_model_runs_without_keras_nlp(self):
        export_dir = self.get_temp_dir()
        paths = {}
        for name, (model, _, _) in self.models.items():
            paths[name] = os.path.join(export_dir, name)
            model.export(paths[name], format="tf_saved_model", verbose=False)
        request = {
            "exports": paths,
            "texts": {"texts": TEXTS, "more_texts": MORE_TEXTS},
        }
        environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        result = subprocess.run(
            [sys.executable, "-c", CONSUMER, json.dumps(request)],
            capture_output=True,
            text=True,
            env=environment,
            cwd=export_dir,
            timeout=240,
        )
        self.assertEqual(result.returncode, 0, msg=result.stderr[-3000:])
        results = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertFalse(results["keras_nlp_imported"])
        for name, (model, _, _) in self.models.items():
            for key, texts in request["texts"].items():
                self.assertAllClose(
                    np.array(results[name][key]),
                    model(np.array(texts)),
                    atol=1e-5,
                    rtol=1e-5,
                    msg=f"{name} {key}",
                )

    def test_keras_file_round_trip(self):
        for name, (model, _, _) in self.models.items():
            path = os.path.join(self.get_temp_dir(), f"{name}.keras")
            model.save(path)
            restored = keras.models.load_model(path)
            # The vocabulary came from the file's assets.
            original = _preprocessor_of(model).tokenizer
            tokenizer = _preprocessor_of(restored).tokenizer
            self.assertEqual(
                tokenizer.get_vocabulary(), original.get_vocabulary()
            )
            self.assertEqual(tokenizer.get_config(), original.get_config())
            self.assertAllClose(
                restored(np.array(MORE_TEXTS)),
                model(np.array(MORE_TEXTS)),
                atol=1e-6,
                msg=name,
            )

    def test_encoder_preset_with_tokenizer(self):
        classes = {
            "word_piece": keras_nlp.tokenizers.WordPieceTokenizer,
            "sentence_piece": keras_nlp.tokenizers.SentencePieceTokenizer,
        }
        for name, (_, preprocessor, encoder) in self.models.items():
            tokenizer = preprocessor.tokenizer
            preset = os.path.join(self.get_temp_dir(), name)
            encoder.save_to_preset(preset, tokenizer=tokenizer)
            with open(os.path.join(preset, "config.json")) as config_file:
                settings = json.load(config_file)["preprocessor"]
            self.assertEqual(settings["lowercase"], True)
            self.assertEqual(
                settings["strip_accents"],
                None if name == "word_piece" else True,
            )
            self.assertTrue(
                os.path.isfile(os.path.join(preset, tokenizer.asset_file_name))
            )
            restored = classes[name].from_preset(preset)
            self.assertEqual(restored.get_config()["lowercase"], True)
            self.assertEqual(
                restored(MORE_TEXTS).to_list(), tokenizer(MORE_TEXTS).to_list()
            )
            restored_preprocessor = (
                keras_nlp.tokenizers.BertPreprocessor.from_preset(
                    preset, sequence_length=SEQUENCE_LENGTH
                )
            )
            self.assertIsInstance(
                restored_preprocessor.tokenizer, classes[name]
            )
            inputs = preprocessor(MORE_TEXTS)
            restored_inputs = restored_preprocessor(MORE_TEXTS)
            for key, value in inputs.items():
                self.assertAllEqual(restored_inputs[key], value)
            restored_encoder = keras_nlp.encoders.BertEncoder.from_preset(
                preset
            )
            self.assertAllClose(
                restored_encoder(inputs)["sequence_output"],
                encoder(inputs)["sequence_output"],
                atol=1e-6,
            )
