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

"""Property tests: WordPiece ids equal BERT's; packing never breaks."""

import string
import unicodedata

import numpy as np
import tensorflow as tf
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_nlp
from keras_nlp.testing import reference_word_piece
from keras_nlp.testing import vocabularies
from keras_nlp.testing.test_case import TestCase

SEQUENCE_LENGTH = 12
MAX_CHARS_PER_TOKEN = 20
CHARACTERS = string.ascii_letters + string.digits + "éßσς中文😀!?.,"
VOCABULARY = vocabularies.PARITY_VOCABULARY
# Keep runs short: every example runs TensorFlow ops eagerly.
FUZZ_SETTINGS = settings(max_examples=50, deadline=None, database=None)

# Any Unicode text (surrogates excluded: they are not encodable; so are the
# code points unassigned in Python's Unicode tables, which a newer Unicode
# version in ICU may classify differently), biased towards the characters
# BERT treats specially.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters().filter(lambda c: unicodedata.category(c) != "Cn"),
        st.sampled_from(
            "\x00\t\n\r\x0b\x85\u00a0\u200b\u00ad\u0301\u2028\u3000"
            "\ufffd\u1fefİΣ中😀 .!"
        ),
        st.sampled_from(CHARACTERS),
    ),
    max_size=60,
)
# Printable ASCII, tabs and newlines: the tokenizer's fast path.
ASCII_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from("\t\n\r \x0b\x0c\x7f"),
        st.sampled_from(CHARACTERS[:62]),
    ),
    max_size=60,
)
# Arbitrary bytes: mostly invalid UTF-8.
BYTES = st.binary(max_size=60)
BATCH = st.lists(st.one_of(TEXT, ASCII_TEXT, BYTES), min_size=1, max_size=4)


class TokenizerFuzzTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Built once: building TensorFlow functions is slow.
        cls.tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(
            VOCABULARY, max_chars_per_token=MAX_CHARS_PER_TOKEN
        )
        cls.cased_tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(
            VOCABULARY, lowercase=False, max_chars_per_token=MAX_CHARS_PER_TOKEN
        )
        cls.packer = keras_nlp.tokenizers.BertPacker(
            sequence_length=SEQUENCE_LENGTH,
            start_token_id=cls.tokenizer.cls_token_id,
            end_token_id=cls.tokenizer.sep_token_id,
            pad_token_id=cls.tokenizer.pad_token_id,
        )

    def check_ids(self, ids):
        ids = np.asarray(ids)
        self.assertEqual(ids.dtype, np.int32)
        self.assertTrue(np.all(ids >= 0))
        self.assertTrue(np.all(ids < self.tokenizer.vocab_size()))

    @FUZZ_SETTINGS
    @given(BATCH)
    def test_tokenize_any_input(self, batch):
        outputs = self.tokenizer(tf.constant(batch, dtype=tf.string))
        self.assertIsInstance(outputs, tf.RaggedTensor)
        self.assertEqual(outputs.nrows().numpy(), len(batch))
        self.check_ids(outputs.flat_values)
        single = self.tokenizer(batch[0])
        self.assertEqual(single.shape.rank, 1)
        self.assertEqual(single.numpy().tolist(), outputs[0].numpy().tolist())
        self.check_ids(single)
        texts = self.tokenizer.detokenize(outputs)
        self.assertEqual(texts.shape, (len(batch),))

    @FUZZ_SETTINGS
    @given(BATCH, st.booleans())
    def test_ids_equal_reference_bert(self, batch, lowercase):
        tokenizer = self.tokenizer if lowercase else self.cased_tokenizer
        outputs = tokenizer(tf.constant(batch, dtype=tf.string)).to_list()
        for text, ids in zip(batch, outputs):
            expected = reference_word_piece.tokenize(
                text,
                VOCABULARY,
                lowercase=lowercase,
                max_chars=MAX_CHARS_PER_TOKEN,
            )
            self.assertEqual(ids, expected, msg=f"text={text!r}")

    @FUZZ_SETTINGS
    @given(BATCH)
    def test_offsets_slice_to_the_source_of_each_piece(self, batch):
        ids, starts, ends = self.tokenizer.tokenize_with_offsets(
            tf.constant(batch, dtype=tf.string)
        )
        self.assertEqual(
            ids.to_list(),
            self.tokenizer(tf.constant(batch, dtype=tf.string)).to_list(),
        )
        unk = self.tokenizer.unk_token_id
        for text, row_ids, row_starts, row_ends in zip(
            batch, ids.to_list(), starts.to_list(), ends.to_list()
        ):
            data = text if isinstance(text, bytes) else text.encode()
            self.assertTrue(
                all(
                    0 <= s < e <= len(data)
                    for s, e in zip(row_starts, row_ends)
                )
            )
            self.assertEqual(row_starts, sorted(row_starts))
            for token_id, start, end in zip(row_ids, row_starts, row_ends):
                source = data[start:end].decode("utf-8", "ignore")
                # The source text, normalized as BERT does, is the piece
                # (for [UNK], one word BERT cannot split). Lower-casing a
                # lone sigma cannot know it ends a word: fold both forms.
                words = reference_word_piece.basic_tokenize(source)
                self.assertEqual(len(words), 1, msg=f"{text!r}: {source!r}")
                if token_id == unk:
                    self.assertEqual(
                        reference_word_piece.word_piece(
                            words[0],
                            set(VOCABULARY),
                            max_chars=MAX_CHARS_PER_TOKEN,
                        )[:1],
                        ["[UNK]"],
                    )
                    continue
                piece = VOCABULARY[token_id]
                piece = piece[2:] if piece.startswith("##") else piece
                self.assertEqual(
                    words[0].replace("ς", "σ"), piece.replace("ς", "σ")
                )

    @FUZZ_SETTINGS
    @given(BATCH, st.booleans())
    def test_pack_any_input(self, batch, pair):
        ids = self.tokenizer(tf.constant(batch, dtype=tf.string))
        if pair:
            outputs = self.packer((ids, ids[::-1]))
            lengths = ids.row_lengths() + ids[::-1].row_lengths() + 3
        else:
            outputs = self.packer(ids)
            lengths = ids.row_lengths() + 2
        expected_lengths = np.minimum(lengths.numpy(), SEQUENCE_LENGTH)
        for key in ("input_word_ids", "input_mask", "input_type_ids"):
            self.assertEqual(
                tuple(outputs[key].shape), (len(batch), SEQUENCE_LENGTH)
            )
            self.assertEqual(outputs[key].dtype, tf.int32)
        word_ids = outputs["input_word_ids"].numpy()
        mask = outputs["input_mask"].numpy()
        type_ids = outputs["input_type_ids"].numpy()
        self.check_ids(word_ids)
        positions = np.arange(SEQUENCE_LENGTH)
        for row, length in enumerate(expected_lengths):
            self.assertAllEqual(mask[row], positions < length)
            self.assertEqual(word_ids[row, 0], self.tokenizer.cls_token_id)
            self.assertEqual(
                word_ids[row, length - 1], self.tokenizer.sep_token_id
            )
            self.assertTrue(
                np.all(word_ids[row, length:] == self.tokenizer.pad_token_id)
            )
            self.assertTrue(np.all(type_ids[row, length:] == 0))
            self.assertTrue(np.all(np.diff(type_ids[row, :length]) >= 0))
            self.assertLessEqual(type_ids[row].max(), 1 if pair else 0)

    @FUZZ_SETTINGS
    @given(st.one_of(TEXT, BYTES))
    def test_pack_unbatched(self, text):
        outputs = self.packer(self.tokenizer(text))
        for value in outputs.values():
            self.assertEqual(tuple(value.shape), (SEQUENCE_LENGTH,))
        self.check_ids(outputs["input_word_ids"])
        self.assertEqual(
            outputs["input_word_ids"].numpy()[0], self.tokenizer.cls_token_id
        )
