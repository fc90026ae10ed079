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

"""Tests for WordPieceTokenizer, including parity with reference BERT."""

import json
import os
import re

import keras
import numpy as np
import tensorflow as tf
import tensorflow_text as tf_text
from absl.testing import parameterized

from keras_nlp.testing import reference_word_piece
from keras_nlp.testing import vocabularies
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers import word_piece_tokenizer as word_piece
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

TRICKY_STRINGS = vocabularies.PROBE_STRINGS
PARITY_VOCABULARY = vocabularies.PARITY_VOCABULARY
TOY_VOCABULARY = vocabularies.TOY_VOCABULARY
_write_vocabulary = vocabularies.write_vocabulary


class WordPieceTokenizerTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tokenizer = WordPieceTokenizer(TOY_VOCABULARY)

    def test_reference_tokenizer_sanity(self):
        # The reference itself, on the example of BERT's docstring.
        self.assertEqual(
            reference_word_piece.word_piece("unaffable", set(TOY_VOCABULARY)),
            ["un", "##aff", "##able"],
        )
        self.assertEqual(
            reference_word_piece.basic_tokenize("Héllo,  WORLD!"),
            ["hello", ",", "world", "!"],
        )

    @parameterized.named_parameters(
        ("lowercase_bert_default", True, None),
        ("cased_bert_default", False, None),
        ("lowercase", True, 100),
        ("cased", False, 100),
        ("cased_short_words", False, 5),
        ("lowercase_short_words", True, 5),
    )
    def test_ids_equal_reference_bert(self, lowercase, max_chars):
        kwargs = {"lowercase": lowercase}
        if max_chars is not None:
            kwargs["max_chars_per_token"] = max_chars
        tokenizer = WordPieceTokenizer(PARITY_VOCABULARY, **kwargs)
        # Alone and mixed in one batch, ASCII strings take the fast path,
        # the others the full normalization.
        outputs = tokenizer(TRICKY_STRINGS).to_list()
        for text, ids in zip(TRICKY_STRINGS, outputs):
            expected = reference_word_piece.tokenize(
                text,
                PARITY_VOCABULARY,
                lowercase,
                max_chars=max_chars or 200,
            )
            self.assertEqual(ids, expected, msg=f"text={text!r}")
            self.assertEqual(tokenizer(text).numpy().tolist(), expected)
        # The fixture exercises both unknown and multi-piece words.
        flat = [i for ids in outputs for i in ids]
        self.assertIn(PARITY_VOCABULARY.index("[UNK]"), flat)
        self.assertTrue(
            any(PARITY_VOCABULARY[i].startswith("##") for i in flat)
        )

    def test_bert_word_length_limit(self):
        # BERT's FullTokenizer makes words of more than 200 characters
        # [UNK], and splits shorter ones (hand-computed: "un" + "##aff"...).
        self.assertEqual(self.tokenizer.max_chars_per_token, 200)
        long_word = "un" + "aff" * 66  # 200 characters.
        ids = self.tokenizer(long_word).numpy().tolist()
        self.assertEqual(ids, [13] + [14] * 66)
        self.assertEqual(self.tokenizer(long_word + "f").numpy().tolist(), [1])
        # The same limit counts characters, not bytes, in non-ASCII words.
        accented = "Un" + "äff" * 66  # 200 characters, 266 bytes.
        self.assertEqual(
            self.tokenizer(accented).numpy().tolist(), [13] + [14] * 66
        )
        self.assertEqual(self.tokenizer(accented + "f").numpy().tolist(), [1])

    def test_toy_vocabulary_exact_ids(self):
        tokenizer = self.tokenizer
        self.assertAllEqual(
            tokenizer("The quick brown fox jumped."), [5, 6, 7, 8, 9, 10, 12]
        )
        self.assertAllEqual(tokenizer("unaffable"), [13, 14, 15])
        self.assertAllEqual(tokenizer("Jumps!"), [9, 11, 1])
        self.assertAllEqual(tokenizer("中文"), [16, 17])
        # Lower-cased and accent-stripped: "Café" -> "cafe".
        self.assertAllEqual(tokenizer("Café CAFE"), [18, 18])
        self.assertAllEqual(tokenizer(""), np.zeros((0,), "int32"))

    def test_case_and_accent_options(self):
        def ids(text, **kwargs):
            tokenizer = WordPieceTokenizer(TOY_VOCABULARY, **kwargs)
            return tokenizer(text).numpy().tolist()

        self.assertEqual(ids("Café", lowercase=False), [20])
        self.assertEqual(ids("Café", lowercase=False, strip_accents=True), [21])
        self.assertEqual(ids("Café", strip_accents=False), [19])
        self.assertEqual(ids("中文", split_on_cjk=False), [1])
        self.assertEqual(ids("the quick", max_chars_per_token=4), [5, 1])

    def test_batched_and_unbatched_inputs(self):
        texts = ["The quick fox.", "", "unaffable jumps"]
        batched = self.tokenizer(texts)
        self.assertIsInstance(batched, tf.RaggedTensor)
        self.assertEqual(batched.dtype, tf.int32)
        self.assertEqual(batched.shape.as_list(), [3, None])
        for text, ids in zip(texts, batched.to_list()):
            single = self.tokenizer(text)
            self.assertIsInstance(single, tf.Tensor)
            self.assertEqual(single.shape.rank, 1)
            self.assertEqual(single.numpy().tolist(), ids)
        # NumPy arrays, tensors and bytes work like lists of str.
        for inputs in (
            np.array(texts),
            tf.constant(texts),
            [text.encode() for text in texts],
        ):
            self.assertEqual(
                self.tokenizer(inputs).to_list(), batched.to_list()
            )
        # A ragged batch of segments gets one more ragged dimension.
        segments = tf.ragged.constant([["The fox", "jumped"], ["quick"]])
        self.assertEqual(
            self.tokenizer(segments).to_list(), [[[5, 8], [9, 10]], [[6]]]
        )

    def test_tf_data_map(self):
        texts = ["The quick fox.", "unaffable", "jumped jumps", ""]
        expected = self.tokenizer(texts).to_list()
        dataset = tf.data.Dataset.from_tensor_slices(texts)
        unbatched = dataset.map(
            self.tokenizer, num_parallel_calls=tf.data.AUTOTUNE
        )
        self.assertEqual(
            [ids.tolist() for ids in unbatched.as_numpy_iterator()], expected
        )
        batched = dataset.batch(2).map(
            self.tokenizer, num_parallel_calls=tf.data.AUTOTUNE
        )
        self.assertEqual(
            [row for batch in batched for row in batch.to_list()], expected
        )

    def test_keras_model_saving_with_vocabulary_asset(self):
        temp_dir = self.get_temp_dir()
        vocab_path = os.path.join(temp_dir, "vocab.txt")
        _write_vocabulary(vocab_path, TOY_VOCABULARY)
        tokenizer = WordPieceTokenizer(vocab_path, lowercase=False)
        inputs = keras.Input(shape=(), dtype="string")
        outputs = tokenizer(inputs)
        self.assertEqual(tuple(outputs.shape), (None, None))
        self.assertTrue(outputs.ragged)
        model = keras.Model(inputs, outputs)
        texts = tf.constant(["Café the fox", "the Cafe jumped."])
        expected = model(texts).to_list()
        self.assertEqual(expected, tokenizer(texts).to_list())

        model_path = os.path.join(temp_dir, "model.keras")
        model.save(model_path)
        os.remove(vocab_path)  # The vocabulary must travel in the file.
        restored = keras.models.load_model(model_path)
        self.assertEqual(restored(texts).to_list(), expected)
        restored_tokenizer = restored.layers[-1]
        self.assertIsInstance(restored_tokenizer, WordPieceTokenizer)
        self.assertEqual(restored_tokenizer.get_vocabulary(), TOY_VOCABULARY)
        self.assertFalse(restored_tokenizer.lowercase)

    def test_config_round_trip(self):
        tokenizer = WordPieceTokenizer(
            TOY_VOCABULARY,
            lowercase=False,
            strip_accents=True,
            split_on_cjk=False,
            suffix_indicator="@@",
            oov_token="[MASK]",
            max_chars_per_token=7,
            name="my_tokenizer",
        )
        config = tokenizer.get_config()
        # The vocabulary is an asset, never a (huge) config entry.
        self.assertIsNone(config["vocabulary"])
        restored = self.assertConfigRoundTrip(tokenizer)
        self.assertEqual(restored.max_chars_per_token, 7)
        self.assertEqual(restored.suffix_indicator, "@@")
        serialized = keras.layers.serialize(tokenizer)
        self.assertEqual(
            serialized["registered_name"], "keras_nlp>WordPieceTokenizer"
        )
        self.assertIsInstance(
            keras.layers.deserialize(serialized), WordPieceTokenizer
        )
        with self.assertRaisesRegex(ValueError, "has no vocabulary"):
            restored("the fox")

    def test_detokenize_round_trip(self):
        text = "The quick brown fox jumped."
        self.assertEqual(
            self.tokenizer.detokenize(self.tokenizer(text)).numpy(),
            b"the quick brown fox jumped .",
        )
        ids = self.tokenizer(["unaffable fox", "jumps"])
        self.assertAllEqual(
            self.tokenizer.detokenize(ids), [b"unaffable fox", b"jumps"]
        )
        # Dense (e.g. packed) ids and Python lists work too.
        self.assertAllEqual(
            self.tokenizer.detokenize([[2, 5, 3], [2, 9, 11]]),
            [b"[CLS] the [SEP]", b"[CLS] jumps"],
        )
        with self.assertRaisesRegex(ValueError, r"\[0, 22\)"):
            self.tokenizer.detokenize([5, 22])
        with self.assertRaisesRegex(TypeError, "integer token ids"):
            self.tokenizer.detokenize(["the"])

    def test_vocabulary_lookups(self):
        tokenizer = self.tokenizer
        self.assertEqual(tokenizer.vocab_size(), len(TOY_VOCABULARY))
        self.assertEqual(tokenizer.get_vocabulary(), TOY_VOCABULARY)
        tokenizer.get_vocabulary().append("extra")  # A copy.
        self.assertEqual(tokenizer.vocab_size(), len(TOY_VOCABULARY))
        self.assertEqual(tokenizer.id_to_token(10), "##ed")
        self.assertEqual(tokenizer.id_to_token(np.int64(5)), "the")
        self.assertEqual(tokenizer.token_to_id("##able"), 15)
        with self.assertRaisesRegex(ValueError, "Received: id=22"):
            tokenizer.id_to_token(22)
        with self.assertRaisesRegex(ValueError, "Received: id=-1"):
            tokenizer.id_to_token(-1)
        with self.assertRaisesRegex(ValueError, "token='dog'"):
            tokenizer.token_to_id("dog")

    def test_special_token_ids(self):
        tokenizer = self.tokenizer
        self.assertEqual(tokenizer.pad_token_id, 0)
        self.assertEqual(tokenizer.unk_token_id, 1)
        self.assertEqual(tokenizer.cls_token_id, 2)
        self.assertEqual(tokenizer.sep_token_id, 3)
        self.assertEqual(tokenizer.mask_token_id, 4)
        custom = WordPieceTokenizer(["<unk>", "[CLS]", "hi"], oov_token="<unk>")
        self.assertEqual(custom.unk_token_id, 0)
        self.assertAllEqual(custom("hi there"), [2, 0])
        # Packing and masking tokens are required when they are used.
        for attribute, token in (
            ("sep_token_id", "[SEP]"),
            ("pad_token_id", "[PAD]"),
            ("mask_token_id", "[MASK]"),
        ):
            with self.assertRaisesRegex(ValueError, re.escape(repr(token))):
                getattr(custom, attribute)

    def test_from_preset(self):
        preset = self.get_temp_dir()
        _write_vocabulary(os.path.join(preset, "vocab.txt"), TOY_VOCABULARY)
        tokenizer = WordPieceTokenizer.from_preset(preset)
        self.assertTrue(tokenizer.lowercase)
        self.assertAllEqual(tokenizer("The Fox"), [5, 8])
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump(
                {
                    "class_name": "BertEncoder",
                    "config": {"vocab_size": len(TOY_VOCABULARY)},
                    "preprocessor": {
                        "lowercase": False,
                        "strip_accents": None,
                        "sequence_length": 128,
                    },
                },
                config_file,
            )
        tokenizer = WordPieceTokenizer.from_preset(preset, name="cased")
        self.assertFalse(tokenizer.lowercase)
        self.assertEqual(tokenizer.name, "cased")
        self.assertAllEqual(tokenizer("The Café"), [1, 20])
        tokenizer = WordPieceTokenizer.from_preset(preset, lowercase=True)
        self.assertAllEqual(tokenizer("The Café"), [5, 18])

    def test_from_preset_errors(self):
        preset = self.get_temp_dir()
        with self.assertRaisesRegex(ValueError, "must be a directory holding"):
            WordPieceTokenizer.from_preset(preset)
        _write_vocabulary(os.path.join(preset, "vocab.txt"), TOY_VOCABULARY)
        config_path = os.path.join(preset, "config.json")
        with open(config_path, "w") as config_file:
            json.dump({"preprocessor": ["lowercase"]}, config_file)
        with self.assertRaisesRegex(ValueError, "must be a JSON object"):
            WordPieceTokenizer.from_preset(preset)
        with open(config_path, "w") as config_file:
            config_file.write("{not json")
        with self.assertRaisesRegex(ValueError, "not valid JSON"):
            WordPieceTokenizer.from_preset(preset)

    def test_vocabulary_errors(self):
        temp_dir = self.get_temp_dir()
        missing = os.path.join(temp_dir, "missing.txt")
        with self.assertRaisesRegex(ValueError, "which is not a file"):
            WordPieceTokenizer(missing)
        empty = os.path.join(temp_dir, "empty.txt")
        _write_vocabulary(empty, [])
        with self.assertRaisesRegex(ValueError, "`vocabulary` is empty"):
            WordPieceTokenizer(empty)
        with self.assertRaisesRegex(ValueError, "`vocabulary` is empty"):
            WordPieceTokenizer([])
        with self.assertRaisesRegex(ValueError, "must contain `oov_token`"):
            WordPieceTokenizer(["[CLS]", "the"])
        with self.assertRaisesRegex(ValueError, "'the' at ids 1 and 2"):
            WordPieceTokenizer(["[UNK]", "the", "the"])
        with self.assertRaisesRegex(ValueError, "without line breaks"):
            WordPieceTokenizer(["[UNK]", "a\nb"])
        with self.assertRaisesRegex(ValueError, "without line breaks"):
            WordPieceTokenizer(["[UNK]", 7])
        with self.assertRaisesRegex(ValueError, "at most 256"):
            WordPieceTokenizer(["[UNK]", "x" * 257])
        with self.assertRaisesRegex(ValueError, "of type int"):
            WordPieceTokenizer(3)

    def test_argument_errors(self):
        for kwargs, pattern in (
            ({"lowercase": "yes"}, "`lowercase` must be a bool"),
            ({"split_on_cjk": 1}, "`split_on_cjk` must be a bool"),
            ({"strip_accents": "no"}, "`strip_accents` must be a bool"),
            ({"suffix_indicator": ""}, "`suffix_indicator` must be a non"),
            ({"oov_token": None}, "`oov_token` must be a non-empty"),
            ({"max_chars_per_token": 0}, "`max_chars_per_token` must be"),
            ({"max_chars_per_token": True}, "`max_chars_per_token` must be"),
        ):
            with self.assertRaisesRegex(ValueError, pattern):
                WordPieceTokenizer(TOY_VOCABULARY, **kwargs)

    def test_non_string_inputs(self):
        with self.assertRaisesRegex(TypeError, "inputs.dtype=int32"):
            self.tokenizer([1, 2])
        with self.assertRaisesRegex(TypeError, "inputs.dtype=float32"):
            self.tokenizer(tf.constant([1.5]))
        with self.assertRaisesRegex(TypeError, "of type list"):
            self.tokenizer(["a", 1])
        with self.assertRaisesRegex(TypeError, "inputs.dtype=int32"):
            self.tokenizer(keras.Input(shape=(), dtype="int32"))

    def test_invalid_utf8_is_dropped(self):
        # Invalid bytes vanish, as in BERT's decode("utf-8", "ignore").
        self.assertAllEqual(self.tokenizer(b"f\xffox the\xc3"), [8, 5])
        outputs = self.tokenizer(tf.constant([b"\xed\xa0\x80", b"fox"]))
        self.assertEqual(outputs.to_list(), [[], [8]])

    def test_clean_text_check_matches_the_cleanup(self):
        # The one-pass check that skips the cleanup accepts exactly the
        # strings the cleanup (UTF-8 repair, then deletion) leaves alone:
        # random bytes (invalid UTF-8, surrogates, overlong forms) and
        # random code points (control and format characters).
        rng = np.random.default_rng(0)
        samples = [b"\xed\xa0\x80", b"\xc0\xaf", b"a\xffb", b"\xf4\x90\x80\x80"]
        samples += [bytes(rng.integers(0, 256, size=4)) for _ in range(3000)]
        code_points = np.concatenate(
            [rng.integers(0, 0x300, 3000), rng.integers(0, 0x110000, 3000)]
        )
        samples += [
            chr(c).encode("utf-8", "surrogatepass") + b"x" for c in code_points
        ]
        texts = tf.constant(samples)
        check = tf.strings.regex_full_match(texts, word_piece._CLEAN_TEXT)
        unchanged = tf.logical_and(
            tf.strings.regex_full_match(texts, word_piece._VALID_UTF8),
            tf.equal(
                tf.strings.regex_replace(
                    texts, word_piece._DELETED_CHARACTERS, ""
                ),
                texts,
            ),
        )
        self.assertAllEqual(check, unchanged)
        # Both outcomes occur.
        self.assertGreater(int(tf.reduce_sum(tf.cast(check, "int32"))), 100)
        self.assertGreater(
            int(tf.reduce_sum(tf.cast(tf.logical_not(check), "int32"))), 100
        )

    def test_fast_path_characters_are_normalized_as_bert_does(self):
        # Every accented Latin letter of the one-pass path: tensorflow-
        # text's FastBertNormalizer maps it as BERT's lower-casing, NFD and
        # accent removal do (the reference, in Python), to ASCII letters
        # or nothing; every CJK ideograph of the fast paths is unchanged.
        def code_points(pattern):
            for low, high in re.findall(
                r"\\x\{([0-9A-F]+)\}(?:-\\x\{([0-9A-F]+)\})?", pattern
            ):
                yield from range(int(low, 16), int(high or low, 16) + 1)

        normalizer = tf_text.FastBertNormalizer(
            lower_case_nfd_strip_accents=True
        )
        for pattern, expect_ascii in (
            (word_piece._ACCENTED_LATIN, True),
            (word_piece._UNCHANGED_CJK_IDEOGRAPHS, False),
        ):
            chars = [chr(code) for code in code_points(pattern)]
            self.assertGreater(len(chars), 500)
            got = normalizer.normalize(tf.constant(chars)).numpy().tolist()
            for char, normalized in zip(chars, got):
                expected = "".join(reference_word_piece.basic_tokenize(char))
                self.assertEqual(
                    normalized.decode("utf-8"), expected, msg=repr(char)
                )
                if expect_ascii:
                    self.assertTrue(expected == "" or expected.isalpha())
                    self.assertTrue(expected.isascii(), msg=repr(char))
                else:
                    self.assertEqual(expected, char)

    @parameterized.named_parameters(
        ("uncased", True, 200),
        ("uncased_short_words", True, 3),
        ("cased", False, 200),
    )
    def test_fast_paths_random_text_equals_reference(self, lowercase, limit):
        # Random strings of the fast paths' characters (ASCII, accented
        # Latin, combining accents, CJK), some with other characters (ß,
        # Hangul, a compatibility ideograph, a zero-width space) or long
        # words, mixed in batches: the ids are the reference BERT's.
        rng = np.random.default_rng(1)
        alphabet = (
            list("abcXYZ019 .,!-'")
            + list("éÉàÀüÜöÖçÇñÑřŘőŐǘ")
            + ["\u0301", "\u0308", "中", "文"]
        )
        others = ["ß", "한", "豈", "\u200b", "İ", "Σ"]
        texts = []
        for index in range(300):
            length = int(rng.integers(0, 40))
            chars = list(rng.choice(alphabet, size=length))
            if index % 5 == 0:
                chars.insert(
                    int(rng.integers(0, length + 1)), others[index % 6]
                )
            if index % 7 == 0:
                chars += ["é"] * int(rng.integers(195, 206))
            texts.append("".join(chars))
        tokenizer = WordPieceTokenizer(
            PARITY_VOCABULARY, lowercase=lowercase, max_chars_per_token=limit
        )
        for start in (0, 100, 200):
            batch = texts[start : start + 100]
            if start == 100:  # A batch without any other character.
                batch = [t for t in batch if not set(t) & set(others)]
            for text, ids in zip(batch, tokenizer(batch).to_list()):
                expected = reference_word_piece.tokenize(
                    text, PARITY_VOCABULARY, lowercase, max_chars=limit
                )
                self.assertEqual(ids, expected, msg=f"text={text!r}")

    def test_save_to_preset(self):
        tokenizer = WordPieceTokenizer(
            TOY_VOCABULARY,
            lowercase=False,
            strip_accents=True,
            split_on_cjk=False,
            max_chars_per_token=6,
        )
        preset = self.get_temp_dir()
        settings = tokenizer.save_to_preset(preset)
        self.assertEqual(
            settings,
            {
                "lowercase": False,
                "strip_accents": True,
                "split_on_cjk": False,
                "suffix_indicator": "##",
                "oov_token": "[UNK]",
                "max_chars_per_token": 6,
            },
        )
        with open(os.path.join(preset, "vocab.txt"), encoding="utf-8") as f:
            self.assertEqual(f.read().splitlines(), TOY_VOCABULARY)
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump({"preprocessor": settings}, config_file)
        restored = WordPieceTokenizer.from_preset(preset)
        config = restored.get_config()
        config["name"] = tokenizer.name
        self.assertEqual(config, tokenizer.get_config())
        texts = ["The Café", "中文 unaffable", "Cafe quick"]
        self.assertEqual(restored(texts).to_list(), tokenizer(texts).to_list())

    def test_static_batch_size(self):
        @tf.function(input_signature=[tf.TensorSpec([2], tf.string)])
        def tokenize(texts):
            return self.tokenizer(texts)

        outputs = tokenize.get_concrete_function().structured_outputs
        self.assertEqual(outputs.shape.as_list(), [2, None])
        dataset = tf.data.Dataset.from_tensor_slices(["The fox", "quick"] * 2)
        dataset = dataset.batch(2, drop_remainder=True).map(self.tokenizer)
        self.assertEqual(dataset.element_spec.shape.as_list(), [2, None])
        self.assertEqual(next(iter(dataset)).to_list(), [[5, 8], [6]])
        self.assertEqual(
            self.tokenizer(["The fox", "quick"]).shape.as_list(), [2, None]
        )

    def test_empty_inputs(self):
        # An empty batch is valid: zero rows (not a float32 type error).
        for inputs in ([], np.array([], dtype=str), tf.constant([], "string")):
            outputs = self.tokenizer(inputs)
            self.assertIsInstance(outputs, tf.RaggedTensor)
            self.assertEqual(outputs.to_list(), [])
        self.assertEqual(self.tokenizer([[], []]).to_list(), [[], []])
        self.assertEqual(self.tokenizer(["", "fox"]).to_list(), [[], [8]])
        self.assertEqual(self.tokenizer.detokenize([]).numpy(), b"")
        # A ragged Python list of strings is a ragged batch.
        self.assertEqual(
            self.tokenizer([["the fox"], [], ["fox", "the"]]).to_list(),
            [[[5, 8]], [], [[8], [5]]],
        )

    def test_vocabulary_file_with_invalid_utf8(self):
        path = os.path.join(self.get_temp_dir(), "vocab.txt")
        with open(path, "wb") as vocab_file:
            vocab_file.write(b"[PAD]\n[UNK]\nthe\nf\xffox\nbr\xc3\n")
        with self.assertWarnsRegex(
            UserWarning,
            rf"{re.escape(repr(path))} is not valid UTF-8: 2 line\(s\) hold "
            r"invalid bytes \(first: line 4\)",
        ):
            tokenizer = WordPieceTokenizer(path)
        self.assertEqual(
            tokenizer.get_vocabulary()[3:], ["f\ufffdox", "br\ufffd"]
        )
        self.assertAllEqual(tokenizer("the fox"), [2, 1])

    def test_vocabulary_of_special_tokens_only(self):
        # tensorflow-text's word-splitting WordPiece rejects this vocabulary;
        # the tokenizer still gives BERT's ids (every word unknown).
        vocabulary = ["[UNK]", "[SEP]", "[PAD]"]
        tokenizer = WordPieceTokenizer(vocabulary)
        texts = ["a b", "é [SEP]", ""]
        self.assertEqual(
            tokenizer(texts).to_list(),
            [reference_word_piece.tokenize(t, vocabulary) for t in texts],
        )

    def test_tokenize_with_offsets(self):
        texts = [
            "The quick  Café jumped.",
            "unaffable 中文",
            "",
            "Jumps!",
            b"f\xffox",
            "zero\u200bwidth fox",
        ]
        ids, starts, ends = self.tokenizer.tokenize_with_offsets(texts)
        self.assertEqual(ids.to_list(), self.tokenizer(texts).to_list())
        self.assertEqual(starts.dtype, tf.int64)
        # Hand-computed byte offsets: original case and accents, no "##".
        self.assertEqual(
            starts.to_list(),
            [
                [0, 4, 11, 17, 21, 23],
                [0, 2, 5, 10, 13],
                [],
                [0, 4, 5],
                [0],
                [0, 13],  # "zero" + 3 bytes of U+200B + "width" + " ".
            ],
        )
        self.assertEqual(
            ends.to_list(),
            [
                [3, 9, 16, 21, 23, 24],
                [2, 5, 9, 13, 16],
                [],
                [4, 5, 6],
                [4],  # b"f\xffox": the invalid byte stays inside "fox".
                [12, 16],
            ],
        )
        pieces = [
            [
                (text if isinstance(text, bytes) else text.encode())[s:e]
                for s, e in zip(row_starts, row_ends)
            ]
            for text, row_starts, row_ends in zip(
                texts, starts.to_list(), ends.to_list()
            )
        ]
        self.assertEqual(pieces[0][2].decode(), "Café")
        self.assertEqual(pieces[3], [b"Jump", b"s", b"!"])
        self.assertEqual(pieces[5][0].decode(), "zero\u200bwidth")  # [UNK]
        # One string: 1-D outputs.
        ids, starts, ends = self.tokenizer.tokenize_with_offsets("Café the")
        self.assertAllEqual(ids, [18, 5])
        self.assertAllEqual(starts, [0, 6])
        self.assertAllEqual(ends, [5, 9])
        # Words longer than `max_chars_per_token` are one [UNK] piece.
        tokenizer = WordPieceTokenizer(TOY_VOCABULARY, max_chars_per_token=4)
        ids, starts, ends = tokenizer.tokenize_with_offsets(["Quick fox"])
        self.assertEqual(ids.to_list(), [[1, 8]])
        self.assertEqual(starts.to_list(), [[0, 6]])
        self.assertEqual(ends.to_list(), [[5, 9]])
        with self.assertRaisesRegex(ValueError, r"inputs.shape=\(1, 1\)"):
            self.tokenizer.tokenize_with_offsets([["fox"]])
