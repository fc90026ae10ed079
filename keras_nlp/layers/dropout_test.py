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

"""Tests for the `Dropout` whose random bits are hashed."""

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops

from keras_nlp.layers.dropout import Dropout
from keras_nlp.testing.test_case import TestCase

# A BERT attention-probability shape: (batch, heads, query, key).
SHAPE = (16, 4, 128, 128)


def _inputs(shape=SHAPE, dtype="float32"):
    # Values in [1, 2): a kept element is never 0.
    rng = np.random.default_rng(0)
    return (1.0 + rng.random(shape)).astype(dtype)


class DropoutTest(TestCase):
    def test_drops_the_rate_and_scales_the_rest(self):
        inputs = _inputs()
        outputs = ops.convert_to_numpy(
            Dropout(0.1, seed=3)(inputs, training=True)
        )
        dropped = outputs == 0
        # 0.1 rounded to a multiple of 1/65536, computed here on its own
        # (on PyTorch, Keras' dropout runs, with the rate as given).
        rate = 0.1 if keras.config.backend() == "torch" else 6554 / 65536
        # Each half of the last axis comes from other bits of the random
        # integers (the low and the high 16); both must drop at the rate.
        # The standard error of each fraction is about 3e-4.
        for part in (dropped[..., :64], dropped[..., 64:]):
            self.assertAlmostEqual(part.mean(), rate, delta=2e-3)
        kept = ~dropped
        np.testing.assert_allclose(
            outputs[kept], inputs[kept] / (1 - rate), rtol=1e-6
        )
        # The mean is kept: E[output] = input.
        self.assertAlmostEqual(
            float(outputs.mean() / inputs.mean()), 1.0, delta=3e-3
        )

    def test_decisions_are_independent(self):
        dropped = (
            ops.convert_to_numpy(
                Dropout(0.5, seed=1)(_inputs((4096, 64)), training=True)
            )
            == 0
        ).astype("float64")
        # The element j and the element j + 32 share a random integer.
        pairs = np.corrcoef(dropped[:, :32].ravel(), dropped[:, 32:].ravel())
        neighbours = np.corrcoef(dropped[:, 0], dropped[:, 1])
        rows = np.corrcoef(dropped[:-1].ravel(), dropped[1:].ravel())
        for correlation in (pairs[0, 1], neighbours[0, 1], rows[0, 1]):
            self.assertLess(abs(correlation), 0.03)
        # Rate 0.5: the low and high 16 bits split at 32768 and 0.
        for part in (dropped[:, :32], dropped[:, 32:]):
            self.assertAlmostEqual(part.mean(), 0.5, delta=5e-3)

    def test_rows_do_not_repeat_each_other_shifted(self):
        # Each row's words hash one random key per row. Had they hashed
        # key + column, two rows whose keys differ by less than the width
        # would repeat each other's decisions shifted by that difference
        # (about 64 such pairs among these rows). At rate 0.5 the low half
        # of a row is 64 random bits; any 48 consecutive of them, taken at
        # any of the 17 offsets of any row, occur only once (the chance of
        # a repeat among independent bits is about 0.002).
        dropped = (
            ops.convert_to_numpy(
                Dropout(0.5, seed=11)(_inputs((65536, 128)), training=True)
            )
            == 0
        )
        low = dropped[:, :64].astype("uint64")
        words = (low << np.arange(64, dtype="uint64")).sum(
            axis=1, dtype="uint64"
        )
        mask = np.uint64((1 << 48) - 1)
        windows = np.concatenate(
            [(words >> np.uint64(shift)) & mask for shift in range(17)]
        )
        self.assertEqual(len(np.unique(windows)), len(windows))

    def test_new_mask_each_call_and_reproducible_from_the_seed(self):
        inputs = _inputs((64, 128))
        layer = Dropout(0.1, seed=7)
        first = ops.convert_to_numpy(layer(inputs, training=True))
        second = ops.convert_to_numpy(layer(inputs, training=True))
        self.assertFalse(np.array_equal(first == 0, second == 0))
        again = ops.convert_to_numpy(
            Dropout(0.1, seed=7)(inputs, training=True)
        )
        np.testing.assert_array_equal(first, again)

    @parameterized.named_parameters(("odd", (300, 33)), ("one", (5000, 1)))
    def test_odd_last_dimension(self, shape):
        inputs = _inputs(shape)
        outputs = ops.convert_to_numpy(
            Dropout(0.2, seed=2)(inputs, training=True)
        )
        self.assertEqual(outputs.shape, shape)
        self.assertAlmostEqual((outputs == 0).mean(), 0.2, delta=0.02)

    def test_inference_and_rate_zero_return_the_inputs(self):
        inputs = _inputs((8, 16))
        np.testing.assert_array_equal(
            ops.convert_to_numpy(Dropout(0.1)(inputs)), inputs
        )
        np.testing.assert_array_equal(
            ops.convert_to_numpy(Dropout(0.1)(inputs, training=False)), inputs
        )
        np.testing.assert_array_equal(
            ops.convert_to_numpy(Dropout(0.0)(inputs, training=True)), inputs
        )

    @parameterized.named_parameters(
        # 0.001 would round to 66/65536 = 0.0010071, 0.7% away.
        ("small_rate", 0.001, None),
        ("rate_one", 1.0, None),
        ("noise_shape", 0.1, (8, 1)),
    )
    def test_keras_dropout_where_rounding_or_noise_shape(self, rate, noise):
        inputs = _inputs((8, 4096))
        ours = Dropout(rate, noise_shape=noise, seed=5)(inputs, training=True)
        theirs = keras.layers.Dropout(rate, noise_shape=noise, seed=5)(
            inputs, training=True
        )
        np.testing.assert_array_equal(
            ops.convert_to_numpy(ours), ops.convert_to_numpy(theirs)
        )

    def test_keeps_dtype_and_configuration(self):
        inputs = ops.cast(_inputs((32, 64)), "bfloat16")
        outputs = Dropout(0.1, seed=1, dtype="mixed_bfloat16")(
            inputs, training=True
        )
        self.assertEqual(
            keras.backend.standardize_dtype(outputs.dtype), "bfloat16"
        )
        layer = Dropout(0.3, seed=4, name="drop")
        restored = keras.layers.deserialize(keras.layers.serialize(layer))
        self.assertIsInstance(restored, Dropout)
        self.assertEqual(restored.get_config(), layer.get_config())

    def test_invalid_rate_is_refused(self):
        with self.assertRaisesRegex(ValueError, "rate"):
            Dropout(1.5)
