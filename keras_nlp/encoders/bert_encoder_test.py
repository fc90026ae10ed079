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

"""Tests for BertEncoder."""

import os

import keras
import numpy as np
import pytest
from absl.testing import parameterized

from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.encoders.inputs import INPUT_NAMES
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import JIT_COMPILE
from keras_nlp.testing.test_case import TestCase

TINY = {
    "vocab_size": 30,
    "hidden_size": 8,
    "num_layers": 2,
    "num_attention_heads": 2,
    "max_sequence_length": 8,
    "type_vocab_size": 2,
    "inner_dim": 16,
}


def _inputs(batch_size=2, sequence_length=6, seed=0):
    """Random ids with padding: the second example has two padded slots."""
    rng = np.random.default_rng(seed)
    mask = np.ones((batch_size, sequence_length), dtype="int32")
    mask[1, -2:] = 0
    return {
        "input_word_ids": rng.integers(
            1, TINY["vocab_size"], (batch_size, sequence_length)
        ).astype("int32")
        * mask,
        "input_mask": mask,
        "input_type_ids": rng.integers(
            0, 2, (batch_size, sequence_length)
        ).astype("int32"),
    }


class BertEncoderTest(TestCase):
    @parameterized.named_parameters(
        ("exact_gelu", {}, "gelu"),
        (
            "approximate_gelu",
            {"inner_activation": "keras_nlp>gelu_approximate"},
            "gelu_approximate",
        ),
        ("factorized", {"embedding_width": 4}, "gelu"),
    )
    def test_matches_numpy_reference(self, kwargs, activation):
        encoder = BertEncoder(**TINY, **kwargs)
        numpy_bert.randomize_weights(encoder, seed=3)
        inputs = _inputs()
        outputs = encoder(inputs)
        expected = numpy_bert.bert_forward(
            numpy_bert.weights_from_keras_encoder(encoder),
            inputs["input_word_ids"],
            inputs["input_mask"],
            inputs["input_type_ids"],
            num_heads=TINY["num_attention_heads"],
            activation=activation,
        )
        # Padded positions have no reference meaning beyond being finite;
        # every position is computed the same way, so compare them all.
        self.assertAllClose(
            outputs["sequence_output"], expected["sequence_output"], atol=1e-5
        )
        self.assertAllClose(
            outputs["pooled_output"], expected["pooled_output"], atol=1e-5
        )
        self.assertAllClose(
            outputs["encoder_outputs"], expected["encoder_outputs"], atol=1e-5
        )
        if "embedding_width" in kwargs:
            self.assertEqual(
                tuple(encoder.get_embedding_table().shape),
                (TINY["vocab_size"], 4),
            )
            self.assertIsNotNone(encoder.get_layer("embedding_projection"))

    def test_dict_and_list_inputs_agree(self):
        encoder = BertEncoder(**TINY)
        inputs = _inputs()
        from_dict = encoder(inputs)
        from_list = encoder(
            [
                inputs["input_word_ids"],
                inputs["input_mask"],
                inputs["input_type_ids"],
            ]
        )
        self.assertAllClose(from_dict, from_list, atol=0)
        # Extra keys of a pretraining pipeline are ignored.
        extra = dict(inputs, masked_lm_positions=np.zeros((2, 2), "int32"))
        self.assertAllClose(encoder(extra), from_dict, atol=0)

    def test_shapes_and_dynamic_sequence_length(self):
        encoder = BertEncoder(**TINY)
        for length in (3, 8):
            outputs = encoder(_inputs(sequence_length=length))
            self.assertEqual(outputs["sequence_output"].shape, (2, length, 8))
            self.assertEqual(outputs["pooled_output"].shape, (2, 8))
            self.assertLen(outputs["encoder_outputs"], 2)
        symbolic = encoder(
            {
                name: keras.Input(shape=(None,), dtype="int32")
                for name in ("input_word_ids", "input_mask", "input_type_ids")
            }
        )
        self.assertEqual(
            tuple(symbolic["sequence_output"].shape), (None, None, 8)
        )
        self.assertEqual(tuple(symbolic["pooled_output"].shape), (None, 8))

    def test_padding_does_not_change_real_positions(self):
        encoder = BertEncoder(**TINY)
        numpy_bert.randomize_weights(encoder, seed=1)
        inputs = _inputs()
        perturbed = {key: value.copy() for key, value in inputs.items()}
        perturbed["input_word_ids"][1, -2:] = [5, 17]
        perturbed["input_type_ids"][1, -2:] = [1, 0]
        original = encoder(inputs)["sequence_output"]
        changed = encoder(perturbed)["sequence_output"]
        self.assertAllClose(changed[1, :-2], original[1, :-2], atol=1e-6)
        self.assertAllClose(changed[0], original[0], atol=0)

    def test_output_range_computes_the_first_positions(self):
        full = BertEncoder(**TINY)
        numpy_bert.randomize_weights(full, seed=2)
        sliced = BertEncoder(**TINY, output_range=1)
        sliced.set_weights(full.get_weights())
        inputs = _inputs()
        full_outputs = full(inputs)
        sliced_outputs = sliced(inputs)
        self.assertEqual(sliced_outputs["sequence_output"].shape, (2, 1, 8))
        self.assertAllClose(
            sliced_outputs["sequence_output"],
            full_outputs["sequence_output"][:, :1],
            atol=1e-6,
        )
        self.assertAllClose(
            sliced_outputs["pooled_output"],
            full_outputs["pooled_output"],
            atol=1e-6,
        )

    def test_embedding_table_is_the_word_embedding_variable(self):
        encoder = BertEncoder(**TINY)
        table = encoder.get_embedding_table()
        self.assertIs(table, encoder.get_layer("word_embeddings").embeddings)
        self.assertEqual(tuple(table.shape), (30, 8))

    def test_config_round_trip_and_saving(self):
        encoder = BertEncoder(
            **TINY, inner_activation="keras_nlp>gelu_approximate", name="bert"
        )
        numpy_bert.randomize_weights(encoder)
        restored = self.assertConfigRoundTrip(encoder)
        self.assertEqual(restored.name, "bert")
        self.run_model_saving_test(encoder, _inputs())

    def test_saving_inside_a_classifier(self):
        encoder = BertEncoder(**TINY)
        inputs = [
            keras.Input(shape=(None,), dtype="int32", name=name)
            for name in ("input_word_ids", "input_mask", "input_type_ids")
        ]
        pooled = encoder(inputs)["pooled_output"]
        outputs = keras.layers.Dense(3)(pooled)
        model = keras.Model(inputs, outputs)
        data = _inputs()
        restored = self.run_model_saving_test(
            model,
            [
                data["input_word_ids"],
                data["input_mask"],
                data["input_type_ids"],
            ],
        )
        self.assertTrue(
            any(isinstance(layer, BertEncoder) for layer in restored.layers)
        )

    def test_trains_with_xla(self):
        encoder = BertEncoder(**TINY, output_dropout=0.0, attention_dropout=0.0)
        inputs = [
            keras.Input(shape=(None,), dtype="int32", name=name)
            for name in ("input_word_ids", "input_mask", "input_type_ids")
        ]
        logits = keras.layers.Dense(2)(encoder(inputs)["pooled_output"])
        model = keras.Model(inputs, logits)
        model.compile(
            optimizer=keras.optimizers.Adam(1e-2),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=JIT_COMPILE,
        )
        data = _inputs(batch_size=8)
        features = [
            data["input_word_ids"],
            data["input_mask"],
            data["input_type_ids"],
        ]
        labels = np.array([0, 1] * 4)
        history = model.fit(features, labels, epochs=8, verbose=0)
        losses = history.history["loss"]
        self.assertTrue(np.all(np.isfinite(losses)))
        self.assertLess(losses[-1], losses[0])

    @parameterized.named_parameters(
        ("bfloat16", "mixed_bfloat16", "bfloat16"),
        ("float16", "mixed_float16", "float16"),
    )
    def test_mixed_precision(self, policy, compute_dtype):
        keras.config.set_dtype_policy(policy)
        encoder = BertEncoder(**TINY)
        outputs = encoder(_inputs())
        for name in ("sequence_output", "pooled_output"):
            self.assertEqual(
                keras.backend.standardize_dtype(outputs[name].dtype),
                compute_dtype,
            )
            self.assertTrue(
                np.all(np.isfinite(keras.ops.convert_to_numpy(outputs[name])))
            )
        self.assertEqual(
            keras.backend.standardize_dtype(
                encoder.get_embedding_table().dtype
            ),
            "float32",
        )

    def test_bfloat16_outputs_stay_close_to_float32(self):
        # BERT-like scales (hidden 64, 4 heads, 3 layers, 32 tokens), the
        # same float32 weights in both models; the mixed policy computes the
        # matmuls in bfloat16 and the softmax and layer norms in float32.
        config = dict(
            vocab_size=100,
            hidden_size=64,
            num_layers=3,
            num_attention_heads=4,
            max_sequence_length=32,
            inner_dim=256,
        )
        reference = BertEncoder(**config)
        numpy_bert.randomize_weights(reference, scale=0.1)
        mixed = BertEncoder(**config, dtype="mixed_bfloat16")
        mixed.set_weights(reference.get_weights())
        rng = np.random.default_rng(1)
        mask = np.ones((4, 32), dtype="int32")
        mask[1, 20:] = 0
        inputs = {
            "input_word_ids": rng.integers(1, 100, (4, 32)).astype("int32"),
            "input_mask": mask,
            "input_type_ids": np.zeros((4, 32), dtype="int32"),
        }
        expected = reference(inputs)["pooled_output"]
        actual = keras.ops.cast(mixed(inputs)["pooled_output"], "float32")
        self.assertEqual(
            keras.backend.standardize_dtype(
                mixed(inputs)["pooled_output"].dtype
            ),
            "bfloat16",
        )
        self.assertAllClose(actual, expected, atol=1e-2, rtol=0)

    def test_trains_under_mixed_precision(self):
        keras.config.set_dtype_policy("mixed_bfloat16")
        encoder = BertEncoder(**TINY, output_dropout=0.0, attention_dropout=0.0)
        inputs = [
            keras.Input(shape=(None,), dtype="int32", name=name)
            for name in INPUT_NAMES
        ]
        pooled = encoder(inputs)["pooled_output"]
        logits = keras.layers.Dense(2, dtype="float32")(pooled)
        model = keras.Model(inputs, logits)
        model.compile(
            optimizer=keras.optimizers.Adam(1e-2),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=JIT_COMPILE,
        )
        data = _inputs(batch_size=8)
        features = [data[name] for name in INPUT_NAMES]
        history = model.fit(features, np.array([0, 1] * 4), epochs=4, verbose=0)
        losses = history.history["loss"]
        self.assertTrue(np.all(np.isfinite(losses)))
        self.assertLess(losses[-1], losses[0])
        # The variables stay float32; only the computation is bfloat16.
        self.assertEqual(
            keras.backend.standardize_dtype(
                encoder.get_embedding_table().dtype
            ),
            "float32",
        )

    def test_preset_round_trip(self):
        encoder = BertEncoder(**TINY)
        numpy_bert.randomize_weights(encoder)
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        self.assertTrue(os.path.isfile(os.path.join(path, "config.json")))
        restored = BertEncoder.from_preset(path)
        inputs = _inputs()
        self.assertAllClose(restored(inputs), encoder(inputs), atol=0)
        with self.assertRaisesRegex(ValueError, "not empty.*overwrite=True"):
            encoder.save_to_preset(path)
        encoder.save_to_preset(path, overwrite=True)

    def test_preset_errors(self):
        temp_dir = self.get_temp_dir()
        with self.assertRaisesRegex(ValueError, "must be a preset directory"):
            BertEncoder.from_preset(os.path.join(temp_dir, "missing"))
        with self.assertRaisesRegex(ValueError, "No keras_nlp preset found"):
            BertEncoder.from_preset(temp_dir)
        path = os.path.join(temp_dir, "preset")
        BertEncoder(**TINY).save_to_preset(path)
        from keras_nlp.encoders.albert_encoder import AlbertEncoder

        with self.assertRaisesRegex(ValueError, "holds a BertEncoder"):
            AlbertEncoder.from_preset(path)
        # Weights of a different size never load silently.
        other = BertEncoder(**dict(TINY, hidden_size=12, num_attention_heads=2))
        other.save_weights(os.path.join(path, "model.weights.h5"))
        with self.assertRaisesRegex(ValueError, "do not fit"):
            BertEncoder.from_preset(path)

    def test_argument_errors(self):
        with self.assertRaisesRegex(ValueError, "must be divisible"):
            BertEncoder(**dict(TINY, num_attention_heads=3))
        with self.assertRaisesRegex(ValueError, "embedding_width"):
            BertEncoder(**TINY, embedding_width=0)
        with self.assertRaisesRegex(ValueError, "vocab_size"):
            BertEncoder(**dict(TINY, vocab_size=-1))
        with self.assertRaisesRegex(ValueError, "output_dropout"):
            BertEncoder(**TINY, output_dropout=1.5)
        with self.assertRaisesRegex(ValueError, "initializer"):
            BertEncoder(**TINY, initializer="not_an_initializer")

    def test_input_errors(self):
        encoder = BertEncoder(**TINY)
        inputs = _inputs()
        with self.assertRaisesRegex(ValueError, "exceeds.*max_sequence_length"):
            encoder(_inputs(sequence_length=9))
        with self.assertRaisesRegex(ValueError, "exactly three inputs"):
            encoder([inputs["input_word_ids"], inputs["input_mask"]])
        with self.assertRaisesRegex(
            ValueError, r"missing the keys.*input_mask"
        ):
            encoder(
                {
                    "input_word_ids": inputs["input_word_ids"],
                    "input_type_ids": inputs["input_type_ids"],
                }
            )
        with self.assertRaisesRegex(ValueError, "must hold integer ids"):
            encoder(dict(inputs, input_word_ids=inputs["input_word_ids"] * 1.0))
        with self.assertRaisesRegex(ValueError, r"\(batch_size, sequence_len"):
            encoder({key: value[0] for key, value in inputs.items()})
        with self.assertRaisesRegex(ValueError, "same shape"):
            encoder(dict(inputs, input_mask=inputs["input_mask"][:, :4]))

    @parameterized.named_parameters(
        ("negative_word_id", "input_word_ids", -1, "vocab_size", 30),
        ("word_id_vocab_size", "input_word_ids", 30, "vocab_size", 30),
        ("negative_type_id", "input_type_ids", -1, "type_vocab_size", 2),
        ("type_id_type_vocab_size", "input_type_ids", 2, "type_vocab_size", 2),
    )
    def test_out_of_range_ids_raise(self, name, bad_id, size_name, size):
        encoder = BertEncoder(**TINY)
        inputs = _inputs()
        inputs[name] = inputs[name].copy()
        inputs[name][1, 2] = bad_id
        pattern = (
            rf"`{name}` holds the id {bad_id} at position \(1, 2\), "
            rf"outside the valid range \[0, {size}\) of BertEncoder's "
            rf"`{size_name}`.*build the encoder with a larger `{size_name}`"
        )
        tensors = {
            key: keras.ops.convert_to_tensor(value)
            for key, value in inputs.items()
        }
        as_list = [inputs[key] for key in INPUT_NAMES]
        for value in (inputs, tensors, as_list):
            with self.assertRaisesRegex(ValueError, pattern):
                encoder(value)
        # `fit`, `evaluate` and `predict` check in-memory data before any
        # (compiled) step runs.
        encoder.compile(optimizer="sgd", loss={"pooled_output": "mse"})
        targets = {"pooled_output": np.zeros((2, TINY["hidden_size"]))}
        with self.assertRaisesRegex(ValueError, pattern):
            encoder.predict(inputs, verbose=0)
        with self.assertRaisesRegex(ValueError, pattern):
            encoder.evaluate(inputs, targets, verbose=0)
        with self.assertRaisesRegex(ValueError, pattern):
            encoder.fit(inputs, targets, verbose=0)
        with self.assertRaisesRegex(ValueError, pattern):
            encoder.fit(_inputs(), targets, validation_data=(inputs, targets))

    def test_predict_checks_pass_valid_data(self):
        encoder = BertEncoder(**TINY)
        inputs = _inputs()
        predicted = encoder.predict(inputs, verbose=0)
        self.assertAllClose(
            predicted["pooled_output"],
            encoder(inputs)["pooled_output"],
            atol=1e-5,
        )

    def test_out_of_range_ids_inside_a_compiled_step(self):
        # A compiled step cannot raise on values: the ids that reach one
        # give NaN outputs, never a plausible value. On PyTorch the step
        # runs eagerly, so the encoder raises.
        encoder = BertEncoder(**TINY)
        inputs = [
            keras.Input(shape=(None,), dtype="int32", name=name)
            for name in INPUT_NAMES
        ]
        model = keras.Model(inputs, encoder(inputs)["pooled_output"])
        model.compile(jit_compile=JIT_COMPILE)
        for name, bad_id in (("input_word_ids", 30), ("input_type_ids", -1)):
            data = _inputs()
            data[name][1, 2] = bad_id
            features = [data[key] for key in INPUT_NAMES]
            if keras.config.backend() == "torch":
                with self.assertRaisesRegex(ValueError, f"`{name}` holds"):
                    model.predict(features, verbose=0)
                continue
            pooled = model.predict(features, batch_size=2, verbose=0)
            self.assertTrue(np.all(np.isfinite(pooled[0])))
            self.assertTrue(np.all(np.isnan(pooled[1])))

    @pytest.mark.tf_only
    def test_out_of_range_ids_inside_tf_function(self):
        import tensorflow as tf

        encoder = BertEncoder(**TINY)
        data = _inputs()
        data["input_word_ids"][1, 2] = -1
        outputs = tf.function(encoder)(data)
        pooled = keras.ops.convert_to_numpy(outputs["pooled_output"])
        self.assertTrue(np.all(np.isfinite(pooled[0])))
        self.assertTrue(np.all(np.isnan(pooled[1])))

    @parameterized.named_parameters(
        ("num_layer", {"num_layer": 1}, "num_layers"),
        ("max_seq_length", {"max_seq_length": 8}, "max_sequence_length"),
        ("intermediate", {"inner_dims": 8}, "inner_dim"),
    )
    def test_misspelled_arguments_raise(self, kwargs, suggestion):
        (name,) = kwargs
        with self.assertRaisesRegex(
            TypeError,
            rf"BertEncoder got an unexpected keyword argument `{name}`\. "
            rf"Did you mean `{suggestion}`\?",
        ):
            BertEncoder(**TINY, **kwargs)
        with self.assertRaisesRegex(TypeError, "Valid arguments: .*vocab_size"):
            BertEncoder(**TINY, zzz=1)

    def test_preset_leaves_the_dtype_policy_to_the_loader(self):
        keras.config.set_dtype_policy("mixed_bfloat16")
        encoder = BertEncoder(**TINY)
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        keras.config.set_dtype_policy("float32")
        restored = BertEncoder.from_preset(path)
        self.assertEqual(restored.dtype_policy.name, "float32")
        mixed = BertEncoder.from_preset(path, dtype="mixed_float16")
        self.assertEqual(mixed.dtype_policy.name, "mixed_float16")
        outputs = mixed(_inputs())
        self.assertEqual(
            keras.backend.standardize_dtype(outputs["pooled_output"].dtype),
            "float16",
        )
        self.assertAllClose(
            mixed.get_embedding_table(), encoder.get_embedding_table()
        )

    def test_explicit_dtype_policy_round_trips(self):
        encoder = BertEncoder(**TINY, dtype="mixed_bfloat16")
        self.assertEqual(encoder.dtype_policy.name, "mixed_bfloat16")
        restored = self.assertConfigRoundTrip(encoder)
        self.assertEqual(restored.dtype_policy.name, "mixed_bfloat16")
        output = restored(_inputs())["sequence_output"]
        self.assertEqual(
            keras.backend.standardize_dtype(output.dtype), "bfloat16"
        )
