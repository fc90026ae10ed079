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

"""BERT's WordPiece tokenizer on tensorflow-text."""

import os
import warnings

import keras

from keras_nlp.tokenizers.preprocessing_layer import tf
from keras_nlp.tokenizers.preprocessing_layer import tf_text
from keras_nlp.tokenizers.tokenizer import Tokenizer
from keras_nlp.tokenizers.tokenizer import character_offsets
from keras_nlp.tokenizers.tokenizer import check_case_settings
from keras_nlp.tokenizers.tokenizer import check_normalized_length
from keras_nlp.tokenizers.tokenizer import to_source_offsets

# Every regular expression below is RE2 syntax on UTF-8 text.

# A string made only of well-formed UTF-8 (no surrogates, no overlong forms).
_VALID_UTF8 = r"[\x{0}-\x{D7FF}\x{E000}-\x{10FFFF}]*"

# Characters BERT deletes: control characters (Cc) except "\t", "\n" and
# "\r", format characters (Cf, e.g. zero-width space, soft hyphen) and
# U+FFFD, which also stands in for invalid UTF-8 bytes.
_DELETED_CLASS = r"\x{0}-\x{8}\x{B}\x{C}\x{E}-\x{1F}\x{7F}-\x{9F}\p{Cf}\x{FFFD}"
_DELETED_CHARACTERS = f"[{_DELETED_CLASS}]"

# Well-formed UTF-8 without a character BERT deletes: the text that the
# cleanup leaves unchanged. (RE2 never matches an invalid byte with a
# character class, but it does match encoded surrogates, excluded here.)
_CLEAN_TEXT = rf"[^{_DELETED_CLASS}\x{{D800}}-\x{{DFFF}}]*"

# Unicode separators (Zs, Zl, Zp) other than the ASCII space: BERT treats
# them as whitespace, and tensorflow-text's whitespace split only knows
# ASCII whitespace, so they become " ".
_UNICODE_WHITESPACE = r"[^\PZ ]"

# BERT's punctuation: every non-alphanumeric printable ASCII character and
# every Unicode punctuation character (P*).
_PUNCTUATION = r"!-/:-@\[-`{-~\p{P}"

# The CJK Unified Ideograph blocks BERT splits into one token per character.
_CJK_IDEOGRAPHS = (
    r"\x{4E00}-\x{9FFF}\x{3400}-\x{4DBF}\x{20000}-\x{2A6DF}"
    r"\x{2A700}-\x{2B73F}\x{2B740}-\x{2B81F}\x{2B820}-\x{2CEAF}"
    r"\x{F900}-\x{FAFF}\x{2F800}-\x{2FA1F}"
)

# Characters that need no Unicode normalization: printable ASCII, "\t",
# "\n" and "\r" (no character that BERT deletes, no non-ASCII whitespace,
# case or accent).
_SIMPLE_CHARACTERS = r"\t\n\r\x20-\x7E"

# The CJK ideographs that no normalization step changes (the compatibility
# ideographs, which NFD maps to others, are left out). tensorflow-text's
# WordPiece makes each one a word, as BERT does with `split_on_cjk`.
_UNCHANGED_CJK_IDEOGRAPHS = (
    r"\x{4E00}-\x{9FFF}\x{3400}-\x{4DBF}\x{20000}-\x{2A6DF}"
    r"\x{2A700}-\x{2B73F}\x{2B740}-\x{2B81F}\x{2B820}-\x{2CEAF}"
)

# Latin letters with accents (and combining accents) that BERT's
# lower-casing, NFD and accent removal map to ASCII letters (or delete),
# one character at a time, exactly as tensorflow-text's FastBertNormalizer
# (`lower_case_nfd_strip_accents=True`) maps them; letters that the two map
# differently (such as "ß", "ĳ", "ſ", which its case folding expands) are
# left out. `word_piece_tokenizer_test.py` checks every one of them.
_ACCENTED_LATIN = (
    r"\x{C0}-\x{C5}\x{C7}-\x{CF}\x{D1}-\x{D6}\x{D9}-\x{DD}\x{E0}-\x{E5}"
    r"\x{E7}-\x{EF}\x{F1}-\x{F6}\x{F9}-\x{FD}\x{FF}-\x{10F}\x{112}-\x{125}"
    r"\x{128}-\x{130}\x{134}-\x{137}\x{139}-\x{13E}\x{143}-\x{148}"
    r"\x{14C}-\x{151}\x{154}-\x{165}\x{168}-\x{17E}\x{1A0}-\x{1A1}"
    r"\x{1AF}-\x{1B0}\x{1CD}-\x{1DC}\x{1DE}-\x{1E1}\x{1E6}-\x{1ED}\x{1F0}"
    r"\x{1F4}-\x{1F5}\x{1F8}-\x{1FB}\x{200}-\x{21B}\x{21E}-\x{21F}"
    r"\x{226}-\x{233}\x{300}-\x{344}\x{346}-\x{36F}\x{1E00}-\x{1E99}"
    r"\x{1EA0}-\x{1EF9}"
)

# The largest repetition count of RE2.
_MAX_REPEAT = 1000

# FastWordpieceTokenizer rejects vocabulary tokens longer than this.
_MAX_TOKEN_BYTES = 256


@keras.saving.register_keras_serializable(package="keras_nlp")
class WordPieceTokenizer(Tokenizer):
    """BERT's WordPiece tokenizer: strings to int32 WordPiece ids.

    The tokenizer reproduces the ids of the reference BERT tokenizer
    (`FullTokenizer` of google-research/bert) on any input. It first runs
    BERT's basic tokenization: it deletes control and format characters
    (such as zero-width spaces and soft hyphens) and U+FFFD, treats all
    Unicode whitespace as a word boundary, puts each CJK ideograph in a word
    of its own, optionally lower-cases and strips accents (Unicode NFD, then
    removal of non-spacing marks), and splits off every punctuation
    character (ASCII symbols and Unicode category P). Each word is then
    split into the longest matching vocabulary pieces from left to right,
    pieces after the first carrying `suffix_indicator`; a word that cannot
    be split, or that is longer than `max_chars_per_token` characters,
    becomes `oov_token`.

    Strings of printable ASCII (with tabs, newlines and CJK ideographs)
    take a fast path: tensorflow-text's WordPiece splits their words as
    BERT does, with no Unicode normalization. With BERT's uncased
    normalization, strings that also hold accented Latin letters are
    normalized in one pass by tensorflow-text's `FastBertNormalizer`, which
    maps those letters as BERT does. Other strings are normalized step by
    step. All paths give BERT's ids.

    Invalid UTF-8 bytes in the input never raise: they are dropped, as the
    reference tokenizer's `decode("utf-8", "ignore")` drops them. The
    character tables are those of the Unicode version of tensorflow-text's
    ICU and RE2 libraries, so characters assigned in newer Unicode versions
    may be classified differently from a newer Python.

    The tokenizer is a Keras layer: it runs in `tf.data.Dataset.map` (the
    recommended place) and at the head of a Keras model that takes raw
    strings. Saved in a `.keras` file, the vocabulary travels with the model
    as the asset `vocab.txt`; it is not part of `get_config()`.

    Reference:
        [Devlin et al., 2019](https://arxiv.org/abs/1810.04805)

    Args:
        vocabulary: list of str, or str. The vocabulary, one token per id, or
            the path of a `vocab.txt` file with one token per line. It must
            contain `oov_token`; BERT packing and masking also need
            `"[CLS]"`, `"[SEP]"`, `"[PAD]"` and `"[MASK]"`. `None` only when
            the layer is rebuilt from a config (the vocabulary then comes
            from the assets of a `.keras` file).
        lowercase: bool. Whether to lower-case the text (as Python's
            `str.lower`). Defaults to `True`.
        strip_accents: bool or None. Whether to strip accents. `None` means
            "strip when `lowercase` is `True`", BERT's rule. Defaults to
            `None`.
        split_on_cjk: bool. Whether to make each CJK ideograph a word of its
            own. Defaults to `True`.
        suffix_indicator: str. The prefix of vocabulary pieces that continue
            a word. Defaults to `"##"`.
        oov_token: str. The token of words that cannot be tokenized.
            Defaults to `"[UNK]"`.
        max_chars_per_token: int. Words with more characters (Unicode code
            points) become `oov_token`. Defaults to `200`, BERT's
            `max_input_chars_per_word`.
        **kwargs: Base layer arguments, such as `name`.

    Call arguments:
        inputs: A string, a list of strings or a string tensor.

    Input shape:
        `()` (one string) or `(batch_size,)`.

    Output shape:
        `(num_tokens,)` for one string; a `tf.RaggedTensor` of shape
        `(batch_size, None)` for a batch.

    Example:

    ```python
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                  "the", "quick", "brown", "fox", "jump", "##ed", "."]
    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(vocabulary)
    tokenizer("The quick brown fox jumped.")  # [5, 6, 7, 8, 9, 10, 11]
    ids = tokenizer(["The fox", "Jumped!"])  # ragged [[5, 8], [9, 10, 1]]
    tokenizer.detokenize(ids)  # ["the fox", "jumped [UNK]"]

    # Where each piece comes from: byte offsets into the original text.
    ids, starts, ends = tokenizer.tokenize_with_offsets("The fox jumped")
    # ids [5, 8, 9, 10], starts [0, 4, 8, 12], ends [3, 7, 12, 14]
    np.testing.assert_array_equal(starts, [0, 4, 8, 12])

    # The same tokenizer from a vocabulary file.
    with open("vocab.txt", "w") as vocab_file:
        vocab_file.write("\\n".join(vocabulary) + "\\n")
    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer("vocab.txt")
    tokenizer.cls_token_id  # 2
    ```
    """

    asset_file_name = "vocab.txt"
    preset_settings = (
        "lowercase",
        "strip_accents",
        "split_on_cjk",
        "suffix_indicator",
        "oov_token",
        "max_chars_per_token",
    )

    def __init__(
        self,
        vocabulary,
        lowercase=True,
        strip_accents=None,
        split_on_cjk=True,
        suffix_indicator="##",
        oov_token="[UNK]",
        max_chars_per_token=200,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_bert_settings(lowercase, strip_accents, split_on_cjk)
        for name, value in (
            ("suffix_indicator", suffix_indicator),
            ("oov_token", oov_token),
        ):
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f"`{name}` must be a non-empty string. "
                    f"Received: {name}={value!r}"
                )
        if (
            not isinstance(max_chars_per_token, int)
            or isinstance(max_chars_per_token, bool)
            or max_chars_per_token < 1
        ):
            raise ValueError(
                "`max_chars_per_token` must be a positive integer. "
                f"Received: max_chars_per_token={max_chars_per_token!r}"
            )
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.split_on_cjk = split_on_cjk
        self.suffix_indicator = suffix_indicator
        self.oov_token = oov_token
        self.max_chars_per_token = max_chars_per_token
        self._set_vocabulary(vocabulary)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                # The vocabulary is an asset, not part of the config.
                "vocabulary": None,
                "lowercase": self.lowercase,
                "strip_accents": self.strip_accents,
                "split_on_cjk": self.split_on_cjk,
                "suffix_indicator": self.suffix_indicator,
                "oov_token": self.oov_token,
                "max_chars_per_token": self.max_chars_per_token,
            }
        )
        return config

    def _special_tokens(self):
        return {
            "cls_token_id": "[CLS]",
            "sep_token_id": "[SEP]",
            "pad_token_id": "[PAD]",
            "mask_token_id": "[MASK]",
            "unk_token_id": self.oov_token,
        }

    def _set_vocabulary(self, vocabulary):
        if vocabulary is None:
            self._set_token_ids(None)
            return
        tokens = _read_vocabulary(vocabulary)
        if self.oov_token not in tokens:
            raise ValueError(
                f"The vocabulary must contain `oov_token` ({self.oov_token!r})"
                f", the token of unknown words. Received: a vocabulary of "
                f"{len(tokens)} tokens without it. Add it to the vocabulary "
                "or pass the `oov_token` the vocabulary uses."
            )
        self._set_token_ids(tokens)
        suffix = self.suffix_indicator
        # What each token adds to a detokenized string: continuation pieces
        # glue onto the previous piece, other tokens start a new word.
        detokenized_pieces = [
            (
                token[len(suffix) :]
                if token.startswith(suffix) and token != suffix
                else " " + token
            )
            for token in tokens
        ]
        with tf.init_scope():
            self._word_piece = tf_text.FastWordpieceTokenizer(
                vocab=tokens,
                suffix_indicator=suffix,
                # Words longer than `max_chars_per_token` characters are
                # replaced before this step, so no shorter word is cut off.
                max_bytes_per_word=4 * self.max_chars_per_token,
                token_out_type=tf.int32,
                unknown_token=self.oov_token,
                no_pretokenization=True,
            )
            # WordPiece on normalized text, splitting words itself as BERT
            # does; longer words are found before (see
            # `_tokenize_normalized`). On ASCII text, a character is a
            # byte: no word needs a separate length check.
            self._normalized_word_piece = _splitting_word_piece(
                tokens, suffix, 4 * self.max_chars_per_token, self.oov_token
            )
            self._word_piece_with_split = _splitting_word_piece(
                tokens, suffix, self.max_chars_per_token, self.oov_token
            )
            self._detokenized_pieces = tf.constant(detokenized_pieces)
            # BERT's uncased normalization of accented Latin letters, in
            # one pass (see `_ACCENTED_LATIN`).
            self._accent_normalizer = None
            if self.lowercase and self.strip_accents in (None, True):
                self._accent_normalizer = tf_text.FastBertNormalizer(
                    lower_case_nfd_strip_accents=True
                )

    def _write_asset(self, path):
        with open(path, "w", encoding="utf-8") as vocab_file:
            for token in self._vocabulary:
                vocab_file.write(token + "\n")

    def _tokenize(self, inputs):
        if inputs.shape.rank == 0:
            return self._tokenize(inputs[tf.newaxis])[0]
        if self._word_piece_with_split is None:
            return self._tokenize_words(inputs)
        # Strings of printable ASCII need no Unicode normalization: the
        # fast path gives them to tensorflow-text's WordPiece, which does
        # BERT's whitespace and punctuation split itself. The others are
        # normalized first (`_tokenize_normalized`).
        # The batch is checked as one string (a third cheaper than string
        # by string); the strings are checked one by one only when some
        # need normalization. One condition only: the branch not taken
        # still costs a little per op, so the normalization is traced once,
        # in `_route` (whose fast half is empty when no string is simple).
        all_simple = tf.strings.regex_full_match(
            tf.strings.reduce_join(inputs), self._text_pattern(simple=True)
        )
        return tf.cond(
            all_simple,
            lambda: self._tokenize_simple(inputs),
            lambda: self._tokenize_mixed(inputs),
        )

    def _text_pattern(self, simple):
        """The text of the fast paths: simple, or with accented letters."""
        characters = _SIMPLE_CHARACTERS
        # A CJK ideograph has up to 4 bytes, which the WordPiece must allow.
        if self.split_on_cjk and self.max_chars_per_token >= 4:
            characters += _UNCHANGED_CJK_IDEOGRAPHS
        if not simple:
            characters += _ACCENTED_LATIN
        return f"[{characters}]*"

    def _tokenize_simple(self, inputs):
        """WordPiece ids of strings of `_text_pattern(simple=True)`.

        Printable ASCII, tabs, newlines and unchanged CJK ideographs: the
        only normalization is ASCII lower-casing. After it, a character is
        a byte, except in the CJK ideographs, each a word of its own: no
        word needs a separate length check.
        """
        if self.lowercase:
            inputs = tf.strings.lower(inputs)  # ASCII lower-casing.
        return self._word_piece_with_split.tokenize(inputs)

    def _tokenize_mixed(self, inputs):
        """WordPiece ids of a batch, each string on its own path."""
        if self._accent_normalizer is None:
            is_simple = tf.strings.regex_full_match(
                inputs, self._text_pattern(simple=True)
            )
            return _route(
                inputs,
                is_simple,
                self._tokenize_simple,
                self._tokenize_normalized,
            )
        is_accented = tf.strings.regex_full_match(
            inputs, self._text_pattern(simple=False)
        )
        return _route(
            inputs,
            is_accented,
            self._tokenize_accented,
            self._tokenize_normalized,
        )

    def _tokenize_accented(self, inputs):
        """WordPiece ids of strings of `_text_pattern(simple=False)`.

        tensorflow-text's FastBertNormalizer gives their characters BERT's
        normalization (printable ASCII, CJK ideographs and accented Latin
        letters become ASCII, CJK ideographs or nothing, character by
        character), in one pass; the WordPiece then splits the words, as in
        `_tokenize_simple`.
        """
        text = self._accent_normalizer.normalize(inputs)
        return self._word_piece_with_split.tokenize(text)

    def _tokenize_normalized(self, inputs):
        """WordPiece ids of any strings, normalized first.

        After BERT's normalization, tensorflow-text's WordPiece splits the
        words itself (its whitespace, punctuation and CJK classes are
        BERT's), except in strings with a run of more than
        `max_chars_per_token` characters without whitespace, which may
        hold a word that BERT makes `oov_token` (the limit counts
        characters, tensorflow-text's bytes): those, and every string when
        `split_on_cjk=False`, are split by `bert_pre_tokenize`.
        """
        if not self.split_on_cjk or self.max_chars_per_token >= _MAX_REPEAT:
            return self._tokenize_words(inputs)
        text = bert_normalize(inputs, self.lowercase, self.strip_accents)
        long_run = f"[^\\t\\n\\r\\pZ]{{{self.max_chars_per_token + 1}}}"
        has_long_run = tf.strings.regex_full_match(text, f"(?s).*{long_run}.*")
        return tf.cond(
            tf.reduce_any(has_long_run),
            lambda: _route(
                inputs,
                tf.logical_not(has_long_run),
                lambda x: self._normalized_word_piece.tokenize(
                    bert_normalize(x, self.lowercase, self.strip_accents)
                ),
                self._tokenize_words,
            ),
            lambda: self._normalized_word_piece.tokenize(text),
        )

    def _tokenize_with_offsets(self, inputs):
        strip_accents = self.strip_accents
        if strip_accents is None:
            strip_accents = self.lowercase

        def normalize_characters(characters):
            # One character at a time: the same steps as `bert_normalize`.
            def normalize(flat):
                flat = tf.strings.regex_replace(flat, _DELETED_CHARACTERS, "")
                if self.lowercase:
                    flat = tf.strings.lower(flat, encoding="utf-8")
                if strip_accents:
                    flat = tf_text.normalize_utf8(flat, "NFD")
                    flat = tf.strings.regex_replace(flat, r"\p{Mn}", "")
                return flat

            return tf.ragged.map_flat_values(normalize, characters)

        offsets = character_offsets(inputs, normalize_characters)
        # The text of the whole strings, as `tokenize` sees it (lower-casing
        # depends on context, e.g. a final sigma), with as many bytes.
        text = check_normalized_length(
            bert_normalize(inputs, self.lowercase, self.strip_accents),
            offsets,
        )
        split_characters = _PUNCTUATION + (
            _CJK_IDEOGRAPHS if self.split_on_cjk else ""
        )
        words, word_starts, word_ends = tf_text.regex_split_with_offsets(
            text,
            rf"[\t\n\r\pZ]|[{split_characters}]",
            f"[{split_characters}]",
        )
        num_chars = tf.strings.length(words.flat_values, unit="UTF8_CHAR")
        too_long = num_chars > self.max_chars_per_token
        words = words.with_flat_values(
            tf.where(too_long, self.oov_token, words.flat_values)
        )
        ids, piece_starts, piece_ends = self._word_piece.tokenize_with_offsets(
            words
        )
        # Piece offsets are relative to their word; a word replaced by
        # `oov_token` is one piece spanning the whole word.
        word_index = piece_starts.values.value_rowids()
        word_start = tf.gather(word_starts.flat_values, word_index)
        word_size = tf.gather(
            word_ends.flat_values - word_starts.flat_values, word_index
        )
        replaced = tf.gather(too_long, word_index)
        flat_starts = word_start + tf.where(
            replaced, tf.zeros_like(word_start), piece_starts.flat_values
        )
        flat_ends = word_start + tf.where(
            replaced, word_size, piece_ends.flat_values
        )
        ids = ids.merge_dims(-2, -1)
        starts = ids.with_flat_values(flat_starts)
        ends = ids.with_flat_values(flat_ends)
        starts, ends = to_source_offsets(offsets, starts, ends)
        return ids, starts, ends

    def _tokenize_words(self, inputs):
        """WordPiece ids of any strings, split by `bert_pre_tokenize`."""
        words = bert_pre_tokenize(
            inputs,
            lowercase=self.lowercase,
            strip_accents=self.strip_accents,
            split_on_cjk=self.split_on_cjk,
        )

        def replace_long_words(flat_words):
            num_chars = tf.strings.length(flat_words, unit="UTF8_CHAR")
            return tf.where(
                num_chars > self.max_chars_per_token,
                self.oov_token,
                flat_words,
            )

        words = tf.ragged.map_flat_values(replace_long_words, words)
        # [batch, words, pieces] -> [batch, pieces].
        return self._word_piece.tokenize(words).merge_dims(-2, -1)

    def _detokenize(self, inputs):
        pieces = tf.gather(self._detokenized_pieces, inputs)
        text = tf.strings.reduce_join(pieces, axis=-1)
        return tf.strings.regex_replace(text, "^ ", "")


def _splitting_word_piece(tokens, suffix, max_bytes_per_word, oov_token):
    """A tensorflow-text WordPiece that splits words itself, or None.

    None when no token of the vocabulary can be a piece of a word (e.g. a
    vocabulary of special tokens alone), which tensorflow-text rejects.
    """
    try:
        return tf_text.FastWordpieceTokenizer(
            vocab=tokens,
            suffix_indicator=suffix,
            max_bytes_per_word=max_bytes_per_word,
            token_out_type=tf.int32,
            unknown_token=oov_token,
            no_pretokenization=False,
        )
    except RuntimeError:
        return None


def _route(inputs, use_first, first_fn, second_fn):
    """`first_fn` on the strings where `use_first`, `second_fn` on the rest.

    Both return ragged ids `[batch, (pieces)]`; the rows come back in the
    order of `inputs`.
    """
    first_index = tf.where(use_first)[:, 0]
    second_index = tf.where(tf.logical_not(use_first))[:, 0]
    ids = tf.concat(
        [
            first_fn(tf.gather(inputs, first_index)),
            second_fn(tf.gather(inputs, second_index)),
        ],
        axis=0,
    )
    order = tf.concat([first_index, second_index], axis=0)
    return tf.gather(ids, tf.math.invert_permutation(order))


def bert_normalize(inputs, lowercase, strip_accents):
    """BERT's text cleanup, case and accent normalization, before splitting.

    Replaces invalid UTF-8 with U+FFFD, deletes the characters BERT
    deletes (U+FFFD included), then optionally lower-cases and strips
    accents. Whitespace and punctuation are left in place.

    Args:
        inputs: a string `tf.Tensor`.
        lowercase: bool. Whether to lower-case.
        strip_accents: bool or None. Whether to strip accents; `None` means
            "when `lowercase`".

    Returns:
        The normalized strings, a tensor of the shape of `inputs`.
    """
    if strip_accents is None:
        strip_accents = lowercase
    # One pass finds whether any string needs the cleanup (the common case
    # is none): the two passes of the cleanup run only then.
    is_clean = tf.reduce_all(tf.strings.regex_full_match(inputs, _CLEAN_TEXT))
    text = tf.cond(is_clean, lambda: inputs, lambda: _clean_up(inputs))
    if lowercase:
        # Full Unicode lower-casing, as Python's `str.lower`. (This op
        # stops at a NUL byte, which was deleted above.)
        text = tf.strings.lower(text, encoding="utf-8")
    if strip_accents:
        text = tf_text.normalize_utf8(text, "NFD")
        text = tf.strings.regex_replace(text, r"\p{Mn}", "")
    return text


def _clean_up(inputs):
    """Deletes the characters BERT deletes; invalid UTF-8 is deleted too."""
    # Invalid UTF-8 becomes U+FFFD, deleted below; the check skips the
    # costlier transcoding when all strings are valid.
    is_valid = tf.reduce_all(tf.strings.regex_full_match(inputs, _VALID_UTF8))
    text = tf.cond(
        is_valid,
        lambda: inputs,
        lambda: tf.strings.unicode_transcode(
            inputs,
            "UTF-8",
            "UTF-8",
            errors="replace",
            replacement_char=0xFFFD,
        ),
    )
    return tf.strings.regex_replace(text, _DELETED_CHARACTERS, "")


def bert_pre_tokenize(inputs, lowercase, strip_accents, split_on_cjk):
    """BERT's basic tokenization: splits strings into normalized words.

    Args:
        inputs: a string `tf.Tensor`.
        lowercase: bool. Whether to lower-case.
        strip_accents: bool or None. Whether to strip accents; `None` means
            "when `lowercase`".
        split_on_cjk: bool. Whether each CJK ideograph is a word.

    Returns:
        The words, a string tensor with one more (ragged) dimension than
        `inputs`.
    """
    text = bert_normalize(inputs, lowercase, strip_accents)
    # Normalization neither creates nor removes whitespace, so mapping it
    # to " " after normalization is the same as BERT's mapping before.
    text = tf.strings.regex_replace(text, _UNICODE_WHITESPACE, " ")
    # Punctuation (and CJK ideographs) become words of their own. This runs
    # after normalization, which can create punctuation (U+1FEF -> "`").
    split_characters = _PUNCTUATION + (_CJK_IDEOGRAPHS if split_on_cjk else "")
    text = tf.strings.regex_replace(text, f"[{split_characters}]", r" \0 ")
    return tf.strings.split(text)


def check_bert_settings(lowercase, strip_accents, split_on_cjk):
    """Validates the basic-tokenization arguments."""
    check_case_settings(lowercase, strip_accents)
    if not isinstance(split_on_cjk, bool):
        raise ValueError(
            "`split_on_cjk` must be a bool. "
            f"Received: split_on_cjk={split_on_cjk!r}"
        )


def read_text_lines(path):
    """The lines of a UTF-8 text file, tolerating invalid UTF-8.

    Invalid bytes become U+FFFD, and a warning names the file, the number
    of lines affected and the first of them.

    Args:
        path: str. The file.

    Returns:
        The list of lines split at "\\n" (the last one is empty when the
        file ends with a newline).
    """
    with open(path, "rb") as text_file:
        data = text_file.read()
    lines = data.decode("utf-8", errors="replace").split("\n")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        bad = [
            number
            for number, line in enumerate(data.split(b"\n"), start=1)
            if not _is_utf8(line)
        ]
        warnings.warn(
            f"{path!r} is not valid UTF-8: {len(bad)} line(s) hold invalid "
            f"bytes (first: line {bad[0]}), read with each invalid byte "
            "replaced by U+FFFD. Re-save the file as UTF-8 if those tokens "
            "matter.",
            stacklevel=5,
        )
    return lines


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_vocabulary(vocabulary):
    """Returns the vocabulary as a validated list of tokens."""
    if isinstance(vocabulary, (str, os.PathLike)):
        path = os.fspath(vocabulary)
        if not os.path.isfile(path):
            raise ValueError(
                "`vocabulary` must be a list of tokens or the path of a "
                f"vocabulary file. Received: vocabulary={path!r}, which is "
                "not a file. Check the path."
            )
        tokens = read_text_lines(path)
        if tokens and tokens[-1] == "":
            tokens.pop()  # The newline that ends the last line.
        tokens = [token.rstrip("\r") for token in tokens]
        source = f"file {path!r}"
    elif isinstance(vocabulary, (list, tuple)):
        tokens = list(vocabulary)
        source = "list"
    else:
        raise ValueError(
            "`vocabulary` must be a list of tokens or the path of a "
            f"vocabulary file. Received: vocabulary of type "
            f"{type(vocabulary).__name__}."
        )
    if not tokens:
        raise ValueError(
            f"`vocabulary` is empty. Received: an empty vocabulary {source}."
            " Pass a vocabulary with one token per id, such as BERT's "
            "`vocab.txt`."
        )
    seen = {}
    for index, token in enumerate(tokens):
        if not isinstance(token, str) or "\n" in token or "\r" in token:
            raise ValueError(
                "Every vocabulary token must be a string without line "
                f"breaks. Received: token {index} = {token!r} in the "
                f"vocabulary {source}."
            )
        if len(token.encode("utf-8")) > _MAX_TOKEN_BYTES:
            raise ValueError(
                f"Vocabulary tokens can have at most {_MAX_TOKEN_BYTES} "
                f"UTF-8 bytes. Received: token {index} = {token[:20]!r}... "
                f"({len(token.encode('utf-8'))} bytes) in the vocabulary "
                f"{source}. Remove it (tensorflow-text's "
                "FastWordpieceTokenizer cannot hold it)."
            )
        if token in seen:
            raise ValueError(
                "Vocabulary tokens must be unique. Received: "
                f"{token!r} at ids {seen[token]} and {index} in the "
                f"vocabulary {source}. Remove the duplicate."
            )
        seen[token] = index
    return tokens
