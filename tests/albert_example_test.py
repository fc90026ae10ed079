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

"""End-to-end test of examples/albert: pretrain, then fine-tune its preset.

Both programs run in subprocesses on tiny configs: ALBERT pretraining with
a SentencePiece model trained on the built-in corpus, then the
classification example fine-tuning the resulting preset.
"""

import json
import os
import re
import subprocess
import sys

import numpy as np
import tensorflow as tf
import tensorflow_text  # noqa: F401 (registers the ops of the SavedModel)

import keras_nlp
from keras_nlp.testing.test_case import TestCase

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(module, args):
    return subprocess.run(
        [sys.executable, "-m", f"examples.{module}"] + args,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )


class AlbertExampleTest(TestCase):
    def assertRanCleanly(self, result):
        self.assertEqual(
            result.returncode,
            0,
            msg=result.stdout[-3000:] + result.stderr[-5000:],
        )

    def test_pretrain_then_fine_tune(self):
        temp_dir = self.get_temp_dir()
        output_dir = os.path.join(temp_dir, "albert")
        result = run(
            "albert.pretrain",
            [
                f"--output_dir={output_dir}",
                "--vocab_size=120",
                "--embedding_width=8",
                "--hidden_size=16",
                "--num_layers=3",
                "--num_attention_heads=2",
                "--inner_dim=32",
                "--sequence_length=32",
                "--max_predictions_per_seq=5",
                "--batch_size=8",
                "--num_train_steps=4",
                "--steps_per_epoch=2",
            ],
        )
        self.assertRanCleanly(result)
        preset = os.path.join(output_dir, "preset")
        self.assertEqual(
            sorted(os.listdir(preset)),
            [
                "config.json",
                "model.weights.h5",
                "pretraining_heads.npz",
                "spm.model",
            ],
        )
        # The masked-LM head (on the factorized embeddings) and the
        # sentence-order head load back into a BertPretrainer.
        pretrainer = keras_nlp.models.BertPretrainer.from_preset(preset)
        self.assertIsInstance(
            pretrainer.encoder, keras_nlp.encoders.AlbertEncoder
        )
        self.assertIs(
            pretrainer.masked_lm.embedding_table,
            pretrainer.encoder.get_embedding_table(),
        )
        self.assertGreater(
            np.abs(pretrainer.masked_lm.output_bias.numpy()).max(), 0
        )
        with open(os.path.join(preset, "config.json")) as file:
            self.assertEqual(json.load(file)["class_name"], "AlbertEncoder")
        encoder = keras_nlp.encoders.AlbertEncoder.from_preset(preset)
        tokenizer = keras_nlp.tokenizers.SentencePieceTokenizer(
            os.path.join(preset, "spm.model")
        )
        self.assertEqual(encoder.vocab_size, tokenizer.vocab_size())
        # ALBERT's special pieces, lower-casing SentencePiece model.
        self.assertEqual(tokenizer.pad_token_id, 0)
        self.assertEqual(tokenizer.cls_token_id, 2)
        self.assertAllEqual(
            tokenizer("The FILM was great"), tokenizer("the film was great")
        )
        self.assertIn("next_sentence_logits_accuracy", result.stdout)

        # The printed comparison matches the encoders' own counts.
        match = re.search(
            r"AlbertEncoder \(3 layers, .*\): ([\d,]+) parameters\. A "
            r"BertEncoder of the same depth and width: ([\d,]+) parameters",
            result.stdout,
        )
        self.assertIsNotNone(match, msg=result.stdout[-3000:])
        albert_count, bert_count = (
            int(x.replace(",", "")) for x in match.groups()
        )
        self.assertEqual(albert_count, encoder.count_params())
        bert = keras_nlp.encoders.BertEncoder(
            vocab_size=encoder.vocab_size,
            hidden_size=16,
            num_layers=3,
            num_attention_heads=2,
            inner_dim=32,
            max_sequence_length=32,
            type_vocab_size=2,
        )
        self.assertEqual(bert_count, bert.count_params())
        self.assertGreater(bert_count, albert_count)

        train_tsv = os.path.join(temp_dir, "train.tsv")
        with open(train_tsv, "w") as file:
            file.write("sentence\tlabel\n")
            file.write("The acting was wonderful.\tpositive\n" * 6)
            file.write("The plot was a complete mess.\tnegative\n" * 6)
        classification_dir = os.path.join(temp_dir, "classification")
        result = run(
            "bert_classification.train",
            [
                f"--preset={preset}",
                f"--dataset=tsv:{train_tsv}",
                "--class_names=negative,positive",
                "--eval_fraction=0.25",
                "--sequence_length=32",
                "--batch_size=3",
                "--epochs=1",
                "--nojit_compile",
                f"--output_dir={classification_dir}",
            ],
        )
        self.assertRanCleanly(result)
        self.assertIn("albert_encoder", result.stdout)
        exported = tf.saved_model.load(
            os.path.join(classification_dir, "saved_model")
        )
        probabilities = exported.serve(
            tf.constant(["A wonderful film.", "What a mess."])
        )
        self.assertEqual(probabilities.shape, (2, 2))
        self.assertAllClose(
            tf.reduce_sum(probabilities, axis=-1), [1.0, 1.0], atol=1e-5
        )
