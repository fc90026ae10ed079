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

"""Tests for the shared argument checks and lookups."""

import keras
import numpy as np

from keras_nlp.layers import layer_utils
from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.testing.test_case import TestCase


class _Layer(keras.layers.Layer):
    def __init__(self, max_length, initializer="zeros", **kwargs):
        layer_utils.check_unknown_arguments(_Layer, kwargs)
        super().__init__(**kwargs)


class LayerUtilsTest(TestCase):
    def test_check_unknown_arguments(self):
        # Every argument of `keras.layers.Layer` passes.
        layer = _Layer(
            4,
            name="layer",
            dtype="float16",
            trainable=False,
            autocast=False,
            activity_regularizer="l2",
        )
        self.assertEqual(layer.name, "layer")
        with self.assertRaisesRegex(
            TypeError,
            r"^_Layer got an unexpected keyword argument `max_len`\. Did "
            r"you mean `max_length`\? Received: max_len=3\.$",
        ):
            _Layer(4, max_len=3)
        with self.assertRaisesRegex(
            TypeError,
            r"`colour`\. Valid arguments: activity_regularizer, autocast, "
            r"dtype, initializer, input_dim, input_shape, max_length, name, "
            r"trainable\.",
        ):
            _Layer(4, colour="red")

    def test_check_positive_int(self):
        layer_utils.check_positive_int("size", 3)
        layer_utils.check_positive_int("size", np.int64(3))
        for value in (0, -1, 2.0, True, "3", None):
            with self.assertRaisesRegex(
                ValueError, r"`size` must be a positive integer.*size="
            ):
                layer_utils.check_positive_int("size", value)

    def test_check_rate(self):
        for value in (0, 0.0, 0.5, np.float32(0.1)):
            layer_utils.check_rate("rate", value)
        for value in (1.0, -0.1, True, "0.1", None):
            with self.assertRaisesRegex(
                ValueError, r"`rate` must be a dropout"
            ):
                layer_utils.check_rate("rate", value)

    def test_check_integer_dtype(self):
        layer_utils.check_integer_dtype("ids", "int64", "integer ids")
        with self.assertRaisesRegex(
            ValueError, r"`ids` must be integer ids\. .*ids\.dtype=float32"
        ):
            layer_utils.check_integer_dtype("ids", "float32", "integer ids")

    def test_get_keras_object(self):
        initializer = layer_utils.get_keras_object(
            keras.initializers.get, "initializer", "init", "zeros"
        )
        self.assertIsInstance(initializer, keras.initializers.Zeros)
        with self.assertRaisesRegex(
            ValueError, r"`init` could not be interpreted.*init='nope'"
        ):
            layer_utils.get_keras_object(
                keras.initializers.get, "initializer", "init", "nope"
            )

    def test_get_activation(self):
        self.assertIs(
            layer_utils.get_activation("act", "keras_nlp>gelu_approximate"),
            gelu_approximate,
        )
        self.assertIs(
            layer_utils.get_activation("act", "relu"), keras.activations.relu
        )
        for value in ("no_such_activation", "keras_nlp>no_such", 3):
            with self.assertRaisesRegex(
                ValueError, r"`act` could not be interpreted as an activation"
            ):
                layer_utils.get_activation("act", value)

    def test_clone_initializer_gives_a_separate_copy(self):
        initializer = keras.initializers.TruncatedNormal(stddev=0.02, seed=3)
        clone = layer_utils.clone_initializer(initializer)
        self.assertIsNot(clone, initializer)
        self.assertEqual(clone.get_config(), initializer.get_config())

    def test_split_mask_argument(self):
        data, mask = np.zeros((2, 3, 4)), np.ones((2, 3, 3))

        def split(*args, **kwargs):
            return layer_utils.split_mask_argument(
                "Layer", "mask", *args, **kwargs
            )

        for inputs, keyword in (
            ([data, mask], None),
            (data, mask),
            ([data], mask),
        ):
            got_data, got_mask = split(inputs, keyword)
            self.assertIs(got_data, data)
            self.assertIs(got_mask, mask)
        self.assertEqual(split(data, None), (data, None))
        # Shapes follow the same convention; one shape is not a list.
        self.assertEqual(
            split([(2, 3, 4), (2, 3, 3)], None), ((2, 3, 4), (2, 3, 3))
        )
        self.assertEqual(split((None, 3, 4), None), ((None, 3, 4), None))
        with self.assertRaisesRegex(ValueError, "the mask at most once"):
            split([data, mask], mask)
        with self.assertRaisesRegex(ValueError, "a list of 3 inputs"):
            split([data, mask, mask], None)
        with self.assertRaisesRegex(ValueError, "`Layer` needs a `mask`"):
            split(data, None, required=True)
