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

"""Throughput of BERT tokenization + packing: keras_nlp against its peers.

The corpus is real English text available offline: the docstrings of the
Python standard library and of the installed TensorFlow package, read with
`ast` (nothing is imported or downloaded), split into paragraphs (almost
all ASCII). Two more corpora derive from part of it, so that every string
needs Unicode normalization: "accented" (a -> à, e -> é, o -> ö) and "CJK"
(each letter replaced by a CJK ideograph, which BERT makes a word of its
own). A WordPiece vocabulary of `--vocab_size` tokens is made of the
corpus' characters (as first and continuation pieces) and its most frequent
words, and every pipeline below uses it to tokenize each corpus batch by
batch and to pack the ids to `sequence_length` (`[CLS] ... [SEP]`,
padded), in one run, interleaved
(each timed pass runs every pipeline once, so that the load of a shared
machine hits all of them alike):

- keras_nlp `WordPieceTokenizer` + `BertPacker`, eager calls;
- tensorflow-text's `FastBertTokenizer` (in a `tf.function`) + the same
  `BertPacker` (its ids differ from BERT's on some non-ASCII text: it folds
  case with NFKC rules);
- Hugging Face `tokenizers`' `BertWordPieceTokenizer` (if installed),
  `encode_batch` with its own truncation and padding;
- each tokenizer alone, without packing;
- keras_nlp and `FastBertTokenizer` + `BertPacker` in a `tf.data` pipeline
  (batch, then `map` with `AUTOTUNE`, `prefetch`) over the English corpus.

It prints strings/s (wall clock) and the fraction of strings whose ids
equal those of the reference BERT tokenizer (`FullTokenizer` of
google-research/bert, re-implemented in `keras_nlp.testing`), checked in
the same run on every string, then the ratios of keras_nlp to each peer:
by wall-clock time and by the CPU time of the process (all threads), which
a loaded machine disturbs less. Each figure is the median of `--repeats`
passes after a warm-up pass. The exit status is 1 if any keras_nlp id
differs from BERT's.

Usage:

```shell
python benchmarks/tokenization.py
python benchmarks/tokenization.py --max_strings=2000 --repeats=1  # quick
```
"""

import ast
import collections
import os
import random
import re
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from absl import app  # noqa: E402
from absl import flags  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer("max_strings", 20000, "English corpus size (paragraphs).")
flags.DEFINE_integer(
    "other_strings", 5000, "Size of the accented and CJK corpora."
)
flags.DEFINE_integer("vocab_size", 8000, "Size of the vocabulary.")
flags.DEFINE_integer("batch_size", 1024, "Strings per batch.")
flags.DEFINE_integer("sequence_length", 128, "Length of the packed ids.")
flags.DEFINE_integer("repeats", 3, "Timed passes; the median counts.")

# Directories skipped when reading docstrings (code samples, test data).
SKIPPED_DIRECTORIES = ("site-packages", "test", "tests", "idle_test")
ACCENTS = str.maketrans({"a": "à", "e": "é", "o": "ö"})
# Letter -> a CJK ideograph (spread over the block), upper case included.
CJK = {
    ord(letter): 0x4E00 + 331 * index
    for index, letter in enumerate("abcdefghijklmnopqrstuvwxyz")
}
CJK.update({ord(chr(code).upper()): value for code, value in CJK.items()})


def source_roots():
    """The standard library, then the installed TensorFlow package."""
    import tensorflow

    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return [
        os.path.join(sys.base_prefix, "lib", version),
        os.path.dirname(tensorflow.__file__),
    ]


def docstring_paragraphs(path):
    """The paragraphs of every docstring of one Python file."""
    try:
        with open(path, encoding="utf-8") as source_file:
            tree = ast.parse(source_file.read())
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return []
    paragraphs = []
    for node in ast.walk(tree):
        if not isinstance(
            node,
            (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef),
        ):
            continue
        docstring = ast.get_docstring(node, clean=True)
        for paragraph in (docstring or "").split("\n\n"):
            paragraph = " ".join(paragraph.split())
            if len(paragraph) >= 20:
                paragraphs.append(paragraph)
    return paragraphs


def load_corpus(max_strings):
    """Unique docstring paragraphs, in file order, at most `max_strings`."""
    seen = {}
    for root in source_roots():
        for directory, subdirectories, file_names in os.walk(root):
            subdirectories[:] = sorted(
                name
                for name in subdirectories
                if name not in SKIPPED_DIRECTORIES
            )
            for file_name in sorted(file_names):
                if not file_name.endswith(".py"):
                    continue
                path = os.path.join(directory, file_name)
                for paragraph in docstring_paragraphs(path):
                    seen.setdefault(paragraph, None)
                    if len(seen) == max_strings:
                        return list(seen)
    return list(seen)


def word_vocabulary(corpus, vocab_size):
    """A WordPiece vocabulary: special tokens, characters, frequent words.

    Every character of the lower-cased corpus (and the CJK ideographs of
    the CJK corpus) is a token and, with `"##"`, a continuation piece, so
    that any word splits; then come the most frequent words (letters and
    digits) seen at least twice, up to `vocab_size` tokens in all. (The
    learner of `compute_word_piece_vocabulary` takes minutes on this
    corpus.)
    """
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    characters = sorted(
        {char for text in corpus for char in text.lower() if not char.isspace()}
        | {chr(code) for code in CJK.values()}
    )
    counts = collections.Counter(
        word for text in corpus for word in re.findall(r"[^\W_]+", text.lower())
    )
    tokens = special + characters + ["##" + char for char in characters]
    known = set(tokens)
    for word, count in counts.most_common():
        if len(tokens) >= vocab_size or count < 2:
            break
        if word not in known and len(word.encode("utf-8")) <= 100:
            tokens.append(word)
    return tokens


def batches(corpus, batch_size):
    return [
        corpus[start : start + batch_size]
        for start in range(0, len(corpus), batch_size)
    ]


def interleaved_medians(runs, repeats):
    """Median wall-clock and CPU seconds of each run, in turns.

    `runs[key]()` prepares a run (untimed) and returns the function to time.
    """
    for prepare in runs.values():
        prepare()()  # Warm-up: tracing, caches.
    wall = {key: [] for key in runs}
    cpu = {key: [] for key in runs}
    for _ in range(repeats):
        for key, prepare in runs.items():
            run = prepare()
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            run()
            wall[key].append(time.perf_counter() - wall_start)
            cpu[key].append(time.process_time() - cpu_start)
    return (
        {key: statistics.median(x) for key, x in wall.items()},
        {key: statistics.median(x) for key, x in cpu.items()},
    )


def reference_ids(corpus, vocabulary):
    """The ids of BERT's `FullTokenizer` (uncased) for each string."""
    from keras_nlp.testing import reference_word_piece

    ids = {token: index for index, token in enumerate(vocabulary)}
    outputs = []
    for text in corpus:
        outputs.append(
            [
                ids[piece]
                for word in reference_word_piece.basic_tokenize(text)
                for piece in reference_word_piece.word_piece(word, ids)
            ]
        )
    return outputs


def main(_):
    import keras  # noqa: F401 (keras before tensorflow-text)
    import tensorflow as tf
    import tensorflow_text as tf_text

    import keras_nlp

    start = time.perf_counter()
    english = load_corpus(FLAGS.max_strings)
    sample = random.Random(0).sample(
        english, min(FLAGS.other_strings, len(english))
    )
    corpora = {
        "English": english,
        "accented": [text.translate(ACCENTS) for text in sample],
        "CJK": [text.translate(CJK) for text in sample],
    }
    vocabulary = word_vocabulary(english, FLAGS.vocab_size)
    temp_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(temp_dir, "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8") as vocab_file:
        vocab_file.write("".join(token + "\n" for token in vocabulary))
    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(vocab_path)
    packer = keras_nlp.tokenizers.BertPacker(
        sequence_length=FLAGS.sequence_length,
        start_token_id=tokenizer.cls_token_id,
        end_token_id=tokenizer.sep_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    fast_bert = tf_text.FastBertTokenizer(
        vocab=vocabulary,
        token_out_type=tf.int32,
        lower_case_nfd_strip_accents=True,
    )
    fast_bert_tokenize = tf.function(fast_bert.tokenize)
    # Each tokenizer's own output (ragged tensors, lists of encodings).
    tokenizers = {
        "keras_nlp": tokenizer,
        "tf-text FastBertTokenizer": lambda batch: fast_bert_tokenize(
            tf.constant(batch)
        ),
    }
    packers = {
        "keras_nlp": lambda batch: packer(tokenizer(batch)),
        "tf-text FastBertTokenizer": lambda batch: packer(
            fast_bert_tokenize(tf.constant(batch))
        ),
    }
    try:
        from tokenizers import BertWordPieceTokenizer
    except ImportError:
        BertWordPieceTokenizer = None
        print("Hugging Face `tokenizers` is not installed: rows skipped.")
    if BertWordPieceTokenizer is not None:
        hf_tokenizer = BertWordPieceTokenizer(vocab_path, lowercase=True)
        hf_packer = BertWordPieceTokenizer(vocab_path, lowercase=True)
        hf_packer.enable_truncation(max_length=FLAGS.sequence_length)
        hf_packer.enable_padding(
            length=FLAGS.sequence_length,
            pad_id=tokenizer.pad_token_id,
            pad_token="[PAD]",
        )
        tokenizers["HF tokenizers"] = lambda batch: hf_tokenizer.encode_batch(
            batch, add_special_tokens=False
        )

        def hf_pack(batch):
            encodings = hf_packer.encode_batch(batch)
            return {
                "input_word_ids": np.array([e.ids for e in encodings]),
                "input_mask": np.array([e.attention_mask for e in encodings]),
                "input_type_ids": np.array([e.type_ids for e in encodings]),
            }

        packers["HF tokenizers"] = hf_pack

    print(
        f"Corpus: {len(english):,} docstring paragraphs of the Python "
        f"{sys.version.split()[0]} standard library and TensorFlow "
        f"{tf.__version__} ({sum(map(len, english)):,} characters); "
        f"accented and CJK versions of {len(sample):,} of them; vocabulary "
        f"of {len(vocabulary):,} tokens. Batch size {FLAGS.batch_size}, "
        f"sequence_length {FLAGS.sequence_length}, median of "
        f"{FLAGS.repeats} interleaved passes. Set-up "
        f"{time.perf_counter() - start:.0f} s."
    )
    runs = {}
    for corpus_name, corpus in corpora.items():
        string_batches = batches(corpus, FLAGS.batch_size)
        for step, pipelines in (
            ("tokenize + pack", packers),
            ("tokenize", tokenizers),
        ):
            for name, pipeline in pipelines.items():
                runs[(corpus_name, name, step)] = (
                    lambda pipeline=pipeline, batches=string_batches: (
                        lambda: [pipeline(batch) for batch in batches]
                    )
                )
    # A new iterator each pass, whose first batch is untimed: the start-up
    # of an iterator (instantiating the graphs) is paid once per epoch of
    # training, and is timed apart below. (A long-lived iterator would
    # prepare batches in the background while the other pipelines run.)
    num_timed = len(english) - min(FLAGS.batch_size, len(english))
    start_up = {}

    def start_iterator(dataset):
        iterator = iter(dataset)
        next(iterator)
        return lambda: [batch for batch in iterator]

    datasets = {
        "keras_nlp": lambda text: packer(tokenizer(text)),
        "tf-text FastBertTokenizer": lambda text: packer(
            fast_bert.tokenize(text)
        ),
    }
    for name, function in datasets.items():
        dataset = (
            tf.data.Dataset.from_tensor_slices(english)
            .batch(FLAGS.batch_size)
            .map(function, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE)
        )
        iterator_start = time.perf_counter()
        next(iter(dataset))
        start_up[name] = time.perf_counter() - iterator_start
        runs[("English", name, "tokenize + pack in tf.data")] = (
            lambda dataset=dataset: start_iterator(dataset)
        )
    wall, cpu = interleaved_medians(runs, FLAGS.repeats)

    # Agreement with BERT's FullTokenizer, string by string.
    agreement = {}
    first_mismatch = None
    for corpus_name, corpus in corpora.items():
        expected = reference_ids(corpus, vocabulary)
        for name, tokenize in tokenizers.items():
            outputs = tokenize(corpus)
            if isinstance(outputs, list):
                ids = [encoding.ids for encoding in outputs]
            else:
                ids = outputs.to_list()
            same = [a == b for a, b in zip(ids, expected)]
            agreement[(corpus_name, name)] = sum(same) / len(corpus)
            if name == "keras_nlp" and not all(same) and not first_mismatch:
                first_mismatch = corpus[same.index(False)]

    print()
    print("| Corpus | Pipeline | Step | strings/s | ids = BERT's |")
    print("|---|---|---|---:|---:|")
    for (corpus_name, name, step), seconds in wall.items():
        size = len(corpora[corpus_name])
        if step.endswith("tf.data"):
            size = num_timed
        print(
            f"| {corpus_name} | {name} | {step} | "
            f"{size / seconds:,.0f} | "
            f"{agreement[(corpus_name, name)]:.2%} |"
        )
    print("\nkeras_nlp speed / peer speed (same run), by wall-clock and CPU:")
    print("\n| Corpus | Step | Peer | wall | CPU |")
    print("|---|---|---|---:|---:|")
    for (corpus_name, name, step), seconds in wall.items():
        if name == "keras_nlp":
            continue
        ours = (corpus_name, "keras_nlp", step)
        print(
            f"| {corpus_name} | {step} | {name} | "
            f"{seconds / wall[ours]:.2f}x | "
            f"{cpu[(corpus_name, name, step)] / cpu[ours]:.2f}x |"
        )
    print(
        "\ntf.data iterator start-up (graph instantiation, first batch): "
        + ", ".join(f"{name} {t * 1e3:.0f} ms" for name, t in start_up.items())
        + "."
    )
    if first_mismatch is not None:
        print(f"\nkeras_nlp ids differ from BERT's on: {first_mismatch!r}")
        sys.exit(1)


if __name__ == "__main__":
    app.run(main)
