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

"""Tests for `BertPreprocessor`."""

import json
import os

import keras
import numpy as np
import sentencepiece
import tensorflow as tf

from keras_nlp.testing import vocabularies
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.bert_preprocessor import BertPreprocessor
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

VOCABULARY = [
    "[PAD]",  # 0
    "[UNK]",  # 1
    "[CLS]",  # 2
    "[SEP]",  # 3
    "[MASK]",  # 4
    "the",  # 5
    "quick",  # 6
    "brown",  # 7
    "fox",  # 8
    "jump",  # 9
    "##ed",  # 10
    "##s",  # 11
    ".",  # 12
    "The",  # 13
]
CLS, SEP = 2, 3


def _preprocessor(sequence_length=8, truncate="round_robin"):
    return BertPreprocessor(
        WordPieceTokenizer(VOCABULARY),
        sequence_length=sequence_length,
        truncate=truncate,
    )


def _numpy(outputs):
    return {key: keras.ops.convert_to_numpy(x) for key, x in outputs.items()}


class BertPreprocessorTest(TestCase):
    def test_single_segment_batch(self):
        outputs = _numpy(
            _preprocessor()(["The fox jumped.", "the quick brown fox jumps on"])
        )
        # "on" is unknown; the second row is cut to 6 tokens + 2 specials.
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[2, 5, 8, 9, 10, 12, 3, 0], [2, 5, 6, 7, 8, 9, 11, 3]],
        )
        self.assertAllEqual(
            outputs["input_mask"],
            [[1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 1]],
        )
        self.assertAllEqual(outputs["input_type_ids"], np.zeros((2, 8)))
        for value in outputs.values():
            self.assertEqual(value.dtype, np.int32)

    def test_pair_round_robin_and_waterfall(self):
        first = tf.constant(["the quick brown fox", "fox"])
        second = tf.constant(["jumped.", "the fox jumps"])
        outputs = _numpy(_preprocessor()((first, second)))
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[2, 5, 6, 7, 3, 9, 10, 3], [2, 8, 3, 5, 8, 9, 11, 3]],
        )
        self.assertAllEqual(
            outputs["input_type_ids"],
            [[0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1, 1]],
        )
        self.assertAllEqual(outputs["input_mask"], np.ones((2, 8)))
        outputs = _numpy(_preprocessor(truncate="waterfall")((first, second)))
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[2, 5, 6, 7, 8, 3, 9, 3], [2, 8, 3, 5, 8, 9, 11, 3]],
        )

    def test_scalar_and_column_inputs(self):
        preprocessor = _preprocessor(sequence_length=6)
        outputs = _numpy(preprocessor("The fox."))
        self.assertAllEqual(outputs["input_word_ids"], [2, 5, 8, 12, 3, 0])
        self.assertAllEqual(outputs["input_mask"], [1, 1, 1, 1, 1, 0])
        outputs = _numpy(preprocessor(np.array([["fox"], ["the fox"]])))
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[2, 8, 3, 0, 0, 0], [2, 5, 8, 3, 0, 0]],
        )
        outputs = _numpy(preprocessor((tf.constant("fox"), "jumped")))
        self.assertAllEqual(outputs["input_word_ids"], [2, 8, 3, 9, 10, 3])
        self.assertAllEqual(outputs["input_type_ids"], [0, 0, 0, 1, 1, 1])

    def test_dataset_map(self):
        first = ["the quick brown fox", "fox", "jumped", "the fox."]
        second = ["jumped.", "the fox jumps", "fox", ""]
        preprocessor = _preprocessor()
        expected = _numpy(preprocessor((tf.constant(first), second)))
        batched = tf.data.Dataset.from_tensor_slices(first).batch(2)
        batched = batched.map(preprocessor, num_parallel_calls=tf.data.AUTOTUNE)
        self.assertEqual(
            batched.element_spec["input_word_ids"].shape.as_list(), [None, 8]
        )
        single = _numpy(preprocessor(first))
        self.assertAllEqual(
            np.concatenate([x["input_word_ids"] for x in batched]),
            single["input_word_ids"],
        )
        pairs = tf.data.Dataset.from_tensor_slices((first, second))
        pairs = pairs.map(
            lambda a, b: preprocessor((a, b)),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
        self.assertEqual(
            pairs.element_spec["input_type_ids"].shape.as_list(), [8]
        )
        outputs = list(pairs.as_numpy_iterator())
        for key in expected:
            self.assertAllEqual(
                np.stack([x[key] for x in outputs]), expected[key]
            )

    def test_keras_model_on_strings(self):
        preprocessor = _preprocessor()
        first = keras.Input(shape=(), dtype="string")
        second = keras.Input(shape=(), dtype="string")
        outputs = preprocessor((first, second))
        self.assertEqual(tuple(outputs["input_mask"].shape), (None, 8))
        model = keras.Model([first, second], outputs)
        data = [tf.constant(["the fox", "fox"]), tf.constant(["jumps", ""])]
        self.assertAllEqual(
            model(data)["input_word_ids"],
            [[2, 5, 8, 3, 9, 11, 3, 0], [2, 8, 3, 3, 0, 0, 0, 0]],
        )
        self.assertAllEqual(
            model(data)["input_type_ids"],
            [[0, 0, 0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 0, 0, 0, 0]],
        )

    def test_config_round_trip(self):
        preprocessor = _preprocessor(sequence_length=6, truncate="waterfall")
        restored = self.assertConfigRoundTrip(preprocessor)
        config = preprocessor.get_config()
        self.assertEqual(config["sequence_length"], 6)
        self.assertEqual(config["truncate"], "waterfall")
        self.assertIsInstance(restored.tokenizer, WordPieceTokenizer)
        # The vocabulary is an asset, not config: it comes with `.keras`.
        with self.assertRaisesRegex(ValueError, "has no vocabulary"):
            restored("the fox")

    def test_saving(self):
        text = keras.Input(shape=(), dtype="string")
        model = keras.Model(text, _preprocessor(truncate="waterfall")(text))
        data = tf.constant(["The fox jumped.", "the quick brown fox jumps"])
        restored = self.run_model_saving_test(model, data)
        restored_layer = restored.layers[-1]
        self.assertIsInstance(restored_layer, BertPreprocessor)
        self.assertEqual(restored_layer.truncate, "waterfall")
        self.assertEqual(restored_layer.tokenizer.get_vocabulary(), VOCABULARY)
        self.assertAllEqual(
            restored(tf.constant(["quick fox"]))["input_word_ids"],
            [[2, 6, 8, 3, 0, 0, 0, 0]],
        )

    def test_from_preset_word_piece(self):
        preset = self.get_temp_dir()
        with open(os.path.join(preset, "vocab.txt"), "w") as vocab_file:
            vocab_file.write("\n".join(VOCABULARY) + "\n")
        config = {"preprocessor": {"sequence_length": 6, "lowercase": False}}
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump(config, config_file)
        preprocessor = BertPreprocessor.from_preset(preset)
        self.assertEqual(preprocessor.sequence_length, 6)
        self.assertIsInstance(preprocessor.tokenizer, WordPieceTokenizer)
        outputs = _numpy(preprocessor(["The fox", "the Fox"]))
        # Not lower-cased: "The" is its own token, "Fox" is unknown.
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[2, 13, 8, 3, 0, 0], [2, 5, 1, 3, 0, 0]],
        )
        preprocessor = BertPreprocessor.from_preset(
            preset, sequence_length=4, truncate="waterfall"
        )
        self.assertEqual(preprocessor.sequence_length, 4)
        self.assertEqual(preprocessor.truncate, "waterfall")

    def test_from_preset_without_config_json(self):
        preset = self.get_temp_dir()
        with open(os.path.join(preset, "vocab.txt"), "w") as vocab_file:
            vocab_file.write("\n".join(VOCABULARY) + "\n")
        preprocessor = BertPreprocessor.from_preset(preset)
        self.assertEqual(preprocessor.sequence_length, 128)
        self.assertTrue(preprocessor.tokenizer.lowercase)

    def test_from_preset_without_vocabulary(self):
        with self.assertRaisesRegex(
            ValueError, r"holding one of \['vocab.txt', 'spm.model'\]"
        ):
            BertPreprocessor.from_preset(self.get_temp_dir())

    def test_invalid_arguments(self):
        tokenizer = WordPieceTokenizer(VOCABULARY)
        with self.assertRaisesRegex(
            ValueError, "`tokenizer` must be a keras_nlp tokenizer"
        ):
            BertPreprocessor(keras.layers.Dense(2))
        with self.assertRaisesRegex(
            ValueError, "`sequence_length` must be an integer of at least 2"
        ):
            BertPreprocessor(tokenizer, sequence_length=1)
        with self.assertRaisesRegex(
            ValueError, r"`truncate` must be one of.*Received: truncate='x'"
        ):
            BertPreprocessor(tokenizer, truncate="x")
        with self.assertRaisesRegex(ValueError, "no '\\[CLS\\]' token"):
            BertPreprocessor(WordPieceTokenizer(["[UNK]", "[SEP]", "[PAD]"]))

    def test_from_preset_sentence_piece(self):
        preset = self.get_temp_dir()
        model_path = os.path.join(preset, "spm.model")
        proto = vocabularies.train_sentence_piece(
            ["the quick brown fox", "the lazy dog"], vocab_size=30
        )
        with open(model_path, "wb") as model_file:
            model_file.write(proto)
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump({"preprocessor": {"sequence_length": 24}}, config_file)
        preprocessor = BertPreprocessor.from_preset(preset)
        self.assertIsInstance(preprocessor.tokenizer, SentencePieceTokenizer)
        self.assertEqual(preprocessor.sequence_length, 24)
        # Reference ids from the sentencepiece library itself.
        reference = sentencepiece.SentencePieceProcessor(model_file=model_path)
        cls_id, sep_id = reference.piece_to_id(["[CLS]", "[SEP]"])
        first = reference.encode("the lazy fox")
        second = reference.encode("dog")
        expected = [cls_id] + first + [sep_id] + second + [sep_id]
        expected += [reference.pad_id()] * (24 - len(expected))
        outputs = _numpy(preprocessor(("the lazy fox", "dog")))
        self.assertAllEqual(outputs["input_word_ids"], expected)
        # ALBERT's settings, as the checkpoint converters write them.
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump(
                {"preprocessor": {"lowercase": True, "strip_accents": True}},
                config_file,
            )
        preprocessor = BertPreprocessor.from_preset(preset)
        self.assertTrue(preprocessor.tokenizer.lowercase)
        self.assertTrue(preprocessor.tokenizer.strip_accents)
        self.assertEqual(preprocessor.sequence_length, 128)
        outputs = _numpy(preprocessor(("The  LAZY föx", "Dog")))
        self.assertAllEqual(outputs["input_word_ids"][:24], expected)

    def test_static_batch_size_in_dataset(self):
        preprocessor = _preprocessor()
        data = tf.data.Dataset.from_tensor_slices(["the fox", "fox", "jumped"])
        data = data.batch(2, drop_remainder=True).map(preprocessor)
        for key in ("input_word_ids", "input_mask", "input_type_ids"):
            self.assertEqual(data.element_spec[key].shape.as_list(), [2, 8])
