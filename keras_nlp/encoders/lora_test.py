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

"""Tests for `enable_lora` (`Encoder.enable_lora`)."""

import os

import keras
import numpy as np
from absl.testing import parameterized

from keras_nlp.encoders.lora import enable_lora
from keras_nlp.models.bert_classifier import BertClassifier
from keras_nlp.testing import numpy_bert
from keras_nlp.testing import task_models
from keras_nlp.testing.test_case import TestCase

RANK = 2


def _adapters(encoder):
    return [w for w in encoder.weights if "lora_kernel" in w.path]


def _randomize_adapters(encoder, seed=1):
    rng = np.random.default_rng(seed)
    for weight in _adapters(encoder):
        weight.assign(rng.normal(scale=0.3, size=tuple(weight.shape)))


class EnableLoraTest(TestCase):
    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_only_adapters_are_trainable(self, kind):
        encoder = task_models.tiny_encoder(kind)
        num_weights = len(encoder.weights)
        inputs = task_models.encoder_inputs()
        before = encoder(inputs)["sequence_output"]
        layers = enable_lora(encoder, RANK)
        # Query and value of each distinct Transformer layer (ALBERT shares
        # one), each with an A and a B matrix.
        num_blocks = 1 if kind == "albert" else 2
        self.assertLen(layers, 2 * num_blocks)
        self.assertEqual(
            sorted(
                w.path.split("/")[-2:][0] for w in encoder.trainable_weights
            ),
            sorted(["query_dense", "value_dense"] * 2 * num_blocks),
        )
        self.assertLen(encoder.trainable_weights, 4 * num_blocks)
        self.assertLen(encoder.weights, num_weights + 4 * num_blocks)
        # B starts at zero: the outputs are unchanged.
        self.assertAllClose(encoder(inputs)["sequence_output"], before)

    def test_numerics_against_numpy(self):
        encoder = task_models.tiny_encoder()
        numpy_bert.randomize_weights(encoder)
        base = {
            layer.path: layer.kernel.numpy()
            for layer in encoder._flatten_layers()
            if layer.name in ("query_dense", "value_dense")
        }
        weights = numpy_bert.weights_from_keras_encoder(encoder)
        layers = enable_lora(encoder, RANK)
        _randomize_adapters(encoder)
        for index, block in enumerate(weights["layers"]):
            for name in ("query", "value"):
                layer = next(
                    x
                    for x in layers
                    if x.path == f"transformer_layer_{index}/{name}_dense"
                )
                # W + (alpha / rank) A B, with alpha = rank by default.
                delta = np.einsum(
                    "hnr,rd->hnd",
                    layer.lora_kernel_a.numpy(),
                    layer.lora_kernel_b.numpy(),
                )
                merged = base[layer.path] + delta
                block[f"{name}_kernel"] = merged.reshape(merged.shape[0], -1)
        inputs = task_models.encoder_inputs()
        expected = numpy_bert.bert_forward(
            weights,
            inputs["input_word_ids"],
            inputs["input_mask"],
            inputs["input_type_ids"],
            num_heads=task_models.NUM_HEADS,
        )
        self.assertAllClose(
            encoder(inputs)["sequence_output"],
            expected["sequence_output"],
            atol=1e-5,
            rtol=1e-5,
        )

    def test_fit_trains_adapters_and_head_only(self):
        encoder = task_models.tiny_encoder()
        model = BertClassifier(encoder, num_classes=2)
        encoder.enable_lora(RANK)
        _randomize_adapters(encoder)
        self.assertLen(model.trainable_weights, 8 + 2)  # Adapters, head.
        before = {w.path: w.numpy() for w in model.weights}
        model.compile(optimizer=keras.optimizers.SGD(0.5))
        model.fit(task_models.encoder_inputs(), np.array([0, 1]), verbose=0)
        trainable = {w.path for w in model.trainable_weights}
        for weight in model.weights:
            changed = not np.array_equal(before[weight.path], weight.numpy())
            self.assertEqual(changed, weight.path in trainable, weight.path)

    def test_saving(self):
        encoder = task_models.tiny_encoder()
        model = BertClassifier(encoder, num_classes=2)
        numpy_bert.randomize_weights(model)
        encoder.enable_lora(RANK)
        _randomize_adapters(encoder)
        inputs = task_models.encoder_inputs()
        # `.keras`: the adapters are merged into the reloaded kernels.
        self.run_model_saving_test(model, inputs, atol=1e-5)

        # Weights files load into encoders with and without LoRA.
        path = os.path.join(self.get_temp_dir(), "encoder.weights.h5")
        encoder.save_weights(path)
        expected = encoder(inputs)["sequence_output"]
        plain = task_models.tiny_encoder()
        plain.load_weights(path)
        self.assertAllClose(plain(inputs)["sequence_output"], expected, 1e-5)
        adapted = task_models.tiny_encoder()
        adapted.enable_lora(RANK)
        adapted.load_weights(path)
        self.assertAllClose(adapted(inputs)["sequence_output"], expected, 1e-5)
        self.assertLen(adapted.trainable_weights, 8)

    def test_invalid_arguments(self):
        encoder = task_models.tiny_encoder()
        with self.assertRaisesRegex(ValueError, "Received: rank=0"):
            encoder.enable_lora(0)
        encoder.enable_lora(RANK)
        with self.assertRaisesRegex(ValueError, "already enabled"):
            encoder.enable_lora(RANK)
        inputs = keras.Input(shape=(4,))
        dense_only = keras.Model(inputs, keras.layers.Dense(2)(inputs))
        with self.assertRaisesRegex(ValueError, "no attention projections"):
            enable_lora(dense_only, RANK)
