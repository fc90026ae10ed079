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

"""Learns a WordPiece vocabulary from text."""

import os

from keras_nlp.tokenizers.preprocessing_layer import require_tf_text
from keras_nlp.tokenizers.preprocessing_layer import tf
from keras_nlp.tokenizers.tokenizer import short_repr
from keras_nlp.tokenizers.word_piece_tokenizer import bert_pre_tokenize
from keras_nlp.tokenizers.word_piece_tokenizer import check_bert_settings

try:
    from tensorflow_text.tools.wordpiece_vocab import bert_vocab_from_dataset
except ImportError:
    bert_vocab_from_dataset = None

# Strings pre-tokenized per step when the input is not batched already.
_BATCH_SIZE = 1024


def compute_word_piece_vocabulary(
    data,
    vocab_size,
    lowercase=True,
    strip_accents=None,
    reserved_tokens=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
    vocabulary_output_file=None,
    split_on_cjk=True,
    suffix_indicator="##",
):
    """Learns a WordPiece vocabulary from text, for `WordPieceTokenizer`.

    The text is split into words exactly as
    `keras_nlp.tokenizers.WordPieceTokenizer` splits it with the same
    `lowercase`, `strip_accents` and `split_on_cjk` (BERT's basic
    tokenization), then tensorflow-text's WordPiece vocabulary learner
    (`bert_vocab_from_dataset`) picks word pieces by frequency. The
    vocabulary starts with `reserved_tokens` in order (so `"[PAD]"` gets id
    0 by default), then every single character, then the learned pieces
    (every character's `suffix_indicator` form among them), most frequent
    first.

    Args:
        data: The text: a `tf.data.Dataset` of strings (scalars or batches),
            a list of strings, or a list of paths of text files (one string
            per line). A list is read as paths only if every entry is an
            existing file.
        vocab_size: int. The maximum number of tokens, reserved tokens
            included. The learner aims at 95-100% of it, but its frequency
            threshold never goes below 10 occurrences, so a small corpus
            gives a smaller vocabulary.
        lowercase: bool. Whether to lower-case the text. Defaults to `True`.
        strip_accents: bool or None. Whether to strip accents; `None` means
            "when `lowercase`". Defaults to `None`.
        reserved_tokens: list of str. Tokens placed first, in order.
            Defaults to `("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")`.
        vocabulary_output_file: str or None. If set, the vocabulary is also
            written there, one token per line (a `vocab.txt`). Defaults to
            `None`.
        split_on_cjk: bool. Whether each CJK ideograph is a word of its own.
            Defaults to `True`.
        suffix_indicator: str. The prefix of pieces that continue a word.
            Defaults to `"##"`.

    Returns:
        The vocabulary, a list of at most `vocab_size` strings.

    Raises:
        ValueError: if `vocab_size` is not larger than the number of
            reserved tokens, `data` is not text, or holds no word.

    Example:

    ```python
    corpus = ["The quick brown fox jumped.", "The lazy dog slept."] * 10
    vocabulary = keras_nlp.tokenizers.compute_word_piece_vocabulary(
        corpus, vocab_size=60, vocabulary_output_file="vocab.txt"
    )
    vocabulary[:5]  # ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer("vocab.txt")
    tokenizer("The quick dog.")
    ```
    """
    require_tf_text("compute_word_piece_vocabulary")
    check_bert_settings(lowercase, strip_accents, split_on_cjk)
    if not isinstance(suffix_indicator, str) or not suffix_indicator:
        raise ValueError(
            "`suffix_indicator` must be a non-empty string. "
            f"Received: suffix_indicator={suffix_indicator!r}"
        )
    if (
        not isinstance(reserved_tokens, (list, tuple))
        or not all(isinstance(x, str) and x for x in reserved_tokens)
        or len(set(reserved_tokens)) != len(reserved_tokens)
    ):
        raise ValueError(
            "`reserved_tokens` must be a list of distinct non-empty strings."
            f" Received: reserved_tokens={reserved_tokens!r}"
        )
    if (
        not isinstance(vocab_size, int)
        or isinstance(vocab_size, bool)
        or vocab_size <= len(reserved_tokens)
    ):
        raise ValueError(
            "`vocab_size` must be an integer larger than the number of "
            f"reserved tokens ({len(reserved_tokens)}). Received: "
            f"vocab_size={vocab_size!r}. Increase `vocab_size`."
        )
    dataset = _to_text_dataset(data)
    words = dataset.map(
        lambda text: bert_pre_tokenize(
            text,
            lowercase=lowercase,
            strip_accents=strip_accents,
            split_on_cjk=split_on_cjk,
        ),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    try:
        # The words are split already; the learner's own BERT basic
        # tokenizer (without lower-casing) leaves them unchanged.
        vocabulary = bert_vocab_from_dataset.bert_vocab_from_dataset(
            words,
            vocab_size=vocab_size,
            reserved_tokens=list(reserved_tokens),
            bert_tokenizer_params={"lower_case": False},
            learn_params={"joiner": suffix_indicator},
        )
    except StopIteration:
        raise ValueError(
            "`data` holds no word to learn a vocabulary from. Received: "
            f"data={short_repr(data)}. Pass non-empty text."
        ) from None
    vocabulary = _fit_vocab_size(
        list(vocabulary), vocab_size, len(reserved_tokens), suffix_indicator
    )
    if vocabulary_output_file is not None:
        with open(vocabulary_output_file, "w", encoding="utf-8") as vocab_file:
            for token in vocabulary:
                vocab_file.write(token + "\n")
    return vocabulary


def _fit_vocab_size(vocabulary, vocab_size, num_reserved, suffix_indicator):
    """Cuts a vocabulary down to `vocab_size` tokens, if it is longer.

    The learner overshoots `vocab_size` when many words tie in frequency.
    Every single character (alone and with the suffix indicator) is kept,
    so that every word remains tokenizable, and the least frequent longer
    pieces (last in the learner's order) are dropped.
    """
    if len(vocabulary) <= vocab_size:
        return vocabulary
    reserved, learned = vocabulary[:num_reserved], vocabulary[num_reserved:]
    characters = {
        token
        for token in learned
        if len(token) == 1
        or (
            token.startswith(suffix_indicator)
            and len(token) == len(suffix_indicator) + 1
        )
    }
    budget = max(vocab_size - num_reserved - len(characters), 0)
    longer = [token for token in learned if token not in characters]
    kept = characters | set(longer[:budget])
    vocabulary = reserved + [token for token in learned if token in kept]
    return vocabulary[:vocab_size]


def _to_text_dataset(data):
    """Returns `data` as a `tf.data.Dataset` of batches of strings."""
    if isinstance(data, tf.data.Dataset):
        spec = data.element_spec
        if (
            not isinstance(spec, tf.TensorSpec)
            or spec.dtype != tf.string
            or spec.shape.rank not in (0, 1)
        ):
            raise ValueError(
                "A `data` dataset must yield strings or 1-D batches of "
                f"strings. Received: data.element_spec={spec}. Map the "
                "dataset to its text field first."
            )
        if spec.shape.rank == 0:
            data = data.batch(_BATCH_SIZE)
        return data
    if isinstance(data, (list, tuple)) and data:
        # `os.path.isfile` is False for text that cannot be a path.
        is_path = [
            isinstance(x, os.PathLike)
            or (isinstance(x, str) and os.path.isfile(x))
            for x in data
        ]
        if all(is_path):
            paths = [os.fspath(x) for x in data]
            return tf.data.TextLineDataset(paths).batch(_BATCH_SIZE)
        if any(is_path):
            paths = [x for x, path in zip(data, is_path) if path]
            raise ValueError(
                "`data` mixes file paths with other strings. Received: "
                f"{len(paths)} existing files (e.g. {paths[0]!r}) among "
                f"{len(data)} entries. Pass only texts or only file paths."
            )
        if all(isinstance(x, (str, bytes)) for x in data):
            return tf.data.Dataset.from_tensor_slices(list(data)).batch(
                _BATCH_SIZE
            )
    raise ValueError(
        "`data` must be a `tf.data.Dataset` of strings, a non-empty list of "
        "strings or a list of text file paths. Received: "
        f"data={short_repr(data)} of type {type(data).__name__}."
    )
