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

"""End to end: export to the TF Hub format, use it without keras_nlp.

A BERT (WordPiece) and an ALBERT (SentencePiece) encoder with their
preprocessors are exported with `keras_nlp.conversion.export_tfhub`. A
separate Python process that never imports keras_nlp loads the four
SavedModels with `tf.saved_model.load` and runs raw strings through them;
its outputs must match the Keras preprocessor and encoder, and an
independent NumPy forward pass. `from_preset` then reads the exported
encoders back.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

import keras
import numpy as np
import pytest

import keras_nlp
import keras_nlp.conversion
from keras_nlp.testing import numpy_bert
from keras_nlp.testing import vocabularies
from keras_nlp.testing.test_case import TestCase

SENTENCES = ["The quick brown fox jumped.", "the lazy dog", "Fox!"]
FIRST = ["the quick fox", "a dog"]
SECOND = ["jumped over the lazy dog", "brown"]
WORDPIECE_VOCABULARY = [
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
    "lazy",
    "dog",
    "over",
    "a",
]

# Runs in a fresh interpreter: TensorFlow and tensorflow-text only.
CONSUMER = textwrap.dedent("""
    import json
    import sys

    import numpy as np
    import tensorflow as tf
    import tensorflow_text  # noqa: F401 (registers the string ops)

    request = json.loads(sys.argv[1])
    results = {}
    for name, paths in request["exports"].items():
        preprocessor = tf.saved_model.load(paths["preprocessor"])
        encoder = tf.saved_model.load(paths["encoder"])
        inputs = preprocessor(tf.constant(request["sentences"]))
        outputs = encoder(inputs)
        pairs = preprocessor.bert_pack_inputs(
            [
                preprocessor.tokenize(tf.constant(request["first"])),
                preprocessor.tokenize(tf.constant(request["second"])),
            ],
            seq_length=request["pair_length"],
        )
        specials = preprocessor.tokenize.get_special_tokens_dict()
        for key, value in list(inputs.items()) + list(outputs.items()):
            if key == "encoder_outputs":
                value = tf.stack(value)
            results[f"{name}/{key}"] = value.numpy()
        for key, value in pairs.items():
            results[f"{name}/pair_{key}"] = value.numpy()
        for key, value in specials.items():
            results[f"{name}/special_{key}"] = value.numpy()
        results[f"{name}/do_lower_case"] = encoder.do_lower_case.numpy()
    results["imported_keras_nlp"] = np.array(
        any(m.split(".")[0] == "keras_nlp" for m in sys.modules)
    )
    np.savez(request["output"], **results)
    """)


def _sentence_piece_proto():
    return vocabularies.train_sentence_piece(
        corpus=SENTENCES + FIRST + SECOND + ["the fox and the dog"] * 3,
        vocab_size=40,
    )


def _randomize(encoder, seed):
    rng = np.random.default_rng(seed)
    for weight in encoder.weights:
        value = rng.normal(scale=0.4, size=tuple(weight.shape))
        if weight.path.endswith("gamma"):
            value += 1.0
        weight.assign(value.astype("float32"))


class TfhubExportTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="keras_nlp_tfhub_export_")
        tokenizers = keras_nlp.tokenizers
        wordpiece = tokenizers.BertPreprocessor(
            tokenizers.WordPieceTokenizer(WORDPIECE_VOCABULARY),
            sequence_length=10,
        )
        # As the released ALBERT models: lower-cased, accents stripped.
        spm = tokenizers.SentencePieceTokenizer(
            _sentence_piece_proto(), lowercase=True, strip_accents=True
        )
        sentence_piece = tokenizers.BertPreprocessor(spm, sequence_length=10)
        cls.preprocessors = {"bert": wordpiece, "albert": sentence_piece}
        common = dict(
            hidden_size=8,
            num_attention_heads=2,
            inner_dim=16,
            max_sequence_length=12,
            type_vocab_size=2,
            inner_activation="keras_nlp>gelu_approximate",
        )
        cls.encoders = {
            "bert": keras_nlp.encoders.BertEncoder(
                vocab_size=len(WORDPIECE_VOCABULARY), num_layers=2, **common
            ),
            "albert": keras_nlp.encoders.AlbertEncoder(
                vocab_size=spm.vocab_size(),
                embedding_width=4,
                num_layers=3,
                **common,
            ),
        }
        cls.exports = {}
        for seed, name in enumerate(("bert", "albert")):
            _randomize(cls.encoders[name], seed)
            cls.exports[name] = keras_nlp.conversion.export_tfhub(
                cls.encoders[name],
                cls.preprocessors[name],
                os.path.join(cls.root, name),
            )
        output = os.path.join(cls.root, "results.npz")
        request = {
            "exports": cls.exports,
            "sentences": SENTENCES,
            "first": FIRST,
            "second": SECOND,
            "pair_length": 9,
            "output": output,
        }
        environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        completed = subprocess.run(
            [sys.executable, "-c", CONSUMER, json.dumps(request)],
            capture_output=True,
            text=True,
            cwd=cls.root,
            env=environment,
            timeout=300,
        )
        if completed.returncode != 0:
            raise AssertionError(
                f"The consumer process failed:\n{completed.stderr[-3000:]}"
            )
        with np.load(output) as results:
            cls.results = dict(results)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def _result(self, name, key):
        return self.results[f"{name}/{key}"]

    def test_consumer_did_not_import_keras_nlp(self):
        self.assertFalse(self.results["imported_keras_nlp"])

    def test_preprocessing_matches_keras_preprocessor(self):
        for name, preprocessor in self.preprocessors.items():
            expected = preprocessor(SENTENCES)
            for key, value in expected.items():
                self.assertAllEqual(self._result(name, key), value)
            pair_preprocessor = keras_nlp.tokenizers.BertPreprocessor(
                preprocessor.tokenizer, sequence_length=9
            )
            pairs = pair_preprocessor((FIRST, SECOND))
            for key, value in pairs.items():
                self.assertAllEqual(self._result(name, f"pair_{key}"), value)
            tokenizer = preprocessor.tokenizer
            self.assertEqual(
                self._result(name, "special_start_of_sequence_id"),
                tokenizer.cls_token_id,
            )
            self.assertEqual(
                self._result(name, "special_end_of_segment_id"),
                tokenizer.sep_token_id,
            )
            self.assertEqual(
                self._result(name, "special_padding_id"),
                tokenizer.pad_token_id,
            )
            self.assertEqual(
                self._result(name, "special_vocab_size"),
                tokenizer.vocab_size(),
            )
        # The packed pairs really hold two segments.
        self.assertEqual(self._result("bert", "pair_input_type_ids").max(), 1)

    def test_encoder_matches_keras_and_numpy(self):
        for name, encoder in self.encoders.items():
            inputs = {
                key: self._result(name, key)
                for key in ("input_word_ids", "input_mask", "input_type_ids")
            }
            outputs = {
                key: self._result(name, key)
                for key in ("sequence_output", "pooled_output", "default")
            }
            encoder_outputs = list(self._result(name, "encoder_outputs"))
            keras_outputs = encoder(inputs, training=False)
            self.assertAllClose(
                outputs["sequence_output"],
                keras_outputs["sequence_output"],
                atol=1e-5,
                rtol=1e-5,
            )
            self.assertAllClose(
                outputs["pooled_output"],
                keras_outputs["pooled_output"],
                atol=1e-5,
                rtol=1e-5,
            )
            self.assertAllClose(outputs["default"], outputs["pooled_output"])
            reference = numpy_bert.bert_forward(
                numpy_bert.weights_from_keras_encoder(encoder),
                inputs["input_word_ids"],
                inputs["input_mask"],
                inputs["input_type_ids"],
                num_heads=2,
                activation="gelu_approximate",
                num_layers=encoder.num_layers,
            )
            self.assertAllClose(
                {
                    "sequence_output": outputs["sequence_output"],
                    "pooled_output": outputs["pooled_output"],
                    "encoder_outputs": encoder_outputs,
                },
                reference,
                atol=1e-5,
                rtol=1e-5,
            )

    def test_tokenizer_settings_are_exported(self):
        self.assertTrue(self._result("bert", "do_lower_case"))
        self.assertTrue(self._result("albert", "do_lower_case"))

    def test_from_preset_reads_the_exports_back(self):
        classes = {
            "bert": keras_nlp.encoders.BertEncoder,
            "albert": keras_nlp.encoders.AlbertEncoder,
        }
        inputs = self.preprocessors["bert"](SENTENCES)
        for name, cls in classes.items():
            restored = cls.from_preset(self.exports[name]["encoder"])
            self.assertEqual(
                restored.get_config()["num_layers"],
                self.encoders[name].num_layers,
            )
            for original, loaded in zip(
                self.encoders[name].weights, restored.weights
            ):
                self.assertAllEqual(
                    keras.ops.convert_to_numpy(loaded),
                    keras.ops.convert_to_numpy(original),
                )
            self.assertAllClose(
                restored(inputs, training=False),
                self.encoders[name](inputs, training=False),
            )
        tokenizer = keras_nlp.tokenizers.WordPieceTokenizer.from_preset(
            self.exports["bert"]["encoder"]
        )
        self.assertEqual(tokenizer.get_vocabulary(), WORDPIECE_VOCABULARY)
        self.assertTrue(tokenizer.lowercase)
        spm = keras_nlp.tokenizers.SentencePieceTokenizer.from_preset(
            self.exports["albert"]["encoder"]
        )
        self.assertAllEqual(
            spm(SENTENCES), self.preprocessors["albert"].tokenizer(SENTENCES)
        )


@pytest.mark.large
class MatchesModelGardenPreprocessingTest(TestCase):
    """Our preprocessing export against Model Garden's, on its fixture.

    `tests/fixtures/tfhub_bert_preprocess` was written by tf-models-official's
    `export_tfhub_lib.export_preprocessing` with its outputs; ours, built
    from the same vocabulary, must give the same ids, with `tokenize` of
    shape `(batch, words, pieces)`.
    """

    def test_same_outputs_as_model_garden(self):
        import tensorflow as tf

        fixture = os.path.join(
            os.path.dirname(os.path.abspath(__file__)),
            "fixtures",
            "tfhub_bert_preprocess",
        )
        if not os.path.isdir(fixture):
            self.skipTest("tests/fixtures/ (the fixtures branch) is absent")
        reference = np.load(os.path.join(fixture, "reference_outputs.npz"))
        tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(
            os.path.join(fixture, "assets", "vocab.txt"), lowercase=True
        )
        length = int(reference["seq_length"])
        preprocessor = keras_nlp.tokenizers.BertPreprocessor(
            tokenizer, sequence_length=length
        )
        encoder = keras_nlp.encoders.BertEncoder(
            vocab_size=tokenizer.vocab_size(),
            hidden_size=8,
            num_layers=1,
            num_attention_heads=2,
            inner_dim=16,
            max_sequence_length=length,
        )
        paths = keras_nlp.conversion.export_tfhub(
            encoder, preprocessor, self.get_temp_dir()
        )
        hub = tf.saved_model.load(paths["preprocessor"])
        sentences = tf.constant(reference["sentences"].tolist())
        tokens = hub.tokenize(sentences)
        self.assertEqual(tokens.ragged_rank, 2)
        self.assertAllEqual(tokens.flat_values, reference["tokenize_values"])
        self.assertAllEqual(
            tokens.row_splits, reference["tokenize_row_splits_0"]
        )
        self.assertAllEqual(
            tokens.values.row_splits, reference["tokenize_row_splits_1"]
        )
        outputs = hub(sentences)
        following = tf.constant(np.roll(reference["sentences"], -1).tolist())
        pairs = hub.bert_pack_inputs(
            [tokens, hub.tokenize(following)], seq_length=length
        )
        for name in keras_nlp.encoders.INPUT_NAMES:
            self.assertAllEqual(outputs[name], reference[f"call_{name}"])
            self.assertAllEqual(pairs[name], reference[f"pack_{name}"])
