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

"""Tests for compute_word_piece_vocabulary."""

import os
import pathlib

import tensorflow as tf

from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.compute_word_piece_vocabulary import (
    compute_word_piece_vocabulary,
)
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

RESERVED = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# The learner keeps words seen at least 10 times: repeat a small corpus.
CORPUS = [
    "The quick brown fox jumped over the lazy dog.",
    "A quick movement of the enemy will jeopardize six gunboats!",
    "The five boxing wizards jump quickly; the dog sleeps.",
    "Pack my box with five dozen liquor jugs, said the fox.",
    "Café, naïve résumé: Ünïcödé façades of 中文 text.",
] * 12


class ComputeWordPieceVocabularyTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vocabulary = compute_word_piece_vocabulary(CORPUS, vocab_size=100)

    def test_vocabulary_tokenizes_the_corpus(self):
        vocabulary = self.vocabulary
        self.assertEqual(vocabulary[:5], RESERVED)
        self.assertLessEqual(len(vocabulary), 100)
        self.assertGreater(len(vocabulary), 60)
        self.assertEqual(len(set(vocabulary)), len(vocabulary))
        self.assertIn("the", vocabulary)
        self.assertIn("##s", vocabulary)
        tokenizer = WordPieceTokenizer(vocabulary)
        ids = tokenizer(CORPUS).flat_values.numpy()
        unknown = (ids == tokenizer.unk_token_id).mean()
        self.assertLess(unknown, 0.01)
        # Words are learned after the tokenizer's own normalization.
        for token in vocabulary[5:]:
            self.assertEqual(token, token.lower())
            self.assertNotIn("é", token)
            piece = token[2:] if token.startswith("##") else token
            self.assertFalse(len(piece) > 1 and piece[-1] in ".,;:!")
        self.assertIn("中", vocabulary)
        self.assertIn("##文", vocabulary)

    def test_output_file(self):
        path = os.path.join(self.get_temp_dir(), "vocab.txt")
        vocabulary = compute_word_piece_vocabulary(
            CORPUS, vocab_size=100, vocabulary_output_file=path
        )
        self.assertEqual(vocabulary, self.vocabulary)
        with open(path, encoding="utf-8") as vocab_file:
            self.assertEqual(vocab_file.read().split("\n")[:-1], vocabulary)
        tokenizer = WordPieceTokenizer(path)
        self.assertEqual(tokenizer.get_vocabulary(), vocabulary)

    def test_data_types_agree(self):
        dataset = tf.data.Dataset.from_tensor_slices(CORPUS)
        temp_dir = pathlib.Path(self.get_temp_dir())
        paths = [temp_dir / "a.txt", temp_dir / "b.txt"]
        paths[0].write_text("\n".join(CORPUS[:30]) + "\n", encoding="utf-8")
        paths[1].write_text("\n".join(CORPUS[30:]) + "\n", encoding="utf-8")
        for data in (
            dataset,
            dataset.batch(7),
            tuple(CORPUS),
            [text.encode("utf-8") for text in CORPUS],
            paths,
            [str(path) for path in paths],
        ):
            self.assertEqual(
                compute_word_piece_vocabulary(data, vocab_size=100),
                self.vocabulary,
            )

    def test_options(self):
        reserved = ["<pad>", "<unk>"]
        vocabulary = compute_word_piece_vocabulary(
            CORPUS,
            vocab_size=100,
            lowercase=False,
            reserved_tokens=reserved,
            suffix_indicator="@@",
            split_on_cjk=False,
        )
        self.assertEqual(vocabulary[:2], reserved)
        self.assertIn("The", vocabulary)
        self.assertIn("é", vocabulary)
        self.assertIn("@@s", vocabulary)
        self.assertFalse(any(token.startswith("##") for token in vocabulary))
        tokenizer = WordPieceTokenizer(
            vocabulary,
            lowercase=False,
            suffix_indicator="@@",
            oov_token="<unk>",
            split_on_cjk=False,
        )
        ids = tokenizer(CORPUS).flat_values.numpy()
        self.assertLess((ids == 1).mean(), 0.01)

    def test_small_vocab_size_is_a_maximum(self):
        vocabulary = compute_word_piece_vocabulary(CORPUS, vocab_size=30)
        self.assertLessEqual(len(vocabulary), 30)
        self.assertEqual(vocabulary[:5], RESERVED)

    def test_errors(self):
        with self.assertRaisesRegex(ValueError, "larger than the number"):
            compute_word_piece_vocabulary(CORPUS, vocab_size=5)
        with self.assertRaisesRegex(ValueError, "vocab_size='100'"):
            compute_word_piece_vocabulary(CORPUS, vocab_size="100")
        with self.assertRaisesRegex(ValueError, "distinct non-empty"):
            compute_word_piece_vocabulary(
                CORPUS, 100, reserved_tokens=["[UNK]", "[UNK]"]
            )
        with self.assertRaisesRegex(ValueError, "`lowercase` must be a bool"):
            compute_word_piece_vocabulary(CORPUS, 100, lowercase="no")
        with self.assertRaisesRegex(ValueError, "`suffix_indicator` must"):
            compute_word_piece_vocabulary(CORPUS, 100, suffix_indicator="")
        with self.assertRaisesRegex(ValueError, "of type int"):
            compute_word_piece_vocabulary(42, 100)
        with self.assertRaisesRegex(ValueError, "of type list"):
            compute_word_piece_vocabulary([], 100)
        with self.assertRaisesRegex(ValueError, "of type list"):
            compute_word_piece_vocabulary(["text", 3], 100)
        with self.assertRaisesRegex(ValueError, "must yield strings"):
            compute_word_piece_vocabulary(
                tf.data.Dataset.from_tensor_slices([1, 2]), 100
            )
        with self.assertRaisesRegex(ValueError, "must yield strings"):
            compute_word_piece_vocabulary(
                tf.data.Dataset.from_tensor_slices({"text": ["a b"]}), 100
            )
        path = os.path.join(self.get_temp_dir(), "corpus.txt")
        pathlib.Path(path).write_text("the fox\n")
        with self.assertRaisesRegex(ValueError, "mixes file paths"):
            compute_word_piece_vocabulary([path, "the fox"], 100)
        with self.assertRaisesRegex(ValueError, "holds no word"):
            compute_word_piece_vocabulary(["", " \t\u200b"], 100)
