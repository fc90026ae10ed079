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

"""Tests for the encoder constructor argument checks."""

import keras

from keras_nlp.encoders import argument_checks
from keras_nlp.testing.test_case import TestCase


class _Model:
    def __init__(self, vocab_size, num_layers=2, **kwargs):
        pass


class ArgumentChecksTest(TestCase):
    def test_check_unknown_arguments(self):
        argument_checks.check_unknown_arguments(
            _Model, {"name": "m", "trainable": False, "dtype": "float32"}
        )
        with self.assertRaisesRegex(
            TypeError,
            r"_Model got an unexpected keyword argument `num_layer`\. Did "
            r"you mean `num_layers`\? Received: num_layer=1\.",
        ):
            argument_checks.check_unknown_arguments(_Model, {"num_layer": 1})
        with self.assertRaisesRegex(
            TypeError,
            r"`colour`\. Valid arguments: dtype, name, num_layers, "
            r"trainable, vocab_size\.",
        ):
            argument_checks.check_unknown_arguments(_Model, {"colour": 1})

    def test_check_encoder_arguments(self):
        initializer = argument_checks.check_encoder_arguments(
            {"vocab_size": 3, "embedding_width": None},
            {"output_dropout": 0.1},
            hidden_size=8,
            num_attention_heads=2,
            initializer=None,
        )
        self.assertIsInstance(initializer, keras.initializers.TruncatedNormal)
        self.assertAlmostEqual(initializer.stddev, 0.02)
        with self.assertRaisesRegex(ValueError, "must be divisible"):
            argument_checks.check_encoder_arguments({}, {}, 8, 3, None)
        with self.assertRaisesRegex(ValueError, "`vocab_size` must be"):
            argument_checks.check_encoder_arguments(
                {"vocab_size": 0}, {}, 8, 2, None
            )
