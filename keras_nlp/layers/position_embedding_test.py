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

"""Tests for `PositionEmbedding`."""

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops

from keras_nlp.layers.position_embedding import PositionEmbedding
from keras_nlp.testing.test_case import TestCase

MAX_LENGTH = 8
WIDTH = 4


def _embeddings(length, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(size=(2, length, WIDTH)).astype("float32")


class PositionEmbeddingTest(TestCase):
    def test_layer_behaviors(self):
        self.run_layer_test(
            cls=PositionEmbedding,
            init_kwargs={"max_length": MAX_LENGTH},
            input_data=_embeddings(6),
            expected_output_shape=(2, 6, WIDTH),
            expected_output_dtype="float32",
            expected_num_trainable_weights=1,
        )

    def test_saving(self):
        self.run_saving_test(
            cls=PositionEmbedding,
            init_kwargs={"max_length": MAX_LENGTH},
            input_data=_embeddings(6),
        )

    def test_weight_name_and_shape(self):
        layer = PositionEmbedding(MAX_LENGTH)
        layer.build((2, 6, WIDTH))
        self.assertEqual(layer.position_embeddings.name, "position_embeddings")
        self.assertEqual(
            tuple(layer.position_embeddings.shape), (MAX_LENGTH, WIDTH)
        )

    def test_dynamic_sequence_length(self):
        inputs = keras.Input(shape=(None, WIDTH))
        layer = PositionEmbedding(MAX_LENGTH)
        outputs = layer(inputs)
        self.assertEqual(tuple(outputs.shape), (None, None, WIDTH))
        model = keras.Model(inputs, outputs)
        table = ops.convert_to_numpy(layer.position_embeddings)
        for length in (3, MAX_LENGTH):
            expected = np.broadcast_to(table[:length], (2, length, WIDTH))
            self.assertAllClose(model(_embeddings(length)), expected)

    def test_output_is_table_prefix_broadcast(self):
        table = np.random.default_rng(1).normal(size=(MAX_LENGTH, WIDTH))
        table = table.astype("float32")
        layer = PositionEmbedding(MAX_LENGTH)
        layer.build((None, None, WIDTH))
        layer.position_embeddings.assign(table)
        for length in (1, 5, MAX_LENGTH):
            expected = np.stack([table[:length], table[:length]])
            outputs = layer(_embeddings(length, seed=length))
            self.assertAllClose(outputs, expected, atol=0, rtol=0)

    def test_mixed_precision(self):
        keras.config.set_dtype_policy("mixed_float16")
        layer = PositionEmbedding(MAX_LENGTH)
        outputs = layer(_embeddings(5))
        self.assertEqual(
            keras.backend.standardize_dtype(outputs.dtype), "float16"
        )
        table = ops.convert_to_numpy(layer.position_embeddings)
        expected = np.broadcast_to(table[:5], (2, 5, WIDTH))
        self.assertAllClose(outputs, expected, atol=1e-3, rtol=1e-3)

    def test_config(self):
        layer = PositionEmbedding(MAX_LENGTH, initializer="ones")
        self.assertEqual(layer.get_config()["max_length"], MAX_LENGTH)
        restored = self.assertConfigRoundTrip(layer)
        self.assertIsInstance(restored.initializer, keras.initializers.Ones)

    @parameterized.named_parameters(
        (
            "zero_max_length",
            {"max_length": 0},
            "`max_length` must be a positive integer. Received: max_length=0",
        ),
        (
            "string_max_length",
            {"max_length": "8"},
            "`max_length` must be a positive integer",
        ),
        (
            "unknown_initializer",
            {"max_length": MAX_LENGTH, "initializer": "no_such_initializer"},
            "`initializer` could not be interpreted.*no_such_initializer",
        ),
    )
    def test_invalid_arguments(self, kwargs, message):
        with self.assertRaisesRegex(ValueError, message):
            PositionEmbedding(**kwargs)

    @parameterized.named_parameters(
        ("rank_2", (2, 6)),
        ("rank_4", (2, 6, 3, WIDTH)),
    )
    def test_wrong_rank_raises(self, shape):
        layer = PositionEmbedding(MAX_LENGTH)
        with self.assertRaisesRegex(ValueError, "must have rank 3"):
            layer(np.zeros(shape, dtype="float32"))

    def test_sequence_longer_than_max_length_raises(self):
        message = (
            r"sequence length of `inputs` \(9\) must not exceed "
            r"`max_length` \(8\)"
        )
        # At build time, from a static shape.
        with self.assertRaisesRegex(ValueError, message):
            PositionEmbedding(MAX_LENGTH).build((None, 9, WIDTH))
        with self.assertRaisesRegex(ValueError, message):
            PositionEmbedding(MAX_LENGTH)(keras.Input(shape=(9, WIDTH)))
        # At call time, on a layer already built for shorter sequences.
        layer = PositionEmbedding(MAX_LENGTH)
        layer(_embeddings(4))
        with self.assertRaisesRegex(ValueError, message):
            layer(_embeddings(9))

    def test_unknown_width_raises(self):
        with self.assertRaisesRegex(ValueError, "width.*must be known"):
            PositionEmbedding(MAX_LENGTH)(keras.Input(shape=(None, None)))
