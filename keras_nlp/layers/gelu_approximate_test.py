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

"""Tests for `gelu_approximate`."""

import json
import math

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops

from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.testing.test_case import TestCase

X = np.linspace(-6.0, 6.0, 241).astype("float32")


def _np_gelu_tanh(x):
    x = x.astype("float64")
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    return 0.5 * x * (1.0 + np.tanh(inner))


def _np_gelu_exact(x):
    erf = np.vectorize(math.erf)
    x = x.astype("float64")
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


class GeluApproximateTest(TestCase):
    def test_matches_numpy_formula(self):
        self.assertAllClose(gelu_approximate(X), _np_gelu_tanh(X), atol=1e-6)

    def test_differs_from_exact_gelu(self):
        approximate = ops.convert_to_numpy(gelu_approximate(X))
        difference = np.abs(approximate - _np_gelu_exact(X))
        self.assertGreater(difference.max(), 1e-4)
        self.assertLess(difference.max(), 1e-3)
        exact = ops.convert_to_numpy(keras.activations.get("gelu")(X))
        self.assertGreater(np.abs(approximate - exact).max(), 1e-4)

    @parameterized.named_parameters(
        ("float16", "float16"), ("bfloat16", "bfloat16")
    )
    def test_keeps_dtype(self, dtype):
        outputs = gelu_approximate(ops.cast(X, dtype))
        self.assertEqual(keras.backend.standardize_dtype(outputs.dtype), dtype)
        self.assertAllClose(
            ops.cast(outputs, "float32"), _np_gelu_tanh(X), atol=5e-2
        )

    def test_registered_name(self):
        self.assertEqual(
            keras.saving.get_registered_name(gelu_approximate),
            "keras_nlp>gelu_approximate",
        )
        self.assertIs(
            keras.saving.get_registered_object("keras_nlp>gelu_approximate"),
            gelu_approximate,
        )
        self.assertIs(
            keras.activations.deserialize("keras_nlp>gelu_approximate"),
            gelu_approximate,
        )
        serialized = keras.activations.serialize(gelu_approximate)
        json.dumps(serialized)
        self.assertIs(keras.activations.get(serialized), gelu_approximate)

    def test_layer_serialization(self):
        layer = keras.layers.Dense(3, activation=gelu_approximate)
        config = keras.layers.serialize(layer)
        restored = keras.layers.deserialize(json.loads(json.dumps(config)))
        self.assertIs(restored.activation, gelu_approximate)
        self.assertIs(
            keras.layers.Dense.from_config(layer.get_config()).activation,
            gelu_approximate,
        )

    def test_saving(self):
        inputs = keras.Input(shape=(4,))
        outputs = keras.layers.Dense(3, activation=gelu_approximate)(inputs)
        model = keras.Model(inputs, outputs)
        data = np.random.uniform(-2.0, 2.0, size=(2, 4)).astype("float32")
        restored = self.run_model_saving_test(model, data)
        self.assertIs(restored.layers[-1].activation, gelu_approximate)
