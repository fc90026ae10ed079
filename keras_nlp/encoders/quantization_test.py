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

"""Tests for int8 quantization of encoders and `OnDeviceEmbedding`."""

import os
import warnings

import keras
import numpy as np
from absl.testing import parameterized

from keras_nlp.layers.on_device_embedding import OnDeviceEmbedding
from keras_nlp.models.bert_classifier import BertClassifier
from keras_nlp.testing import numpy_bert
from keras_nlp.testing import task_models
from keras_nlp.testing.test_case import TestCase


def _numpy_int8(table):
    """Symmetric per-row int8 quantization, dequantized, in NumPy."""
    table = np.asarray(table, "float64")
    scale = 127.0 / np.abs(table).max(axis=-1, keepdims=True)
    return np.round(table * scale) / scale


class EncoderQuantizationTest(TestCase):
    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_quantize_and_reload(self, kind):
        encoder = task_models.tiny_encoder(kind)
        numpy_bert.randomize_weights(encoder)
        inputs = task_models.encoder_inputs(batch_size=4)
        expected = encoder(inputs)
        with warnings.catch_warnings():
            # No "does not have a `quantize` method" warnings for layer
            # norms, dropout, `SelfAttentionMask` or `PositionEmbedding`.
            warnings.simplefilter("error", UserWarning)
            encoder.quantize("int8")
        word_embeddings = encoder.get_layer("word_embeddings")
        self.assertEqual(word_embeddings.embeddings.dtype, "int8")
        for layer in encoder._flatten_layers():
            if layer.name in (
                "query_dense",
                "output_dense",
                "pooler_transform",
            ):
                self.assertEqual(layer.quantization_mode, "int8")
                self.assertEqual(layer.kernel.dtype, "int8")
        self.assertIsInstance(
            encoder.dtype_policy, keras.dtype_policies.DTypePolicyMap
        )
        # Tolerance: see `BertClassifierTest.test_int8_quantization`.
        self.assertAllClose(encoder(inputs), expected, atol=0.03, rtol=0)
        restored = self.run_model_saving_test(encoder, inputs)
        self.assertEqual(
            restored.get_layer("word_embeddings").embeddings.dtype, "int8"
        )
        self.assertLen(restored.weights, len(encoder.weights))

    def test_quantize_in_two_steps(self):
        model = BertClassifier(task_models.tiny_encoder(), num_classes=2)
        inputs = task_models.encoder_inputs()
        model.quantize("int8", filters=lambda layer: layer.name != "logits")
        self.assertIsNone(model.get_layer("logits").quantization_mode)
        model.quantize("int8")  # The remaining layer: the head.
        restored = self.run_model_saving_test(model, inputs)
        self.assertEqual(restored.get_layer("logits").kernel.dtype, "int8")
        self.assertEqual(
            restored.encoder.get_layer("pooler_transform").kernel.dtype, "int8"
        )

    def test_quantizing_a_reloaded_partly_quantized_model_raises(self):
        model = BertClassifier(task_models.tiny_encoder(), num_classes=2)
        model.quantize("int8", filters=lambda layer: layer.name != "logits")
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        restored = keras.models.load_model(path)
        with self.assertRaisesRegex(ValueError, "loaded from a quantized"):
            restored.quantize("int8")

    def test_quantized_config_round_trip(self):
        encoder = task_models.tiny_encoder()
        encoder.quantize("int8")
        restored = encoder.__class__.from_config(encoder.get_config())
        self.assertEqual(
            [w.dtype for w in restored.weights],
            [w.dtype for w in encoder.weights],
        )

    def test_invalid_arguments(self):
        encoder = task_models.tiny_encoder()
        with self.assertRaisesRegex(ValueError, "mode"):
            encoder.quantize("int3")
        with self.assertRaisesRegex(ValueError, r"unknown arguments: \['x'\]"):
            encoder.quantize("int8", x=1)
        encoder.quantize("int8")
        with self.assertRaisesRegex(ValueError, "already quantized"):
            encoder.quantize("int8")


class OnDeviceEmbeddingQuantizationTest(TestCase):
    @parameterized.named_parameters(
        ("gather", False, None), ("one_hot_scaled", True, 2.0)
    )
    def test_int8_matches_numpy(self, use_one_hot, scale_factor):
        layer = OnDeviceEmbedding(
            10, 6, use_one_hot=use_one_hot, scale_factor=scale_factor
        )
        ids = np.array([[1, 2, 9], [0, 5, 5]], dtype="int32")
        layer(ids)
        table = layer.embeddings.numpy()
        layer.quantize("int8")
        self.assertEqual(layer.embeddings.dtype, "int8")
        self.assertEqual(tuple(layer.embeddings_scale.shape), (10,))
        self.assertEqual(layer.trainable_weights, [])
        expected = _numpy_int8(table)[ids] * (scale_factor or 1.0)
        self.assertAllClose(layer(ids), expected, atol=1e-6, rtol=1e-6)

    def test_quantized_layer_reloads_in_a_functional_model(self):
        ids = keras.Input(shape=(None,), dtype="int32")
        layer = OnDeviceEmbedding(10, 4, name="embedding")
        model = keras.Model(ids, layer(ids))
        model.quantize("int8")
        restored = self.run_model_saving_test(
            model, np.array([[1, 2, 3]], dtype="int32")
        )
        self.assertEqual(
            restored.get_layer("embedding").embeddings.dtype, "int8"
        )
