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

"""End-to-end tests of examples/bert_pretraining on tiny configs.

The program runs in subprocesses, as users run it: pretraining then
fine-tuning from its preset, a run killed with SIGKILL and restarted, two
workers of a `MultiWorkerMirroredStrategy` on 127.0.0.1, and a run whose
loss becomes NaN. The input pipeline is tested in-process on a corpus
whose tokens tell which document they come from.
"""

import contextlib
import gzip
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time

import h5py
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

import keras_nlp
from examples.common import pretraining
from keras_nlp.testing.test_case import TestCase

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TINY = [
    "--hidden_size=16",
    "--num_layers=2",
    "--num_attention_heads=2",
    "--inner_dim=32",
    "--vocab_size=150",
    "--sequence_length=32",
    "--max_predictions_per_seq=5",
    "--batch_size=8",
]

# Fails every learning rate from step NAN_STEP on, so the weights and then
# the loss become NaN.
NAN_STEP = 12
NAN_LAUNCHER = textwrap.dedent(f"""
    import keras
    from examples.bert_pretraining import pretrain
    from examples.common import cli
    from examples.common import optimization

    schedule = optimization.WarmupLinearDecay.__call__

    def failing_schedule(self, step):
        rate = schedule(self, step)
        step = keras.ops.cast(step, "float32")
        return keras.ops.where(step >= {NAN_STEP}, float("nan"), rate)

    optimization.WarmupLinearDecay.__call__ = failing_schedule
    cli.run(pretrain.main)
    """)

CORPUS = """\
The film opens on a quiet harbour town.
A young woman returns home after many years.
Her brother runs the family bakery.

The second story follows a retired detective.
He cannot stop thinking about one old case.
His neighbour brings him the newspaper every day.
One morning the paper is missing.

A small orchestra prepares for a concert.
The violinist has lost her favourite bow.
Everyone in the hall helps her look for it.
"""


def program(module, args):
    return [sys.executable, "-m", f"examples.{module}"] + args


def run(command, env=None, timeout=600):
    return subprocess.run(
        command,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def read_weights(path):
    """All arrays of a `.weights.h5` file, by their path in the file."""
    arrays = {}
    with h5py.File(path, "r") as file:
        file.visititems(
            lambda name, item: (
                arrays.__setitem__(name, item[()])
                if isinstance(item, h5py.Dataset)
                else None
            )
        )
    return arrays


def read_manifest(output_dir):
    path = os.path.join(output_dir, "progress.json")
    if not os.path.isfile(path):
        return None
    with open(path) as file:
        return json.load(file)


def writing_a_checkpoint(output_dir):
    """Whether a checkpoint file is being written (under its temporary name)."""
    backup = os.path.join(output_dir, "backup")
    try:
        return any(name.startswith("tmp-ckpt-") for name in os.listdir(backup))
    except FileNotFoundError:
        return False


def trained_steps(output_dir):
    """The optimizer step count saved with the final pretrainer weights."""
    weights = read_weights(os.path.join(output_dir, "pretrainer.weights.h5"))
    return int(weights["optimizer/vars/0"])


def kill_when(command, output_dir, condition, landed, fresh, time_limit=300):
    """Starts `command` and SIGKILLs it as soon as `condition()` holds.

    Repeats (from an empty `output_dir` if `fresh`) until `landed()` says
    the kill hit the moment aimed at, within `time_limit` seconds; returns
    the number of attempts.
    """
    deadline = time.time() + time_limit
    attempts = 0
    while time.time() < deadline:
        attempts += 1
        if fresh and os.path.isdir(output_dir):
            shutil.rmtree(output_dir)
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while process.poll() is None and time.time() < deadline:
                if condition():
                    break
                time.sleep(0.001)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        if landed():
            return attempts
    raise AssertionError(
        f"No kill landed at the moment aimed at in {attempts} attempts."
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.large
class BertPretrainingExampleTest(TestCase):
    def setUp(self):
        super().setUp()
        self.temp_dir = self.get_temp_dir()
        self.corpus = os.path.join(self.temp_dir, "corpus.txt")
        with open(self.corpus, "w") as file:
            file.write(CORPUS)

    def assertRanCleanly(self, result):
        self.assertEqual(
            result.returncode,
            0,
            msg=result.stdout[-3000:] + result.stderr[-5000:],
        )

    def test_pretrain_then_fine_tune_from_the_preset(self):
        output_dir = os.path.join(self.temp_dir, "pretraining")
        result = run(
            program(
                "bert_pretraining.pretrain",
                [
                    f"--input={self.corpus}",
                    f"--output_dir={output_dir}",
                    "--num_train_steps=6",
                    "--steps_per_epoch=3",
                ]
                + TINY,
            ),
            env={
                k: v
                for k, v in os.environ.items()
                if k != "TF_CPP_MIN_LOG_LEVEL"
            },
        )
        self.assertRanCleanly(result)
        self.assertIn("XLA on", result.stdout)
        for noise in (
            "oneDNN custom operations",
            "All log messages before absl::InitializeLog",
            "`shuffle=True` was passed",
        ):
            self.assertNotIn(noise, result.stdout + result.stderr)
        preset = os.path.join(output_dir, "preset")
        self.assertEqual(
            sorted(os.listdir(preset)),
            [
                "config.json",
                "model.weights.h5",
                "pretraining_heads.npz",
                "vocab.txt",
            ],
        )
        encoder = keras_nlp.encoders.BertEncoder.from_preset(preset)
        # The trained heads load back through BertPretrainer.from_preset,
        # tied to the preset's embedding table: the values of the final
        # pretrainer weights.
        pretrainer = keras_nlp.models.BertPretrainer.from_preset(preset)
        self.assertIs(
            pretrainer.masked_lm.embedding_table,
            pretrainer.encoder.get_embedding_table(),
        )
        final = read_weights(os.path.join(output_dir, "pretrainer.weights.h5"))
        masked_lm = pretrainer.masked_lm
        for name, variable in [
            ("masked_lm/dense/vars/0", masked_lm.dense.kernel),
            ("masked_lm/layer_norm/vars/0", masked_lm.layer_norm.gamma),
            ("masked_lm/vars/0", masked_lm.output_bias),
            ("dense/vars/0", pretrainer.next_sentence_dense.kernel),
            ("dense/vars/1", pretrainer.next_sentence_dense.bias),
        ]:
            self.assertAllEqual(variable, final[f"layers/{name}"], msg=name)
        # Trained, not freshly initialized (the biases start at zero).
        self.assertGreater(np.abs(final["layers/masked_lm/vars/0"]).max(), 0)

        # Continued pretraining from the preset, heads included.
        continued_dir = os.path.join(self.temp_dir, "continued")
        result = run(
            program(
                "bert_pretraining.pretrain",
                [
                    f"--input={self.corpus}",
                    f"--preset={preset}",
                    f"--output_dir={continued_dir}",
                    "--num_train_steps=2",
                    "--steps_per_epoch=2",
                    "--sequence_length=32",
                    "--max_predictions_per_seq=5",
                    "--batch_size=8",
                    "--nojit_compile",
                ],
            )
        )
        self.assertRanCleanly(result)
        self.assertEqual(trained_steps(continued_dir), 2)
        tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(
            os.path.join(preset, "vocab.txt")
        )
        self.assertEqual(encoder.vocab_size, tokenizer.vocab_size())
        self.assertEqual(
            read_manifest(output_dir),
            {"completed": True, "step": 6, "checkpoints": []},
        )
        self.assertEqual(trained_steps(output_dir), 6)
        # The backup is removed after a successful run.
        self.assertFalse(os.path.exists(os.path.join(output_dir, "backup")))

        train_csv = os.path.join(self.temp_dir, "train.csv")
        with open(train_csv, "w") as file:
            file.write("text,label\n")
            file.write("The film opens on a quiet town.,1\n" * 6)
            file.write("His neighbour lost the paper.,0\n" * 6)
        classification_dir = os.path.join(self.temp_dir, "classification")
        result = run(
            program(
                "bert_classification.train",
                [
                    f"--preset={preset}",
                    f"--dataset=csv:{train_csv}",
                    "--eval_fraction=0.25",
                    "--sequence_length=32",
                    "--batch_size=3",
                    "--epochs=1",
                    "--nojit_compile",
                    f"--output_dir={classification_dir}",
                ],
            )
        )
        self.assertRanCleanly(result)
        self.assertTrue(
            os.path.isdir(os.path.join(classification_dir, "saved_model"))
        )

    def test_resumes_after_sigkill_from_the_last_checkpoint(self):
        output_dir = os.path.join(self.temp_dir, "run")
        args = [
            f"--input={self.corpus}",
            f"--output_dir={output_dir}",
            "--num_train_steps=200",
            "--steps_per_epoch=20",
            "--steps_per_execution=2",
        ] + TINY
        command = program("bert_pretraining.pretrain", args)
        progress = os.path.join(output_dir, "progress.json")
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.time() + 180
            while not os.path.exists(progress) and time.time() < deadline:
                self.assertIsNone(process.poll(), "The run ended early.")
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        saved_step = read_manifest(output_dir)["step"]
        self.assertBetween(saved_step, 20, 180)
        self.assertEqual(saved_step % 20, 0)

        result = run(command)
        self.assertRanCleanly(result)
        self.assertIn(
            f"Resuming from the checkpoint of step {saved_step}.",
            result.stdout,
        )
        self.assertIn(f"Trained steps {saved_step}..200", result.stdout)
        self.assertEqual(read_manifest(output_dir)["step"], 200)
        self.assertTrue(read_manifest(output_dir)["completed"])
        self.assertEqual(trained_steps(output_dir), 200)
        encoder = keras_nlp.encoders.BertEncoder.from_preset(
            os.path.join(output_dir, "preset")
        )
        self.assertEqual(encoder.hidden_size, 16)

        # The same command again has nothing left to do.
        result = run(command)
        self.assertRanCleanly(result)
        self.assertIn("finished all 200 steps already", result.stdout)
        # Another model must not resume from (or overwrite) this checkpoint.
        other = [a for a in args if not a.startswith("--hidden_size")]
        result = run(
            program("bert_pretraining.pretrain", other + ["--hidden_size=8"])
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(
            "holds the checkpoint of a different model", result.stderr
        )
        self.assertIn("encoder_config", result.stderr)

    def assertCleanError(self, result, *fragments):
        self.assertEqual(result.returncode, 2, msg=result.stderr[-3000:])
        self.assertNotIn("Traceback", result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertLen(lines, 1, msg=result.stderr[-3000:])
        self.assertTrue(lines[0].startswith("Error: "), msg=lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def test_user_errors_print_one_line(self):
        env = {
            k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"
        }
        records = os.path.join(self.temp_dir, "corpus.tfrecord")
        with tf.io.TFRecordWriter(records) as writer:
            writer.write(b"The film opens on a quiet harbour town.")
        output_dir = os.path.join(self.temp_dir, "errors")
        for args, fragments in [
            ([f"--input={records}"], ["is a TFRecord file, not text"]),
            (["--input=tfds:wiki40/en"], ["Did you mean tfds:wiki40b"]),
            (["--distribution_strategy=tpu"], ["found no TPU"]),
            (["--num_train_steps=10", "--steps_per_epoch=3"], ["must divide"]),
            (["--masked_lm_rate=high"], ["--masked_lm_rate"]),
        ]:
            result = run(
                program(
                    "bert_pretraining.pretrain",
                    [f"--output_dir={output_dir}"] + args,
                ),
                env=env,
            )
            self.assertCleanError(result, *fragments)
        # An empty manifest (e.g. a disk that filled up).
        os.makedirs(output_dir, exist_ok=True)
        open(os.path.join(output_dir, "progress.json"), "w").close()
        result = run(
            program(
                "bert_pretraining.pretrain",
                [f"--input={self.corpus}", f"--output_dir={output_dir}"] + TINY,
            ),
            env=env,
        )
        self.assertCleanError(
            result, "progress.json is damaged: it is empty, truncated"
        )

    def test_help_lists_the_shared_flags(self):
        for module, own_flag in [
            ("bert_pretraining.pretrain", "lowercase"),
            ("albert.pretrain", "embedding_width"),
        ]:
            result = run(program(module, ["--help"]))
            self.assertRanCleanly(result)
            for flag in (
                own_flag,
                "input",
                "num_train_steps",
                "steps_per_epoch",
                "sequence_length",
                "output_dir",
                "mixed_precision",
                "distribution_strategy",
                "tpu",
            ):
                self.assertRegex(
                    result.stdout, rf"\n  --(\[no\])?{flag}: ", msg=module
                )

    def test_two_workers_end_with_identical_weights(self):
        output_dir = os.path.join(self.temp_dir, "multi_worker")
        workers = [f"127.0.0.1:{free_port()}" for _ in range(2)]
        processes = []
        for index in range(2):
            env = dict(os.environ)
            env["TF_CONFIG"] = json.dumps(
                {
                    "cluster": {"worker": workers},
                    "task": {"type": "worker", "index": index},
                }
            )
            processes.append(
                subprocess.Popen(
                    program(
                        "bert_pretraining.pretrain",
                        [
                            f"--input={self.corpus}",
                            f"--output_dir={output_dir}",
                            "--distribution_strategy=multi_worker_mirrored",
                            "--num_train_steps=4",
                            "--steps_per_epoch=2",
                        ]
                        + TINY,
                    ),
                    cwd=REPO_ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        outputs = []
        for process in processes:
            try:
                stdout, stderr = process.communicate(timeout=240)
            finally:
                process.kill()
            self.assertEqual(process.returncode, 0, msg=stderr[-5000:])
            outputs.append(stdout)
        for stdout in outputs:
            self.assertIn("on 2 replica(s)", stdout)
            self.assertIn("Trained steps 0..4", stdout)
        chief = read_weights(os.path.join(output_dir, "pretrainer.weights.h5"))
        worker = read_weights(
            os.path.join(
                output_dir, "workers", "worker_1", "pretrainer.weights.h5"
            )
        )
        self.assertEqual(sorted(chief), sorted(worker))
        self.assertGreater(len(chief), 30)
        for name in chief:
            self.assertAllEqual(chief[name], worker[name], msg=name)
        self.assertEqual(read_manifest(output_dir)["step"], 4)

    def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(self):
        output_dir = os.path.join(self.temp_dir, "nan")
        result = run(
            [sys.executable, "-c", NAN_LAUNCHER]
            + [
                f"--input={self.corpus}",
                f"--output_dir={output_dir}",
                "--num_train_steps=30",
                "--steps_per_epoch=5",
            ]
            + TINY
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("the loss became NaN or infinite", result.stderr)
        self.assertIn("last good checkpoint, from step 10", result.stderr)
        manifest = read_manifest(output_dir)
        self.assertEqual(manifest["step"], 10)
        self.assertFalse(manifest["completed"])
        self.assertEqual(
            [entry["step"] for entry in manifest["checkpoints"]], [10, 5]
        )
        weights = read_weights(
            os.path.join(output_dir, "backup", "ckpt-10.weights.h5")
        )
        self.assertTrue(all(np.all(np.isfinite(w)) for w in weights.values()))
        self.assertIn("optimizer/vars/0", weights)
        self.assertEqual(int(weights["optimizer/vars/0"]), 10)
        self.assertFalse(os.path.exists(os.path.join(output_dir, "preset")))


@pytest.mark.large
class PreemptionTest(TestCase):
    """SIGKILL at the worst moments; the rerun ends at exactly the plan."""

    def setUp(self):
        super().setUp()
        self.temp_dir = self.get_temp_dir()
        self.corpus = os.path.join(self.temp_dir, "corpus.txt")
        with open(self.corpus, "w") as file:
            file.write(CORPUS)
        self.output_dir = os.path.join(self.temp_dir, "run")

    def command(self, num_train_steps, steps_per_epoch):
        return program(
            "bert_pretraining.pretrain",
            [
                f"--input={self.corpus}",
                f"--output_dir={self.output_dir}",
                f"--num_train_steps={num_train_steps}",
                f"--steps_per_epoch={steps_per_epoch}",
                "--nojit_compile",
            ]
            + TINY,
        )

    def rerun(self, command, num_train_steps):
        result = run(command)
        self.assertEqual(
            result.returncode,
            0,
            msg=result.stdout[-3000:] + result.stderr[-5000:],
        )
        manifest = read_manifest(self.output_dir)
        self.assertEqual(
            manifest,
            {"completed": True, "step": num_train_steps, "checkpoints": []},
        )
        self.assertEqual(trained_steps(self.output_dir), num_train_steps)
        self.assertFalse(
            os.path.exists(os.path.join(self.output_dir, "backup"))
        )
        keras_nlp.encoders.BertEncoder.from_preset(
            os.path.join(self.output_dir, "preset")
        )
        return result

    def test_kill_during_a_checkpoint_write(self):
        command = self.command(num_train_steps=24, steps_per_epoch=2)

        def committed():
            manifest = read_manifest(self.output_dir)
            return manifest["checkpoints"] if manifest else []

        kill_when(
            command,
            self.output_dir,
            # Two checkpoints are committed and the next is being written.
            condition=lambda: len(committed()) == 2
            and writing_a_checkpoint(self.output_dir),
            landed=lambda: writing_a_checkpoint(self.output_dir)
            and len(committed()) == 2
            and committed()[0]["step"] < 24,
            fresh=True,
        )
        newest, previous = committed()
        # Bit flips in the newest good checkpoint: the rerun falls back to
        # the one before, and keeps the work done up to it.
        path = os.path.join(self.output_dir, "backup", newest["file"])
        with open(path, "rb+") as file:
            data = bytearray(file.read())
            data[len(data) // 2] ^= 0xFF
            file.seek(0)
            file.write(data)
        result = self.rerun(command, 24)
        self.assertIn(f"The checkpoint of step {newest['step']}", result.stdout)
        self.assertIn("checksum does not match", result.stdout)
        self.assertIn(
            f"Resuming from the checkpoint of step {previous['step']}.",
            result.stdout,
        )
        self.assertIn(f"Trained steps {previous['step']}..24", result.stdout)

    def test_kill_during_the_first_checkpoint(self):
        command = self.command(num_train_steps=4, steps_per_epoch=2)
        kill_when(
            command,
            self.output_dir,
            condition=lambda: writing_a_checkpoint(self.output_dir),
            landed=lambda: writing_a_checkpoint(self.output_dir)
            and read_manifest(self.output_dir) is None,
            fresh=True,
        )
        result = self.rerun(command, 4)
        self.assertNotIn("Resuming", result.stdout)
        self.assertIn("Trained steps 0..4", result.stdout)

    def test_kill_after_the_last_step(self):
        command = self.command(num_train_steps=4, steps_per_epoch=2)

        def last_step_not_completed():
            manifest = read_manifest(self.output_dir)
            return (
                manifest is not None
                and manifest["step"] == 4
                and not manifest["completed"]
            )

        kill_when(
            command,
            self.output_dir,
            condition=last_step_not_completed,
            landed=last_step_not_completed,
            fresh=True,
        )
        result = self.rerun(command, 4)
        # Nothing is retrained: the outputs are written from the last
        # checkpoint.
        self.assertIn("Resuming from the checkpoint of step 4.", result.stdout)
        self.assertIn("Trained steps 4..4", result.stdout)
        # And the completed run has nothing left to do.
        result = run(command)
        self.assertEqual(result.returncode, 0, msg=result.stderr[-3000:])
        self.assertIn("finished all 4 steps already", result.stdout)


class PretrainingPipelineTest(TestCase):
    """The `tf.data` pipeline, on documents whose tokens name the document.

    Document k is made of the token `dk` only, so the segments of each
    example show where they come from. In `self.documents` each document is
    one chunk long; `self.few_documents` has three documents of two chunks
    each, so that a random draw often hits the document of the example.
    """

    num_documents = 16
    batch_size = 8

    def setUp(self):
        super().setUp()
        vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [
            f"d{k}" for k in range(self.num_documents)
        ]
        self.tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(vocabulary)
        lines = [
            [f"d{k} d{k}", f"d{k} d{k} d{k}", f"d{k}"]
            for k in range(self.num_documents)
        ]
        self.documents = tf.data.Dataset.from_tensor_slices(
            tf.ragged.constant(lines)
        )
        # Lines of 2, 3, 2, 2, 3 and 2 tokens: with 9 tokens per chunk, a
        # chunk of 4 lines and one of 2, so B is never empty.
        lines = [
            [" ".join([f"d{k}"] * n) for n in (2, 3, 2, 2, 3, 2)]
            for k in range(3)
        ]
        self.few_documents = tf.data.Dataset.from_tensor_slices(
            tf.ragged.constant(lines)
        )

    def batches(self, pair_task, num_batches=6, documents=None):
        dataset = pretraining.pretraining_dataset(
            self.documents if documents is None else documents,
            self.tokenizer,
            sequence_length=12,
            batch_size=self.batch_size,
            max_predictions_per_seq=3,
            pair_task=pair_task,
            seed=1,
        )
        return dataset, list(dataset.take(num_batches))

    def original_ids(self, features, labels, weights):
        """The input ids with the masked positions restored."""
        ids = features["input_word_ids"].numpy().copy()
        positions = features["masked_lm_positions"].numpy()
        for row in range(ids.shape[0]):
            for column, position in enumerate(positions[row]):
                if weights["mlm_logits"][row, column]:
                    ids[row, position] = labels["mlm_logits"][row, column]
        return ids

    def test_static_shapes(self):
        dataset, _ = self.batches("next_sentence", num_batches=1)
        features, labels, weights = dataset.element_spec
        for name in ("input_word_ids", "input_mask", "input_type_ids"):
            self.assertEqual(features[name].shape, (8, 12))
        self.assertEqual(features["masked_lm_positions"].shape, (8, 3))
        self.assertEqual(labels["mlm_logits"].shape, (8, 3))
        self.assertEqual(labels["next_sentence_logits"].shape, (8,))
        self.assertEqual(weights["mlm_logits"].shape, (8, 3))

    def test_next_sentence_pairs_and_masking(self):
        _, batches = self.batches(
            "next_sentence", num_batches=12, documents=self.few_documents
        )
        labels_seen = []
        mask_id = self.tokenizer.mask_token_id
        num_masked = 0
        for features, labels, weights in batches:
            ids = self.original_ids(features, labels, weights)
            type_ids = features["input_type_ids"].numpy()
            mask = features["input_mask"].numpy()
            for row in range(self.batch_size):
                real = mask[row] == 1
                self.assertEqual(ids[row, 0], self.tokenizer.cls_token_id)
                words = ids[row] >= 5
                first = set(ids[row][words & real & (type_ids[row] == 0)])
                second = set(ids[row][words & real & (type_ids[row] == 1)])
                # Each segment comes from one document.
                self.assertLen(first, 1)
                self.assertLen(second, 1)
                label = int(labels["next_sentence_logits"][row])
                labels_seen.append(label)
                # "Is next" pairs are of one document, "random next" pairs
                # of two different documents.
                self.assertEqual(label == 0, first == second)
                # Masked positions hold words, never special tokens.
                for column in np.flatnonzero(weights["mlm_logits"][row]):
                    position = features["masked_lm_positions"][row, column]
                    self.assertGreaterEqual(int(ids[row, position]), 5)
                    num_masked += 1
            masked_ids = features["input_word_ids"].numpy()
            self.assertTrue(np.any(masked_ids == mask_id))
        # Every B is non-empty, so each label is a fair coin: the number
        # of "random next" pairs is Binomial(96, 0.5), mean 48 and standard
        # deviation 4.9; these bounds are 4 standard deviations.
        self.assertLen(labels_seen, 96)
        self.assertBetween(sum(labels_seen), 28, 68)
        self.assertGreater(num_masked, len(batches) * self.batch_size)

    def test_next_sentence_needs_two_documents(self):
        one_document = self.few_documents.take(1)
        with self.assertRaisesRegex(ValueError, "at least two documents"):
            self.batches("next_sentence", documents=one_document)
        # Without a pair task one document is enough.
        _, batches = self.batches(None, num_batches=1, documents=one_document)
        self.assertLen(batches, 1)

    def test_sentence_order_pairs(self):
        _, batches = self.batches("sentence_order")
        labels_seen = []
        for features, labels, weights in batches:
            ids = self.original_ids(features, labels, weights)
            type_ids = features["input_type_ids"].numpy()
            for row in range(self.batch_size):
                # The lines of document k have 2, 3 and 1 tokens `dk`: A is
                # the first line(s) and B the rest, unless swapped.
                words = ids[row] >= 5
                first = ids[row][words & (type_ids[row] == 0)]
                second = ids[row][words & (type_ids[row] == 1)]
                self.assertLen(set(first) | set(second), 1)
                label = int(labels["next_sentence_logits"][row])
                labels_seen.append(label)
                in_order = {(2, 4), (5, 1)}
                lengths = (len(first), len(second))
                if label:
                    self.assertIn(lengths[::-1], in_order)
                else:
                    self.assertIn(lengths, in_order)
        self.assertIn(0, labels_seen)
        self.assertIn(1, labels_seen)

    def test_single_segments_without_next_sentence(self):
        dataset, batches = self.batches(None, num_batches=2)
        self.assertNotIn("next_sentence_logits", dataset.element_spec[1])
        for features, labels, weights in batches:
            self.assertAllEqual(features["input_type_ids"], 0)
            ids = self.original_ids(features, labels, weights)
            for row in range(self.batch_size):
                words = ids[row][ids[row] >= 5]
                # The whole document: all six tokens, one document's.
                self.assertLen(words, 6)
                self.assertLen(set(words), 1)

    def test_text_file_corpus(self):
        path = os.path.join(self.get_temp_dir(), "corpus.txt")
        with open(path, "w") as file:
            file.write("one.\ntwo.\n\n\nthree.\n")
        documents = pretraining.corpus_dataset([path])
        self.assertEqual(
            [list(d.numpy()) for d in documents],
            [[b"one.", b"two."], [b"three."]],
        )
        with self.assertRaisesRegex(ValueError, "matches no file"):
            pretraining.corpus_dataset([path + ".missing"])

    def test_tfds_corpora(self):
        with tfds.testing.mock_data(num_examples=16):
            documents = pretraining.corpus_dataset(["tfds:wiki40b/en"])
            self.assertLen(list(documents), 16)
            documents = pretraining.corpus_dataset(["tfds:lm1b"])
            self.assertEqual(
                [len(d) for d in documents],
                [pretraining.SENTENCES_PER_DOCUMENT] * 2,
            )
        with self.assertRaisesRegex(ValueError, "Unknown TFDS dataset"):
            pretraining.corpus_dataset(["tfds:no_such_dataset_name"])

    def test_invalid_utf8_in_the_corpus_is_replaced_and_reported(self):
        path = os.path.join(self.get_temp_dir(), "corpus.txt")
        lines = [f"d{k} d{k}\n\n" for k in range(4)]
        with open(path, "wb") as file:
            file.write("".join(lines).encode() + b"d1 \xff\xfed1\nd2\n")
        documents = pretraining.corpus_dataset([path])
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            texts = [list(d.numpy()) for d in documents]
        self.assertEqual(texts[-1], ["d1 \ufffd\ufffdd1".encode(), b"d2"])
        self.assertIn(
            f"Warning: {path} is not valid UTF-8 in 1 line(s)",
            output.getvalue(),
        )
        self.assertIn("the first is line 9", output.getvalue())
        # The whole pipeline runs through it.
        dataset = pretraining.pretraining_dataset(
            documents,
            self.tokenizer,
            sequence_length=12,
            batch_size=2,
            max_predictions_per_seq=3,
            pair_task="next_sentence",
        )
        with contextlib.redirect_stdout(io.StringIO()):
            batches = list(dataset.take(4))
        self.assertLen(batches, 4)

    def test_binary_files_are_refused_as_corpus(self):
        temp_dir = self.get_temp_dir()
        path = os.path.join(temp_dir, "corpus.tfrecord")
        with tf.io.TFRecordWriter(path) as writer:
            writer.write(b"The film opens on a quiet harbour town.")
        with self.assertRaisesRegex(
            ValueError, "corpus.tfrecord is a TFRecord file, not text"
        ):
            pretraining.corpus_dataset([path])
        path = os.path.join(temp_dir, "corpus.txt.gz")
        with gzip.open(path, "wb") as file:
            file.write(b"One line.\n")
        with self.assertRaisesRegex(ValueError, "gzip-compressed.*Decompress"):
            pretraining.corpus_dataset([path])
        path = os.path.join(temp_dir, "corpus.bin")
        with open(path, "wb") as file:
            file.write(b"text\0\1\2")
        with self.assertRaisesRegex(ValueError, "is a binary file, not text"):
            pretraining.corpus_dataset([path])

    def test_misspelled_tfds_corpus_names_the_close_matches(self):
        with self.assertRaisesRegex(
            ValueError,
            r"Unknown TFDS dataset 'wiki40'\. Received: input='tfds:wiki40/en'"
            r"\. Did you mean tfds:wiki40b.*list_builders",
        ):
            pretraining.corpus_dataset(["tfds:wiki40/en"])
        with self.assertRaisesRegex(
            ValueError, "'wiki40b' has no config 'english'.*configs are .*en"
        ):
            pretraining.corpus_dataset(["tfds:wiki40b/english"])

    def test_output_dir_of_another_model_is_refused(self):
        output_dir = self.get_temp_dir()
        with open(os.path.join(output_dir, "run_config.json"), "w") as file:
            file.write('{"hidden_size": ')
        with self.assertRaisesRegex(ValueError, "run_config.json is damaged"):
            pretraining.check_output_dir(output_dir, {"hidden_size": 16})
        os.remove(os.path.join(output_dir, "run_config.json"))
        pretraining.check_output_dir(output_dir, {"hidden_size": 16})
        pretraining.check_output_dir(output_dir, {"hidden_size": 16})
        with self.assertRaisesRegex(ValueError, r"differs in \['hidden_size'"):
            pretraining.check_output_dir(output_dir, {"hidden_size": 8})
