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

"""Tests for `TransformerEncoder`."""

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops

from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.layers.self_attention_mask import SelfAttentionMask
from keras_nlp.layers.transformer_encoder import TransformerEncoder
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import JIT_COMPILE
from keras_nlp.testing.test_case import TestCase

BATCH_SIZE = 2
SEQUENCE_LENGTH = 5
HIDDEN_SIZE = 8
NUM_HEADS = 2
INNER_DIM = 16

# Second sequence padded after 3 tokens.
PADDING_MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype="int32")


def _data(seed=0, sequence_length=SEQUENCE_LENGTH):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(BATCH_SIZE, sequence_length, HIDDEN_SIZE)).astype(
        "float32"
    )


def _attention_mask(padding_mask=PADDING_MASK):
    """`[batch, seq, seq]` with `mask[b, i, j] = padding_mask[b, j]`."""
    seq = padding_mask.shape[1]
    return np.repeat(padding_mask[:, None, :], seq, axis=1).astype("float32")


def _randomize_weights(layer, seed=0):
    """Nonzero biases and non-unit norms, so that every weight matters."""
    rng = np.random.default_rng(seed)
    for weight in layer.weights:
        values = rng.normal(scale=0.3, size=tuple(weight.shape))
        if weight.path.endswith("gamma"):
            values = values + 1.0
        weight.assign(values.astype("float32"))


class TransformerEncoderTest(TestCase):
    @parameterized.named_parameters(
        ("no_mask", {}, False, False, 16),
        ("mask_in_list", {}, True, False, 16),
        ("mask_keyword", {}, False, True, 16),
        ("norm_first", {"norm_first": True}, True, False, 16),
        ("no_bias", {"use_bias": False}, True, False, 12),
        (
            "dropout",
            {"output_dropout": 0.1, "attention_dropout": 0.1},
            True,
            False,
            16,
        ),
    )
    def test_layer_behaviors(
        self, extra_kwargs, mask_in_list, mask_keyword, num_weights
    ):
        data, mask = _data(), _attention_mask()
        input_data = [data, mask] if mask_in_list else data
        call_kwargs = {"attention_mask": mask} if mask_keyword else None
        self.run_layer_test(
            cls=TransformerEncoder,
            init_kwargs={
                "num_attention_heads": NUM_HEADS,
                "inner_dim": INNER_DIM,
                **extra_kwargs,
            },
            input_data=input_data,
            call_kwargs=call_kwargs,
            expected_output_shape=(BATCH_SIZE, SEQUENCE_LENGTH, HIDDEN_SIZE),
            expected_output_dtype="float32",
            expected_num_trainable_weights=num_weights,
        )

    @parameterized.named_parameters(("full", False), ("norm_first", True))
    def test_layer_behaviors_output_range(self, norm_first):
        self.run_layer_test(
            cls=TransformerEncoder,
            init_kwargs={
                "num_attention_heads": NUM_HEADS,
                "inner_dim": INNER_DIM,
                "output_range": 2,
                "norm_first": norm_first,
            },
            input_data=[_data(), _attention_mask()],
            expected_output_shape=(BATCH_SIZE, 2, HIDDEN_SIZE),
            expected_output_dtype="float32",
            expected_num_trainable_weights=16,
            run_training_check=not norm_first,
        )

    def test_sublayer_names_and_shapes(self):
        layer = TransformerEncoder(NUM_HEADS, INNER_DIM)
        layer(_data())
        head_dim = HIDDEN_SIZE // NUM_HEADS
        expected = {
            "query_dense": (HIDDEN_SIZE, NUM_HEADS, head_dim),
            "key_dense": (HIDDEN_SIZE, NUM_HEADS, head_dim),
            "value_dense": (HIDDEN_SIZE, NUM_HEADS, head_dim),
            "attention_output_dense": (NUM_HEADS, head_dim, HIDDEN_SIZE),
            "intermediate_dense": (HIDDEN_SIZE, INNER_DIM),
            "output_dense": (INNER_DIM, HIDDEN_SIZE),
        }
        expected_bias = {
            "query_dense": (NUM_HEADS, head_dim),
            "key_dense": (NUM_HEADS, head_dim),
            "value_dense": (NUM_HEADS, head_dim),
            "attention_output_dense": (HIDDEN_SIZE,),
            "intermediate_dense": (INNER_DIM,),
            "output_dense": (HIDDEN_SIZE,),
        }
        for name, shape in expected.items():
            sublayer = getattr(layer, name)
            self.assertEqual(sublayer.name, name)
            self.assertEqual(tuple(sublayer.kernel.shape), shape)
            self.assertEqual(tuple(sublayer.bias.shape), expected_bias[name])
        for name in ("self_attention_layer_norm", "output_layer_norm"):
            norm_layer = getattr(layer, name)
            self.assertIsInstance(norm_layer, keras.layers.LayerNormalization)
            self.assertEqual(norm_layer.name, name)
            self.assertEqual(norm_layer.epsilon, 1e-12)
            self.assertEqual(tuple(norm_layer.gamma.shape), (HIDDEN_SIZE,))

    @parameterized.named_parameters(
        ("post_norm", {}),
        ("pre_norm_output_range", {"norm_first": True, "output_range": 1}),
        (
            "gelu_approximate_dropout",
            {
                "inner_activation": "keras_nlp>gelu_approximate",
                "output_dropout": 0.1,
                "attention_dropout": 0.1,
                "inner_dropout": 0.1,
            },
        ),
    )
    def test_saving(self, extra_kwargs):
        self.run_saving_test(
            cls=TransformerEncoder,
            init_kwargs={
                "num_attention_heads": NUM_HEADS,
                "inner_dim": INNER_DIM,
                **extra_kwargs,
            },
            input_data=[_data(), _attention_mask()],
        )

    def test_saving_with_mask_keyword(self):
        self.run_saving_test(
            cls=TransformerEncoder,
            init_kwargs={"num_attention_heads": NUM_HEADS, "inner_dim": 4},
            input_data=_data(),
            call_kwargs={"attention_mask": _attention_mask()},
        )

    def test_config_round_trip_with_every_argument(self):
        layer = TransformerEncoder(
            num_attention_heads=NUM_HEADS,
            inner_dim=INNER_DIM,
            inner_activation=gelu_approximate,
            output_range=1,
            kernel_initializer=keras.initializers.TruncatedNormal(
                stddev=0.02, seed=3
            ),
            bias_initializer="ones",
            kernel_regularizer="l2",
            bias_regularizer=keras.regularizers.L1(0.1),
            activity_regularizer="l1",
            kernel_constraint="non_neg",
            bias_constraint=keras.constraints.MaxNorm(2.0),
            use_bias=False,
            norm_first=True,
            norm_epsilon=1e-6,
            output_dropout=0.1,
            attention_dropout=0.2,
            inner_dropout=0.3,
            attention_initializer="he_normal",
            name="block",
        )
        restored = self.assertConfigRoundTrip(layer)
        self.assertIs(restored.inner_activation, gelu_approximate)
        self.assertIsInstance(
            restored.attention_initializer, keras.initializers.HeNormal
        )
        self.assertEqual(restored.output_range, 1)
        self.assertEqual(restored.name, "block")

    def test_dynamic_sequence_length(self):
        inputs = keras.Input(shape=(None, HIDDEN_SIZE))
        mask = keras.Input(shape=(None, None))
        layer = TransformerEncoder(NUM_HEADS, INNER_DIM)
        outputs = layer(inputs, attention_mask=mask)
        self.assertEqual(tuple(outputs.shape), (None, None, HIDDEN_SIZE))
        model = keras.Model([inputs, mask], outputs)
        for sequence_length in (4, 6):
            data = _data(sequence_length=sequence_length)
            padding_mask = np.ones((BATCH_SIZE, sequence_length), "int32")
            padding_mask[1, -1] = 0
            mask_data = _attention_mask(padding_mask)
            outputs = model.predict([data, mask_data], verbose=0)
            self.assertEqual(
                outputs.shape, (BATCH_SIZE, sequence_length, HIDDEN_SIZE)
            )
            self.assertAllClose(outputs, layer(data, attention_mask=mask_data))

    def test_static_shapes(self):
        inputs = keras.Input(shape=(SEQUENCE_LENGTH, HIDDEN_SIZE))
        full = TransformerEncoder(NUM_HEADS, INNER_DIM)(inputs)
        self.assertEqual(
            tuple(full.shape), (None, SEQUENCE_LENGTH, HIDDEN_SIZE)
        )
        first = TransformerEncoder(NUM_HEADS, INNER_DIM, output_range=2)(inputs)
        self.assertEqual(tuple(first.shape), (None, 2, HIDDEN_SIZE))
        longer = TransformerEncoder(NUM_HEADS, INNER_DIM, output_range=9)
        self.assertEqual(
            tuple(longer(inputs).shape), (None, SEQUENCE_LENGTH, HIDDEN_SIZE)
        )
        self.assertEqual(tuple(longer(_data()).shape), (2, 5, HIDDEN_SIZE))
        dynamic = keras.Input(shape=(None, HIDDEN_SIZE))
        ranged = TransformerEncoder(NUM_HEADS, INNER_DIM, output_range=1)
        self.assertEqual(
            tuple(ranged(dynamic).shape), (None, None, HIDDEN_SIZE)
        )

    @parameterized.named_parameters(("post_norm", False), ("pre_norm", True))
    def test_padded_tokens_do_not_change_other_outputs(self, norm_first):
        layer = TransformerEncoder(NUM_HEADS, INNER_DIM, norm_first=norm_first)
        data, mask = _data(), _attention_mask()
        perturbed = data.copy()
        perturbed[1, 3:] = np.random.default_rng(9).normal(
            scale=10.0, size=(2, HIDDEN_SIZE)
        )
        outputs = layer([data, mask])
        perturbed_outputs = layer([perturbed, mask])
        self.assertAllClose(perturbed_outputs[0], outputs[0], atol=1e-6, rtol=0)
        self.assertAllClose(
            perturbed_outputs[1, :3], outputs[1, :3], atol=1e-6, rtol=0
        )
        # The same perturbation without a mask does change them.
        unmasked = layer(data)
        unmasked_perturbed = layer(perturbed)
        difference = np.abs(
            ops.convert_to_numpy(unmasked_perturbed[1, :3])
            - ops.convert_to_numpy(unmasked[1, :3])
        )
        self.assertGreater(difference.max(), 1e-3)

    @parameterized.named_parameters(
        ("nan_post_norm", np.nan, False),
        ("nan_pre_norm", np.nan, True),
        ("inf_post_norm", np.inf, False),
        ("nan_output_range", np.nan, False, 2),
    )
    def test_non_finite_padded_values_do_not_leak(
        self, value, norm_first, output_range=None
    ):
        layer = TransformerEncoder(
            NUM_HEADS,
            INNER_DIM,
            norm_first=norm_first,
            output_range=output_range,
        )
        data, mask = _data(), _attention_mask()
        poisoned = data.copy()
        poisoned[1, 3:] = value  # The padded positions of sequence 1.
        expected = ops.convert_to_numpy(layer([data, mask]))
        outputs = ops.convert_to_numpy(layer([poisoned, mask]))
        real = slice(0, 3 if output_range is None else output_range)
        self.assertTrue(np.all(np.isfinite(outputs[:, real])))
        self.assertAllClose(outputs[0], expected[0], atol=1e-6, rtol=0)
        self.assertAllClose(
            outputs[1, real], expected[1, real], atol=1e-6, rtol=0
        )

    def test_all_ones_mask_equals_no_mask(self):
        layer = TransformerEncoder(NUM_HEADS, INNER_DIM)
        data = _data()
        ones = np.ones((BATCH_SIZE, SEQUENCE_LENGTH, SEQUENCE_LENGTH))
        self.assertAllClose(layer([data, ones]), layer(data), atol=1e-6)

    def test_mask_forms_agree(self):
        layer = TransformerEncoder(NUM_HEADS, INNER_DIM)
        data, mask = _data(), _attention_mask()
        from_list = layer([data, mask])
        self.assertAllClose(layer(data, attention_mask=mask), from_list)
        self.assertAllClose(
            layer([data], attention_mask=mask.astype("int32")), from_list
        )
        self.assertAllClose(layer([data, mask.astype(bool)]), from_list)

    @parameterized.named_parameters(
        ("post_norm_gelu", False, "gelu", "gelu"),
        ("pre_norm_gelu", True, "gelu", "gelu"),
        (
            "post_norm_gelu_approximate",
            False,
            "keras_nlp>gelu_approximate",
            "gelu_approximate",
        ),
        ("pre_norm_relu", True, "relu", "relu"),
    )
    def test_matches_numpy_reference(
        self, norm_first, activation, reference_activation
    ):
        layer = TransformerEncoder(
            NUM_HEADS,
            INNER_DIM,
            inner_activation=activation,
            norm_first=norm_first,
            norm_epsilon=1e-6,
        )
        data, mask = _data(seed=1), _attention_mask()
        layer(data)
        _randomize_weights(layer)
        outputs = layer([data, mask])
        expected = numpy_bert.transformer_block(
            data,
            PADDING_MASK,
            numpy_bert.weights_from_transformer_encoder(layer),
            NUM_HEADS,
            reference_activation,
            eps=1e-6,
            norm_first=norm_first,
        )
        self.assertAllClose(outputs, expected, atol=1e-5, rtol=0)

    @parameterized.named_parameters(("post_norm", False), ("pre_norm", True))
    def test_output_range_matches_full_output(self, norm_first):
        full_layer = TransformerEncoder(
            NUM_HEADS, INNER_DIM, norm_first=norm_first
        )
        first_layer = TransformerEncoder(
            NUM_HEADS, INNER_DIM, norm_first=norm_first, output_range=1
        )
        data, mask = _data(seed=2), _attention_mask()
        full_layer(data)
        first_layer(data)
        _randomize_weights(full_layer)
        first_layer.set_weights(full_layer.get_weights())
        full = full_layer([data, mask])
        first = first_layer([data, mask])
        self.assertEqual(tuple(first.shape), (BATCH_SIZE, 1, HIDDEN_SIZE))
        self.assertAllClose(first, full[:, :1], atol=1e-6, rtol=0)

    def test_weight_sharing(self):
        inputs = keras.Input(shape=(None, HIDDEN_SIZE))
        mask = keras.Input(shape=(None, None))
        shared = TransformerEncoder(NUM_HEADS, INNER_DIM)
        x = inputs
        for _ in range(3):
            x = shared([x, mask])
        model = keras.Model([inputs, mask], x)
        self.assertLen(model.weights, 16)
        self.assertEqual(
            {id(w) for w in model.weights}, {id(w) for w in shared.weights}
        )
        # Applying the block three times is what the model computes.
        data, mask_data = _data(), _attention_mask()
        expected = data
        for _ in range(3):
            expected = shared([expected, mask_data])
        self.assertAllClose(model([data, mask_data]), expected, atol=1e-6)

    def test_attention_initializer(self):
        layer = TransformerEncoder(
            NUM_HEADS,
            INNER_DIM,
            kernel_initializer="ones",
            attention_initializer="zeros",
        )
        layer(_data())
        for name in ("query_dense", "key_dense", "value_dense"):
            self.assertAllEqual(
                getattr(layer, name).kernel, np.zeros((HIDDEN_SIZE, 2, 4))
            )
        self.assertAllEqual(
            layer.intermediate_dense.kernel, np.ones((HIDDEN_SIZE, INNER_DIM))
        )
        # `None` falls back to `kernel_initializer`.
        layer = TransformerEncoder(
            NUM_HEADS, INNER_DIM, kernel_initializer="ones"
        )
        layer(_data())
        self.assertAllEqual(
            layer.attention_output_dense.kernel, np.ones((2, 4, HIDDEN_SIZE))
        )

    def test_unseeded_initializer_gives_distinct_kernels(self):
        layer = TransformerEncoder(NUM_HEADS, INNER_DIM)
        layer(_data())
        query = ops.convert_to_numpy(layer.query_dense.kernel)
        key = ops.convert_to_numpy(layer.key_dense.kernel)
        self.assertFalse(np.allclose(query, key))

    def test_regularizers_and_constraints(self):
        layer = TransformerEncoder(
            NUM_HEADS,
            INNER_DIM,
            kernel_regularizer="l2",
            bias_regularizer="l1",
            activity_regularizer="l2",
            kernel_constraint="non_neg",
            bias_constraint="non_neg",
        )
        inputs = keras.Input(shape=(SEQUENCE_LENGTH, HIDDEN_SIZE))
        model = keras.Model(inputs, layer(inputs))
        # 6 kernels + 6 biases.
        self.assertLen(model.losses, 12)
        # + the activity of the output, after an eager call.
        layer(_data())
        self.assertLen(layer.losses, 13)
        model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
        model.fit(
            _data(),
            np.ones((BATCH_SIZE, SEQUENCE_LENGTH, HIDDEN_SIZE)),
            verbose=0,
        )
        for name in (
            "query_dense",
            "key_dense",
            "value_dense",
            "attention_output_dense",
            "intermediate_dense",
            "output_dense",
        ):
            sublayer = getattr(layer, name)
            self.assertGreaterEqual(
                ops.convert_to_numpy(sublayer.kernel).min(), 0.0
            )
            self.assertGreaterEqual(
                ops.convert_to_numpy(sublayer.bias).min(), 0.0
            )

    def test_training_with_jit_compile(self):
        vocab_size = 10
        word_ids = keras.Input(shape=(None,), dtype="int32")
        input_mask = keras.Input(shape=(None,), dtype="int32")
        x = keras.layers.Embedding(vocab_size, HIDDEN_SIZE)(word_ids)
        attention_mask = SelfAttentionMask()([x, input_mask])
        x = TransformerEncoder(NUM_HEADS, INNER_DIM, attention_dropout=0.1)(
            x, attention_mask=attention_mask
        )
        x = TransformerEncoder(NUM_HEADS, INNER_DIM, norm_first=True)(
            x, attention_mask=attention_mask
        )
        x = keras.layers.GlobalAveragePooling1D()(x)
        outputs = keras.layers.Dense(2)(x)
        model = keras.Model([word_ids, input_mask], outputs)
        model.compile(
            optimizer=keras.optimizers.Adam(0.01),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=JIT_COMPILE,
        )
        rng = np.random.default_rng(0)
        ids = rng.integers(0, vocab_size, size=(8, 6)).astype("int32")
        mask = np.ones((8, 6), "int32")
        mask[::2, 4:] = 0
        labels = (ids[:, 0] < vocab_size // 2).astype("int32")
        history = model.fit(
            [ids, mask], labels, batch_size=8, epochs=15, verbose=0
        )
        losses = history.history["loss"]
        self.assertTrue(np.all(np.isfinite(losses)))
        self.assertLess(losses[-1], 0.5 * losses[0])

    @parameterized.named_parameters(
        ("float16", "mixed_float16", "float16", 2e-2),
        ("bfloat16", "mixed_bfloat16", "bfloat16", 1e-1),
    )
    def test_mixed_precision(self, policy, compute_dtype, atol):
        data, mask = _data(), _attention_mask()
        reference_layer = TransformerEncoder(NUM_HEADS, INNER_DIM)
        reference = reference_layer([data, mask])
        keras.config.set_dtype_policy(policy)
        for norm_first in (False, True):
            layer = TransformerEncoder(
                NUM_HEADS, INNER_DIM, norm_first=norm_first
            )
            outputs = layer([data, mask])
            self.assertEqual(
                keras.backend.standardize_dtype(outputs.dtype), compute_dtype
            )
            self.assertTrue(np.all(np.isfinite(ops.convert_to_numpy(outputs))))
            for weight in layer.weights:
                self.assertEqual(
                    keras.backend.standardize_dtype(weight.dtype), "float32"
                )
        layer = TransformerEncoder(NUM_HEADS, INNER_DIM)
        layer([data, mask])
        layer.set_weights(reference_layer.get_weights())
        outputs = ops.cast(layer([data, mask]), "float32")
        self.assertAllClose(outputs, reference, atol=atol, rtol=0)
        # Large activations stay finite: scores and norms use float32.
        outputs = layer([data * 100.0, mask])
        self.assertTrue(np.all(np.isfinite(ops.convert_to_numpy(outputs))))

    @parameterized.named_parameters(
        ("gelu", "gelu", False),
        ("gelu_approximate", "keras_nlp>gelu_approximate", True),
        ("relu", "relu", True),
    )
    def test_mixed_precision_training(self, activation, same_as_inference):
        # Training in half precision runs the exact GELU in float32 (its
        # bfloat16 element-wise kernels are slow); other activations, and
        # inference, stay in the compute dtype.
        data, mask = _data(), _attention_mask()
        reference_layer = TransformerEncoder(
            NUM_HEADS, INNER_DIM, inner_activation=activation
        )
        reference_layer([data, mask])
        _randomize_weights(reference_layer)
        reference = reference_layer([data, mask])
        keras.config.set_dtype_policy("mixed_bfloat16")
        layer = TransformerEncoder(
            NUM_HEADS, INNER_DIM, inner_activation=activation
        )
        layer([data, mask])
        layer.set_weights(reference_layer.get_weights())
        training = layer([data, mask], training=True)
        inference = layer([data, mask], training=False)
        self.assertEqual(
            keras.backend.standardize_dtype(training.dtype), "bfloat16"
        )
        training = ops.convert_to_numpy(ops.cast(training, "float32"))
        inference = ops.convert_to_numpy(ops.cast(inference, "float32"))
        self.assertAllClose(training, reference, atol=1e-1, rtol=0)
        if same_as_inference or keras.config.backend() == "torch":
            np.testing.assert_array_equal(training, inference)
        else:
            self.assertFalse(np.array_equal(training, inference))
        # One SGD step moves the weights as in float32: the gradient of
        # the activation is right.
        updates = []
        for model_layer in (reference_layer, layer):
            inputs = keras.Input(shape=(SEQUENCE_LENGTH, HIDDEN_SIZE))
            model = keras.Model(inputs, model_layer(inputs))
            model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
            kernel = model_layer.intermediate_dense.kernel
            before = ops.convert_to_numpy(kernel)
            loss = model.train_on_batch(data, np.zeros_like(data))
            self.assertTrue(np.isfinite(float(np.asarray(loss))))
            updates.append(ops.convert_to_numpy(kernel) - before)
        scale = np.abs(updates[0]).max()
        self.assertGreater(scale, 0)
        self.assertAllClose(updates[1], updates[0], atol=0.05 * scale, rtol=0)

    def test_error_hidden_size_not_divisible(self):
        layer = TransformerEncoder(num_attention_heads=3, inner_dim=INNER_DIM)
        with self.assertRaisesRegex(ValueError, "divisible by"):
            layer(_data())

    @parameterized.named_parameters(
        ("zero_heads", {"num_attention_heads": 0}, "num_attention_heads"),
        ("float_heads", {"num_attention_heads": 2.0}, "num_attention_heads"),
        ("negative_inner_dim", {"inner_dim": -1}, "inner_dim"),
        ("bool_inner_dim", {"inner_dim": True}, "inner_dim"),
        ("zero_output_range", {"output_range": 0}, "output_range"),
    )
    def test_error_non_positive_sizes(self, kwargs, name):
        arguments = {"num_attention_heads": 2, "inner_dim": 4, **kwargs}
        with self.assertRaisesRegex(
            ValueError, f"`{name}` must be a positive integer"
        ):
            TransformerEncoder(**arguments)

    @parameterized.named_parameters(
        ("output_one", "output_dropout", 1.0),
        ("attention_negative", "attention_dropout", -0.1),
        ("inner_string", "inner_dropout", "0.1"),
    )
    def test_error_bad_dropout_rate(self, name, value):
        with self.assertRaisesRegex(
            ValueError, f"`{name}` must be a dropout rate in \\[0, 1\\)"
        ):
            TransformerEncoder(2, 4, **{name: value})

    def test_error_bad_norm_epsilon(self):
        with self.assertRaisesRegex(ValueError, "`norm_epsilon` must be"):
            TransformerEncoder(2, 4, norm_epsilon=0.0)

    def test_error_unknown_activation(self):
        with self.assertRaisesRegex(
            ValueError,
            "`inner_activation` could not be interpreted.*"
            "Received: inner_activation='gelu_tanh'",
        ):
            TransformerEncoder(2, 4, inner_activation="gelu_tanh")

    @parameterized.named_parameters(
        ("kernel", "kernel_initializer", "initializer"),
        ("bias", "bias_initializer", "initializer"),
        ("attention", "attention_initializer", "initializer"),
        ("regularizer", "kernel_regularizer", "regularizer"),
        ("constraint", "bias_constraint", "constraint"),
    )
    def test_error_unknown_initializer(self, name, kind):
        with self.assertRaisesRegex(
            ValueError,
            f"`{name}` could not be interpreted as a Keras {kind}.*"
            f"Received: {name}='not_a_{kind}'",
        ):
            TransformerEncoder(2, 4, **{name: f"not_a_{kind}"})

    def test_error_wrong_input_rank(self):
        layer = TransformerEncoder(2, 4)
        with self.assertRaisesRegex(ValueError, "must have rank 3"):
            layer(np.zeros((BATCH_SIZE, HIDDEN_SIZE), "float32"))

    def test_error_unknown_hidden_size(self):
        layer = TransformerEncoder(2, 4)
        with self.assertRaisesRegex(ValueError, "must be known"):
            layer.build((None, None, None))

    @parameterized.named_parameters(
        ("rank_2", (BATCH_SIZE, SEQUENCE_LENGTH)),
        ("wrong_keys", (BATCH_SIZE, SEQUENCE_LENGTH, SEQUENCE_LENGTH + 1)),
        ("wrong_queries", (BATCH_SIZE, 3, SEQUENCE_LENGTH)),
        ("wrong_batch", (BATCH_SIZE + 1, SEQUENCE_LENGTH, SEQUENCE_LENGTH)),
    )
    def test_error_mask_shape_mismatch(self, mask_shape):
        layer = TransformerEncoder(2, 4)
        with self.assertRaisesRegex(
            ValueError, "`attention_mask` must have shape"
        ):
            layer([_data(), np.ones(mask_shape, "float32")])

    def test_error_mask_given_twice(self):
        layer = TransformerEncoder(2, 4)
        mask = _attention_mask()
        with self.assertRaisesRegex(ValueError, "at most once"):
            layer([_data(), mask], attention_mask=mask)
