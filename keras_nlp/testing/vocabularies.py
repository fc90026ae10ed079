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


"""Toy vocabularies, SentencePiece models and probe strings for the tests."""

import io
import string

# The special tokens of BERT vocabularies, at ids 0-4.
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# A WordPiece vocabulary whose ids the tests spell out.
TOY_VOCABULARY = SPECIAL_TOKENS + [
    "the",  # 5
    "quick",  # 6
    "brown",  # 7
    "fox",  # 8
    "jump",  # 9
    "##ed",  # 10
    "##s",  # 11
    ".",  # 12
    "un",  # 13
    "##aff",  # 14
    "##able",  # 15
    "中",  # 16
    "文",  # 17
    "cafe",  # 18
    "café",  # 19
    "Café",  # 20
    "Cafe",  # 21
]

_PARITY_CHARACTERS = (
    string.ascii_letters
    + string.digits
    + string.punctuation
    + "üïöéçàßσςοδι中文字符日本語한국어豈😀ｂ¿«"
)
_PARITY_WORDS = [
    "hello",
    "world",
    "how",
    "are",
    "you",
    "unicode",
    "facade",
    "naive",
    "un",
    "##aff",
    "##able",
    "##want",
    "##ed",
    "run",
    "##ning",
    "line",
    "##ine",
    "Hello",
    "CaSe",
    "##RdS",
]
# A WordPiece vocabulary for comparisons with the reference tokenizer: every
# character of `_PARITY_CHARACTERS`, and its "##" form two times in three,
# so that some words cannot be split and become "[UNK]".
PARITY_VOCABULARY = (
    SPECIAL_TOKENS
    + _PARITY_WORDS
    + list(_PARITY_CHARACTERS)
    + ["##" + char for i, char in enumerate(_PARITY_CHARACTERS) if i % 3]
)

# Inputs on which tokenizers typically go wrong: case, accents, CJK, emoji,
# deleted and whitespace control characters, long words, invalid UTF-8.
PROBE_STRINGS = [
    "Hello, World! How are you?",
    "Ünïcödé façade naïve CAFÉ résumé",
    "İstanbul ΟΔΟΣ ς Σ ß ẞ ﬁne Ǆ",
    "中文字符 and 日本語 한국어 豈",
    "emoji 😀👍🏽 ok 👨\u200d👩\u200d👧",
    "nul\x00byte repl\ufffdchar zero\u200bwidth soft\u00adhyphen bell\x07",
    "tab\there\nnew\r\nline\x0bvt\x0cff\x85nel",
    "nbsp\u00a0ideo\u3000line\u2028para\u2029end",
    "x" * 101 + " ok",
    "x" * 200 + " y" * 3,
    "xy" * 100 + "z ok",
    "é" * 101,
    "é" * 201,
    "é" * 60,
    "中" * 120,
    "...!!!???--- $100 ^_^ `code` {x|y} ~tilde",
    "don't stop-believing «quoted» ¿qué? ¡sí!",
    "MiXeD CaSe WoRdS",
    "",
    "   \t\n  ",
    "\u0301 combining alone",
    "a\u1fefb greek varia",
    "①②③ ＡＢＣ ⅻ",
    "unaffable unwanted running",
    b"bad \xff\xfe utf8 \xc3",
    b"a\xed\xa0\x80b surrogate",
    b"\xc0\xaf overlong",
]

# A small corpus to train SentencePiece models on.
SENTENCE_PIECE_CORPUS = [
    "the quick brown fox jumped over the lazy dog.",
    "a stitch in time saves nine!",
    "all that glitters is not gold, said the fox",
    "the early bird catches the worm",
    "Ünïcödé façade naïve café",
    "中文字符 日本語",
    "hello world, hello keras",
]


def write_vocabulary(path, tokens):
    """Writes `tokens` to `path`, one per line (a BERT `vocab.txt`)."""
    with open(path, "w", encoding="utf-8") as vocab_file:
        vocab_file.write("".join(token + "\n" for token in tokens))


def train_sentence_piece(
    corpus=SENTENCE_PIECE_CORPUS,
    vocab_size=70,
    user_defined_symbols=("[CLS]", "[SEP]", "[MASK]"),
    **trainer_kwargs,
):
    """Trains a tiny ALBERT-style SentencePiece model; returns its bytes.

    `<pad>` is id 0, `<unk>` id 1, then `user_defined_symbols`; no BOS/EOS.
    `trainer_kwargs` override the `SentencePieceTrainer.train` arguments.
    """
    import sentencepiece

    model = io.BytesIO()
    arguments = dict(
        sentence_iterator=iter(list(corpus) * 3),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        pad_id=0,
        unk_id=1,
        bos_id=-1,
        eos_id=-1,
        pad_piece="<pad>",
        unk_piece="<unk>",
        user_defined_symbols=list(user_defined_symbols),
        character_coverage=1.0,
        minloglevel=2,
    )
    arguments.update(trainer_kwargs)
    sentencepiece.SentencePieceTrainer.train(**arguments)
    return model.getvalue()
