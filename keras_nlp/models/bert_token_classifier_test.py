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

"""Tests for `BertTokenClassifier`."""

import os

import keras
import numpy as np
from absl.testing import parameterized

from keras_nlp.models.bert_token_classifier import BertTokenClassifier
from keras_nlp.testing import numpy_bert
from keras_nlp.testing import task_models
from keras_nlp.testing.test_case import TestCase


class BertTokenClassifierTest(TestCase):
    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_logits_match_numpy(self, kind):
        encoder = task_models.tiny_encoder(kind)
        model = BertTokenClassifier(encoder, num_classes=5)
        numpy_bert.randomize_weights(model)
        inputs = task_models.encoder_inputs()
        sequence_output = task_models.numpy_encoder_outputs(encoder, inputs)[
            "sequence_output"
        ]
        expected = task_models.numpy_dense(
            sequence_output, model.get_layer("logits")
        )
        logits = model(inputs)
        self.assertEqual(
            tuple(logits.shape), (2, task_models.SEQUENCE_LENGTH, 5)
        )
        self.assertAllClose(logits, expected, atol=1e-5, rtol=1e-5)

    def test_saving_and_config(self):
        model = BertTokenClassifier(task_models.tiny_encoder(), 3, dropout=0.2)
        numpy_bert.randomize_weights(model)
        self.run_model_saving_test(model, task_models.encoder_inputs())
        restored = self.assertConfigRoundTrip(model)
        self.assertEqual(restored.dropout, 0.2)

    def test_compile_defaults_mask_padding(self):
        model = BertTokenClassifier(task_models.tiny_encoder(), num_classes=3)
        model.compile()
        self.assertIsInstance(model.optimizer, keras.optimizers.AdamW)
        inputs = task_models.encoder_inputs()
        labels = np.zeros((2, task_models.SEQUENCE_LENGTH), dtype="int32")
        history = model.fit(
            inputs, labels, sample_weight=inputs["input_mask"], verbose=0
        )
        self.assertTrue(np.isfinite(history.history["loss"][0]))
        # Accuracy is weighted: padding labels do not count.
        predictions = np.argmax(model.predict(inputs, verbose=0), axis=-1)
        mask = inputs["input_mask"].astype(bool)
        flipped = np.where(mask, labels, 1 - np.minimum(predictions, 1))
        result = model.evaluate(
            inputs,
            flipped,
            sample_weight=inputs["input_mask"],
            return_dict=True,
            verbose=0,
        )
        expected = (predictions[mask] == labels[mask]).mean()
        self.assertAllClose(
            result["sparse_categorical_accuracy"], expected, atol=1e-6
        )

    def test_from_preset(self):
        encoder = task_models.tiny_encoder()
        numpy_bert.randomize_weights(encoder)
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        model = BertTokenClassifier.from_preset(path, num_classes=4)
        inputs = task_models.encoder_inputs()
        self.assertAllClose(
            model.encoder(inputs)["sequence_output"],
            encoder(inputs)["sequence_output"],
        )
        self.assertEqual(model.num_classes, 4)

    def test_int8_quantization(self):
        model = BertTokenClassifier(task_models.tiny_encoder(), num_classes=3)
        numpy_bert.randomize_weights(model)
        inputs = task_models.encoder_inputs()
        expected = model(inputs)
        model.quantize("int8")
        # Tolerance: see `BertClassifierTest.test_int8_quantization`.
        self.assertAllClose(model(inputs), expected, atol=0.03, rtol=0)
        restored = self.run_model_saving_test(model, inputs)
        self.assertEqual(restored.get_layer("logits").quantization_mode, "int8")

    def test_invalid_arguments(self):
        encoder = task_models.tiny_encoder()
        with self.assertRaisesRegex(ValueError, "Received: num_classes=0"):
            BertTokenClassifier(encoder, num_classes=0)
        with self.assertRaisesRegex(ValueError, "Received: dropout=-0.1"):
            BertTokenClassifier(encoder, num_classes=2, dropout=-0.1)
        with self.assertRaisesRegex(ValueError, "must be a keras_nlp encoder"):
            BertTokenClassifier("bert", num_classes=2)
