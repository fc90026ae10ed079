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
Python standard library, split into paragraphs (almost all ASCII). A second
corpus is the same text with accented vowels (a -> à, e -> é, o -> ö), so
that every string needs Unicode normalization. A WordPiece vocabulary is
learned from the first with
`keras_nlp.tokenizers.compute_word_piece_vocabulary`, and every pipeline
below uses it to tokenize each corpus batch by batch and pack it to
`sequence_length` ids (`[CLS] ... [SEP]`, padded), in one run, interleaved
(each timed pass runs every pipeline once, so that the load of a shared
machine hits all of them alike):

- keras_nlp `WordPieceTokenizer` + `BertPacker`, eager calls;
- tensorflow-text's `FastBertTokenizer` (in a `tf.function`) + `BertPacker`
  (its ids differ from BERT's on some non-ASCII text);
- Hugging Face `tokenizers`' `BertWordPieceTokenizer` (if installed), with
  its own truncation and padding;
- each tokenizer alone, without packing;
- keras_nlp in a `tf.data` pipeline (batch, then `map` with `AUTOTUNE`,
  `prefetch`) over the English corpus five times, in batches/s.

It prints strings/s, tokens/s and the fraction of strings whose ids equal
those of the reference BERT tokenizer (`FullTokenizer` of
google-research/bert, re-implemented in `keras_nlp.testing`), then the
ratios of keras_nlp to each peer (the median of `--repeats` passes after a
warm-up pass).

Usage:

```shell
python benchmarks/tokenization.py
python benchmarks/tokenization.py --max_strings=1000 --repeats=1
```
"""

import importlib
import os
import statistics
import sys
import tempfile
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from absl import app  # noqa: E402
from absl import flags  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer("max_strings", 5000, "Corpus size (paragraphs).")
flags.DEFINE_integer("vocab_size", 8000, "Target size of the vocabulary.")
flags.DEFINE_integer("batch_size", 1024, "Strings per batch.")
flags.DEFINE_integer("sequence_length", 128, "Length of the packed ids.")
flags.DEFINE_integer("repeats", 5, "Timed passes; the median counts.")

# Standard library modules whose docstrings make the corpus.
CORPUS_MODULES = (
    "abc argparse array ast asyncio base64 bisect calendar cmd codecs "
    "collections colorsys concurrent.futures configparser contextlib copy "
    "csv dataclasses datetime decimal difflib doctest email enum filecmp "
    "fnmatch fractions ftplib functools gettext glob graphlib gzip hashlib "
    "heapq hmac html.parser http.client http.server imaplib inspect io "
    "ipaddress itertools json locale logging lzma mailbox math mimetypes "
    "mmap multiprocessing numbers operator optparse os pathlib pdb pickle "
    "pkgutil platform plistlib poplib pprint queue random re sched secrets "
    "select selectors shelve shlex shutil signal smtplib socket "
    "socketserver sqlite3 ssl statistics string struct subprocess "
    "tarfile tempfile textwrap threading timeit tokenize trace traceback "
    "types typing unittest urllib.parse urllib.request uuid warnings wave "
    "weakref xml.dom.minidom xml.etree.ElementTree zipfile zoneinfo"
).split()
ACCENTS = str.maketrans({"a": "à", "e": "é", "o": "ö"})


def load_corpus(max_strings):
    """Paragraphs of the standard library's docstrings, sorted, unique."""
    paragraphs = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for module_name in CORPUS_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            objects = [module] + [
                getattr(module, name, None) for name in dir(module)
            ]
            for obj in objects:
                doc = getattr(obj, "__doc__", None)
                if not isinstance(doc, str):
                    continue
                for paragraph in doc.split("\n\n"):
                    paragraph = " ".join(paragraph.split())
                    if len(paragraph) >= 20:
                        paragraphs.add(paragraph)
    return sorted(paragraphs)[:max_strings]


def batches(corpus, batch_size):
    return [
        corpus[start : start + batch_size]
        for start in range(0, len(corpus), batch_size)
    ]


def interleaved_medians(runs, repeats):
    """Median seconds of each `runs[name]()`, timed in turns."""
    for run in runs.values():
        run()  # Warm-up: tracing, caches.
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(x) for name, x in times.items()}


def main(_):
    import keras  # noqa: F401 (keras before tensorflow-text)
    import tensorflow as tf
    import tensorflow_text as tf_text

    import keras_nlp
    from keras_nlp.testing import reference_word_piece

    corpora = {"English": load_corpus(FLAGS.max_strings)}
    corpora["accented"] = [
        text.translate(ACCENTS) for text in corpora["English"]
    ]
    temp_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(temp_dir, "vocab.txt")
    vocabulary = keras_nlp.tokenizers.compute_word_piece_vocabulary(
        corpora["English"],
        vocab_size=FLAGS.vocab_size,
        vocabulary_output_file=vocab_path,
    )
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
        f"Corpus: {len(corpora['English'])} docstring paragraphs of the "
        f"Python {sys.version.split()[0]} standard library "
        f"({sum(map(len, corpora['English'])):,} characters); vocabulary of "
        f"{len(vocabulary)} tokens. Batch size {FLAGS.batch_size}, "
        f"sequence_length {FLAGS.sequence_length}, median of "
        f"{FLAGS.repeats} interleaved passes."
    )
    runs = {}
    for corpus_name, corpus in corpora.items():
        string_batches = batches(corpus, FLAGS.batch_size)
        for name, pack in packers.items():
            runs[(corpus_name, name, "tokenize + pack")] = (
                lambda pack=pack, string_batches=string_batches: [
                    pack(batch) for batch in string_batches
                ]
            )
        for name, tokenize in tokenizers.items():
            runs[(corpus_name, name, "tokenize")] = (
                lambda tokenize=tokenize, string_batches=string_batches: [
                    tokenize(batch) for batch in string_batches
                ]
            )
    # The corpus several times over in one iterator: an iterator's start-up
    # (building the ops' kernels) is paid once per training run, not per
    # pass over a few batches.
    tf_data_repeats = 5
    dataset = (
        tf.data.Dataset.from_tensor_slices(corpora["English"])
        .repeat(tf_data_repeats)
        .batch(FLAGS.batch_size)
        .map(
            lambda text: packer(tokenizer(text)),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
        .prefetch(tf.data.AUTOTUNE)
    )
    tf_data_key = ("English", "keras_nlp", "tokenize + pack in tf.data")
    runs[tf_data_key] = lambda: [batch for batch in dataset]
    seconds = interleaved_medians(runs, FLAGS.repeats)

    # Agreement with BERT's FullTokenizer, string by string.
    agreement = {}
    for corpus_name, corpus in corpora.items():
        expected = [
            reference_word_piece.tokenize(text, vocabulary) for text in corpus
        ]
        num_tokens = sum(len(ids) for ids in expected)
        for name, tokenize in tokenizers.items():
            outputs = tokenize(corpus)
            if isinstance(outputs, list):
                ids = [encoding.ids for encoding in outputs]
            else:
                ids = outputs.to_list()
            same = sum(a == b for a, b in zip(ids, expected))
            agreement[(corpus_name, name)] = (same / len(corpus), num_tokens)

    print()
    print("| Corpus | Pipeline | Step | strings/s | tokens/s | ids = BERT's |")
    print("|---|---|---|---:|---:|---:|")
    for (corpus_name, name, step), value in seconds.items():
        same, num_tokens = agreement[(corpus_name, name)]
        size = len(corpora[corpus_name])
        if step.endswith("tf.data"):
            size *= tf_data_repeats
            num_tokens *= tf_data_repeats
        print(
            f"| {corpus_name} | {name} | {step} | {size / value:,.0f} | "
            f"{num_tokens / value:,.0f} | {same:.2%} |"
        )
    num_batches = len(
        batches(corpora["English"] * tf_data_repeats, FLAGS.batch_size)
    )
    print(
        f"\ntf.data pipeline (tokenize + pack): "
        f"{num_batches / seconds[tf_data_key]:,.1f} batches/s of "
        f"{FLAGS.batch_size}."
    )
    print("\nkeras_nlp speed / peer speed (same run):")
    for (corpus_name, name, step), value in seconds.items():
        if name == "keras_nlp" or step.endswith("tf.data"):
            continue
        ours = seconds[(corpus_name, "keras_nlp", step)]
        print(f"- {corpus_name}, {step}, vs {name}: {value / ours:.2f}x")


if __name__ == "__main__":
    app.run(main)
