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

"""Tests for `MaskedLM`."""

import os

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops

from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.layers.masked_lm import MaskedLM
from keras_nlp.layers.on_device_embedding import OnDeviceEmbedding
from keras_nlp.layers.position_embedding import PositionEmbedding
from keras_nlp.testing.test_case import TestCase

VOCAB_SIZE = 12
EMBEDDING_WIDTH = 6
HIDDEN_SIZE = 4
SEQUENCE_LENGTH = 8


def _sequence_output(length=SEQUENCE_LENGTH, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(2, length, HIDDEN_SIZE)).astype("float32")


def _positions(length=SEQUENCE_LENGTH, num_predictions=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, length, size=(2, num_predictions), dtype="int32")


def _set_random_weights(layer, seed=0):
    """Gives every weight of `layer` random values (none stay 0 or 1)."""
    rng = np.random.default_rng(seed)
    for weight in layer.weights:
        weight.assign(rng.normal(size=tuple(weight.shape)).astype("float32"))


def _numpy_masked_lm(layer, sequence_output, positions, activation):
    """BERT's masked-LM head in NumPy, from the layer's weight values."""

    def value(weight):
        return ops.convert_to_numpy(weight).astype("float64")

    gathered = np.take_along_axis(sequence_output, positions[..., None], 1)
    hidden = activation(
        gathered @ value(layer.dense.kernel) + value(layer.dense.bias)
    )
    mean = hidden.mean(axis=-1, keepdims=True)
    variance = hidden.var(axis=-1, keepdims=True)
    hidden = (hidden - mean) / np.sqrt(variance + 1e-12)
    hidden = hidden * value(layer.layer_norm.gamma)
    hidden = hidden + value(layer.layer_norm.beta)
    logits = hidden @ value(layer.embedding_table).T
    logits = logits + value(layer.output_bias)
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return logits, exp / exp.sum(axis=-1, keepdims=True)


def _tied_model(activation=None, output="logits"):
    """Token ids -> embedding -> "encoder" -> tied masked-LM head."""
    token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    positions = keras.Input(shape=(None,), dtype="int32", name="positions")
    embedding = OnDeviceEmbedding(
        VOCAB_SIZE, EMBEDDING_WIDTH, name="word_embeddings"
    )
    sequence_output = keras.layers.Dense(HIDDEN_SIZE, name="encoder")(
        embedding(token_ids)
    )
    masked_lm = MaskedLM(
        embedding.embeddings,
        activation=activation,
        output=output,
        name="masked_lm",
    )
    outputs = masked_lm(sequence_output, masked_positions=positions)
    model = keras.Model([token_ids, positions], outputs)
    return model, embedding, masked_lm


class MaskedLMTest(TestCase):
    @parameterized.named_parameters(
        ("logits", "logits"), ("predictions", "predictions")
    )
    def test_layer_behaviors(self, output):
        self.run_layer_test(
            cls=MaskedLM,
            init_kwargs={
                "vocab_size": VOCAB_SIZE,
                "embedding_width": EMBEDDING_WIDTH,
                "activation": "gelu",
                "output": output,
            },
            input_data=_sequence_output(),
            call_kwargs={"masked_positions": _positions()},
            expected_output_shape=(2, 3, VOCAB_SIZE),
            expected_output_dtype="float32",
            # Table, output bias, dense kernel and bias, norm gamma and beta.
            expected_num_trainable_weights=6,
        )

    def test_layer_behaviors_tied(self):
        table = keras.Variable(
            np.random.default_rng(0).normal(size=(VOCAB_SIZE, EMBEDDING_WIDTH)),
            dtype="float32",
        )
        layer = MaskedLM(embedding_table=table)
        outputs = layer(_sequence_output(), masked_positions=_positions())
        self.assertEqual(tuple(outputs.shape), (2, 3, VOCAB_SIZE))
        self.assertIs(layer.embedding_table, table)
        self.assertTrue(layer.tied)
        # Output bias, dense kernel and bias, norm gamma and beta: the table
        # belongs to whoever created it, not to the head.
        self.assertLen(layer.trainable_weights, 5)
        self.assertFalse(any(weight is table for weight in layer.weights))

    def test_saving(self):
        self.run_saving_test(
            cls=MaskedLM,
            init_kwargs={
                "vocab_size": VOCAB_SIZE,
                "embedding_width": EMBEDDING_WIDTH,
                "activation": "tanh",
            },
            input_data=_sequence_output(),
            call_kwargs={"masked_positions": _positions()},
        )

    def test_saving_tied_model_refuses_to_untie(self):
        model, embedding, masked_lm = _tied_model(activation="tanh")
        self.assertLen(model.weights, 8)  # The table is stored once.
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        # A plain functional model cannot re-tie the head: loading fails
        # loudly rather than returning a head with a separate table.
        with self.assertRaisesRegex(
            ValueError, "was tied to an encoder's word embedding table"
        ):
            keras.models.load_model(path, safe_mode=True)

    def test_dynamic_shapes(self):
        sequence_output = keras.Input(shape=(None, HIDDEN_SIZE))
        positions = keras.Input(shape=(None,), dtype="int32")
        layer = MaskedLM(vocab_size=VOCAB_SIZE, embedding_width=EMBEDDING_WIDTH)
        outputs = layer(sequence_output, masked_positions=positions)
        self.assertEqual(tuple(outputs.shape), (None, None, VOCAB_SIZE))
        model = keras.Model([sequence_output, positions], outputs)
        _set_random_weights(layer)
        for length, num_predictions in ((5, 2), (SEQUENCE_LENGTH, 3)):
            data = _sequence_output(length, seed=length)
            masked = _positions(length, num_predictions, seed=length)
            expected, _ = _numpy_masked_lm(layer, data, masked, lambda x: x)
            self.assertAllClose(
                model([data, masked]), expected, atol=1e-5, rtol=1e-5
            )

    @parameterized.named_parameters(
        ("linear_logits", None, "logits"),
        ("tanh_logits", "tanh", "logits"),
        ("linear_predictions", None, "predictions"),
        ("tanh_predictions", "tanh", "predictions"),
    )
    def test_numerics_against_numpy(self, activation, output):
        numpy_activation = np.tanh if activation else (lambda x: x)
        _, embedding, _ = _tied_model()
        layer = MaskedLM(
            embedding.embeddings, activation=activation, output=output
        )
        layer.build((2, SEQUENCE_LENGTH, HIDDEN_SIZE), (2, 3))
        _set_random_weights(layer, seed=3)
        data, positions = _sequence_output(), _positions()
        logits, predictions = _numpy_masked_lm(
            layer, data, positions, numpy_activation
        )
        expected = logits if output == "logits" else predictions
        self.assertAllClose(
            layer(data, masked_positions=positions),
            expected,
            atol=1e-5,
            rtol=1e-5,
        )

    @parameterized.named_parameters(
        ("logits", "logits", "float16"),
        ("predictions", "predictions", "float32"),
    )
    def test_mixed_precision(self, output, expected_dtype):
        keras.config.set_dtype_policy("mixed_float16")
        layer = MaskedLM(
            vocab_size=VOCAB_SIZE,
            embedding_width=EMBEDDING_WIDTH,
            output=output,
        )
        data, positions = _sequence_output(), _positions()
        symbolic = layer(
            keras.Input(shape=(None, HIDDEN_SIZE)),
            masked_positions=keras.Input(shape=(None,), dtype="int32"),
        )
        self.assertEqual(symbolic.dtype, expected_dtype)
        outputs = layer(data, masked_positions=positions)
        self.assertEqual(
            keras.backend.standardize_dtype(outputs.dtype), expected_dtype
        )
        logits, predictions = _numpy_masked_lm(
            layer, data, positions, lambda x: x
        )
        expected = logits if output == "logits" else predictions
        self.assertAllClose(outputs, expected, atol=2e-2, rtol=2e-2)

    def test_tied_table_is_shared_and_trained_once(self):
        model, embedding, masked_lm = _tied_model()
        table = embedding.embeddings
        self.assertIs(masked_lm.embedding_table, table)
        self.assertEqual(
            sum(weight is table for weight in model.trainable_weights), 1
        )
        # Table, encoder kernel and bias, and the head's other 5 weights.
        self.assertLen(model.trainable_weights, 8)

        # The inputs use ids 0-4 only: rows 5+ get gradients from the head.
        token_ids = np.array([[0, 1, 2, 3], [4, 3, 2, 1]], dtype="int32")
        positions = np.array([[0, 2], [1, 3]], dtype="int32")
        labels = np.array([[5, 6], [7, 8]], dtype="int32")
        before = ops.convert_to_numpy(table)
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=0.5, momentum=0.9),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        model.fit([token_ids, positions], labels, batch_size=2, verbose=0)
        after = ops.convert_to_numpy(table)
        self.assertIs(masked_lm.embedding_table, table)
        self.assertGreater(np.abs(after[5:] - before[5:]).min(), 0.0)
        # The optimizer holds a single slot for the shared table.
        slots = [
            variable
            for variable in model.optimizer.variables
            if tuple(variable.shape) == (VOCAB_SIZE, EMBEDDING_WIDTH)
        ]
        self.assertLen(slots, 1)

    def test_fit_with_xla(self):
        token_ids = keras.Input(shape=(None,), dtype="int32")
        type_ids = keras.Input(shape=(None,), dtype="int32")
        positions = keras.Input(shape=(None,), dtype="int32")
        word_embeddings = OnDeviceEmbedding(VOCAB_SIZE, EMBEDDING_WIDTH)
        embeddings = word_embeddings(token_ids)
        embeddings = embeddings + PositionEmbedding(SEQUENCE_LENGTH)(embeddings)
        embeddings = embeddings + OnDeviceEmbedding(
            2, EMBEDDING_WIDTH, use_one_hot=True
        )(type_ids)
        sequence_output = keras.layers.Dense(HIDDEN_SIZE)(embeddings)
        outputs = MaskedLM(word_embeddings.embeddings, activation="gelu")(
            sequence_output, masked_positions=positions
        )
        model = keras.Model([token_ids, type_ids, positions], outputs)
        model.compile(
            optimizer="adam",
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=True,
        )
        rng = np.random.default_rng(0)
        data = [
            rng.integers(0, VOCAB_SIZE, size=(4, SEQUENCE_LENGTH)),
            rng.integers(0, 2, size=(4, SEQUENCE_LENGTH)),
            _positions(num_predictions=2, seed=1).repeat(2, axis=0),
        ]
        data = [x.astype("int32") for x in data]
        labels = rng.integers(0, VOCAB_SIZE, size=(4, 2)).astype("int32")
        history = model.fit(data, labels, batch_size=2, epochs=2, verbose=0)
        self.assertTrue(np.all(np.isfinite(history.history["loss"])))

    def test_config(self):
        table = keras.Variable(np.zeros((VOCAB_SIZE, EMBEDDING_WIDTH)))
        layer = MaskedLM(
            table,
            activation="tanh",
            initializer="ones",
            output="predictions",
            vocab_size=VOCAB_SIZE,
            embedding_width=EMBEDDING_WIDTH,
        )
        config = layer.get_config()
        self.assertNotIn("embedding_table", config)
        self.assertTrue(config["tied"])
        self.assertEqual(config["vocab_size"], VOCAB_SIZE)
        self.assertEqual(config["embedding_width"], EMBEDDING_WIDTH)
        self.assertEqual(config["output"], "predictions")
        with self.assertRaisesRegex(ValueError, "BertPretrainer"):
            MaskedLM.from_config(config)
        # With a table passed back, the head is tied again.
        other = keras.Variable(np.ones((VOCAB_SIZE, EMBEDDING_WIDTH)))
        retied = MaskedLM.from_config({**config, "embedding_table": other})
        self.assertIs(retied.embedding_table, other)
        # An untied config round-trips and builds its own table.
        config.pop("tied")
        restored = MaskedLM.from_config(config)
        self.assertFalse(restored.tied)
        self.assertNotIn("tied", restored.get_config())
        self.assertIsNone(restored.embedding_table)
        restored.build((2, SEQUENCE_LENGTH, HIDDEN_SIZE), (2, 3))
        self.assertEqual(
            tuple(restored.embedding_table.shape),
            (VOCAB_SIZE, EMBEDDING_WIDTH),
        )
        self.assertEqual(restored.dense.name, "dense")
        self.assertEqual(restored.layer_norm.name, "layer_norm")
        self.assertEqual(restored.layer_norm.epsilon, 1e-12)
        self.assertEqual(restored.output_bias.name, "output_bias")

    def test_registered_activation_name(self):
        layer = MaskedLM(
            vocab_size=VOCAB_SIZE,
            embedding_width=EMBEDDING_WIDTH,
            activation="keras_nlp>gelu_approximate",
        )
        self.assertIs(layer.activation, gelu_approximate)
        restored = self.assertConfigRoundTrip(layer)
        self.assertIs(restored.activation, gelu_approximate)

    @parameterized.named_parameters(
        (
            "zero_vocab_size",
            {"vocab_size": 0, "embedding_width": EMBEDDING_WIDTH},
            "`vocab_size` must be a positive integer. Received: vocab_size=0",
        ),
        (
            "negative_embedding_width",
            {"vocab_size": VOCAB_SIZE, "embedding_width": -2},
            "`embedding_width` must be a positive integer",
        ),
        (
            "no_table_or_shape",
            {"vocab_size": VOCAB_SIZE},
            "Pass either `embedding_table`.*embedding_width=None",
        ),
        (
            "unknown_output",
            {"vocab_size": VOCAB_SIZE, "embedding_width": 4, "output": "prob"},
            r"`output` must be one of \('logits', 'predictions'\). "
            "Received: output='prob'",
        ),
        (
            "unknown_activation",
            {"vocab_size": VOCAB_SIZE, "embedding_width": 4, "activation": "x"},
            "`activation` could not be interpreted.*Received: activation='x'",
        ),
        (
            "unknown_initializer",
            {
                "vocab_size": VOCAB_SIZE,
                "embedding_width": 4,
                "initializer": "x",
            },
            "`initializer` could not be interpreted.*Received: initializer='x'",
        ),
    )
    def test_invalid_arguments(self, kwargs, message):
        with self.assertRaisesRegex(ValueError, message):
            MaskedLM(**kwargs)

    def test_invalid_embedding_table(self):
        with self.assertRaisesRegex(ValueError, "must have rank 2"):
            MaskedLM(keras.Variable(np.zeros((VOCAB_SIZE,))))
        with self.assertRaisesRegex(ValueError, "must be a `keras.Variable`"):
            MaskedLM(np.zeros((VOCAB_SIZE, EMBEDDING_WIDTH)))
        table = keras.Variable(np.zeros((VOCAB_SIZE, EMBEDDING_WIDTH)))
        with self.assertRaisesRegex(
            ValueError, "`vocab_size` must match `embedding_table`"
        ):
            MaskedLM(table, vocab_size=VOCAB_SIZE + 1)
        with self.assertRaisesRegex(
            ValueError, "`embedding_width` must match `embedding_table`"
        ):
            MaskedLM(table, embedding_width=EMBEDDING_WIDTH + 1)

    def test_invalid_inputs(self):
        def layer():
            return MaskedLM(vocab_size=VOCAB_SIZE, embedding_width=4)

        with self.assertRaisesRegex(ValueError, "`sequence_output` must have"):
            layer()(
                np.zeros((2, HIDDEN_SIZE), dtype="float32"),
                masked_positions=_positions(),
            )
        with self.assertRaisesRegex(ValueError, "`sequence_output` must have"):
            layer()(
                keras.Input(shape=(None, None)),
                masked_positions=keras.Input(shape=(3,), dtype="int32"),
            )
        with self.assertRaisesRegex(ValueError, "`masked_positions` must have"):
            layer()(_sequence_output(), masked_positions=np.array([1, 2]))
        message = "must be an integer tensor.*masked_positions.dtype=float32"
        with self.assertRaisesRegex(ValueError, message):
            layer()(
                _sequence_output(),
                masked_positions=_positions().astype("float32"),
            )
        with self.assertRaisesRegex(ValueError, message):
            layer()(
                keras.Input(shape=(None, HIDDEN_SIZE)),
                masked_positions=keras.Input(shape=(3,), dtype="float32"),
            )
