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

"""End-to-end tests of examples/bert_classification on tiny configs.

The program runs in a subprocess (as users run it), on TFDS datasets mocked
with `tfds.testing.mock_data`, on CSV files the tests write, and from a
preset directory; the tests then load what it saved. The documented input
errors are tested on the functions that raise them.
"""

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
import tensorflow_text  # noqa: F401 (registers the ops of the SavedModel)

import keras_nlp
from examples.bert_classification import datasets
from examples.bert_classification import glue_metrics
from examples.common import distribution
from examples.common import presets
from keras_nlp.testing.test_case import TestCase

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Runs the program's `main` with `sys.argv`, with TFDS mocked.
LAUNCHER = textwrap.dedent("""
    import tensorflow_datasets as tfds
    from examples.bert_classification import train
    from examples.common import cli
    with tfds.testing.mock_data(num_examples=24):
        cli.run(train.main)
    """)

# TensorFlow's start-up and export lines that the program silences.
NOISE = (
    "oneDNN custom operations",
    "All log messages before absl::InitializeLog",
    "Could not find cuda drivers",
    "unsupported characters",
    "Sharding callback duration",
    "`shuffle=True` was passed",
)

TINY_MODEL = [
    "--hidden_size=16",
    "--num_layers=2",
    "--num_attention_heads=2",
    "--inner_dim=32",
    "--vocab_size=120",
    "--sequence_length=16",
    "--batch_size=4",
    "--epochs=1",
]

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (
    "the a film movie was is not good bad great awful plot acting "
    "loved hated it and but very , . !"
).split()


def run_program(args, timeout=600, module=None):
    """Runs the program (TFDS mocked, or `python -m module`)."""
    # As users run it: without the test suite's TF_CPP_MIN_LOG_LEVEL.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    command = (
        [sys.executable, "-m", module]
        if module
        else [sys.executable, "-c", LAUNCHER]
    )
    return subprocess.run(
        command + args,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def write_csv(path, header, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def make_preset(path, vocab_size=None, max_sequence_length=16):
    """Saves a tiny BertEncoder preset with VOCABULARY as vocab.txt."""
    encoder = keras_nlp.encoders.BertEncoder(
        vocab_size=vocab_size or len(VOCABULARY),
        hidden_size=16,
        num_layers=2,
        num_attention_heads=2,
        inner_dim=32,
        max_sequence_length=max_sequence_length,
        type_vocab_size=2,
    )
    encoder.save_to_preset(path)
    with open(os.path.join(path, "vocab.txt"), "w") as file:
        file.write("\n".join(VOCABULARY) + "\n")
    return encoder


@pytest.mark.large
class BertClassificationExampleTest(TestCase):
    def assertRanCleanly(self, result):
        self.assertEqual(
            result.returncode,
            0,
            msg=result.stdout[-3000:] + result.stderr[-5000:],
        )

    def assertOutputs(self, output_dir, num_classes, texts):
        """The saved files exist; the SavedModel classifies raw strings."""
        for name in ("classifier.keras", "results.json", "saved_model"):
            self.assertTrue(os.path.exists(os.path.join(output_dir, name)))
        event_files = [
            os.path.join(directory, name)
            for directory, _, names in os.walk(os.path.join(output_dir, "logs"))
            for name in names
            if name.startswith("events.out.tfevents")
        ]
        tags = set()
        for path in event_files:
            for record in tf.data.TFRecordDataset(path):
                event = tf.compat.v1.Event.FromString(record.numpy())
                tags.update(value.tag for value in event.summary.value)
        self.assertIn("epoch_loss", tags)
        self.assertIn("epoch_accuracy", tags)
        with open(os.path.join(output_dir, "results.json")) as file:
            results = json.load(file)
        self.assertBetween(results["accuracy"], 0.0, 1.0)

        exported = tf.saved_model.load(os.path.join(output_dir, "saved_model"))
        probabilities = exported.serve(*texts).numpy()
        self.assertEqual(probabilities.shape, (len(texts[0]), num_classes))
        self.assertAllClose(probabilities.sum(axis=-1), 1.0, atol=1e-5)
        outputs = exported.signatures["serving_default"](
            **dict(zip(["text", "text_pair"], map(tf.constant, texts)))
        )
        self.assertAllClose(outputs["probabilities"], probabilities, atol=1e-6)

        model = keras.saving.load_model(
            os.path.join(output_dir, "classifier.keras")
        )
        # A plain BertClassifier: keras_nlp alone loads it.
        self.assertIs(type(model), keras_nlp.models.BertClassifier)
        self.assertEqual(model.num_classes, num_classes)
        self.assertEqual(model.output.shape, (None, num_classes))
        return results, exported

    def test_glue_sst2(self):
        output_dir = self.get_temp_dir()
        result = run_program(
            ["--dataset=tfds:glue/sst2", f"--output_dir={output_dir}"]
            + TINY_MODEL
        )
        self.assertRanCleanly(result)
        self.assertIn("Held-out accuracy", result.stdout)
        results, exported = self.assertOutputs(
            output_dir, 2, [["a good film", "bad"]]
        )
        self.assertEqual(results["text_features"], ["sentence"])
        self.assertEqual(results["steps"], 24 // 4)
        self.assertEqual(
            list(exported.class_names.numpy()), [b"negative", b"positive"]
        )
        # The vocabulary was learned from the training text.
        self.assertTrue(os.path.isfile(os.path.join(output_dir, "vocab.txt")))
        for noise in NOISE:
            self.assertNotIn(noise, result.stdout + result.stderr)

        # --predict_file: the lines of a file through the SavedModel.
        inputs = os.path.join(output_dir, "inputs.txt")
        with open(inputs, "wb") as file:
            file.write(b"a good film\n\nbad \xff plot\n")
        predictions = os.path.join(output_dir, "predictions.tsv")
        result = run_program(
            [
                f"--predict_file={inputs}",
                f"--output_dir={output_dir}",
                f"--predictions_file={predictions}",
            ]
        )
        self.assertRanCleanly(result)
        with open(predictions, encoding="utf-8") as file:
            rows = [line.split("\t") for line in file.read().splitlines()]
        self.assertEqual(
            rows[0], ["text", "prediction", "p_negative", "p_positive"]
        )
        texts = ["a good film", "bad \ufffd plot"]
        self.assertEqual([row[0] for row in rows[1:]], texts)
        expected = exported.serve(tf.constant(texts)).numpy()
        for row, probabilities in zip(rows[1:], expected):
            self.assertAllClose(
                np.array([float(p) for p in row[2:]]), probabilities, atol=1e-4
            )
            self.assertEqual(
                row[1], ["negative", "positive"][probabilities.argmax()]
            )

    def test_imdb_reviews_with_mixed_precision(self):
        output_dir = self.get_temp_dir()
        result = run_program(
            [
                "--dataset=tfds:imdb_reviews",
                "--mixed_precision",
                "--nojit_compile",
                f"--output_dir={output_dir}",
            ]
            + TINY_MODEL
        )
        self.assertRanCleanly(result)
        self.assertIn("mixed_bfloat16", result.stdout)
        results, exported = self.assertOutputs(output_dir, 2, [["great"]])
        self.assertEqual(results["text_features"], ["text"])
        self.assertEqual(list(exported.class_names.numpy()), [b"neg", b"pos"])

    def test_csv_sentence_pairs_from_a_preset(self):
        temp_dir = self.get_temp_dir()
        preset = os.path.join(temp_dir, "preset")
        make_preset(preset)
        rows = [
            ("the film was good", "it was great", "same"),
            ("the plot was bad", "it was great", "different"),
            ("loved it", "the acting was great", "same"),
            ("hated it", "a good movie", "1"),
        ] * 4
        train_path = os.path.join(temp_dir, "train.csv")
        write_csv(train_path, ["premise", "hypothesis", "verdict"], rows)
        output_dir = os.path.join(temp_dir, "output")
        result = run_program(
            [
                f"--preset={preset}",
                f"--dataset=csv:{train_path}",
                "--text_features=premise,hypothesis",
                "--label_feature=verdict",
                "--class_names=same,different",
                "--eval_fraction=0.25",
                "--distribution_strategy=mirrored",
                "--nojit_compile",
                "--sequence_length=16",
                "--batch_size=4",
                "--epochs=2",
                f"--output_dir={output_dir}",
            ]
        )
        self.assertRanCleanly(result)
        results, exported = self.assertOutputs(
            output_dir, 2, [["a good film", "bad"], ["it was great", "ok"]]
        )
        self.assertEqual(results["text_features"], ["premise", "hypothesis"])
        self.assertEqual(results["num_eval_examples"], 4)
        self.assertEqual(results["steps"], 2 * (12 // 4))
        self.assertEqual(
            list(exported.class_names.numpy()), [b"same", b"different"]
        )
        # Fine-tuning changed the pretrained weights.
        pretrained = keras_nlp.encoders.BertEncoder.from_preset(preset)
        model = keras.saving.load_model(
            os.path.join(output_dir, "classifier.keras")
        )
        (fine_tuned,) = [
            layer
            for layer in model.layers
            if isinstance(layer, keras_nlp.encoders.BertEncoder)
        ]
        self.assertFalse(
            np.allclose(
                fine_tuned.get_embedding_table().numpy(),
                pretrained.get_embedding_table().numpy(),
            )
        )

    def test_glue_stsb_regression_reports_correlations(self):
        output_dir = self.get_temp_dir()
        result = run_program(
            ["--dataset=tfds:glue/stsb", f"--output_dir={output_dir}"]
            + TINY_MODEL
        )
        self.assertRanCleanly(result)
        self.assertIn("regression", result.stdout)
        self.assertRegex(result.stdout, r"Held-out pearson -?\d\.\d+, spearman")
        with open(os.path.join(output_dir, "results.json")) as file:
            results = json.load(file)
        self.assertTrue(results["regression"])
        self.assertEqual(results["metrics"], ["pearson", "spearman"])
        self.assertBetween(results["pearson"], -1.0, 1.0)
        self.assertEqual(results["text_features"], ["sentence1", "sentence2"])
        exported = tf.saved_model.load(os.path.join(output_dir, "saved_model"))
        scores = exported.serve(
            tf.constant(["a b", "c"]), tf.constant(["a", "d e"])
        ).numpy()
        self.assertEqual(scores.shape, (2,))
        outputs = exported.signatures["serving_default"](
            text=tf.constant(["a b", "c"]), text_pair=tf.constant(["a", "d e"])
        )
        self.assertAllClose(outputs["scores"], scores, atol=1e-6)
        model = keras.saving.load_model(
            os.path.join(output_dir, "classifier.keras")
        )
        self.assertIs(type(model), keras_nlp.models.BertClassifier)
        self.assertEqual(model.output.shape, (None, 1))

    def test_glue_cola_reports_matthews_correlation(self):
        output_dir = self.get_temp_dir()
        result = run_program(
            ["--dataset=tfds:glue/cola", f"--output_dir={output_dir}"]
            + TINY_MODEL
        )
        self.assertRanCleanly(result)
        with open(os.path.join(output_dir, "results.json")) as file:
            results = json.load(file)
        self.assertEqual(results["metrics"], ["matthews_correlation"])
        self.assertBetween(results["matthews_correlation"], -1.0, 1.0)

    def assertCleanError(self, result, *fragments):
        self.assertEqual(result.returncode, 2, msg=result.stderr[-3000:])
        self.assertNotIn("Traceback", result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertLen(lines, 1, msg=result.stderr[-3000:])
        self.assertTrue(lines[0].startswith("Error: "), msg=lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def test_program_reports_user_errors_in_one_line(self):
        result = run_program(["--dataset=tfds:glue/sst22"])
        self.assertCleanError(
            result, "has no config 'sst22'", "Did you mean tfds:glue/sst2?"
        )
        result = run_program(["--dataset=tfds:no_such_dataset_name"])
        self.assertCleanError(result, "Unknown TFDS dataset", "list_builders")
        result = run_program(["--distribution_strategy=tpu"])
        self.assertCleanError(result, "found no TPU", "--tpu")
        result = run_program(["--batch_size=many"])
        self.assertCleanError(result, "--batch_size", "--help")
        missing = os.path.join(self.get_temp_dir(), "missing.txt")
        result = run_program([f"--predict_file={missing}"])
        self.assertCleanError(result, "--predict_file", missing)

    def test_vocabulary_that_does_not_fit_the_encoder(self):
        temp_dir = self.get_temp_dir()
        preset = os.path.join(temp_dir, "preset")
        make_preset(preset, vocab_size=len(VOCABULARY) + 3)
        train_path = os.path.join(temp_dir, "train.csv")
        write_csv(train_path, ["text", "label"], [("good", "1")] * 8)
        args = [
            f"--dataset=csv:{train_path}",
            "--sequence_length=16",
            "--batch_size=4",
            f"--output_dir={temp_dir}",
        ]
        # The preset's own vocabulary: refused by the preset loaders.
        result = run_program([f"--preset={preset}"] + args)
        self.assertCleanError(
            result,
            f"has {len(VOCABULARY)} tokens, but the encoder",
            f"`vocab_size` {len(VOCABULARY) + 3}",
        )
        # --vocab_file: checked against the encoder by the example.
        os.remove(os.path.join(preset, "vocab.txt"))
        vocab_file = os.path.join(temp_dir, "other_vocab.txt")
        with open(vocab_file, "w") as file:
            file.write("\n".join(VOCABULARY) + "\n")
        result = run_program(
            [f"--preset={preset}", f"--vocab_file={vocab_file}"] + args
        )
        self.assertCleanError(
            result,
            f"{vocab_file!r} has {len(VOCABULARY)} tokens",
            f"`vocab_size` {len(VOCABULARY) + 3}",
        )

    def test_help_lists_the_programs_flags(self):
        result = run_program(
            ["--help"], module="examples.bert_classification.train"
        )
        self.assertRanCleanly(result)
        for flag in (
            "dataset",
            "preset",
            "regression",
            "predict_file",
            "distribution_strategy",
            "mixed_precision",
            "tpu",
        ):
            self.assertRegex(result.stdout, rf"\n  --(\[no\])?{flag}: ")
        for noise in NOISE:
            self.assertNotIn(noise, result.stdout + result.stderr)


class ClassificationInputErrorsTest(TestCase):
    def test_unknown_dataset_names(self):
        with self.assertRaisesRegex(ValueError, "Unknown dataset"):
            datasets.load("glue/sst2")
        with self.assertRaisesRegex(ValueError, "Unknown TFDS dataset"):
            datasets.load("tfds:no_such_dataset_name")

    def test_missing_file(self):
        path = os.path.join(self.get_temp_dir(), "missing.csv")
        with self.assertRaisesRegex(ValueError, "does not exist"):
            datasets.load(f"csv:{path}")
        with self.assertRaisesRegex(ValueError, "does not exist"):
            datasets.load("builtin", eval_dataset=f"tsv:{path}")

    def test_csv_without_the_named_columns(self):
        path = os.path.join(self.get_temp_dir(), "data.csv")
        write_csv(path, ["review", "label"], [("good", "1"), ("bad", "0")])
        with self.assertRaisesRegex(ValueError, r"no column \['text'\]"):
            datasets.load(f"csv:{path}")
        with self.assertRaisesRegex(ValueError, r"no column \['stars'\]"):
            datasets.load(
                f"csv:{path}", text_features=["review"], label_feature="stars"
            )

    def test_labels_that_are_not_integers_or_class_names(self):
        path = os.path.join(self.get_temp_dir(), "data.tsv")
        rows = [("good", "positive"), ("bad", "negative")] * 3
        write_csv(path, ["text", "label"], rows, delimiter="\t")
        with self.assertRaisesRegex(ValueError, "label='positive'"):
            datasets.load(f"tsv:{path}")
        with self.assertRaisesRegex(ValueError, "label='positive'"):
            datasets.load(f"tsv:{path}", class_names=["bad", "good"])
        with self.assertRaisesRegex(ValueError, "not a class id"):
            write_csv(path, ["text", "label"], [("a", "2")] * 6, "\t")
            datasets.load(f"tsv:{path}", class_names=["bad", "good"])

    def test_labels_by_name_and_by_id(self):
        path = os.path.join(self.get_temp_dir(), "data.csv")
        rows = [("good", "positive"), ("bad", "0"), ("fine", "1")] * 2
        write_csv(path, ["sentence", "label"], rows)
        data = datasets.load(
            f"csv:{path}",
            eval_dataset=f"csv:{path}",
            class_names=["negative", "positive"],
        )
        labels = [int(label) for _, label in data.eval]
        self.assertEqual(labels, [1, 0, 1] * 2)
        self.assertEqual(data.text_features, ["sentence"])
        self.assertEqual(data.num_train_examples, 6)

    def test_glue_mnli_evaluates_on_validation_matched(self):
        with tfds.testing.mock_data(num_examples=6):
            data = datasets.load("tfds:glue/mnli")
            self.assertIn("'validation_matched'", data.eval_name)
            self.assertEqual(data.num_classes, 3)
            self.assertEqual(data.text_features, ["premise", "hypothesis"])
            self.assertLen(list(data.eval), 6)
            data = datasets.load(
                "tfds:glue/mnli", eval_split="validation_mismatched"
            )
            self.assertIn("'validation_mismatched'", data.eval_name)

    def test_glue_stsb_is_regression(self):
        with tfds.testing.mock_data(num_examples=6):
            data = datasets.load("tfds:glue/stsb")
        self.assertTrue(data.regression)
        self.assertEqual(data.num_classes, 1)
        self.assertEqual(data.class_names, [])
        segments, label = next(iter(data.train))
        self.assertEqual(label.dtype, tf.float32)
        self.assertLen(segments, 2)

    def test_csv_regression_labels(self):
        path = os.path.join(self.get_temp_dir(), "scores.csv")
        write_csv(path, ["text", "label"], [("good", "4.5"), ("bad", "0.25")])
        data = datasets.load(
            f"csv:{path}", eval_dataset=f"csv:{path}", regression=True
        )
        self.assertEqual(data.num_classes, 1)
        self.assertAllClose([float(y) for _, y in data.eval], [4.5, 0.25])
        write_csv(path, ["text", "label"], [("good", "high")])
        with self.assertRaisesRegex(ValueError, "label='high'.*--regression"):
            datasets.load(
                f"csv:{path}", eval_dataset=f"csv:{path}", regression=True
            )

    def test_misspelled_tfds_names_get_close_matches(self):
        with self.assertRaisesRegex(
            ValueError, r"no config 'sst22'.*Did you mean tfds:glue/sst2\?"
        ):
            datasets.load("tfds:glue/sst22")
        with self.assertRaisesRegex(
            ValueError, r"Did you mean tfds:imdb_reviews\?"
        ):
            datasets.load("tfds:imdb_review")

    def test_invalid_utf8_in_a_csv_file_is_replaced_and_reported(self):
        path = os.path.join(self.get_temp_dir(), "data.csv")
        with open(path, "wb") as file:
            file.write(b"text,label\ngood,1\nba\xffd,0\n")
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            data = datasets.load(f"csv:{path}", eval_dataset=f"csv:{path}")
        texts = [segments[0].numpy() for segments, _ in data.eval]
        self.assertEqual(texts, [b"good", "ba\ufffdd".encode()])
        self.assertIn("not valid UTF-8 in 1 line(s)", output.getvalue())
        self.assertIn("the first is line 3", output.getvalue())

    def test_tpu_strategy_without_a_tpu(self):
        with self.assertRaisesRegex(
            ValueError, "found no TPU.*another --distribution_strategy"
        ):
            distribution.get_strategy("tpu")

    def test_builtin_dataset(self):
        data = datasets.load("builtin")
        self.assertEqual(data.class_names, ["negative", "positive"])
        self.assertGreater(data.num_train_examples, 400)
        texts = [segments[0].numpy().decode() for segments, _ in data.eval]
        self.assertEqual(len(texts), 160)
        self.assertTrue(all(text[0].isupper() for text in texts))

    def test_preset_with_a_vocabulary_of_the_wrong_size(self):
        preset = os.path.join(self.get_temp_dir(), "preset")
        make_preset(preset, vocab_size=len(VOCABULARY) + 3)
        # The preset loaders refuse it, naming both sizes.
        message = (
            f"has {len(VOCABULARY)} tokens, but the encoder .* "
            f"`vocab_size` {len(VOCABULARY) + 3}"
        )
        with self.assertRaisesRegex(ValueError, message):
            presets.load_tokenizer(preset)
        # A --vocab_file is checked against the encoder's `vocab_size`.
        vocab_file = os.path.join(self.get_temp_dir(), "vocab.txt")
        with open(vocab_file, "w") as file:
            file.write("\n".join(VOCABULARY) + "\n")
        with self.assertRaisesRegex(ValueError, message):
            presets.load_tokenizer(
                preset, vocab_file, vocab_size=len(VOCABULARY) + 3
            )
        tokenizer = presets.load_tokenizer(
            preset, vocab_file, vocab_size=len(VOCABULARY)
        )
        self.assertEqual(tokenizer.vocab_size(), len(VOCABULARY))

    def test_batch_size_not_divisible_by_the_replicas(self):
        class TwoReplicas:
            num_replicas_in_sync = 2

        with self.assertRaisesRegex(ValueError, "multiple of the number"):
            distribution.check_batch_size(7, TwoReplicas())
        distribution.check_batch_size(8, TwoReplicas())


class GlueMetricsTest(TestCase):
    def test_task_metrics(self):
        self.assertEqual(
            glue_metrics.task_metrics("tfds:glue/cola"),
            ("matthews_correlation",),
        )
        self.assertEqual(
            glue_metrics.task_metrics("tfds:glue/mrpc"), ("f1", "accuracy")
        )
        self.assertEqual(
            glue_metrics.task_metrics("tfds:glue/qqp"), ("f1", "accuracy")
        )
        self.assertEqual(
            glue_metrics.task_metrics("tfds:glue/stsb"), ("pearson", "spearman")
        )
        self.assertEqual(
            glue_metrics.task_metrics("tfds:glue/mnli"), ("accuracy",)
        )
        self.assertEqual(glue_metrics.task_metrics("builtin"), ("accuracy",))
        self.assertEqual(
            glue_metrics.task_metrics("csv:x.csv", regression=True)[0],
            "pearson",
        )

    def test_f1_and_accuracy_by_hand(self):
        labels = [1, 1, 0, 0, 1, 0]
        predictions = [1, 0, 0, 1, 1, 1]
        # TP = 2, FP = 2, FN = 1: F1 = 2 * 2 / (2 * 2 + 2 + 1).
        results = glue_metrics.compute(["f1", "accuracy"], labels, predictions)
        self.assertAllClose(results["f1"], 4 / 7, atol=1e-12)
        self.assertAllClose(results["accuracy"], 3 / 6, atol=1e-12)
        self.assertEqual(glue_metrics.f1_score([0, 0], [0, 0]), 0.0)

    def test_matthews_correlation_by_hand(self):
        # TP = 3, FN = 1, TN = 3, FP = 1: (3 * 3 - 1 * 1) / sqrt(4 ** 4).
        labels = [1, 1, 1, 0, 0, 0, 1, 0]
        predictions = [1, 1, 0, 0, 0, 1, 1, 0]
        self.assertAllClose(
            glue_metrics.matthews_correlation(labels, predictions),
            0.5,
            atol=1e-12,
        )
        self.assertAllClose(
            glue_metrics.matthews_correlation(labels, labels), 1.0, atol=1e-12
        )
        flipped = [1 - label for label in labels]
        self.assertAllClose(
            glue_metrics.matthews_correlation(labels, flipped), -1.0, atol=1e-12
        )
        # Constant predictions: 0, as in scikit-learn.
        self.assertEqual(
            glue_metrics.matthews_correlation(labels, [1] * 8), 0.0
        )

    def test_multiclass_matthews_correlation(self):
        # Gorodkin's R_K is the correlation of the one-hot label and
        # prediction matrices, computed here directly.
        rng = np.random.default_rng(0)
        labels = rng.integers(0, 3, 50)
        predictions = np.where(
            rng.random(50) < 0.6, labels, rng.integers(0, 3, 50)
        )
        x = np.eye(3)[labels]
        y = np.eye(3)[predictions]
        x -= x.mean(axis=0)
        y -= y.mean(axis=0)
        expected = np.sum(x * y) / np.sqrt(np.sum(x * x) * np.sum(y * y))
        self.assertAllClose(
            glue_metrics.matthews_correlation(labels, predictions),
            expected,
            atol=1e-12,
        )

    def test_correlations_against_scipy(self):
        from scipy import stats

        rng = np.random.default_rng(1)
        labels = np.round(rng.uniform(0, 5, 40), 1)  # Ties, as in STS-B.
        predictions = labels + rng.normal(0, 1, 40)
        predictions[:6] = predictions[6]  # Tied predictions too.
        results = glue_metrics.compute(
            ["pearson", "spearman", "mean_squared_error"], labels, predictions
        )
        self.assertAllClose(
            results["pearson"],
            stats.pearsonr(labels, predictions)[0],
            atol=1e-12,
        )
        self.assertAllClose(
            results["spearman"],
            stats.spearmanr(labels, predictions)[0],
            atol=1e-12,
        )
        self.assertAllClose(
            results["mean_squared_error"],
            np.mean((labels - predictions) ** 2),
            atol=1e-12,
        )
        self.assertEqual(
            glue_metrics.pearson_correlation(labels, [2.0] * 40), 0.0
        )

    def test_shape_mismatch(self):
        with self.assertRaisesRegex(ValueError, "same length"):
            glue_metrics.compute(["accuracy"], [1, 0], [1])
