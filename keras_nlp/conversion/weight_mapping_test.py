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

import numpy as np

from keras_nlp.conversion import pretraining_heads
from keras_nlp.conversion import weight_mapping
from keras_nlp.conversion.weight_mapping import FLAT
from keras_nlp.conversion.weight_mapping import KERAS
from keras_nlp.conversion.weight_mapping import TORCH
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing.test_case import TestCase

TINY = {
    "vocab_size": 20,
    "hidden_size": 8,
    "num_layers": 3,
    "num_attention_heads": 2,
    "inner_dim": 16,
    "max_sequence_length": 8,
    "type_vocab_size": 2,
}


class WeightMappingTest(TestCase):
    def test_every_weight_has_exactly_one_role(self):
        for encoder in (
            BertEncoder(**TINY),
            BertEncoder(**TINY, embedding_width=4),
            AlbertEncoder(**TINY, embedding_width=4),
        ):
            masked_lm = pretraining_heads.build_masked_lm(encoder, "gelu")
            next_sentence = pretraining_heads.build_next_sentence(encoder)
            slots = weight_mapping.encoder_slots(encoder)
            slots += weight_mapping.head_slots(masked_lm, next_sentence)
            roles = [role for role, _, _ in slots]
            self.assertEqual(len(roles), len(set(roles)))
            variables = [id(variable) for _, variable, _ in slots]
            self.assertEqual(len(variables), len(set(variables)))
            expected = {
                id(w)
                for w in encoder.weights
                + masked_lm.weights
                + next_sentence.weights
            }
            self.assertEqual(set(variables), expected)
        roles = [r for r, _, _ in weight_mapping.encoder_slots(encoder)]
        self.assertIn("layer/query/kernel", roles)
        self.assertIn("embeddings/projection/kernel", roles)

    def test_layouts(self):
        kernel = np.arange(16.0).reshape(4, 4)  # [in, out] = [H, N * D]
        cases = [
            # kind, layout, source, target shape, expected.
            (weight_mapping.SAME, TORCH, kernel, (4, 4), kernel),
            (weight_mapping.KERNEL, FLAT, kernel, (4, 4), kernel),
            (weight_mapping.KERNEL, TORCH, kernel.T, (4, 4), kernel),
            (
                weight_mapping.HEADS_KERNEL,
                FLAT,
                kernel,
                (4, 2, 2),
                kernel.reshape(4, 2, 2),
            ),
            (
                weight_mapping.HEADS_KERNEL,
                TORCH,
                kernel.T,
                (4, 2, 2),
                kernel.reshape(4, 2, 2),
            ),
            (
                weight_mapping.HEADS_OUTPUT_KERNEL,
                TORCH,
                kernel.T,
                (2, 2, 4),
                kernel.reshape(2, 2, 4),
            ),
            (
                weight_mapping.HEADS_BIAS,
                TORCH,
                np.arange(4.0),
                (2, 2),
                np.arange(4.0).reshape(2, 2),
            ),
            (
                weight_mapping.HEADS_KERNEL,
                KERAS,
                kernel.reshape(4, 2, 2),
                (4, 2, 2),
                kernel.reshape(4, 2, 2),
            ),
        ]
        for kind, layout, source, target_shape, expected in cases:
            self.assertEqual(
                weight_mapping.source_shape(kind, layout, target_shape),
                source.shape,
            )
            self.assertAllEqual(
                weight_mapping.to_keras(source, kind, layout, target_shape),
                expected,
            )

    def _dense(self):
        import keras

        dense = keras.layers.Dense(3, name="dense")
        dense.build((None, 2))
        dense.kernel.assign(np.full((2, 3), 7.0))
        slots = [
            ("dense/kernel", dense.kernel, weight_mapping.KERNEL),
            ("dense/bias", dense.bias, weight_mapping.SAME),
        ]
        return dense, slots

    def test_assign_weights(self):
        dense, slots = self._dense()
        arrays = {
            "d/weight": np.arange(6.0).reshape(3, 2),  # PyTorch [out, in].
            "d/bias": np.ones(3, "float16"),
            "global_step": np.array(10),
        }
        names = {"dense/kernel": "d/weight", "dense/bias": "d/bias"}
        summary = weight_mapping.assign_weights(
            arrays,
            lambda role: (names[role], TORCH),
            slots,
            [(r"^global_step$", "step counter")],
            "the source",
            "Dense",
        )
        self.assertEqual(summary, {"loaded": 2, "skipped": {"step counter": 1}})
        self.assertAllEqual(dense.kernel, np.arange(6.0).reshape(3, 2).T)
        self.assertAllEqual(dense.bias, np.ones(3))

    def test_errors_leave_every_weight_unchanged(self):
        names = {"dense/kernel": "kernel", "dense/bias": "bias"}
        cases = [
            (
                {"kernel": np.ones((2, 3)), "extra": np.ones(2)},
                r"(?s)Missing arrays \(1\):\n- `bias` \(for the weight "
                r"`dense/bias` \[3\]\).*neither loaded nor skipped by a rule "
                r"\(1\):\n- `extra` \[2\] float64",
            ),
            (
                {"kernel": np.ones((3, 2)), "bias": np.ones(3)},
                r"`kernel` has shape \[3, 2\], but the weight `dense/kernel` "
                r"\[2, 3\] needs \[2, 3\]",
            ),
            (
                # A counter or flag is never a weight, even if it fits.
                {"kernel": np.ones((2, 3), "int64"), "bias": np.ones(3, bool)},
                r"(?s)Non-floating arrays \(2\):\n- `kernel` is a int64 "
                r"array, but the weight `dense/kernel` is floating point.*"
                r"`bias` is a bool array",
            ),
        ]
        for arrays, message in cases:
            dense, slots = self._dense()
            with self.assertRaisesRegex(ValueError, message):
                weight_mapping.assign_weights(
                    arrays,
                    lambda role: (names[role], FLAT),
                    slots,
                    [],
                    "the source",
                    "Dense",
                )
            self.assertAllEqual(dense.kernel, np.full((2, 3), 7.0))
            self.assertAllEqual(dense.bias, np.zeros(3))

    def test_source_arrays_read_on_access(self):
        reads = []
        arrays = weight_mapping.SourceArrays(
            {"a": (2,)}, {"a": np.float32}, lambda n: reads.append(n) or [1, 2]
        )
        self.assertEqual(arrays.shape("a"), (2,))
        self.assertIsNone(arrays.shape("b"))
        self.assertEqual(arrays.dtypes, {"a": "float32"})
        self.assertEqual(reads, [])
        self.assertAllEqual(arrays["a"], [1, 2])
        self.assertEqual(reads, ["a"])

    def test_encoder_config(self):
        entries = {
            "vocab_size": 30,
            "hidden_size": 12,
            "num_hidden_layers": 2,
            "num_attention_heads": 3,
            "max_position_embeddings": 10,
            "type_vocab_size": 4,
            "intermediate_size": 24,
            "hidden_act": "my_gelu",
            "hidden_dropout_prob": 0.0,
            "attention_probs_dropout_prob": 0.2,
            "initializer_range": 0.5,
            "embedding_size": 6,
        }
        activations = {"my_gelu": "gelu"}
        expected = {
            "vocab_size": 30,
            "hidden_size": 12,
            "num_layers": 2,
            "num_attention_heads": 3,
            "max_sequence_length": 10,
            "type_vocab_size": 4,
            "inner_dim": 24,
            "inner_activation": "gelu",
            "output_dropout": 0.0,
            "attention_dropout": 0.2,
            "initializer": {
                "class_name": "TruncatedNormal",
                "config": {"stddev": 0.5},
            },
        }
        config = weight_mapping.encoder_config(
            entries.get, activations, "c.json", "bert"
        )
        self.assertEqual(config, expected)
        self.assertEqual(BertEncoder(**config).num_layers, 2)
        config = weight_mapping.encoder_config(
            entries.get, activations, "c.json", "albert"
        )
        self.assertEqual(config, dict(expected, embedding_width=6))
        with self.assertRaisesRegex(
            ValueError,
            r"Unsupported `hidden_act` in 'c\.json'\. Expected one of "
            r"\['my_gelu'\]\. Received: hidden_act='relu'",
        ):
            weight_mapping.encoder_config(
                dict(entries, hidden_act="relu").get,
                activations,
                "c.json",
                "bert",
            )

    def test_infer_config(self):
        shapes = {
            "embeddings/word": (20, 4),
            "embeddings/position": (8, 4),
            "embeddings/type": (2, 4),
            "layer_0/query/kernel": (128, 128),
            "layer_0/intermediate/kernel": (32, 128),  # PyTorch [out, in].
            "layer_1/query/kernel": (128, 128),
        }
        arrays = weight_mapping.SourceArrays(shapes, {}, None)
        names = lambda role: (role, TORCH)  # noqa: E731
        config, notes = weight_mapping.infer_config("bert", names, arrays)
        self.assertEqual(
            config,
            {
                "vocab_size": 20,
                "hidden_size": 128,
                "max_sequence_length": 8,
                "type_vocab_size": 2,
                "inner_dim": 32,
                "inner_activation": "keras_nlp>gelu_approximate",
                "embedding_width": 4,
                "num_layers": 2,
                "num_attention_heads": 2,
            },
        )
        self.assertLen(notes, 2)
        config, _ = weight_mapping.infer_config(
            "bert", names, arrays, {"num_attention_heads": 4}
        )
        self.assertEqual(config["num_attention_heads"], 4)
        albert = {k.replace("layer_0", "layer"): v for k, v in shapes.items()}
        with self.assertRaisesRegex(ValueError, "Cannot infer `num_layers`"):
            weight_mapping.infer_config(
                "albert", names, weight_mapping.SourceArrays(albert, {}, None)
            )
        del shapes["layer_0/intermediate/kernel"]
        arrays = weight_mapping.SourceArrays(shapes, {}, None)
        with self.assertRaisesRegex(
            ValueError, r"no `layer_0/intermediate/kernel`"
        ):
            weight_mapping.infer_config("bert", names, arrays)
