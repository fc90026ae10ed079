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

import json
import os

import keras
import numpy as np
from absl.testing import parameterized
from safetensors.numpy import save_file

from keras_nlp.conversion import loading
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.testing import checkpoints
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import TestCase

CONFIGS = {"bert": checkpoints.TINY_BERT, "albert": checkpoints.TINY_ALBERT}
INPUTS = checkpoints.random_inputs(checkpoints.TINY_BERT)


def _reference(arrays, family, activation, prefix=True, config=None):
    config = config or CONFIGS[family]
    return numpy_bert.bert_forward(
        checkpoints.reference_from_huggingface(
            arrays, family, config["num_layers"], prefix
        ),
        INPUTS["input_word_ids"],
        INPUTS["input_mask"],
        INPUTS["input_type_ids"],
        num_heads=config["num_attention_heads"],
        activation=activation,
        num_layers=config["num_layers"],
    )


class HuggingFaceTest(TestCase):
    def _write(self, family, arrays, name="model", **kwargs):
        directory = os.path.join(self.get_temp_dir(), name)
        return checkpoints.write_huggingface_directory(
            directory, family, CONFIGS[family], arrays, **kwargs
        )

    @parameterized.named_parameters(
        ("bert", "bert", True, "gelu", "gelu"),
        ("bert_without_prefix", "bert", False, "gelu", "gelu"),
        ("bert_gelu_new", "bert", True, "gelu_new", "gelu_approximate"),
        ("albert", "albert", True, "gelu_new", "gelu_approximate"),
        ("albert_without_prefix", "albert", False, "gelu", "gelu"),
    )
    def test_matches_numpy_reference(
        self, family, prefix, hidden_act, activation
    ):
        arrays = checkpoints.huggingface_arrays(
            family, CONFIGS[family], with_heads=prefix, prefix=prefix
        )
        path = self._write(family, arrays, hidden_act=hidden_act)
        loaded = loading.load_checkpoint(path)
        encoder = loaded.encoder
        expected_class = AlbertEncoder if family == "albert" else BertEncoder
        self.assertIsInstance(encoder, expected_class)
        if activation == "gelu_approximate":
            self.assertIs(encoder.inner_activation, gelu_approximate)
        else:
            self.assertIs(encoder.inner_activation, keras.activations.gelu)
        expected = _reference(arrays, family, activation, prefix)
        self.assertAllClose(encoder(INPUTS), expected, atol=1e-5, rtol=0)
        skipped = loaded.summary["skipped"]
        self.assertEqual(skipped["non-trainable buffer"], 1)
        if prefix:
            # 7 head arrays, the tied decoder weight and bias.
            self.assertEqual(skipped["pretraining head not requested"], 9)

    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_heads_match_numpy_reference(self, family):
        arrays = checkpoints.huggingface_arrays(family, CONFIGS[family])
        path = self._write(family, arrays, hidden_act="gelu_new")
        loaded = loading.load_checkpoint(path, with_mlm_head=True)
        self.assertEqual(
            loaded.summary["skipped"],
            {
                "non-trainable buffer": 1,
                "tied to the word embeddings": 1,
                "duplicate of the output bias": 1,
            },
        )
        outputs = loaded.encoder(INPUTS)
        positions = np.array([[0, 3], [1, 2]], dtype="int32")
        logits = loaded.masked_lm(
            outputs["sequence_output"], masked_positions=positions
        )
        expected = _reference(arrays, family, "gelu_approximate")
        if family == "albert":
            head, bias, sentence = (
                "predictions.",
                "predictions.bias",
                "sop_classifier.classifier.",
            )
        else:
            head, bias, sentence = (
                "cls.predictions.transform.",
                "cls.predictions.bias",
                "cls.seq_relationship.",
            )
        gathered = np.take_along_axis(
            expected["sequence_output"], positions[..., None], axis=1
        )
        hidden = numpy_bert.gelu(
            gathered @ arrays[head + "dense.weight"].T
            + arrays[head + "dense.bias"],
            approximate=True,
        )
        hidden = numpy_bert.layer_norm(
            hidden,
            arrays[head + "LayerNorm.weight"],
            arrays[head + "LayerNorm.bias"],
            1e-12,
        )
        word = arrays[f"{family}.embeddings.word_embeddings.weight"]
        self.assertAllClose(
            logits, hidden @ word.T + arrays[bias], atol=1e-5, rtol=0
        )
        self.assertAllClose(
            loaded.next_sentence(outputs["pooled_output"]),
            expected["pooled_output"] @ arrays[sentence + "weight"].T
            + arrays[sentence + "bias"],
            atol=1e-5,
            rtol=0,
        )

    def test_untied_decoder_is_an_error(self):
        arrays = checkpoints.huggingface_arrays("bert", CONFIGS["bert"])
        arrays["cls.predictions.decoder.weight"] = (
            arrays["cls.predictions.decoder.weight"] + 1.0
        )
        path = self._write("bert", arrays)
        # Without the head, the decoder is skipped with the head.
        loading.load_checkpoint(path)
        with self.assertRaisesRegex(
            ValueError,
            r"`cls\.predictions\.decoder\.weight`.*differs from "
            r"`bert\.embeddings\.word_embeddings\.weight`.*unties",
        ):
            loading.load_checkpoint(path, with_mlm_head=True)

    def test_legacy_layer_norm_names(self):
        arrays = checkpoints.huggingface_arrays(
            "bert", CONFIGS["bert"], with_heads=False
        )
        renamed = {}
        for name, value in arrays.items():
            if "LayerNorm." in name:
                name = name.replace(".weight", ".gamma").replace(
                    ".bias", ".beta"
                )
            renamed[name] = value
        path = self._write("bert", renamed)
        loaded = loading.load_checkpoint(path)
        expected = _reference(arrays, "bert", "gelu")
        self.assertAllClose(loaded.encoder(INPUTS), expected, atol=1e-5, rtol=0)

    def test_half_precision_and_shards(self):
        arrays = checkpoints.huggingface_arrays(
            "bert", CONFIGS["bert"], with_heads=False
        )
        half = {
            name: value.astype("float16") if value.dtype.kind == "f" else value
            for name, value in arrays.items()
        }
        path = self._write("bert", half)
        os.remove(os.path.join(path, "model.safetensors"))
        names = sorted(half)
        shards = {
            "model-00001-of-00002.safetensors": names[: len(names) // 2],
            "model-00002-of-00002.safetensors": names[len(names) // 2 :],
        }
        weight_map = {}
        for shard, shard_names in shards.items():
            save_file(
                {name: half[name] for name in shard_names},
                os.path.join(path, shard),
            )
            weight_map.update({name: shard for name in shard_names})
        with open(os.path.join(path, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {}, "weight_map": weight_map}, f)
        loaded = loading.load_checkpoint(path)
        self.assertEqual(
            keras.backend.standardize_dtype(loaded.encoder.weights[0].dtype),
            "float32",
        )
        expected = _reference(
            {k: v.astype("float32") for k, v in half.items()}, "bert", "gelu"
        )
        self.assertAllClose(loaded.encoder(INPUTS), expected, atol=1e-5, rtol=0)

        os.remove(os.path.join(path, "model-00002-of-00002.safetensors"))
        with self.assertRaisesRegex(
            ValueError, r"lists shards that are absent.*00002"
        ):
            loading.load_checkpoint(path)

    def test_pickled_weights_are_refused(self):
        path = os.path.join(self.get_temp_dir(), "pytorch")
        os.makedirs(path)
        with open(os.path.join(path, "config.json"), "w") as file:
            json.dump(
                checkpoints.huggingface_config("bert", CONFIGS["bert"]), file
            )
        with open(os.path.join(path, "pytorch_model.bin"), "wb") as file:
            file.write(b"not unpickled")
        self.assertEqual(loading.detect_format(path), "huggingface")
        with self.assertRaisesRegex(
            ValueError,
            r"no safetensors weights.*never a pickled `pytorch_model\.bin`"
            r".*safe_serialization=True",
        ):
            loading.load_checkpoint(path)

    def test_weight_errors_name_every_array(self):
        arrays = checkpoints.huggingface_arrays(
            "bert", CONFIGS["bert"], with_heads=False
        )
        del arrays["bert.encoder.layer.0.output.dense.bias"]
        arrays["bert.encoder.layer.0.attention.self.key.weight"] = np.zeros(
            (8, 6), "float32"
        )
        arrays["bert.encoder.layer.0.attention.self.rotary.weight"] = np.zeros(
            (8,), "float32"
        )
        path = self._write("bert", arrays)
        with self.assertRaisesRegex(
            ValueError, "Nothing was loaded"
        ) as context:
            loading.load_checkpoint(path)
        message = str(context.exception)
        for fragment in (
            "`bert.encoder.layer.0.attention.self.key.weight` has shape "
            "[8, 6], but the weight `transformer_layer_0/key_dense/"
            "kernel` [8, 2, 4] needs [8, 8]",
            "`bert.encoder.layer.0.output.dense.bias` (for the weight "
            "`transformer_layer_0/output_dense/bias` [8]) is not in",
            "neither loaded nor skipped by a rule (1):\n"
            "- `bert.encoder.layer.0.attention.self.rotary.weight` [8]",
        ):
            self.assertIn(fragment, message)

    def test_task_heads_are_skipped_by_rule(self):
        arrays = checkpoints.huggingface_arrays(
            "bert", CONFIGS["bert"], with_heads=False
        )
        arrays["classifier.weight"] = np.zeros((3, 8), "float32")
        arrays["classifier.bias"] = np.zeros((3,), "float32")
        loaded = loading.load_checkpoint(self._write("bert", arrays))
        self.assertEqual(loaded.summary["skipped"]["fine-tuning task head"], 2)

    def test_config_inferred_without_config_json(self):
        config = dict(CONFIGS["bert"], hidden_size=128, inner_dim=32)
        arrays = checkpoints.huggingface_arrays(
            "bert", config, with_heads=False, prefix=False
        )
        path = checkpoints.write_huggingface_directory(
            os.path.join(self.get_temp_dir(), "bare"),
            "bert",
            config,
            arrays,
            write_config=False,
        )
        self.assertEqual(loading.detect_format(path), "huggingface")
        loaded = loading.load_checkpoint(path)
        self.assertEqual(loaded.encoder.num_attention_heads, 2)
        self.assertEqual(loaded.encoder.num_layers, 2)
        self.assertIs(loaded.encoder.inner_activation, keras.activations.gelu)
        self.assertTrue(any("transformers default" in n for n in loaded.notes))
        expected = _reference(arrays, "bert", "gelu", False, config)
        self.assertAllClose(loaded.encoder(INPUTS), expected, atol=1e-5, rtol=0)

    def test_unsupported_models_are_errors(self):
        arrays = checkpoints.huggingface_arrays(
            "bert", CONFIGS["bert"], with_heads=False
        )
        path = self._write("bert", arrays)
        config_path = os.path.join(path, "config.json")
        source = checkpoints.huggingface_config("bert", CONFIGS["bert"])
        cases = [
            (
                dict(source, model_type="roberta", architectures=["Roberta"]),
                r"BERT and ALBERT models only.*model_type='roberta'",
            ),
            (
                dict(source, position_embedding_type="relative_key"),
                r"`position_embedding_type` must be 'absolute'",
            ),
            (dict(source, hidden_act="quick_gelu"), "Unsupported `hidden_act`"),
            (dict(source, model_type="albert"), "hold no ALBERT word"),
        ]
        for config, message in cases:
            with open(config_path, "w") as file:
                json.dump(config, file)
            with self.assertRaisesRegex(ValueError, message):
                loading.load_checkpoint(path)
        with open(config_path, "w") as file:
            file.write("{")
        with self.assertRaisesRegex(ValueError, "is not valid JSON"):
            loading.load_checkpoint(path)

    def test_wrong_encoder_class_is_an_error(self):
        arrays = checkpoints.huggingface_arrays(
            "albert", CONFIGS["albert"], with_heads=False
        )
        path = self._write("albert", arrays)
        with self.assertRaisesRegex(
            ValueError, r"loads into an AlbertEncoder, not a BertEncoder"
        ):
            loading.load_checkpoint(path, cls=BertEncoder)

    def test_detection(self):
        directory = self.get_temp_dir()
        self.assertIsNone(loading.detect_format(directory))
        self.assertIsNone(loading.detect_format(os.path.join(directory, "x")))
        # A keras_nlp preset also has a config.json.
        preset = os.path.join(directory, "preset")
        BertEncoder(**CONFIGS["bert"]).save_to_preset(preset)
        self.assertEqual(loading.detect_format(preset), "keras_nlp_preset")

    def test_corrupted_safetensors_names_the_file(self):
        arrays = checkpoints.huggingface_arrays(
            "bert", CONFIGS["bert"], with_heads=False
        )
        path = self._write("bert", arrays)
        weights = os.path.join(path, "model.safetensors")
        size = os.path.getsize(weights)
        with open(weights, "r+b") as file:
            file.truncate(size - 100)
        with self.assertRaisesRegex(
            ValueError,
            r"Cannot read the safetensors file '.*model\.safetensors'.*"
            r"truncated or corrupted",
        ):
            loading.load_checkpoint(path)
