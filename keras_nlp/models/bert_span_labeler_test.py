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

"""Tests for `BertSpanLabeler`."""

import os

import keras
import numpy as np
from absl.testing import parameterized

from keras_nlp.models.bert_span_labeler import BertSpanLabeler
from keras_nlp.testing import numpy_bert
from keras_nlp.testing import task_models
from keras_nlp.testing.test_case import TestCase

LENGTH = task_models.SEQUENCE_LENGTH


class BertSpanLabelerTest(TestCase):
    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_logits_match_numpy(self, kind):
        encoder = task_models.tiny_encoder(kind)
        model = BertSpanLabeler(encoder)
        numpy_bert.randomize_weights(model)
        inputs = task_models.encoder_inputs()
        sequence_output = task_models.numpy_encoder_outputs(encoder, inputs)[
            "sequence_output"
        ]
        expected = task_models.numpy_dense(
            sequence_output, model.get_layer("span_logits")
        )
        outputs = model(inputs)
        self.assertEqual(sorted(outputs), ["end_logits", "start_logits"])
        self.assertEqual(tuple(outputs["start_logits"].shape), (2, LENGTH))
        self.assertAllClose(
            outputs["start_logits"], expected[..., 0], atol=1e-5, rtol=1e-5
        )
        self.assertAllClose(
            outputs["end_logits"], expected[..., 1], atol=1e-5, rtol=1e-5
        )

    def test_saving_and_config(self):
        model = BertSpanLabeler(task_models.tiny_encoder("albert"))
        numpy_bert.randomize_weights(model)
        self.run_model_saving_test(model, task_models.encoder_inputs())
        self.assertConfigRoundTrip(model)

    def test_compile_defaults_and_fit(self):
        model = BertSpanLabeler(task_models.tiny_encoder())
        model.compile()
        self.assertAllClose(model.optimizer.learning_rate, 5e-5)
        inputs = task_models.encoder_inputs()
        labels = {"start_logits": np.array([1, 2]), "end_logits": [3, 2]}
        labels = {key: np.asarray(value) for key, value in labels.items()}
        outputs = model(inputs)
        # The default loss is the sum of both cross-entropies.
        expected = 0.0
        for name in ("start_logits", "end_logits"):
            logits = keras.ops.convert_to_numpy(outputs[name]).astype("float64")
            logits -= logits.max(-1, keepdims=True)
            log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
            expected += -log_probs[np.arange(2), labels[name]].mean()
        result = model.evaluate(inputs, labels, return_dict=True, verbose=0)
        self.assertAllClose(result["loss"], expected, atol=1e-5, rtol=1e-5)
        history = model.fit(inputs, labels, verbose=0)
        self.assertTrue(np.isfinite(history.history["loss"][0]))

    def test_from_preset(self):
        encoder = task_models.tiny_encoder()
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        model = BertSpanLabeler.from_preset(path)
        self.assertEqual(model.encoder.__class__, encoder.__class__)

    def test_int8_quantization(self):
        model = BertSpanLabeler(task_models.tiny_encoder())
        numpy_bert.randomize_weights(model)
        inputs = task_models.encoder_inputs()
        expected = model(inputs)
        model.quantize("int8")
        # Tolerance: see `BertClassifierTest.test_int8_quantization`.
        self.assertAllClose(model(inputs), expected, atol=0.03, rtol=0)
        self.run_model_saving_test(model, inputs)

    def test_invalid_arguments(self):
        with self.assertRaisesRegex(ValueError, "`initializer` could not"):
            BertSpanLabeler(task_models.tiny_encoder(), initializer="nope")
        inputs = {
            name: keras.Input(shape=(None,), dtype="int32", name=name)
            for name in ("input_word_ids", "input_mask", "input_type_ids")
        }
        pooled_only = keras.Model(
            inputs,
            {"pooled_output": keras.ops.cast(inputs["input_mask"], "float32")},
        )
        with self.assertRaisesRegex(ValueError, "sequence_output"):
            BertSpanLabeler(pooled_only)
