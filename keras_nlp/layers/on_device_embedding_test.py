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

"""Tests for `OnDeviceEmbedding`."""

import functools

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops

from keras_nlp.layers.on_device_embedding import OnDeviceEmbedding
from keras_nlp.testing.test_case import JIT_COMPILE
from keras_nlp.testing.test_case import TestCase

VOCAB_SIZE = 10
EMBEDDING_WIDTH = 4


def _token_ids(shape, seed=0):
    return np.random.default_rng(seed).integers(
        0, VOCAB_SIZE, size=shape, dtype="int32"
    )


def _layer_with_table(table, **kwargs):
    """A built layer whose table holds `table`."""
    layer = OnDeviceEmbedding(*table.shape, **kwargs)
    layer.build(None)
    layer.embeddings.assign(table)
    return layer


class OnDeviceEmbeddingTest(TestCase):
    @parameterized.named_parameters(("gather", False), ("one_hot", True))
    def test_layer_behaviors(self, use_one_hot):
        self.run_layer_test(
            cls=OnDeviceEmbedding,
            init_kwargs={
                "vocab_size": VOCAB_SIZE,
                "embedding_width": EMBEDDING_WIDTH,
                "use_one_hot": use_one_hot,
                "scale_factor": 2.0,
            },
            input_data=_token_ids((2, 5)),
            expected_output_shape=(2, 5, EMBEDDING_WIDTH),
            expected_output_dtype="float32",
            expected_num_trainable_weights=1,
        )

    @parameterized.named_parameters(("gather", False), ("one_hot", True))
    def test_saving(self, use_one_hot):
        self.run_saving_test(
            cls=OnDeviceEmbedding,
            init_kwargs={
                "vocab_size": VOCAB_SIZE,
                "embedding_width": EMBEDDING_WIDTH,
                "use_one_hot": use_one_hot,
            },
            input_data=_token_ids((2, 5)),
        )

    def test_weight_name_and_shape(self):
        layer = OnDeviceEmbedding(VOCAB_SIZE, EMBEDDING_WIDTH)
        layer.build(None)
        self.assertEqual(layer.embeddings.name, "embeddings")
        self.assertEqual(
            tuple(layer.embeddings.shape), (VOCAB_SIZE, EMBEDDING_WIDTH)
        )

    @parameterized.named_parameters(("gather", False), ("one_hot", True))
    def test_dynamic_sequence_length(self, use_one_hot):
        inputs = keras.Input(shape=(None,), dtype="int32")
        layer = OnDeviceEmbedding(
            VOCAB_SIZE, EMBEDDING_WIDTH, use_one_hot=use_one_hot
        )
        outputs = layer(inputs)
        self.assertEqual(tuple(outputs.shape), (None, None, EMBEDDING_WIDTH))
        model = keras.Model(inputs, outputs)
        table = ops.convert_to_numpy(layer.embeddings)
        for length in (3, 7):
            ids = _token_ids((2, length), seed=length)
            self.assertAllClose(model(ids), table[ids])

    def test_gather_and_one_hot_match_numpy(self):
        table = np.random.default_rng(1).normal(
            size=(VOCAB_SIZE, EMBEDDING_WIDTH)
        )
        table = table.astype("float32")
        gather = _layer_with_table(table)
        one_hot = _layer_with_table(table, use_one_hot=True)
        # Integer ids of several ranks and dtypes.
        for ids in (
            _token_ids((2, 5)),
            _token_ids((2, 3, 4)).astype("int64"),
            _token_ids((6,)),
        ):
            expected = table[ids]
            gather_outputs = gather(ids)
            self.assertAllClose(gather_outputs, expected, atol=0, rtol=0)
            self.assertAllClose(one_hot(ids), expected, atol=1e-6)
            self.assertAllClose(one_hot(ids), gather_outputs, atol=1e-6)

    @parameterized.named_parameters(
        ("gather", False, False),
        ("one_hot", True, False),
        ("gather_compiled", False, True),
        ("one_hot_compiled", True, True),
    )
    def test_out_of_range_ids_raise_or_give_nan_rows(
        self, use_one_hot, compiled
    ):
        # A gather would wrap -1 to the last row and clamp VOCAB_SIZE under
        # XLA; one-hot would give zeros. Eager calls raise; compiled steps,
        # which cannot, give NaN instead.
        table = np.arange(VOCAB_SIZE * EMBEDDING_WIDTH, dtype="float32")
        table = table.reshape(VOCAB_SIZE, EMBEDDING_WIDTH)
        layer = _layer_with_table(table, use_one_hot=use_one_hot)
        ids = np.array([[3, -1, VOCAB_SIZE, VOCAB_SIZE - 1, -11]], "int32")
        if compiled:
            inputs = keras.Input(shape=(5,), dtype="int32")
            model = keras.Model(inputs, layer(inputs))
            model.compile(jit_compile=JIT_COMPILE)
            run = functools.partial(model.predict, ids, verbose=0)
        else:
            run = functools.partial(layer, ids)
        # The torch backend runs `predict` eagerly: the values are there.
        if not compiled or keras.config.backend() == "torch":
            with self.assertRaisesRegex(
                ValueError,
                r"`inputs` holds -1 at position \(0, 1\), outside the valid "
                rf"range \[0, {VOCAB_SIZE}\)",
            ):
                run()
            return
        outputs = run()
        self.assertAllClose(outputs[0, 0], table[3])
        self.assertAllClose(outputs[0, 3], table[VOCAB_SIZE - 1])
        for position in (1, 2, 4):
            self.assertTrue(np.all(np.isnan(outputs[0, position])))

    @parameterized.named_parameters(("gather", False), ("one_hot", True))
    def test_scale_factor(self, use_one_hot):
        table = np.random.default_rng(2).normal(
            size=(VOCAB_SIZE, EMBEDDING_WIDTH)
        )
        table = table.astype("float32")
        layer = _layer_with_table(
            table, use_one_hot=use_one_hot, scale_factor=2.5
        )
        ids = _token_ids((2, 5))
        self.assertAllClose(layer(ids), 2.5 * table[ids], atol=1e-6)

    @parameterized.named_parameters(("gather", False), ("one_hot", True))
    def test_mixed_precision(self, use_one_hot):
        keras.config.set_dtype_policy("mixed_float16")
        layer = OnDeviceEmbedding(
            VOCAB_SIZE, EMBEDDING_WIDTH, use_one_hot=use_one_hot
        )
        ids = _token_ids((2, 5))
        outputs = layer(ids)
        self.assertEqual(
            keras.backend.standardize_dtype(outputs.dtype), "float16"
        )
        self.assertEqual(
            keras.backend.standardize_dtype(layer.embeddings.dtype), "float32"
        )
        table = ops.convert_to_numpy(layer.embeddings)
        self.assertAllClose(outputs, table[ids], atol=1e-3, rtol=1e-3)

    def test_config(self):
        layer = OnDeviceEmbedding(
            VOCAB_SIZE,
            EMBEDDING_WIDTH,
            initializer="zeros",
            use_one_hot=True,
            scale_factor=3,
        )
        config = layer.get_config()
        self.assertEqual(config["vocab_size"], VOCAB_SIZE)
        self.assertEqual(config["embedding_width"], EMBEDDING_WIDTH)
        self.assertTrue(config["use_one_hot"])
        self.assertEqual(config["scale_factor"], 3.0)
        restored = self.assertConfigRoundTrip(layer)
        self.assertIsInstance(restored.initializer, keras.initializers.Zeros)

    @parameterized.named_parameters(
        ("zero_vocab_size", {"vocab_size": 0}, "`vocab_size` must be a"),
        ("float_vocab_size", {"vocab_size": 2.0}, "`vocab_size` must be a"),
        (
            "negative_width",
            {"embedding_width": -1},
            "`embedding_width` must be a positive integer. "
            "Received: embedding_width=-1",
        ),
        (
            "unknown_initializer",
            {"initializer": "no_such_initializer"},
            "`initializer` could not be interpreted.*no_such_initializer",
        ),
        (
            "bad_scale_factor",
            {"scale_factor": "2"},
            "`scale_factor` must be a number",
        ),
    )
    def test_invalid_arguments(self, kwargs, message):
        arguments = {
            "vocab_size": VOCAB_SIZE,
            "embedding_width": EMBEDDING_WIDTH,
            **kwargs,
        }
        with self.assertRaisesRegex(ValueError, message):
            OnDeviceEmbedding(**arguments)

    @parameterized.named_parameters(("gather", False), ("one_hot", True))
    def test_float_ids_raise(self, use_one_hot):
        layer = OnDeviceEmbedding(
            VOCAB_SIZE, EMBEDDING_WIDTH, use_one_hot=use_one_hot
        )
        message = "must be integer token ids.*inputs.dtype=float32"
        with self.assertRaisesRegex(ValueError, message):
            layer(np.zeros((2, 3), dtype="float32"))
        with self.assertRaisesRegex(ValueError, message):
            layer(keras.Input(shape=(3,), dtype="float32"))
