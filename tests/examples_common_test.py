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

"""Tests of examples/common: the optimizer recipe and TensorBoard logs."""

import os

import keras
import numpy as np
import tensorflow as tf

from examples.common import optimization
from examples.common import tensorboard
from keras_nlp.testing.test_case import TestCase


class WarmupLinearDecayTest(TestCase):
    def test_values(self):
        schedule = optimization.WarmupLinearDecay(
            2e-3, warmup_steps=4, total_steps=12, end_learning_rate=1e-4
        )
        steps = np.arange(16)
        # Linear from 0 to the peak over 4 steps, then linear to the end
        # rate over the 8 remaining steps, then constant.
        expected = np.where(
            steps < 4,
            2e-3 * steps / 4,
            2e-3 + (1e-4 - 2e-3) * np.clip((steps - 4) / 8, 0, 1),
        )
        actual = np.array([float(schedule(step)) for step in steps])
        self.assertAllClose(actual, expected, atol=1e-9)

    def test_no_warmup(self):
        schedule = optimization.WarmupLinearDecay(1.0, 0, 10)
        self.assertAllClose(float(schedule(0)), 1.0)
        self.assertAllClose(float(schedule(5)), 0.5)

    def test_serialization(self):
        schedule = optimization.WarmupLinearDecay(1e-3, 10, 100, 1e-5)
        config = keras.optimizers.schedules.serialize(schedule)
        restored = keras.optimizers.schedules.deserialize(config)
        self.assertIsInstance(restored, optimization.WarmupLinearDecay)
        self.assertEqual(restored.get_config(), schedule.get_config())

    def test_invalid_steps(self):
        with self.assertRaisesRegex(ValueError, "warmup_steps"):
            optimization.WarmupLinearDecay(1e-3, 20, 10)
        with self.assertRaisesRegex(ValueError, "peak_learning_rate"):
            optimization.WarmupLinearDecay(0.0, 0, 10)
        with self.assertRaisesRegex(ValueError, "warmup_fraction"):
            optimization.create_optimizer(1e-3, 10, warmup_fraction=2.0)

    def test_weight_decay_skips_biases_and_layer_norms(self):
        model = keras.Sequential(
            [
                keras.Input((3,)),
                keras.layers.Dense(2),
                keras.layers.LayerNormalization(),
            ]
        )
        for weight in model.weights:
            weight.assign(np.ones(weight.shape))
        optimizer = optimization.create_optimizer(
            1e-3, total_steps=10, warmup_fraction=0.0, weight_decay=0.5
        )
        # Zero gradients: only the weight decay changes the weights.
        optimizer.apply_gradients(
            [(np.zeros(w.shape, "float32"), w) for w in model.weights]
        )
        changed = {
            w.path: not np.allclose(w.numpy(), 1.0) for w in model.weights
        }
        self.assertEqual(
            sorted(path for path, value in changed.items() if value),
            [model.layers[0].kernel.path],
        )


class TensorBoardTest(TestCase):
    def test_tensorboard_scalars(self):
        log_dir = os.path.join(self.get_temp_dir(), "logs")
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse", metrics=["mae"])
        x = np.ones((8, 2), "float32")
        model.fit(
            x,
            np.zeros((8, 1)),
            validation_data=(x, np.zeros((8, 1))),
            batch_size=4,
            epochs=2,
            verbose=0,
            callbacks=[
                tensorboard.tensorboard_callback(log_dir, update_freq=1)
            ],
        )
        values = {}
        for name in ("train", "validation"):
            directory = os.path.join(log_dir, name)
            for file_name in os.listdir(directory):
                path = os.path.join(directory, file_name)
                for record in tf.data.TFRecordDataset(path):
                    event = tf.compat.v1.Event.FromString(record.numpy())
                    for value in event.summary.value:
                        tensor = tf.make_ndarray(value.tensor)
                        if tensor.dtype.kind == "f":  # Scalars, not text.
                            values[(name, value.tag, event.step)] = float(
                                tensor
                            )
        self.assertIn(("train", "epoch_loss", 1), values)
        self.assertIn(("train", "epoch_learning_rate", 1), values)
        self.assertIn(("validation", "epoch_mae", 1), values)
        self.assertIn(("train", "batch_loss", 4), values)
        self.assertAllClose(values[("train", "epoch_learning_rate", 0)], 0.01)
