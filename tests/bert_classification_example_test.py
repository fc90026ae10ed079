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

import csv
import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import tensorflow as tf
import tensorflow_text  # noqa: F401 (registers the ops of the SavedModel)

import keras_nlp
from examples.bert_classification import datasets
from examples.common import distribution
from examples.common import presets
from keras_nlp.testing.test_case import TestCase

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Runs the program's `main` with `sys.argv`, with TFDS mocked.
LAUNCHER = textwrap.dedent("""
    import sys
    import tensorflow_datasets as tfds
    from absl import app
    from examples.bert_classification import train
    with tfds.testing.mock_data(num_examples=24):
        app.run(train.main, argv=sys.argv)
    """)

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


def run_program(args, timeout=240):
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER] + args,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result


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

    def test_program_reports_an_unknown_dataset(self):
        result = run_program(["--dataset=tfds:no_such_dataset_name"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Unknown TFDS dataset", result.stderr)


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
        tokenizer = presets.load_tokenizer(preset)
        encoder = presets.load_encoder(preset)
        with self.assertRaisesRegex(ValueError, "encoder's `vocab_size`"):
            presets.check_vocabulary(tokenizer, encoder, preset)

    def test_batch_size_not_divisible_by_the_replicas(self):
        class TwoReplicas:
            num_replicas_in_sync = 2

        with self.assertRaisesRegex(ValueError, "multiple of the number"):
            distribution.check_batch_size(7, TwoReplicas())
        distribution.check_batch_size(8, TwoReplicas())
