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

"""TensorBoard logging that works with or without the tensorboard package."""

import importlib.util
import os

import keras
import numpy as np
import tensorflow as tf


def tensorboard_callback(log_dir, update_freq="epoch"):
    """A callback writing TensorBoard event files to `log_dir`.

    `keras.callbacks.TensorBoard` needs the `tensorboard` package; without
    it, `ScalarSummaries` writes the same scalars (`train/epoch_loss`,
    `validation/epoch_accuracy`, ...) with TensorFlow's core summary ops,
    which TensorBoard reads the same way.
    """
    if importlib.util.find_spec("tensorboard") is not None:
        return keras.callbacks.TensorBoard(log_dir, update_freq=update_freq)
    return ScalarSummaries(log_dir, update_freq=update_freq)


class ScalarSummaries(keras.callbacks.Callback):
    """Writes the metrics and learning rate as TensorBoard scalars.

    Like `keras.callbacks.TensorBoard`, epoch metrics go to `log_dir/train`
    as `epoch_<metric>` and validation metrics (`val_*`) to
    `log_dir/validation`; with an integer `update_freq`, the batch metrics
    are also written every `update_freq` steps as `batch_<metric>`.

    Args:
        log_dir: str. The TensorBoard log directory.
        update_freq: `"epoch"` or int. How often batch metrics are written.
    """

    def __init__(self, log_dir, update_freq="epoch"):
        super().__init__()
        self.log_dir = log_dir
        self.update_freq = update_freq
        self._writers = {}
        self._metadata = tf.compat.v1.SummaryMetadata()
        self._metadata.plugin_data.plugin_name = "scalars"

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch" or not logs:
            return
        step = self._step()
        if step % self.update_freq == 0:
            self._write("train", "batch_", logs, step)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        validation = {
            k[len("val_") :]: v for k, v in logs.items() if k.startswith("val_")
        }
        train["learning_rate"] = self._learning_rate()
        self._write("train", "epoch_", train, epoch)
        if validation:
            self._write("validation", "epoch_", validation, epoch)

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _step(self):
        return int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def _learning_rate(self):
        optimizer = self.model.optimizer
        rate = optimizer.learning_rate
        return float(keras.ops.convert_to_numpy(rate))

    def _write(self, name, prefix, values, step):
        if name not in self._writers:
            self._writers[name] = tf.summary.create_file_writer(
                os.path.join(self.log_dir, name)
            )
        with self._writers[name].as_default():
            for key, value in values.items():
                value = np.asarray(value, dtype="float32")
                if value.ndim:
                    continue
                tf.summary.write(
                    prefix + key,
                    tf.constant(value),
                    step=step,
                    metadata=self._metadata,
                )
        self._writers[name].flush()
