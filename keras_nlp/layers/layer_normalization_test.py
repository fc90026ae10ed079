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

"""Tests for the `LayerNormalization` with a hand-written gradient."""

import keras
import numpy as np
from keras import ops

from keras_nlp.layers.layer_normalization import LayerNormalization
from keras_nlp.testing.test_case import TestCase

EPSILON = 1e-12
ROWS, WIDTH = 6, 16


def _np_layer_norm(x, gamma, beta, epsilon=EPSILON):
    x = x.astype("float64")
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def _np_numerical_gradients(x, gamma, beta, weights, step=1e-6):
    """Central differences of `sum(layer_norm(x) * weights)`, float64."""

    def loss(x, gamma, beta):
        return float((_np_layer_norm(x, gamma, beta) * weights).sum())

    arrays = [a.astype("float64") for a in (x, gamma, beta)]
    gradients = []
    for index in range(3):
        gradient = np.zeros_like(arrays[index])
        for position in np.ndindex(arrays[index].shape):
            shifted = []
            for sign in (1, -1):
                moved = [a.copy() for a in arrays]
                moved[index][position] += sign * step
                shifted.append(loss(*moved))
            gradient[position] = (shifted[0] - shifted[1]) / (2 * step)
        gradients.append(gradient)
    return gradients


def _sgd_gradients(layer, x, weights):
    """Gradients of `sum(layer(x) * weights)` w.r.t. x, gamma and beta.

    Backend-agnostic: `x` is the table of an embedding looked up at
    `0..rows-1`, and one SGD step with learning rate 1 moves every weight by
    minus its gradient.
    """
    ids = keras.Input(shape=(x.shape[0],), dtype="int32")
    embedding = keras.layers.Embedding(x.shape[0], x.shape[1])
    model = keras.Model(ids, layer(embedding(ids)))
    embedding.set_weights([x])
    before = [np.array(v) for v in (x, *layer.get_weights())]

    def loss(y_true, y_pred):
        return ops.sum(y_true * y_pred, axis=(1, 2))

    model.compile(optimizer=keras.optimizers.SGD(1.0), loss=loss)
    model.train_on_batch(
        np.arange(x.shape[0])[None].astype("int32"), weights[None]
    )
    after = [embedding.get_weights()[0], *layer.get_weights()]
    return [b - a for b, a in zip(before, after)]


class LayerNormalizationTest(TestCase):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(0)
        self.x = (rng.normal(size=(ROWS, WIDTH)) * 3 + 1).astype("float32")
        self.gamma = rng.normal(size=(WIDTH,)).astype("float32")
        self.beta = rng.normal(size=(WIDTH,)).astype("float32")
        self.weights = rng.normal(size=(ROWS, WIDTH)).astype("float32")

    def _layer(self, **kwargs):
        layer = LayerNormalization(epsilon=EPSILON, **kwargs)
        layer.build((None, ROWS, WIDTH))
        layer.set_weights([self.gamma, self.beta])
        return layer

    def test_matches_numpy_reference(self):
        outputs = self._layer()(self.x[None])
        self.assertAllClose(
            outputs,
            _np_layer_norm(self.x, self.gamma, self.beta)[None],
            atol=1e-5,
        )

    def test_gradients_match_finite_differences(self):
        expected = _np_numerical_gradients(
            self.x, self.gamma, self.beta, self.weights
        )
        actual = _sgd_gradients(self._layer(), self.x, self.weights)
        for name, a, e in zip(("x", "gamma", "beta"), actual, expected):
            self.assertAllClose(a, e, atol=2e-4, rtol=1e-4, msg=name)

    def test_mixed_precision_computes_in_float32(self):
        layer = self._layer(dtype="mixed_bfloat16")
        outputs = layer(ops.cast(self.x[None], "bfloat16"))
        self.assertEqual(
            keras.backend.standardize_dtype(outputs.dtype), "bfloat16"
        )
        self.assertEqual(layer.gamma.dtype, "float32")
        reference = _np_layer_norm(
            ops.convert_to_numpy(
                ops.cast(ops.cast(self.x, "bfloat16"), "float32")
            ),
            self.gamma,
            self.beta,
        )
        self.assertAllClose(
            ops.cast(outputs, "float32")[0], reference, atol=3e-2, rtol=1e-2
        )

    def test_other_axes_and_options_run_keras_layer_norm(self):
        inputs = self.x.reshape(2, 3, WIDTH)
        for kwargs in ({"axis": [1, 2]}, {"center": False}, {"scale": False}):
            ours = LayerNormalization(epsilon=1e-3, **kwargs)
            theirs = keras.layers.LayerNormalization(epsilon=1e-3, **kwargs)
            self.assertAllClose(ours(inputs), theirs(inputs), atol=1e-6)

    def test_configuration_and_weights_are_keras_ones(self):
        layer = self._layer(name="output_layer_norm")
        self.assertEqual(
            [w.path for w in layer.weights],
            ["output_layer_norm/gamma", "output_layer_norm/beta"],
        )
        restored = keras.layers.deserialize(keras.layers.serialize(layer))
        self.assertIsInstance(restored, LayerNormalization)
        self.assertEqual(restored.get_config(), layer.get_config())
        keras_layer = keras.layers.LayerNormalization.from_config(
            layer.get_config()
        )
        keras_layer.build((None, ROWS, WIDTH))
        keras_layer.set_weights(layer.get_weights())
        self.assertAllClose(
            keras_layer(self.x[None]), layer(self.x[None]), atol=1e-5
        )
