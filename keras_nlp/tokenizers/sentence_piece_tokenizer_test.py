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

"""Tests for SentencePieceTokenizer against the `sentencepiece` package."""

import json
import os
import shutil
import sys
import tempfile
import unicodedata

import keras
import numpy as np
import sentencepiece
import tensorflow as tf
from absl.testing import parameterized

from keras_nlp.testing import vocabularies
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer

CORPUS = vocabularies.SENTENCE_PIECE_CORPUS

TEXTS = [
    "the quick fox",
    "[CLS] hello [MASK] world [SEP]",
    "",
    "   ",
    "Ünïcödé and café",
    "emoji 😀 unknown",
    "nul\x00byte and\ttab",
    "zzz qqq" * 20,
]

# A corpus with both cases and both accented and plain spellings, so that
# lower-casing and accent stripping change the ids.
MIXED_CORPUS = [
    "The Quick Brown Fox JUMPS over the lazy dog",
    "the quick brown fox jumps OVER THE LAZY DOG",
    "Café naïve résumé façade Ünïcödé Ångström",
    "cafe naive resume facade unicode angstrom",
    "Straße ΟΔΟΣ οδος İstanbul istanbul",
    "\"quoted\" text with ``quotes'' and 'single' ones",
    "हिंदी भाषा Tiếng Việt tieng viet",
]

# Python's whitespace characters (`str.isspace`), which ALBERT collapses.
PYTHON_WHITESPACE = [
    chr(code_point)
    for code_point in range(sys.maxunicode + 1)
    if chr(code_point).isspace()
]

MIXED_TEXTS = [
    "The Quick  Brown FOX",
    "  Café\u3000NAÏVE résumé  ",
    "``Quoted'' text, '''triple''' and `single'",
    "STRASSE Straße ΟΔΟΣ İstanbul Ångström",
    "हिंदी Tiếng Việt",
    "ﬁne ½ ＡＢＣ x\u00a8y",
    "w".join(PYTHON_WHITESPACE) + "END",
    "NUL\x00BYTE Ünï",
    "",
    "   ",
    "emoji 😀 Ünïcödé [MASK]",
]


def reference_albert_preprocess(text, lowercase, strip_accents):
    """ALBERT's `preprocess_text` in plain Python, as the docs describe it.

    google-research/albert `tokenization.preprocess_text`, with accent
    stripping as a switch (the original always strips).
    """
    text = " ".join(text.strip().split())
    if strip_accents:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    if lowercase:
        text = text.lower()
    return text


def _train(
    user_defined_symbols=("[CLS]", "[SEP]", "[MASK]"),
    corpus=CORPUS,
    vocab_size=70,
):
    """Returns the serialized proto of a tiny ALBERT-style model."""
    return vocabularies.train_sentence_piece(
        corpus, vocab_size, user_defined_symbols
    )


class SentencePieceTokenizerTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.temp_dir = tempfile.mkdtemp()
        cls.proto = _train()
        cls.model_path = os.path.join(cls.temp_dir, "spm.model")
        with open(cls.model_path, "wb") as model_file:
            model_file.write(cls.proto)
        cls.reference = sentencepiece.SentencePieceProcessor(
            model_proto=cls.proto
        )
        cls.tokenizer = SentencePieceTokenizer(cls.model_path)
        cls.mixed_proto = _train(corpus=MIXED_CORPUS, vocab_size=150)
        cls.mixed_reference = sentencepiece.SentencePieceProcessor(
            model_proto=cls.mixed_proto
        )

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.temp_dir, ignore_errors=True)
        super().tearDownClass()

    def test_ids_equal_sentencepiece_encode(self):
        outputs = self.tokenizer(TEXTS).to_list()
        for text, ids in zip(TEXTS, outputs):
            self.assertEqual(ids, self.reference.encode(text), msg=text)
        # User-defined symbols are single pieces.
        self.assertIn(self.tokenizer.mask_token_id, outputs[1])
        # Invalid UTF-8 becomes the unknown piece, as in `sentencepiece`.
        for data in (b"\xff\xfe the", b"a\xed\xa0\x80b", b"\xc3"):
            ids = self.tokenizer(data).numpy().tolist()
            self.assertEqual(ids, self.reference.encode(data))
            self.assertIn(self.tokenizer.unk_token_id, ids)

    def test_survives_set_random_seed(self):
        # tensorflow-text keeps the model in an op kernel that clearing the
        # eager kernel cache (as `set_random_seed` does) destroys.
        tokenizer = SentencePieceTokenizer(self.proto)
        expected = self.reference.encode(TEXTS[0])
        self.assertEqual(tokenizer(TEXTS[0]).numpy().tolist(), expected)
        keras.utils.set_random_seed(7)
        self.assertEqual(tokenizer(TEXTS[0]).numpy().tolist(), expected)
        dataset = tf.data.Dataset.from_tensor_slices(TEXTS[:1]).map(tokenizer)
        keras.utils.set_random_seed(8)
        self.assertEqual(next(iter(dataset)).numpy().tolist(), expected)

    def test_from_bytes_and_from_path_agree(self):
        from_bytes = SentencePieceTokenizer(self.proto)
        self.assertEqual(
            from_bytes(TEXTS).to_list(), self.tokenizer(TEXTS).to_list()
        )

    def test_batched_and_unbatched_inputs(self):
        batched = self.tokenizer(TEXTS[:3])
        self.assertIsInstance(batched, tf.RaggedTensor)
        self.assertEqual(batched.dtype, tf.int32)
        self.assertEqual(batched.shape.as_list(), [3, None])
        for text, ids in zip(TEXTS[:3], batched.to_list()):
            single = self.tokenizer(text)
            self.assertIsInstance(single, tf.Tensor)
            self.assertEqual(single.shape.rank, 1)
            self.assertEqual(single.numpy().tolist(), ids)
        self.assertEqual(
            self.tokenizer(np.array(TEXTS[:3])).to_list(), batched.to_list()
        )

    def test_tf_data_map(self):
        expected = self.tokenizer(TEXTS).to_list()
        dataset = tf.data.Dataset.from_tensor_slices(TEXTS)
        unbatched = dataset.map(
            self.tokenizer, num_parallel_calls=tf.data.AUTOTUNE
        )
        self.assertEqual(
            [ids.tolist() for ids in unbatched.as_numpy_iterator()], expected
        )
        batched = dataset.batch(3).map(
            self.tokenizer, num_parallel_calls=tf.data.AUTOTUNE
        )
        self.assertEqual(
            [row for batch in batched for row in batch.to_list()], expected
        )

    def test_detokenize_round_trip(self):
        texts = ["the quick fox", "hello world, hello keras", ""]
        ids = self.tokenizer(texts)
        detokenized = self.tokenizer.detokenize(ids)
        self.assertAllEqual(detokenized, [text.encode() for text in texts])
        for row, text in zip(ids.to_list(), detokenized.numpy()):
            self.assertEqual(self.reference.decode(row), text.decode())
        self.assertEqual(
            self.tokenizer.detokenize(self.tokenizer("the fox")).numpy(),
            b"the fox",
        )
        with self.assertRaisesRegex(ValueError, "out-of-range ids"):
            self.tokenizer.detokenize([1, self.reference.get_piece_size()])

    def test_vocabulary_lookups(self):
        size = self.reference.get_piece_size()
        self.assertEqual(self.tokenizer.vocab_size(), size)
        vocabulary = self.tokenizer.get_vocabulary()
        self.assertEqual(
            vocabulary, [self.reference.id_to_piece(i) for i in range(size)]
        )
        for index in (0, 5, size - 1):
            self.assertEqual(
                self.tokenizer.id_to_token(index),
                self.reference.id_to_piece(index),
            )
            self.assertEqual(
                self.tokenizer.token_to_id(vocabulary[index]), index
            )
        with self.assertRaisesRegex(ValueError, f"Received: id={size}"):
            self.tokenizer.id_to_token(size)
        with self.assertRaisesRegex(ValueError, "token='nope'"):
            self.tokenizer.token_to_id("nope")

    def test_special_token_ids(self):
        tokenizer = self.tokenizer
        self.assertEqual(tokenizer.pad_token_id, 0)
        self.assertEqual(tokenizer.unk_token_id, 1)
        self.assertEqual(tokenizer.cls_token_id, 2)
        self.assertEqual(tokenizer.sep_token_id, 3)
        self.assertEqual(tokenizer.mask_token_id, 4)
        without_mask = SentencePieceTokenizer(_train(("[CLS]", "[SEP]")))
        self.assertEqual(without_mask.cls_token_id, 2)
        with self.assertRaisesRegex(ValueError, "no '\\[MASK\\]' token"):
            without_mask.mask_token_id

    def test_keras_model_saving_with_proto_asset(self):
        temp_dir = self.get_temp_dir()
        model_path = os.path.join(temp_dir, "spm.model")
        shutil.copy(self.model_path, model_path)
        tokenizer = SentencePieceTokenizer(model_path)
        inputs = keras.Input(shape=(), dtype="string")
        model = keras.Model(inputs, tokenizer(inputs))
        texts = tf.constant(TEXTS)
        expected = model(texts).to_list()
        keras_path = os.path.join(temp_dir, "model.keras")
        model.save(keras_path)
        os.remove(model_path)  # The proto must travel in the file.
        restored = keras.models.load_model(keras_path)
        self.assertEqual(restored(texts).to_list(), expected)
        self.assertIsInstance(restored.layers[-1], SentencePieceTokenizer)

    def test_config_round_trip(self):
        config = self.tokenizer.get_config()
        # The proto is an asset, never a (huge) config entry.
        self.assertIsNone(config["proto"])
        self.assertFalse(config["lowercase"])
        self.assertFalse(config["strip_accents"])
        albert = SentencePieceTokenizer(
            self.proto, lowercase=True, strip_accents=None
        )
        restored = self.assertConfigRoundTrip(albert)
        self.assertTrue(restored.lowercase)
        self.assertIsNone(restored.strip_accents)
        restored = self.assertConfigRoundTrip(self.tokenizer)
        with self.assertRaisesRegex(ValueError, "has no vocabulary"):
            restored("the fox")
        serialized = keras.layers.serialize(self.tokenizer)
        self.assertEqual(
            serialized["registered_name"], "keras_nlp>SentencePieceTokenizer"
        )

    def test_from_preset(self):
        preset = self.get_temp_dir()
        shutil.copy(self.model_path, os.path.join(preset, "spm.model"))
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump(
                {
                    "class_name": "AlbertEncoder",
                    "config": {},
                    "preprocessor": {"sequence_length": 64},
                },
                config_file,
            )
        tokenizer = SentencePieceTokenizer.from_preset(preset, name="spm")
        self.assertEqual(tokenizer.name, "spm")
        self.assertEqual(
            tokenizer(TEXTS).to_list(), self.tokenizer(TEXTS).to_list()
        )
        with self.assertRaisesRegex(ValueError, "holding `spm.model`"):
            SentencePieceTokenizer.from_preset(self.get_temp_dir())

    def test_proto_errors(self):
        # Refused by the constructor, not at the first call.
        with self.assertRaisesRegex(
            ValueError, "`proto` is required.*Received: proto=None"
        ):
            SentencePieceTokenizer(None)
        missing = os.path.join(self.get_temp_dir(), "missing.model")
        with self.assertRaisesRegex(ValueError, "which is not a file"):
            SentencePieceTokenizer(missing)
        empty = os.path.join(self.get_temp_dir(), "empty.model")
        open(empty, "wb").close()
        with self.assertRaisesRegex(ValueError, "`proto` is empty"):
            SentencePieceTokenizer(empty)
        with self.assertRaisesRegex(ValueError, "`proto` is empty"):
            SentencePieceTokenizer(b"")
        with self.assertRaisesRegex(ValueError, "not a valid SentencePiece"):
            SentencePieceTokenizer(b"not a model proto")
        with self.assertRaisesRegex(ValueError, "of type list"):
            SentencePieceTokenizer(["the"])

    def test_setting_errors(self):
        with self.assertRaisesRegex(
            ValueError, "`lowercase` must be a bool. Received: lowercase='y'"
        ):
            SentencePieceTokenizer(self.proto, lowercase="y")
        with self.assertRaisesRegex(
            ValueError, "`strip_accents` must be a bool or None.*=1"
        ):
            SentencePieceTokenizer(self.proto, strip_accents=1)

    def test_non_string_inputs(self):
        with self.assertRaisesRegex(TypeError, "inputs.dtype=int32"):
            self.tokenizer([1, 2])
        with self.assertRaisesRegex(TypeError, "inputs.dtype=int32"):
            self.tokenizer(keras.Input(shape=(), dtype="int32"))
        with self.assertRaisesRegex(TypeError, "integer token ids"):
            self.tokenizer.detokenize(["the"])

    @parameterized.named_parameters(
        ("albert", True, True),
        ("lowercase_keep_accents", True, False),
        ("cased_strip_accents", False, True),
        ("strip_accents_follows_lowercase", True, None),
    )
    def test_albert_preprocessing_matches_python_reference(
        self, lowercase, strip_accents
    ):
        tokenizer = SentencePieceTokenizer(
            self.mixed_proto, lowercase=lowercase, strip_accents=strip_accents
        )
        strip = lowercase if strip_accents is None else strip_accents
        expected = [
            self.mixed_reference.encode(
                reference_albert_preprocess(text, lowercase, strip)
            )
            for text in MIXED_TEXTS
        ]
        self.assertEqual(tokenizer(MIXED_TEXTS).to_list(), expected)
        # One string, and a `tf.data` graph, give the same ids.
        self.assertEqual(
            tokenizer(MIXED_TEXTS[3]).numpy().tolist(), expected[3]
        )
        dataset = tf.data.Dataset.from_tensor_slices(MIXED_TEXTS).batch(4)
        dataset = dataset.map(tokenizer)
        self.assertEqual(
            [row for batch in dataset for row in batch.to_list()], expected
        )

    def test_settings_change_the_ids(self):
        # The fixture tells the settings apart, so the reference test above
        # would catch a setting that is ignored.
        outputs = {}
        for lowercase in (False, True):
            for strip_accents in (False, True):
                tokenizer = SentencePieceTokenizer(
                    self.mixed_proto,
                    lowercase=lowercase,
                    strip_accents=strip_accents,
                )
                outputs[lowercase, strip_accents] = tokenizer(
                    MIXED_TEXTS
                ).to_list()
        raw = [self.mixed_reference.encode(text) for text in MIXED_TEXTS]
        self.assertEqual(outputs[False, False], raw)
        self.assertLen({str(ids) for ids in outputs.values()}, 4)
        # Combining marks are removed by canonical combining class, not by
        # the category Mn: the class-0 Devanagari sign U+0902 stays.
        tokenizer = SentencePieceTokenizer(self.mixed_proto, strip_accents=True)
        self.assertIn(
            self.mixed_reference.piece_to_id("\u0902"),
            tokenizer("हिंदी").numpy().tolist(),
        )

    @parameterized.named_parameters(
        ("albert", True, True),
        ("lowercase_keep_accents", True, False),
        ("cased_strip_accents", False, True),
    )
    def test_preprocessing_invalid_utf8(self, lowercase, strip_accents):
        # Invalid bytes become U+FFFD, as Python decodes them with
        # errors="replace"; nothing raises.
        tokenizer = SentencePieceTokenizer(
            self.mixed_proto, lowercase=lowercase, strip_accents=strip_accents
        )
        data = [b"\xff\xfeTHE F\xc3X", b"a\xed\xa0\x80b \xc3"]
        expected = [
            self.mixed_reference.encode(
                reference_albert_preprocess(
                    text.decode("utf-8", "replace"), lowercase, strip_accents
                )
            )
            for text in data
        ]
        self.assertEqual(tokenizer(data).to_list(), expected)

    def test_save_to_preset(self):
        tokenizer = SentencePieceTokenizer(
            self.mixed_proto, lowercase=True, strip_accents=True
        )
        preset = self.get_temp_dir()
        settings = tokenizer.save_to_preset(preset)
        self.assertEqual(settings, {"lowercase": True, "strip_accents": True})
        with open(os.path.join(preset, "spm.model"), "rb") as model_file:
            self.assertEqual(model_file.read(), self.mixed_proto)
        # The settings the checkpoint converters write for ALBERT.
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump(
                {
                    "class_name": "AlbertEncoder",
                    "config": {},
                    "preprocessor": dict(settings, sequence_length=64),
                },
                config_file,
            )
        restored = SentencePieceTokenizer.from_preset(preset)
        self.assertTrue(restored.lowercase)
        self.assertTrue(restored.strip_accents)
        self.assertEqual(
            restored(MIXED_TEXTS).to_list(), tokenizer(MIXED_TEXTS).to_list()
        )
        cased = SentencePieceTokenizer.from_preset(preset, lowercase=False)
        self.assertFalse(cased.lowercase)

    def test_static_batch_size(self):
        tokenizer = SentencePieceTokenizer(self.proto, lowercase=True)
        for layer in (self.tokenizer, tokenizer):

            @tf.function(input_signature=[tf.TensorSpec([2], tf.string)])
            def tokenize(texts):
                return layer(texts)

            outputs = tokenize.get_concrete_function().structured_outputs
            self.assertEqual(outputs.shape.as_list(), [2, None])

    def test_tokenize_with_offsets(self):
        # Hand-computed: "  the \t FOX " is read as "the fox" by ALBERT's
        # preprocessing; the pieces "▁th", "e", "▁fox" come from bytes
        # 2-4, 4-5 and 5-11 (the "▁" of "▁fox" from the whitespace run).
        albert = SentencePieceTokenizer(
            self.proto, lowercase=True, strip_accents=True
        )
        ids, starts, ends = albert.tokenize_with_offsets("  the \t FOX ")
        self.assertEqual(
            [self.reference.id_to_piece(int(i)) for i in ids],
            ["▁th", "e", "▁fox"],
        )
        self.assertAllEqual(starts, [2, 4, 5])
        self.assertAllEqual(ends, [4, 5, 11])
        for kwargs in ({}, {"lowercase": True, "strip_accents": True}):
            tokenizer = SentencePieceTokenizer(self.mixed_proto, **kwargs)
            texts = MIXED_TEXTS + TEXTS
            ids, starts, ends = tokenizer.tokenize_with_offsets(texts)
            self.assertEqual(ids.to_list(), tokenizer(texts).to_list())
            self.assertEqual(starts.dtype, tf.int64)
            for text, row_ids, row_starts, row_ends in zip(
                texts, ids.to_list(), starts.to_list(), ends.to_list()
            ):
                data = text.encode()
                self.assertEqual(row_starts, sorted(row_starts))
                for token_id, start, end in zip(row_ids, row_starts, row_ends):
                    self.assertTrue(0 <= start <= end <= len(data))
                    piece = self.mixed_reference.id_to_piece(token_id)
                    # SentencePiece gives one of the pieces of a character
                    # its model splits (e.g. "ﬁ" -> "f", "i") the character
                    # and the other an empty span.
                    if token_id == tokenizer.unk_token_id or start == end:
                        continue
                    # The source text, preprocessed as ALBERT does and
                    # normalized by the model (NFKC), holds the piece ("▁"
                    # stands for the whitespace before a word; a character
                    # that becomes several pieces is the source of each).
                    source = data[start:end].decode()
                    if kwargs:
                        source = reference_albert_preprocess(
                            source, lowercase=True, strip_accents=True
                        )
                    source = unicodedata.normalize("NFKC", source)
                    # (A lone sigma cannot be lower-cased as final.)
                    self.assertIn(
                        piece.replace("▁", " ").strip().replace("ς", "σ"),
                        " ".join(source.split()).replace("ς", "σ"),
                        msg=f"{text!r}[{start}:{end}]",
                    )
