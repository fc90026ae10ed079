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

"""Throughput of WordPiece tokenization + BERT packing, against HF tokenizers.

The corpus is real English text available offline: the docstrings of the
Python standard library, split into paragraphs. A WordPiece vocabulary is
learned from it with `keras_nlp.tokenizers.compute_word_piece_vocabulary`,
and every pipeline below uses that same vocabulary to tokenize the corpus
and pack it to `sequence_length` ids (`[CLS] ... [SEP]`, padded):

- keras_nlp in eager mode, batch by batch;
- keras_nlp in a `tf.data` pipeline (`map` with `AUTOTUNE`, `prefetch`);
- Hugging Face `tokenizers`' `BertWordPieceTokenizer` (if installed), with
  its own truncation and padding;
- for reference, tensorflow-text's `FastBertTokenizer` and `BertTokenizer`
  used directly (they are not id-for-id equal to BERT's tokenizer).

It prints strings/s and tokens/s (WordPiece tokens before truncation) of
each, the median of several timed passes over the corpus after a warm-up
pass, and how often each pipeline's ids equal keras_nlp's.

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
flags.DEFINE_integer("batch_size", 256, "Strings per batch.")
flags.DEFINE_integer("sequence_length", 128, "Length of the packed ids.")
flags.DEFINE_integer("repeats", 3, "Timed passes; the median counts.")
flags.DEFINE_bool(
    "tf_text_baselines",
    True,
    "Also time tensorflow-text's FastBertTokenizer and BertTokenizer.",
)

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


def median_seconds(run, repeats):
    run()  # Warm-up: tracing, caches.
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def packed_rows(outputs):
    """Rows of (word ids, mask, type ids) tuples of a packed batch."""
    columns = [
        np.asarray(outputs[key]).tolist()
        for key in ("input_word_ids", "input_mask", "input_type_ids")
    ]
    return list(zip(*columns))


def main(_):
    import keras  # noqa: F401 (keras before tensorflow-text)
    import tensorflow as tf
    import tensorflow_text as tf_text

    import keras_nlp

    corpus = load_corpus(FLAGS.max_strings)
    string_batches = batches(corpus, FLAGS.batch_size)
    temp_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(temp_dir, "vocab.txt")
    start = time.perf_counter()
    vocabulary = keras_nlp.tokenizers.compute_word_piece_vocabulary(
        corpus,
        vocab_size=FLAGS.vocab_size,
        vocabulary_output_file=vocab_path,
    )
    learn_seconds = time.perf_counter() - start

    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(vocab_path)
    packer = keras_nlp.tokenizers.BertPacker(
        sequence_length=FLAGS.sequence_length,
        start_token_id=tokenizer.cls_token_id,
        end_token_id=tokenizer.sep_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    reference_ids = tokenizer(corpus).to_list()
    num_tokens = sum(len(ids) for ids in reference_ids)
    reference_packed = []
    for batch in string_batches:
        reference_packed += packed_rows(packer(tokenizer(batch)))

    print(
        f"Corpus: {len(corpus)} docstring paragraphs of the Python "
        f"{sys.version.split()[0]} standard library "
        f"({sum(len(text) for text in corpus):,} characters, "
        f"{num_tokens:,} WordPiece tokens)."
    )
    print(
        f"Vocabulary: {len(vocabulary)} tokens, learned in "
        f"{learn_seconds:.1f} s by compute_word_piece_vocabulary("
        f"vocab_size={FLAGS.vocab_size}). Batch size {FLAGS.batch_size}, "
        f"sequence_length {FLAGS.sequence_length}, median of "
        f"{FLAGS.repeats} passes."
    )
    rows = []  # (name, seconds, identical ids, identical packed inputs)
    tokenize_only_rows = []

    # keras_nlp, eager.
    def keras_nlp_eager():
        for batch in string_batches:
            packer(tokenizer(batch))

    rows.append(
        (
            "keras_nlp WordPieceTokenizer + BertPacker, eager",
            median_seconds(keras_nlp_eager, FLAGS.repeats),
            1.0,
            1.0,
        )
    )

    def keras_nlp_tokenize_only():
        for batch in string_batches:
            tokenizer(batch)

    tokenize_only_rows.append(
        (
            "keras_nlp WordPieceTokenizer alone (no packing), eager",
            median_seconds(keras_nlp_tokenize_only, FLAGS.repeats),
            1.0,
            None,
        )
    )

    # keras_nlp, tf.data.
    dataset = (
        tf.data.Dataset.from_tensor_slices(corpus)
        .batch(FLAGS.batch_size)
        .map(
            lambda text: packer(tokenizer(text)),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
        .prefetch(tf.data.AUTOTUNE)
    )

    def keras_nlp_dataset():
        for _ in dataset:
            pass

    seconds = median_seconds(keras_nlp_dataset, FLAGS.repeats)
    dataset_packed = [
        row for outputs in dataset for row in packed_rows(outputs)
    ]
    rows.append(
        (
            "keras_nlp WordPieceTokenizer + BertPacker, tf.data",
            seconds,
            1.0,
            _agreement(dataset_packed, reference_packed),
        )
    )

    # Hugging Face tokenizers.
    try:
        from tokenizers import BertWordPieceTokenizer
    except ImportError:
        BertWordPieceTokenizer = None
        print("Hugging Face `tokenizers` is not installed: row skipped.")
    if BertWordPieceTokenizer is not None:
        hf_tokenizer = BertWordPieceTokenizer(vocab_path, lowercase=True)

        def hf_tokenize(batch):
            encodings = hf_tokenizer.encode_batch(
                batch, add_special_tokens=False
            )
            return [encoding.ids for encoding in encodings]

        def hugging_face_tokenize_only():
            for batch in string_batches:
                hf_tokenize(batch)

        seconds = median_seconds(hugging_face_tokenize_only, FLAGS.repeats)
        hf_ids = hf_tokenize(corpus)
        tokenize_only_rows.append(
            (
                "HF BertWordPieceTokenizer alone (no packing)",
                seconds,
                _agreement(hf_ids, reference_ids),
                None,
            )
        )
        hf_tokenizer.enable_truncation(max_length=FLAGS.sequence_length)
        hf_tokenizer.enable_padding(
            length=FLAGS.sequence_length,
            pad_id=tokenizer.pad_token_id,
            pad_token="[PAD]",
        )

        def hf_pack(batch):
            encodings = hf_tokenizer.encode_batch(batch)
            return {
                "input_word_ids": np.array([e.ids for e in encodings]),
                "input_mask": np.array([e.attention_mask for e in encodings]),
                "input_type_ids": np.array([e.type_ids for e in encodings]),
            }

        def hugging_face():
            for batch in string_batches:
                hf_pack(batch)

        seconds = median_seconds(hugging_face, FLAGS.repeats)
        hf_packed = []
        for batch in string_batches:
            hf_packed += packed_rows(hf_pack(batch))
        rows.append(
            (
                "HF BertWordPieceTokenizer + its truncation/padding",
                seconds,
                _agreement(hf_ids, reference_ids),
                _agreement(hf_packed, reference_packed),
            )
        )

    # tensorflow-text's BERT tokenizers used directly, for reference.
    if FLAGS.tf_text_baselines:
        fast_bert = tf_text.FastBertTokenizer(
            vocab=vocabulary,
            token_out_type=tf.int32,
            lower_case_nfd_strip_accents=True,
        )
        table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                vocabulary, tf.range(len(vocabulary), dtype=tf.int64)
            ),
            default_value=-1,
        )
        bert = tf_text.BertTokenizer(table, lower_case=True)
        baselines = (
            (
                "tf_text.FastBertTokenizer (raw) + BertPacker",
                fast_bert.tokenize,
            ),
            (
                "tf_text.BertTokenizer (raw) + BertPacker",
                lambda text: bert.tokenize(text).merge_dims(-2, -1),
            ),
        )
        for name, tokenize in baselines:
            tokenize = tf.function(tokenize)

            def run_baseline():
                for batch in string_batches:
                    packer(tf.cast(tokenize(tf.constant(batch)), "int32"))

            seconds = median_seconds(run_baseline, FLAGS.repeats)
            ids = tokenize(tf.constant(corpus)).to_list()
            rows.append((name, seconds, _agreement(ids, reference_ids), None))

    print()
    print(
        "| Pipeline | strings/s | tokens/s | "
        "same ids as keras_nlp | same packed inputs |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, seconds, same_ids, same_packed in rows + tokenize_only_rows:
        packed = "n/a" if same_packed is None else f"{same_packed:.2%}"
        print(
            f"| {name} | {len(corpus) / seconds:,.0f} | "
            f"{num_tokens / seconds:,.0f} | {same_ids:.2%} | {packed} |"
        )


def _agreement(rows, reference_rows):
    """The fraction of rows equal to the reference rows."""
    same = sum(
        list(row) == list(reference)
        for row, reference in zip(rows, reference_rows)
    )
    return same / len(reference_rows)


if __name__ == "__main__":
    app.run(main)
