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

"""Tests for `BertClassifier`."""

import os
import warnings

import keras
import numpy as np
from absl.testing import parameterized

from keras_nlp.models.bert_classifier import BertClassifier
from keras_nlp.testing import numpy_bert
from keras_nlp.testing import task_models
from keras_nlp.testing.test_case import TestCase


class BertClassifierTest(TestCase):
    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_logits_match_numpy(self, kind):
        encoder = task_models.tiny_encoder(kind)
        model = BertClassifier(encoder, num_classes=3)
        numpy_bert.randomize_weights(model)
        inputs = task_models.encoder_inputs()
        pooled = task_models.numpy_encoder_outputs(encoder, inputs)[
            "pooled_output"
        ]
        expected = task_models.numpy_dense(pooled, model.get_layer("logits"))
        logits = model(inputs)
        self.assertEqual(tuple(logits.shape), (2, 3))
        self.assertEqual(
            keras.backend.standardize_dtype(logits.dtype), "float32"
        )
        self.assertAllClose(logits, expected, atol=1e-5, rtol=1e-5)

    def test_dropout_only_in_training(self):
        model = BertClassifier(
            task_models.tiny_encoder(), num_classes=2, dropout=0.5
        )
        inputs = task_models.encoder_inputs()
        self.assertAllClose(model(inputs), model(inputs), atol=0)
        trained = [
            keras.ops.convert_to_numpy(model(inputs, training=True))
            for _ in range(2)
        ]
        self.assertFalse(np.allclose(trained[0], trained[1]))

    def test_mixed_precision_encoder(self):
        keras.config.set_dtype_policy("mixed_bfloat16")
        encoder = task_models.tiny_encoder()
        keras.config.set_dtype_policy("float32")
        model = BertClassifier(encoder, num_classes=2)
        # The encoder computes in bfloat16; the head and logits in float32.
        self.assertEqual(encoder.dtype_policy.name, "mixed_bfloat16")
        logits = model(task_models.encoder_inputs())
        self.assertEqual(
            keras.backend.standardize_dtype(logits.dtype), "float32"
        )
        model.compile()
        history = model.fit(
            task_models.encoder_inputs(), np.array([0, 1]), verbose=0
        )
        self.assertTrue(np.isfinite(history.history["loss"][0]))

    def test_saving(self):
        model = BertClassifier(task_models.tiny_encoder("albert"), 4)
        numpy_bert.randomize_weights(model)
        restored = self.run_model_saving_test(
            model, task_models.encoder_inputs()
        )
        self.assertEqual(restored.num_classes, 4)
        self.assertEqual(restored.encoder.__class__, model.encoder.__class__)
        self.assertConfigRoundTrip(model)

    def test_compile_defaults_and_fit(self):
        model = BertClassifier(task_models.tiny_encoder(), num_classes=3)
        model.compile()
        self.assertIsInstance(model.optimizer, keras.optimizers.AdamW)
        self.assertAllClose(model.optimizer.learning_rate, 2e-5)
        self.assertIsInstance(
            model.loss, keras.losses.SparseCategoricalCrossentropy
        )
        before = model.get_layer("logits").kernel.numpy()
        history = model.fit(
            task_models.encoder_inputs(), np.array([0, 2]), verbose=0
        )
        self.assertTrue(np.isfinite(history.history["loss"][0]))
        self.assertIn("sparse_categorical_accuracy", history.history)
        self.assertFalse(
            np.allclose(before, model.get_layer("logits").kernel.numpy())
        )

    def test_compiled_model_reloads_compiled(self):
        model = BertClassifier(task_models.tiny_encoder(), num_classes=2)
        model.compile()
        model.fit(task_models.encoder_inputs(), np.array([0, 1]), verbose=0)
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            restored = keras.models.load_model(path)
        self.assertTrue(restored.compiled)
        self.assertIsInstance(restored.optimizer, keras.optimizers.AdamW)
        self.assertEqual(int(restored.optimizer.iterations.numpy()), 1)

    def test_regression_head(self):
        model = BertClassifier(task_models.tiny_encoder(), num_classes=1)
        self.assertEqual(
            tuple(model(task_models.encoder_inputs()).shape), (2, 1)
        )
        model.compile()
        self.assertIsInstance(model.loss, keras.losses.MeanSquaredError)
        history = model.fit(
            task_models.encoder_inputs(), np.array([[0.5], [4.2]]), verbose=0
        )
        self.assertTrue(np.isfinite(history.history["loss"][0]))
        self.assertIn("mean_squared_error", history.history)

    def test_from_preset(self):
        encoder = task_models.tiny_encoder("albert")
        numpy_bert.randomize_weights(encoder)
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        model = BertClassifier.from_preset(path, num_classes=2, dropout=0.2)
        self.assertEqual(model.encoder.__class__, encoder.__class__)
        self.assertEqual(model.dropout, 0.2)
        inputs = task_models.encoder_inputs()
        self.assertAllClose(
            model.encoder(inputs)["pooled_output"],
            encoder(inputs)["pooled_output"],
        )

    def test_int8_quantization(self):
        model = BertClassifier(task_models.tiny_encoder(), num_classes=3)
        numpy_bert.randomize_weights(model)
        inputs = task_models.encoder_inputs(batch_size=4)
        expected = model(inputs)
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            model.quantize("int8")
        self.assertEqual(model.get_layer("logits").quantization_mode, "int8")
        # Logits are of order 1. Keras' int8 rounds each weight row and
        # each token's activations to 1/254 of their range; through the
        # seven quantized matmuls of this model the largest error measured
        # (3 seeds, BERT and ALBERT) is 0.011. 0.03 leaves margin and still
        # fails on a missing or wrong scale, which is off by far more.
        self.assertAllClose(model(inputs), expected, atol=0.03, rtol=0)
        restored = self.run_model_saving_test(model, inputs)
        # The head and the encoder's layers reload quantized.
        pooler = restored.encoder.get_layer("pooler_transform")
        self.assertEqual(pooler.quantization_mode, "int8")
        self.assertEqual(pooler.kernel.dtype, "int8")
        self.assertEqual(restored.get_layer("logits").kernel.dtype, "int8")

    @parameterized.named_parameters(
        ("zero_classes", {"num_classes": 0}, "`num_classes` must be a pos"),
        ("string_classes", {"num_classes": "3"}, "Received: num_classes='3'"),
        (
            "bad_dropout",
            {"num_classes": 2, "dropout": 1.5},
            "`dropout` must be a dropout rate",
        ),
        (
            "bad_initializer",
            {"num_classes": 2, "initializer": "nope"},
            "`initializer` could not be interpreted",
        ),
    )
    def test_invalid_arguments(self, kwargs, message):
        with self.assertRaisesRegex(ValueError, message):
            BertClassifier(task_models.tiny_encoder(), **kwargs)

    def test_invalid_encoder(self):
        with self.assertRaisesRegex(ValueError, "must be a keras_nlp encoder"):
            BertClassifier(keras.layers.Dense(2), num_classes=2)
        inputs = {
            name: keras.Input(shape=(None,), dtype="int32", name=name)
            for name in ("input_word_ids", "input_mask", "input_type_ids")
        }
        no_pooled = keras.Model(
            inputs,
            {
                "sequence_output": keras.layers.Embedding(10, 4)(
                    inputs["input_word_ids"]
                )
            },
        )
        with self.assertRaisesRegex(
            ValueError, r"the keys \['pooled_output'\].*'sequence_output'"
        ):
            BertClassifier(no_pooled, num_classes=2)
