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

"""SentencePiece tokenizer (ALBERT's) on tensorflow-text."""

import functools
import os
import sys
import unicodedata

import keras

from keras_nlp.tokenizers.preprocessing_layer import tf
from keras_nlp.tokenizers.preprocessing_layer import tf_text
from keras_nlp.tokenizers.tokenizer import Tokenizer
from keras_nlp.tokenizers.tokenizer import character_offsets
from keras_nlp.tokenizers.tokenizer import check_case_settings
from keras_nlp.tokenizers.tokenizer import check_normalized_length
from keras_nlp.tokenizers.tokenizer import to_source_offsets

# Stands for the proto of a layer rebuilt by `from_config`, which its
# `.keras` file's assets provide.
_FROM_ASSETS = object()

# Python's whitespace (`str.isspace`), which ALBERT's preprocessing collapses
# with `" ".join(text.split())` (RE2 syntax on UTF-8 text).
_PYTHON_WHITESPACE = (
    r"[\x{9}-\x{D}\x{1C}-\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}"
    r"\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+"
)


@keras.saving.register_keras_serializable(package="keras_nlp")
class SentencePieceTokenizer(Tokenizer):
    """A SentencePiece tokenizer: strings to int32 ids with a trained model.

    SentencePiece is the subword tokenizer of ALBERT: it splits raw text
    (whitespace included, written as "▁") into the pieces of a model
    trained with the `sentencepiece` library, and produces the same ids as
    that library's `encode` (up to the rare exact ties between equally
    likely segmentations of a unigram model, which the SentencePiece build
    inside tensorflow-text may break differently from a newer
    `sentencepiece` package). Invalid UTF-8 bytes never raise: SentencePiece
    maps them to its unknown piece (with `lowercase` or `strip_accents`,
    they first become U+FFFD, as in Python's `decode(errors="replace")`).
    The special-token ids are looked up by their ALBERT names: `"[CLS]"`,
    `"[SEP]"`, `"<pad>"`, `"[MASK]"` and `"<unk>"`.

    With `lowercase` or `strip_accents`, the text first goes through
    ALBERT's preprocessing (`preprocess_text` of google-research/albert),
    in this order: runs of whitespace (as Python's `str.split` knows it)
    become one space and the ends are stripped; with `strip_accents`, the
    text is decomposed (Unicode NFKD) and every combining character
    (non-zero canonical combining class, as Python's
    `unicodedata.combining`) is removed; with `lowercase`, the text is
    lower-cased as Python's `str.lower` does. The released ALBERT models
    use `lowercase=True, strip_accents=True`. With both `False` (the
    default), the text goes to SentencePiece unchanged.

    The tokenizer is a Keras layer: it runs in `tf.data.Dataset.map` and at
    the head of a Keras model that takes raw strings. Saved in a `.keras`
    file, the model proto travels with the model as the asset `spm.model`;
    it is not part of `get_config()`.

    Reference:
        [Kudo and Richardson, 2018](https://arxiv.org/abs/1808.06226)

    Args:
        proto: str or bytes. The path of a SentencePiece model file
            (`spm.model`) or the serialized model proto itself. Required:
            `None` is refused at once. (A layer rebuilt by `from_config`
            gets its model from the assets of a `.keras` file.)
        lowercase: bool. Whether to lower-case the text (as Python's
            `str.lower`), after ALBERT's whitespace and quote cleanup.
            Defaults to `False`.
        strip_accents: bool or None. Whether to strip accents (NFKD, then
            removal of combining characters), after ALBERT's whitespace and
            quote cleanup. `None` means "strip when `lowercase` is `True`",
            as for `keras_nlp.tokenizers.WordPieceTokenizer`. Defaults to
            `False`.
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
    import io
    import sentencepiece

    # Train a tiny model (real ones come with the checkpoint as spm.model).
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(["the quick brown fox", "the lazy dog"]),
        model_writer=model,
        vocab_size=30,
        hard_vocab_limit=False,
        pad_id=0,
        unk_id=1,
        bos_id=-1,
        eos_id=-1,
        user_defined_symbols=["[CLS]", "[SEP]", "[MASK]"],
        minloglevel=2,
    )
    tokenizer = keras_nlp.tokenizers.SentencePieceTokenizer(model.getvalue())
    ids = tokenizer(["the quick fox", "the dog"])  # Ragged int32 ids.
    tokenizer.detokenize(ids)  # ["the quick fox", "the dog"]
    tokenizer.cls_token_id  # 2

    # ALBERT's preprocessing: "The  Quick Föx" is read as "the quick fox".
    albert_tokenizer = keras_nlp.tokenizers.SentencePieceTokenizer(
        model.getvalue(), lowercase=True, strip_accents=True
    )
    np.testing.assert_array_equal(
        albert_tokenizer("The  Quick Föx"), tokenizer("the quick fox")
    )
    ```
    """

    asset_file_name = "spm.model"
    preset_settings = ("lowercase", "strip_accents")

    def __init__(self, proto, lowercase=False, strip_accents=False, **kwargs):
        super().__init__(**kwargs)
        if proto is None:
            raise ValueError(
                "`proto` is required: the path of a SentencePiece model file "
                "(`spm.model`) or the serialized model (bytes). Received: "
                "proto=None. Pass the model file that came with the "
                "checkpoint, or build the tokenizer with "
                "`SentencePieceTokenizer.from_preset(path)`."
            )
        check_case_settings(lowercase, strip_accents)
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self._set_vocabulary(None if proto is _FROM_ASSETS else proto)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                # The model proto is an asset, not part of the config.
                "proto": None,
                "lowercase": self.lowercase,
                "strip_accents": self.strip_accents,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        # A config holds no proto: `load_assets` reads it from the `.keras`
        # file once the layer is rebuilt.
        config = dict(config)
        if config.get("proto") is None:
            config["proto"] = _FROM_ASSETS
        return cls(**config)

    def _special_tokens(self):
        return {
            "cls_token_id": "[CLS]",
            "sep_token_id": "[SEP]",
            "pad_token_id": "<pad>",
            "mask_token_id": "[MASK]",
            "unk_token_id": "<unk>",
        }

    def _set_vocabulary(self, proto):
        if proto is None:
            self._set_token_ids(None)
            self._proto = None
            return
        if isinstance(proto, (str, os.PathLike)):
            path = os.fspath(proto)
            if not os.path.isfile(path):
                raise ValueError(
                    "`proto` must be the path of a SentencePiece model file "
                    f"or the serialized model. Received: proto={path!r}, "
                    "which is not a file. Check the path."
                )
            with open(path, "rb") as model_file:
                proto = model_file.read()
            source = f"file {path!r}"
        elif isinstance(proto, bytes):
            source = "bytes"
        else:
            raise ValueError(
                "`proto` must be the path of a SentencePiece model file or "
                "the serialized model (bytes). Received: proto of type "
                f"{type(proto).__name__}."
            )
        if not proto:
            raise ValueError(
                f"`proto` is empty. Received: an empty SentencePiece model "
                f"{source}. Pass the `spm.model` file that came with the "
                "checkpoint."
            )
        with tf.init_scope():
            try:
                sentence_piece = tf_text.SentencepieceTokenizer(
                    model=proto, out_type=tf.int32
                )
                size = int(sentence_piece.vocab_size())
                pieces = sentence_piece.id_to_string(tf.range(size)).numpy()
            except (tf.errors.OpError, ValueError):
                raise ValueError(
                    "`proto` is not a valid SentencePiece model: SentencePiece"
                    f" cannot parse it. Received: proto from {source} of "
                    f"{len(proto)} bytes. Pass a model file written by the "
                    "`sentencepiece` trainer."
                ) from None
        self._proto = proto
        self._set_token_ids([piece.decode("utf-8") for piece in pieces])

    def _write_asset(self, path):
        with open(path, "wb") as model_file:
            model_file.write(self._proto)

    def _tokenize(self, inputs):
        strip_accents = self.strip_accents
        if strip_accents is None:
            strip_accents = self.lowercase
        if self.lowercase or strip_accents:
            inputs = albert_preprocess(
                inputs, lowercase=self.lowercase, strip_accents=strip_accents
            )
        return self._sentence_piece_op().tokenize(inputs)

    def _tokenize_with_offsets(self, inputs):
        strip_accents = self.strip_accents
        if strip_accents is None:
            strip_accents = self.lowercase
        if not (self.lowercase or strip_accents):
            return self._sentence_piece_op().tokenize_with_offsets(inputs)

        def normalize_characters(characters):
            # `albert_preprocess`, one character at a time.
            flat = characters.flat_values
            is_space = tf.strings.regex_full_match(flat, _PYTHON_WHITESPACE)
            row = characters.value_rowids()
            position = tf.range(tf.size(flat, out_type="int64")) - tf.gather(
                characters.row_splits, row
            )
            follows_space = tf.concat([[True], is_space[:-1]], axis=0)
            follows_space = tf.logical_or(follows_space, position == 0)
            last_word_character = tf.math.unsorted_segment_max(
                tf.where(is_space, tf.constant(-1, "int64"), position),
                row,
                num_segments=characters.nrows(),
            )
            trailing = position > tf.gather(last_word_character, row)
            # A run of whitespace is one space, none at the ends.
            kept = tf.logical_not(tf.logical_or(follows_space, trailing))
            space = tf.where(kept, " ", "")
            flat = tf.where(is_space, space, flat)
            if strip_accents:
                flat = tf_text.normalize_utf8(flat, "NFKD")
                flat = tf.strings.regex_replace(
                    flat, _combining_characters(), ""
                )
            if self.lowercase:
                # (Lower-casing a NUL would delete it.)
                flat = tf.where(
                    tf.equal(flat, "\x00"),
                    flat,
                    tf.strings.lower(flat, encoding="utf-8"),
                )
            return characters.with_flat_values(flat)

        offsets = character_offsets(inputs, normalize_characters)
        text = check_normalized_length(
            albert_preprocess(
                inputs, lowercase=self.lowercase, strip_accents=strip_accents
            ),
            offsets,
        )
        ids, starts, ends = self._sentence_piece_op().tokenize_with_offsets(
            text
        )
        starts, ends = to_source_offsets(offsets, starts, ends)
        return ids, starts, ends

    def _detokenize(self, inputs):
        return self._sentence_piece_op().detokenize(inputs)

    def _sentence_piece_op(self):
        # tensorflow-text's SentencePiece model lives in its op's kernel,
        # which `tf.random.set_seed` (and `keras.utils.set_random_seed`)
        # destroys in eager mode by clearing the kernel cache. A fresh
        # wrapper per call finds the cached kernel (cheap) or rebuilds it;
        # in a `tf.function` or `tf.data` graph the model op is part of the
        # graph.
        return tf_text.SentencepieceTokenizer(
            model=self._proto, out_type=tf.int32
        )


def albert_preprocess(inputs, lowercase, strip_accents):
    """ALBERT's text preprocessing, before SentencePiece.

    Replaces invalid UTF-8 with U+FFFD, collapses whitespace, then
    optionally strips accents (NFKD, then removal of combining characters)
    and lower-cases, in that order, as `preprocess_text` of
    google-research/albert (whose released models do both). Hugging Face's
    `AlbertTokenizer` also maps ``` `` ``` and `''` to `"`; the original
    does not, and neither does this.

    Args:
        inputs: a string `tf.Tensor`.
        lowercase: bool. Whether to lower-case, as Python's `str.lower`.
        strip_accents: bool. Whether to strip accents.

    Returns:
        The preprocessed strings, a tensor of the shape of `inputs`.
    """
    # Invalid UTF-8 becomes U+FFFD, as Python's `decode(errors="replace")`
    # makes it: the reference preprocessing works on Python strings.
    text = tf.strings.unicode_transcode(
        tf.reshape(inputs, [-1]),
        "UTF-8",
        "UTF-8",
        errors="replace",
        replacement_char=0xFFFD,
    )
    text = tf.strings.regex_replace(text, _PYTHON_WHITESPACE, " ")
    # Only " " is left of the whitespace: this strips the ends.
    text = tf.strings.strip(text)
    if strip_accents:
        text = tf_text.normalize_utf8(text, "NFKD")
        text = tf.strings.regex_replace(text, _combining_characters(), "")
    if lowercase:
        # Full Unicode lower-casing, as Python's `str.lower`. The op stops
        # at a NUL byte, so the text is lower-cased between NULs: each part
        # gets a NUL appended, and the last one is removed after joining
        # (a separator would be cut at its NUL by `reduce_join`).
        parts = tf.strings.split(text, sep="\x00")
        parts = tf.ragged.map_flat_values(
            lambda flat: tf.strings.join(
                [tf.strings.lower(flat, encoding="utf-8"), "\x00"]
            ),
            parts,
        )
        text = tf.strings.reduce_join(parts, axis=-1)
        text = tf.strings.regex_replace(
            text, r"\x00$", "", replace_global=False
        )
    return tf.reshape(text, tf.shape(inputs))


@functools.lru_cache(maxsize=None)
def _combining_characters():
    """An RE2 class of the characters Python's `unicodedata.combining` flags.

    Those with a non-zero canonical combining class: the marks that ALBERT's
    preprocessing removes after NFKD. (Unlike the category `Mn`, this keeps
    the non-spacing marks of class 0, such as the Devanagari vowel sign
    U+0941.)
    """
    ranges = []
    for code_point in range(sys.maxunicode + 1):
        if unicodedata.combining(chr(code_point)):
            if ranges and ranges[-1][1] == code_point - 1:
                ranges[-1][1] = code_point
            else:
                ranges.append([code_point, code_point])
    parts = [
        f"\\x{{{start:X}}}" + (f"-\\x{{{end:X}}}" if end > start else "")
        for start, end in ranges
    ]
    return "[" + "".join(parts) + "]"
