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


"""BERT's WordPiece tokenizer in plain Python: the reference of the tests.

Written from the algorithm of google-research/bert `tokenization.py`
(`FullTokenizer`: `BasicTokenizer`, then the greedy longest-match-first
`WordpieceTokenizer`, whose words of more than 200 characters become
`[UNK]`). It shares no code with `keras_nlp.tokenizers`, so that the parity
tests compare two independent implementations.
"""

import unicodedata

# BERT's `max_input_chars_per_word`.
BERT_MAX_CHARS_PER_WORD = 200

# The CJK Unified Ideograph blocks of BERT's `_is_chinese_char`.
_CJK_BLOCKS = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)


def is_cjk(char):
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_BLOCKS)


def is_whitespace(char):
    if char in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(char) == "Zs"


def is_control(char):
    if char in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def is_punctuation(char):
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64:
        return True
    if 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def basic_tokenize(text, lowercase=True, strip_accents=None, split_on_cjk=True):
    """BERT's `BasicTokenizer.tokenize`: text to normalized words.

    `strip_accents=None` strips accents when `lowercase`, as BERT does.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "ignore")  # BERT's convert_to_unicode.
    if strip_accents is None:
        strip_accents = lowercase
    cleaned = []
    for char in text:
        if ord(char) in (0, 0xFFFD) or is_control(char):
            continue
        cleaned.append(" " if is_whitespace(char) else char)
    spaced = []
    for char in cleaned:
        spaced.append(f" {char} " if split_on_cjk and is_cjk(char) else char)
    words = []
    for token in "".join(spaced).split():
        if lowercase:
            token = token.lower()
        if strip_accents:
            token = unicodedata.normalize("NFD", token)
            token = "".join(
                char for char in token if unicodedata.category(char) != "Mn"
            )
        word = []
        for char in token:
            if is_punctuation(char):
                if word:
                    words.append("".join(word))
                    word = []
                words.append(char)
            else:
                word.append(char)
        if word:
            words.append("".join(word))
    return words


def word_piece(word, vocabulary, unk="[UNK]", max_chars=200, suffix="##"):
    """BERT's `WordpieceTokenizer.tokenize` on one word: a list of pieces.

    `vocabulary` is any container of tokens (a set or dict is fastest).
    """
    if len(word) > max_chars:
        return [unk]
    pieces = []
    start = 0
    while start < len(word):
        piece = None
        for end in range(len(word), start, -1):
            candidate = word[start:end]
            if start > 0:
                candidate = suffix + candidate
            if candidate in vocabulary:
                piece = candidate
                break
        if piece is None:
            return [unk]
        pieces.append(piece)
        start = end
    return pieces


def tokenize(
    text,
    vocabulary,
    lowercase=True,
    strip_accents=None,
    split_on_cjk=True,
    max_chars=BERT_MAX_CHARS_PER_WORD,
    unk="[UNK]",
):
    """BERT's `FullTokenizer.tokenize` + `convert_tokens_to_ids`: a list."""
    ids = {token: index for index, token in enumerate(vocabulary)}
    output = []
    for word in basic_tokenize(text, lowercase, strip_accents, split_on_cjk):
        for piece in word_piece(word, ids, unk=unk, max_chars=max_chars):
            output.append(ids[piece])
    return output
