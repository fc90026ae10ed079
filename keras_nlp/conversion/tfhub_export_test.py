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

"""Tests for the TF Hub export (the SavedModels' structure, in process).

`tests/tfhub_export_test.py` checks the outputs from a process that does
not import keras_nlp.
"""

import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

from keras_nlp.conversion.tfhub_export import export_tfhub
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.bert_preprocessor import BertPreprocessor
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
VOCABULARY += ["the", "quick", "brown", "fox", "jump", "##ed", "."]


def small_bert(**kwargs):
    config = dict(
        vocab_size=len(VOCABULARY),
        hidden_size=8,
        num_layers=2,
        num_attention_heads=2,
        inner_dim=16,
        max_sequence_length=8,
        type_vocab_size=2,
        output_dropout=0.3,
    )
    config.update(kwargs)
    return BertEncoder(**config)


def preprocessor(sequence_length=8, **kwargs):
    return BertPreprocessor(
        WordPieceTokenizer(VOCABULARY, **kwargs),
        sequence_length=sequence_length,
    )


class TfhubExportTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="keras_nlp_tfhub_export_")
        cls.encoder = small_bert()
        cls.preprocessor = preprocessor(lowercase=False)
        cls.paths = export_tfhub(
            cls.encoder, cls.preprocessor, os.path.join(cls.root, "export")
        )
        cls.hub_encoder = tf.saved_model.load(cls.paths["encoder"])
        cls.hub_preprocessor = tf.saved_model.load(cls.paths["preprocessor"])
        cls.inputs = cls.preprocessor(["the quick fox jumped.", "the fox"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def test_paths(self):
        self.assertEqual(
            self.paths,
            {
                "encoder": os.path.join(self.root, "export", "encoder"),
                "preprocessor": os.path.join(
                    self.root, "export", "preprocessor"
                ),
            },
        )
        self.assertEqual(
            sorted(os.listdir(os.path.join(self.root, "export"))),
            ["encoder", "preprocessor"],
        )

    def test_encoder_variables_and_assets(self):
        hub = self.hub_encoder
        names = {v.name for v in hub.variables}
        # Spot checks of the TF Hub names and layouts.
        shapes = {v.name: list(v.shape) for v in hub.variables}
        self.assertEqual(shapes["word_embeddings/embeddings:0"], [12, 8])
        self.assertEqual(shapes["position_embedding/embeddings:0"], [8, 8])
        self.assertEqual(shapes["embeddings/layer_norm/gamma:0"], [8])
        self.assertEqual(
            shapes["transformer/layer_1/self_attention/query/kernel:0"],
            [8, 2, 4],
        )
        self.assertEqual(
            shapes["transformer/layer_1/self_attention/value/bias:0"], [2, 4]
        )
        self.assertEqual(
            shapes[
                "transformer/layer_0/self_attention/attention_output/kernel:0"
            ],
            [2, 4, 8],
        )
        self.assertEqual(
            shapes["transformer/layer_0/intermediate/kernel:0"], [8, 16]
        )
        self.assertEqual(shapes["pooler_transform/bias:0"], [8])
        self.assertIn("transformer/layer_1/output_layer_norm/beta:0", names)
        self.assertIn("do_lower_case:0", names)
        self.assertLen(hub.trainable_variables, len(self.encoder.weights))
        self.assertEqual(list(hub.regularization_losses), [])
        self.assertFalse(bool(hub.do_lower_case.numpy()))
        vocab_path = hub.vocab_file.asset_path.numpy().decode("utf-8")
        with open(vocab_path, encoding="utf-8") as vocab_file:
            self.assertEqual(vocab_file.read().splitlines(), VOCABULARY)

    def test_encoder_call(self):
        expected = self.encoder(self.inputs, training=False)
        for outputs in (
            self.hub_encoder(self.inputs),
            self.hub_encoder(self.inputs, training=False),
        ):
            self.assertEqual(
                sorted(outputs),
                [
                    "default",
                    "encoder_outputs",
                    "pooled_output",
                    "sequence_output",
                ],
            )
            self.assertAllClose(
                outputs["sequence_output"], expected["sequence_output"]
            )
            self.assertAllClose(
                outputs["encoder_outputs"], expected["encoder_outputs"]
            )
            self.assertAllClose(outputs["default"], expected["pooled_output"])

    def test_training_applies_dropout_and_has_gradients(self):
        first = self.hub_encoder(self.inputs, training=True)
        second = self.hub_encoder(self.inputs, training=True)
        # New dropout masks on every call.
        difference = np.abs(
            first["sequence_output"].numpy() - second["sequence_output"].numpy()
        )
        self.assertGreater(difference.max(), 1e-3)
        variables = self.hub_encoder.trainable_variables
        with tf.GradientTape() as tape:
            outputs = self.hub_encoder(self.inputs, training=True)
            loss = tf.reduce_sum(outputs["pooled_output"] ** 2)
        gradients = tape.gradient(loss, variables)
        self.assertTrue(all(g is not None for g in gradients))

    def test_serving_signature(self):
        serve = self.hub_encoder.signatures["serving_default"]
        outputs = serve(**{k: tf.constant(v) for k, v in self.inputs.items()})
        self.assertEqual(
            sorted(outputs),
            [
                "default",
                "encoder_outputs_0",
                "encoder_outputs_1",
                "pooled_output",
                "sequence_output",
            ],
        )
        expected = self.encoder(self.inputs, training=False)
        self.assertAllClose(outputs["pooled_output"], expected["pooled_output"])

    def test_preprocessor_functions(self):
        hub = self.hub_preprocessor
        strings = tf.constant(["the quick fox jumped.", "the fox"])
        self.assertAllClose(hub(strings), self.inputs)
        tokens = hub.tokenize(tf.constant(["The fox jumped", "fox"]))
        # (batch, words, pieces), as TF Hub's; cased: "The" is unknown.
        self.assertEqual(tokens.to_list(), [[[1], [8], [9, 10]], [[8]]])
        self.assertEqual(
            tokens.merge_dims(-2, -1).to_list(), [[1, 8, 9, 10], [8]]
        )
        specials = {
            key: int(value)
            for key, value in hub.tokenize.get_special_tokens_dict().items()
        }
        self.assertEqual(
            specials,
            {
                "vocab_size": 12,
                "start_of_sequence_id": 2,
                "end_of_segment_id": 3,
                "padding_id": 0,
                "mask_id": 4,
            },
        )
        packed = hub.bert_pack_inputs([tokens, tokens], seq_length=7)
        self.assertAllEqual(
            packed["input_word_ids"],
            [[2, 1, 8, 3, 1, 8, 3], [2, 8, 3, 8, 3, 0, 0]],
        )
        self.assertAllEqual(
            packed["input_type_ids"],
            [[0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 0, 0]],
        )
        # The default `seq_length` is the preprocessor's; word-level ragged
        # tokens [batch, words, pieces] are accepted too.
        words = tf.RaggedTensor.from_row_lengths(
            tokens.flat_values, [1, 2, 1, 1]
        )
        words = tf.RaggedTensor.from_row_lengths(words, [3, 1])
        packed = hub.bert_pack_inputs([words])
        self.assertAllEqual(
            packed["input_word_ids"],
            [[2, 1, 8, 9, 10, 3, 0, 0], [2, 8, 3, 0, 0, 0, 0, 0]],
        )
        with self.assertRaisesRegex(
            tf.errors.InvalidArgumentError, "room for the 3 special tokens"
        ):
            hub.bert_pack_inputs([tokens, tokens], seq_length=2)

    def test_overwrite(self):
        export_dir = os.path.join(self.root, "export")
        with self.assertRaisesRegex(ValueError, "already holds an export"):
            export_tfhub(self.encoder, self.preprocessor, export_dir)
        # A stale export is replaced as a whole.
        second = os.path.join(self.root, "second")
        os.makedirs(os.path.join(second, "encoder"))
        with open(os.path.join(second, "encoder", "stale"), "w") as file:
            file.write("x")
        paths = export_tfhub(
            small_bert(num_layers=1), preprocessor(), second, overwrite=True
        )
        self.assertNotIn("stale", os.listdir(paths["encoder"]))
        loaded = tf.saved_model.load(paths["encoder"])
        self.assertLen(loaded(self.inputs)["encoder_outputs"], 1)
        self.assertEqual(
            sorted(os.listdir(second)), ["encoder", "preprocessor"]
        )

    def test_argument_errors(self):
        export_dir = os.path.join(self.root, "errors")
        with self.assertRaisesRegex(ValueError, "`encoder` must be"):
            export_tfhub(keras.Sequential(), self.preprocessor, export_dir)
        with self.assertRaisesRegex(ValueError, "`preprocessor` must be"):
            export_tfhub(self.encoder, self.preprocessor.tokenizer, export_dir)
        with self.assertRaisesRegex(ValueError, "larger than the encoder"):
            export_tfhub(small_bert(vocab_size=10), preprocessor(), export_dir)
        with self.assertRaisesRegex(ValueError, "exceeds the encoder"):
            export_tfhub(self.encoder, preprocessor(9), export_dir)
        a_file = os.path.join(self.root, "a_file")
        with open(a_file, "w") as file:
            file.write("x")
        with self.assertRaisesRegex(ValueError, "which is a file"):
            export_tfhub(self.encoder, self.preprocessor, a_file)
        self.assertFalse(os.path.exists(export_dir))

    def test_tokenizer_type_error(self):
        class OtherTokenizer(keras.layers.Layer):
            cls_token_id = 2
            sep_token_id = 3
            pad_token_id = 0

            def tokenize(self, inputs):
                return inputs

            def vocab_size(self):
                return 4

        other = BertPreprocessor(OtherTokenizer(), sequence_length=8)
        with self.assertRaisesRegex(ValueError, "WordPieceTokenizer"):
            export_tfhub(self.encoder, other, os.path.join(self.root, "other"))
