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

from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.encoders.lora import enable_lora
from keras_nlp.models.bert_classifier import BertClassifier
from keras_nlp.models.bert_pretrainer import BertPretrainer
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


def _adapted_layers(encoder):
    return [
        layer
        for layer in encoder._flatten_layers()
        if getattr(layer, "lora_enabled", False)
    ]


def _adapted_model(kind, task):
    """An encoder (or a task model over it) with random weights and LoRA."""
    encoder = task_models.tiny_encoder(kind)
    if task == "encoder":
        model = encoder
    elif task == "classifier":
        model = BertClassifier(encoder, num_classes=2, dropout=0.0)
    else:
        model = BertPretrainer(encoder)
    numpy_bert.randomize_weights(model)
    encoder.enable_lora(RANK)
    _randomize_adapters(encoder)
    return model, encoder


def _task_inputs(task):
    inputs = task_models.encoder_inputs()
    if task == "pretrainer":
        inputs["masked_lm_positions"] = np.array([[1, 3], [2, 0]], "int32")
    return inputs


def _task_labels(task):
    if task == "pretrainer":
        return {
            "mlm_logits": np.array([[5, 9], [7, 0]], dtype="int32"),
            "next_sentence_logits": np.array([0, 1], dtype="int32"),
        }
    return np.array([0, 1])


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

    @parameterized.named_parameters(
        ("bert_encoder", "bert", "encoder"),
        ("albert_encoder", "albert", "encoder"),
        ("bert_classifier", "bert", "classifier"),
        ("albert_classifier", "albert", "classifier"),
        ("bert_pretrainer", "bert", "pretrainer"),
    )
    def test_keras_file_reloads_with_lora(self, kind, task):
        model, encoder = _adapted_model(kind, task)
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        restored = keras.models.load_model(path, safe_mode=True)
        self.assertIs(restored.__class__, model.__class__)
        restored_encoder = restored if task == "encoder" else restored.encoder
        self.assertEqual(restored_encoder.lora_rank, RANK)
        self.assertEqual(restored_encoder.get_config()["lora_rank"], RANK)
        # The same frozen/trainable split, in the same order (the order in
        # which an optimizer holds its slots).
        self.assertEqual(
            [w.path for w in restored.trainable_weights],
            [w.path for w in model.trainable_weights],
        )
        self.assertLen(restored.weights, len(model.weights))
        # The frozen kernels and the adapters keep their values: the
        # adapters are not merged away nor set to zero.
        for weight, restored_weight in zip(model.weights, restored.weights):
            self.assertEqual(restored_weight.path, weight.path)
            np.testing.assert_array_equal(
                keras.ops.convert_to_numpy(restored_weight),
                keras.ops.convert_to_numpy(weight),
                err_msg=weight.path,
            )
        self.assertTrue(
            all(
                np.any(keras.ops.convert_to_numpy(w))
                for w in _adapters(restored_encoder)
            )
        )
        inputs = _task_inputs(task)
        self.assertAllClose(
            restored(inputs, training=False),
            model(inputs, training=False),
            atol=1e-6,
            rtol=0,
        )

    @parameterized.named_parameters(
        ("bert_classifier", "bert", "classifier"),
        ("albert_classifier", "albert", "classifier"),
        ("bert_pretrainer", "bert", "pretrainer"),
    )
    def test_training_continues_after_reload(self, kind, task):
        model, _ = _adapted_model(kind, task)
        model.compile()  # AdamW: the optimizer has state to restore.
        inputs, labels = _task_inputs(task), _task_labels(task)
        model.fit(inputs, labels, verbose=0)
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        restored = keras.models.load_model(path, safe_mode=True)
        before = [keras.ops.convert_to_numpy(w) for w in restored.weights]
        restored.fit(inputs, labels, verbose=0)
        # One step after the reload moves the adapters and the head only.
        trainable = {id(w) for w in restored.trainable_weights}
        moved = [
            w.path
            for w, value in zip(restored.weights, before)
            if not np.array_equal(keras.ops.convert_to_numpy(w), value)
        ]
        expected = [w.path for w in restored.weights if id(w) in trainable]
        self.assertEqual(moved, expected)
        self.assertTrue(any("lora_kernel_a" in path for path in moved))
        # ... and exactly as the step of the model that was never saved
        # (same weights, same optimizer state).
        model.fit(inputs, labels, verbose=0)
        for weight, restored_weight in zip(model.weights, restored.weights):
            self.assertAllClose(
                restored_weight, weight, atol=1e-6, rtol=0, msg=weight.path
            )

    def test_weights_files_load_with_and_without_lora(self):
        encoder = task_models.tiny_encoder()
        numpy_bert.randomize_weights(encoder)
        encoder.enable_lora(RANK)
        _randomize_adapters(encoder)
        inputs = task_models.encoder_inputs()
        expected = encoder(inputs)["sequence_output"]
        path = os.path.join(self.get_temp_dir(), "adapted.weights.h5")
        encoder.save_weights(path)

        # Without LoRA: the merged kernels, the same outputs.
        plain = task_models.tiny_encoder()
        plain.load_weights(path)
        self.assertIsNone(plain.lora_rank)
        self.assertAllClose(
            plain(inputs)["sequence_output"], expected, atol=1e-6, rtol=0
        )
        # With LoRA of the same rank: every variable as it was saved.
        adapted = task_models.tiny_encoder()
        adapted.enable_lora(RANK)
        adapted.load_weights(path)
        self.assertLen(adapted.trainable_weights, 8)
        for weight, loaded in zip(encoder.weights, adapted.weights):
            np.testing.assert_array_equal(
                keras.ops.convert_to_numpy(loaded),
                keras.ops.convert_to_numpy(weight),
                err_msg=weight.path,
            )
        # With LoRA of another rank: refused, naming the shapes.
        other_rank = task_models.tiny_encoder()
        other_rank.enable_lora(RANK + 2)
        with self.assertRaisesRegex(ValueError, "another `lora_rank`"):
            other_rank.load_weights(path)

    def test_file_without_adapters_loads_into_lora_encoder(self):
        source = task_models.tiny_encoder()
        numpy_bert.randomize_weights(source)
        path = os.path.join(self.get_temp_dir(), "plain.weights.h5")
        source.save_weights(path)
        inputs = task_models.encoder_inputs()

        encoder = task_models.tiny_encoder()
        model = BertClassifier(encoder, num_classes=2, dropout=0.0)
        encoder.enable_lora(RANK)
        encoder.load_weights(path)
        self.assertAllClose(
            encoder(inputs)["sequence_output"],
            source(inputs)["sequence_output"],
            atol=1e-6,
            rtol=0,
        )
        # Fresh adapters: `B` zero, `A` random (and different per layer).
        # Keras alone would leave both at zero, and no gradient would ever
        # reach them.
        a_values = [
            keras.ops.convert_to_numpy(layer.lora_kernel_a)
            for layer in _adapted_layers(encoder)
        ]
        for layer in _adapted_layers(encoder):
            self.assertFalse(
                np.any(keras.ops.convert_to_numpy(layer.lora_kernel_b))
            )
        self.assertTrue(all(np.std(a) > 0.1 for a in a_values))
        self.assertFalse(np.array_equal(a_values[0], a_values[1]))
        model.compile(optimizer=keras.optimizers.SGD(0.5))
        model.fit(inputs, np.array([0, 1]), verbose=0)
        for layer in _adapted_layers(encoder):
            self.assertTrue(
                np.any(keras.ops.convert_to_numpy(layer.lora_kernel_b)),
                layer.path,
            )

    def test_presets_keep_lora(self):
        encoder = task_models.tiny_encoder()
        numpy_bert.randomize_weights(encoder)
        encoder.enable_lora(RANK)
        _randomize_adapters(encoder)
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        restored = BertEncoder.from_preset(path)
        self.assertEqual(restored.lora_rank, RANK)
        for weight, loaded in zip(encoder.weights, restored.weights):
            np.testing.assert_array_equal(
                keras.ops.convert_to_numpy(loaded),
                keras.ops.convert_to_numpy(weight),
                err_msg=weight.path,
            )
        classifier = BertClassifier.from_preset(path, num_classes=2)
        self.assertEqual(classifier.encoder.lora_rank, RANK)
        self.assertLen(classifier.trainable_weights, 8 + 2)

    @parameterized.named_parameters(
        ("lora_then_int8", True), ("int8_then_lora", False)
    )
    def test_quantized_lora_encoder_reloads(self, lora_first):
        encoder = task_models.tiny_encoder()
        numpy_bert.randomize_weights(encoder)
        if lora_first:
            encoder.enable_lora(RANK)
            encoder.quantize("int8")
        else:
            encoder.quantize("int8")
            encoder.enable_lora(RANK)
        _randomize_adapters(encoder)
        restored = self.run_model_saving_test(
            encoder, task_models.encoder_inputs()
        )
        self.assertEqual(restored.lora_rank, RANK)
        self.assertEqual(
            [w.path for w in restored.trainable_weights],
            [w.path for w in encoder.trainable_weights],
        )
        self.assertLen(restored.trainable_weights, 8)

    def test_lora_rank_argument(self):
        encoder = task_models.tiny_encoder()
        config = encoder.get_config()
        self.assertNotIn("lora_rank", config)
        config["lora_rank"] = RANK
        adapted = BertEncoder.from_config(config)
        self.assertEqual(adapted.lora_rank, RANK)
        self.assertLen(adapted.trainable_weights, 8)
        self.assertEqual(adapted.get_config(), config)
        for value in (0, 2.5, "4"):
            config["lora_rank"] = value
            with self.assertRaisesRegex(ValueError, "`lora_rank`"):
                BertEncoder.from_config(config)

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
