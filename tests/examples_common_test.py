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

"""Tests of examples/common: the optimizer recipe, TensorBoard logs, the
crash-safe checkpoints and the pretraining loop's input release."""

import contextlib
import gc
import hashlib
import io
import json
import os
import sys
import weakref
from unittest import mock

import keras
import numpy as np
import tensorflow as tf

from examples.common import checkpointing
from examples.common import cli
from examples.common import optimization
from examples.common import pretraining
from examples.common import tensorboard
from keras_nlp.testing.test_case import TestCase


class CliRunTest(TestCase):
    def run_main(self, main):
        stderr = io.StringIO()
        with mock.patch.object(sys, "argv", ["program"]):
            with contextlib.redirect_stderr(stderr):
                with self.assertRaises(SystemExit) as exit_request:
                    cli.run(main)
        return exit_request.exception.code, stderr.getvalue()

    def failing_main(self, error_class, message, references):
        def main(argv):
            # Only the cycle collector frees `held`: the exit must not
            # leave it (like a `tf.data` iterator) to the interpreter.
            held = [np.ones(3)]
            held.append(held)
            references.append(weakref.ref(held[0]))
            raise error_class(message)

        return main

    def test_user_error_is_one_line_and_its_frames_are_freed(self):
        references = []
        code, stderr = self.run_main(
            self.failing_main(ValueError, "`--x` is\n wrong.", references)
        )
        self.assertEqual(code, cli.USAGE_EXIT_CODE)
        self.assertEqual(stderr, "Error: `--x` is wrong.\n")
        self.assertIsNone(references[0]())

    def test_bug_prints_its_traceback_and_exits_with_1(self):
        references = []
        code, stderr = self.run_main(
            self.failing_main(KeyError, "no such key", references)
        )
        self.assertEqual(code, 1)
        self.assertIn("Traceback", stderr)
        self.assertIn("KeyError: 'no such key'", stderr)
        self.assertIsNone(references[0]())


class FitTest(TestCase):
    def live_iterators(self):
        return [
            x
            for x in gc.get_objects()
            if isinstance(x, tf.distribute.DistributedIterator)
            or type(x).__name__ == "OwnedIterator"
        ]

    def test_training_stopped_early_frees_the_input_iterator(self):
        # Keras keeps the iterator of a fit stopped mid-epoch in a reference
        # cycle; left to the interpreter's exit, freeing it can hang on a
        # `from_generator` thread (the NaN test of the pretraining example).
        def examples():
            while True:
                yield np.ones(4, "float32"), np.ones(1, "float32")

        dataset = tf.data.Dataset.from_generator(
            examples,
            output_signature=(tf.TensorSpec([4]), tf.TensorSpec([1])),
        )
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")

        class StopAtTheSecondBatch(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                if batch == 1:
                    self.model.stop_training = True

        gc.collect()
        self.assertEqual(self.live_iterators(), [])
        pretraining.fit(
            model,
            dataset.batch(2).prefetch(2),
            epochs=3,
            steps_per_epoch=5,
            callbacks=[StopAtTheSecondBatch()],
            verbose=0,
        )
        self.assertEqual(self.live_iterators(), [])
        self.assertEqual(int(model.optimizer.iterations.numpy()), 2)


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


def _tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(keras.optimizers.Adam(0.1), "mse")
    return model


def _train(model, num_steps):
    x = np.arange(12, dtype="float32").reshape(4, 3)
    model.fit(x, np.ones((4, 2)), batch_size=4, epochs=num_steps, verbose=0)


def _kernel(model):
    return model.layers[0].kernel.numpy().copy()


def _flip_a_byte(path, offset=None):
    with open(path, "rb+") as file:
        data = bytearray(file.read())
        # By default a byte in the middle of the file: weight data.
        index = len(data) // 2 if offset is None else offset
        data[index] ^= 0x10
        file.seek(0)
        file.write(data)


class CheckpointManagerTest(TestCase):
    def setUp(self):
        super().setUp()
        self.output_dir = self.get_temp_dir()
        self.backup_dir = os.path.join(self.output_dir, "backup")
        self.manifest_path = os.path.join(self.output_dir, "progress.json")
        self.messages = []
        self.manager = checkpointing.CheckpointManager(
            self.backup_dir, self.manifest_path, log=self.messages.append
        )

    def manifest(self):
        with open(self.manifest_path) as file:
            return json.load(file)

    def save_steps(self, model, steps):
        """Trains to each step of `steps` and saves; returns the kernels."""
        kernels = {}
        for step in steps:
            _train(model, step - checkpointing.current_step(model))
            self.manager.save(model)
            kernels[step] = _kernel(model)
        return kernels

    def test_keeps_the_last_two_checkpoints_with_checksums(self):
        model = _tiny_model()
        self.save_steps(model, [2, 4, 6])
        manifest = self.manifest()
        self.assertEqual(manifest["step"], 6)
        self.assertFalse(manifest["completed"])
        self.assertEqual(
            [entry["step"] for entry in manifest["checkpoints"]], [6, 4]
        )
        self.assertEqual(
            sorted(os.listdir(self.backup_dir)),
            ["ckpt-4.weights.h5", "ckpt-6.weights.h5"],
        )
        for entry in manifest["checkpoints"]:
            with open(os.path.join(self.backup_dir, entry["file"]), "rb") as f:
                expected = hashlib.sha256(f.read()).hexdigest()
            self.assertEqual(entry["sha256"], expected)

    def test_restores_weights_and_optimizer_step(self):
        model = _tiny_model()
        kernels = self.save_steps(model, [3])
        restored = _tiny_model()
        self.assertEqual(self.manager.restore(restored), 3)
        self.assertEqual(checkpointing.current_step(restored), 3)
        self.assertAllClose(_kernel(restored), kernels[3], atol=0)
        # Training on continues from the restored optimizer state exactly
        # as the original model does.
        _train(model, 1)
        _train(restored, 1)
        self.assertAllClose(_kernel(restored), _kernel(model), atol=1e-7)
        self.assertEqual(self.messages, [])

    def test_no_checkpoint_is_step_zero(self):
        model = _tiny_model()
        initial = _kernel(model)
        self.assertEqual(self.manager.restore(model), 0)
        self.assertAllClose(_kernel(model), initial, atol=0)

    def test_bit_flip_falls_back_to_the_previous_checkpoint(self):
        model = _tiny_model()
        kernels = self.save_steps(model, [2, 4])
        _flip_a_byte(os.path.join(self.backup_dir, "ckpt-4.weights.h5"))
        restored = _tiny_model()
        self.assertEqual(self.manager.restore(restored), 2)
        self.assertAllClose(_kernel(restored), kernels[2], atol=0)
        self.assertLen(self.messages, 1)
        self.assertIn("step 4", self.messages[0])
        self.assertIn("checksum does not match", self.messages[0])
        self.assertIn(
            "Resuming from the checkpoint of step 2", self.messages[0]
        )

    def test_every_checkpoint_corrupted_is_an_error(self):
        model = _tiny_model()
        self.save_steps(model, [2, 4])
        for name in ("ckpt-2.weights.h5", "ckpt-4.weights.h5"):
            _flip_a_byte(os.path.join(self.backup_dir, name))
        with self.assertRaisesRegex(
            ValueError, "No intact checkpoint.*step 4.*step 2.*Delete"
        ):
            self.manager.restore(_tiny_model())

    def test_missing_checkpoint_file_falls_back(self):
        model = _tiny_model()
        kernels = self.save_steps(model, [2, 4])
        os.remove(os.path.join(self.backup_dir, "ckpt-4.weights.h5"))
        restored = _tiny_model()
        self.assertEqual(self.manager.restore(restored), 2)
        self.assertAllClose(_kernel(restored), kernels[2], atol=0)
        self.assertIn("is missing", self.messages[0])

    def test_checkpoint_of_another_step_than_its_entry_falls_back(self):
        # The manifest's step and the weights disagree (what a kill
        # between two separate writes produced with BackupAndRestore).
        model = _tiny_model()
        kernels = self.save_steps(model, [2, 4])
        manifest = self.manifest()
        newest = manifest["checkpoints"][0]
        newest["step"] = 5
        manifest["step"] = 5
        checkpointing.write_json(self.manifest_path, manifest)
        restored = _tiny_model()
        self.assertEqual(self.manager.restore(restored), 2)
        self.assertAllClose(_kernel(restored), kernels[2], atol=0)
        self.assertIn("optimizer state of step 4", self.messages[0])

    def test_interrupted_first_write_starts_over_and_cleans_up(self):
        # A kill inside the first checkpoint write: a truncated temporary
        # file and no manifest.
        os.makedirs(self.backup_dir)
        partial = os.path.join(self.backup_dir, "tmp-ckpt-2.weights.h5")
        with open(partial, "wb") as file:
            file.write(b"\x89HDF\r\n\x1a\n" + b"\0" * 10)
        model = _tiny_model()
        self.assertEqual(self.manager.restore(model), 0)
        self.assertEqual(os.listdir(self.backup_dir), [])
        self.save_steps(model, [2])
        self.assertEqual(self.manager.restore(_tiny_model()), 2)

    def test_kill_between_the_weights_and_the_manifest(self):
        # The new file is complete but the manifest still names the old
        # checkpoint: the old one is restored, the orphan removed.
        model = _tiny_model()
        kernels = self.save_steps(model, [2])
        _train(model, 2)
        model.save_weights(os.path.join(self.backup_dir, "ckpt-4.weights.h5"))
        restored = _tiny_model()
        self.assertEqual(self.manager.restore(restored), 2)
        self.assertAllClose(_kernel(restored), kernels[2], atol=0)
        self.assertEqual(os.listdir(self.backup_dir), ["ckpt-2.weights.h5"])

    def test_damaged_manifest_is_a_clear_error(self):
        for content in ("", '{"step": 4, "checkpo'):
            with open(self.manifest_path, "w") as file:
                file.write(content)
            with self.assertRaisesRegex(
                ValueError, "progress.json is damaged: it is empty, truncated"
            ):
                self.manager.restore(_tiny_model())
        with open(self.manifest_path, "w") as file:
            json.dump({"step": 4}, file)
        with self.assertRaisesRegex(ValueError, "is not one this program"):
            self.manager.restore(_tiny_model())

    def test_mark_completed_removes_the_checkpoints(self):
        model = _tiny_model()
        self.save_steps(model, [2])
        self.assertFalse(self.manager.is_completed())
        self.manager.mark_completed(2)
        self.assertTrue(self.manager.is_completed())
        self.assertEqual(
            self.manifest(), {"step": 2, "completed": True, "checkpoints": []}
        )
        self.assertFalse(os.path.exists(self.backup_dir))

    def test_callback_saves_each_epoch_but_not_after_a_nan_loss(self):
        model = _tiny_model()
        callback = checkpointing.CheckpointCallback(self.manager)
        x = np.ones((4, 3), "float32")
        model.fit(
            x,
            np.ones((4, 2)),
            batch_size=2,
            epochs=2,
            verbose=0,
            callbacks=[callback],
        )
        self.assertEqual(
            [entry["step"] for entry in self.manifest()["checkpoints"]], [4, 2]
        )
        x[0, 0] = np.nan
        model.fit(
            x,
            np.ones((4, 2)),
            batch_size=2,
            epochs=3,
            initial_epoch=2,
            shuffle=False,
            verbose=0,
            callbacks=[keras.callbacks.TerminateOnNaN(), callback],
        )
        self.assertEqual(callback.failed_step, 5)
        self.assertEqual(self.manifest()["step"], 4)
