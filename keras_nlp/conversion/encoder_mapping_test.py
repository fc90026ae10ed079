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

from keras_nlp.conversion import encoder_mapping
from keras_nlp.conversion import pretraining_heads
from keras_nlp.conversion import weight_plan
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.encoders.encoder import Encoder
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


class EncoderMappingTest(TestCase):
    def test_every_weight_has_exactly_one_role(self):
        for encoder in (
            BertEncoder(**TINY),
            BertEncoder(**TINY, embedding_width=4),
            AlbertEncoder(**TINY, embedding_width=4),
        ):
            masked_lm = pretraining_heads.build_masked_lm(encoder, "gelu")
            next_sentence = pretraining_heads.build_next_sentence(encoder)
            slots = encoder_mapping.encoder_slots(encoder)
            slots += pretraining_heads.head_slots(masked_lm, next_sentence)
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
        roles = [r for r, _, _ in encoder_mapping.encoder_slots(encoder)]
        self.assertIn("layer/query/kernel", roles)
        self.assertIn("embeddings/projection/kernel", roles)

    def test_transform_for(self):
        kernel = np.arange(16.0).reshape(4, 4)
        cases = [
            (encoder_mapping.SAME, False, kernel, (4, 4), kernel),
            (encoder_mapping.KERNEL, True, kernel, (4, 4), kernel.T),
            (
                encoder_mapping.HEADS_KERNEL,
                True,
                kernel,
                (4, 2, 2),
                kernel.T.reshape(4, 2, 2),
            ),
            (
                encoder_mapping.HEADS_OUTPUT_KERNEL,
                False,
                kernel,
                (2, 2, 4),
                kernel.reshape(2, 2, 4),
            ),
            (
                encoder_mapping.HEADS_BIAS,
                True,
                np.arange(4.0),
                (2, 2),
                np.arange(4.0).reshape(2, 2),
            ),
        ]
        for kind, transposed, source, shape, expected in cases:
            transform = encoder_mapping.transform_for(kind, transposed)
            self.assertIsInstance(transform, weight_plan.Transform)
            self.assertAllEqual(transform(source, shape), expected)

    def test_check_encoder_class(self):
        for cls in (None, Encoder, AlbertEncoder):
            self.assertIs(
                encoder_mapping.check_encoder_class(cls, "albert", "p", "x"),
                AlbertEncoder,
            )
        with self.assertRaisesRegex(
            ValueError,
            r"'p' holds the source, which loads into a BertEncoder, not an "
            r"AlbertEncoder\. Load it with `keras_nlp\.encoders\.BertEncoder"
            r"\.from_preset\(path\)`",
        ):
            encoder_mapping.check_encoder_class(
                AlbertEncoder, "bert", "p", "the source"
            )

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
        config = encoder_mapping.encoder_config(
            entries.get, activations, "c.json", "bert"
        )
        self.assertEqual(config, expected)
        self.assertEqual(BertEncoder(**config).num_layers, 2)
        config = encoder_mapping.encoder_config(
            entries.get, activations, "c.json", "albert"
        )
        self.assertEqual(config, dict(expected, embedding_width=6))
        with self.assertRaisesRegex(
            ValueError,
            r"Unsupported `hidden_act` in 'c\.json'\. Expected one of "
            r"\['my_gelu'\]\. Received: hidden_act='relu'",
        ):
            encoder_mapping.encoder_config(
                dict(entries, hidden_act="relu").get,
                activations,
                "c.json",
                "bert",
            )

    def test_source_shapes(self):
        class Sources:
            def shape(self, name):
                return {"a": (2, 3), "b": (4, 5)}.get(name)

        names = {
            "role/kept": ("a", False),
            "role/transposed": ("b", True),
            "role/absent": ("c", True),
        }
        shape_of = encoder_mapping.source_shapes(names.get, Sources())
        self.assertEqual(shape_of("role/kept"), (2, 3))
        self.assertEqual(shape_of("role/transposed"), (5, 4))
        self.assertIsNone(shape_of("role/absent"))

    def test_infer_config(self):
        shapes = {
            "embeddings/word": (20, 4),
            "embeddings/position": (8, 4),
            "embeddings/type": (2, 4),
            "layer_0/query/kernel": (128, 128),
            "layer_0/intermediate/kernel": (128, 32),
            "layer_1/query/kernel": (128, 128),
        }
        config, notes = encoder_mapping.infer_config("bert", shapes.get)
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
        config, _ = encoder_mapping.infer_config(
            "bert", shapes.get, {"num_attention_heads": 4}
        )
        self.assertEqual(config["num_attention_heads"], 4)
        with self.assertRaisesRegex(
            ValueError, r"no weight for `layer_0/intermediate/kernel`"
        ):
            del shapes["layer_0/intermediate/kernel"]
            encoder_mapping.infer_config("bert", shapes.get)
