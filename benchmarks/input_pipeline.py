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

"""Throughput of the examples' `tf.data` input pipelines vs. BERT-base.

Times the two pipelines the examples train from, exactly as they build
them, at BERT-base sizes (sequence length 128):

- fine-tuning (`examples/bert_classification`): raw sentence pairs ->
  WordPiece tokenization -> packing (`BertPreprocessor`);
- pretraining (`examples/common/pretraining.py`): documents -> tokenization
  -> chunking -> next-sentence pairs -> packing -> dynamic MLM masking.

The text is the examples' built-in data (movie reviews, joined into longer
examples for fine-tuning), the vocabulary learned from it. It then times
the training step of a BERT-base classifier (12 layers, hidden 768,
random weights) on the same machine, and prints how many times faster
than that step each pipeline delivers examples: a pipeline must be well
ahead (the target is 5x) not to slow training down.

Usage (from the repository root):

```shell
python -m benchmarks.input_pipeline
python -m benchmarks.input_pipeline --num_batches=20 --model_steps=2
```
"""

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from absl import app  # noqa: E402
from absl import flags  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer("sequence_length", 128, "Tokens per example.")
flags.DEFINE_integer("batch_size", 32, "Examples per pipeline batch.")
flags.DEFINE_integer("max_predictions_per_seq", 20, "Masked positions.")
flags.DEFINE_integer("vocab_size", 8000, "Size of the learned vocabulary.")
flags.DEFINE_integer("num_batches", 50, "Timed pipeline batches.")
flags.DEFINE_integer(
    "model_batch_size", 8, "Examples per BERT-base training step."
)
flags.DEFINE_integer("model_steps", 3, "Timed BERT-base training steps.")
flags.DEFINE_bool("skip_model", False, "Do not time BERT-base.")

# Reviews joined per fine-tuning segment: about 60 words each, so that a
# pair fills most of 128 tokens.
REVIEWS_PER_SEGMENT = 4


def _rate(dataset, num_batches, batch_size):
    """Batches/s and examples/s of `dataset` after a warm-up."""
    iterator = iter(dataset)
    for _ in range(5):  # Warm-up: tracing, the shuffle buffer, autotuning.
        next(iterator)
    start = time.perf_counter()
    for _ in range(num_batches):
        next(iterator)
    seconds = time.perf_counter() - start
    return num_batches / seconds, num_batches * batch_size / seconds


def fine_tuning_pipeline(tokenizer, reviews):
    import keras_nlp
    from examples.bert_classification import datasets

    rng = np.random.default_rng(0)
    usable = len(reviews) - len(reviews) % (2 * REVIEWS_PER_SEGMENT)
    joined = [
        " ".join(reviews[i : i + REVIEWS_PER_SEGMENT])
        for i in range(0, usable, REVIEWS_PER_SEGMENT)
    ]
    first, second = joined[0::2], joined[1::2]
    labels = rng.integers(0, 2, len(first)).astype("int32")
    data = tf.data.Dataset.from_tensor_slices(
        ((tf.constant(first), tf.constant(second)), labels)
    )
    preprocessor = keras_nlp.tokenizers.BertPreprocessor(
        tokenizer, sequence_length=FLAGS.sequence_length
    )
    return datasets.make_dataset(
        data,
        preprocessor,
        FLAGS.batch_size,
        training=True,
        drop_remainder=True,
    )


def pretraining_pipeline(tokenizer):
    from examples.common import pretraining

    documents = pretraining.corpus_dataset([pretraining.BUILTIN_CORPUS])
    # Read once into memory, as a large corpus would stream from disk at
    # well above these rates.
    documents = documents.cache()
    return pretraining.pretraining_dataset(
        documents,
        tokenizer,
        sequence_length=FLAGS.sequence_length,
        batch_size=FLAGS.batch_size,
        max_predictions_per_seq=FLAGS.max_predictions_per_seq,
        pair_task="next_sentence",
    )


def bert_base_step_rate():
    """Examples/s of a BERT-base classifier's training step (graph mode)."""
    import keras

    import keras_nlp

    encoder = keras_nlp.encoders.BertEncoder(
        vocab_size=30522,
        hidden_size=768,
        num_layers=12,
        num_attention_heads=12,
        inner_dim=3072,
        max_sequence_length=512,
        type_vocab_size=2,
    )
    inputs = {
        name: keras.Input((FLAGS.sequence_length,), dtype="int32", name=name)
        for name in ("input_word_ids", "input_mask", "input_type_ids")
    }
    logits = keras.layers.Dense(2)(encoder(inputs)["pooled_output"])
    model = keras.Model(inputs, logits)
    model.compile(
        keras.optimizers.AdamW(1e-5),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=False,
    )
    rng = np.random.default_rng(0)
    shape = (FLAGS.model_batch_size, FLAGS.sequence_length)
    batch = {
        "input_word_ids": rng.integers(5, 30522, shape).astype("int32"),
        "input_mask": np.ones(shape, "int32"),
        "input_type_ids": np.zeros(shape, "int32"),
    }
    labels = rng.integers(0, 2, FLAGS.model_batch_size)
    model.train_on_batch(batch, labels)  # Tracing and the first step.
    start = time.perf_counter()
    for _ in range(FLAGS.model_steps):
        model.train_on_batch(batch, labels)
    seconds = time.perf_counter() - start
    return FLAGS.model_steps * FLAGS.model_batch_size / seconds


def main(_):
    import keras_nlp
    from examples.bert_classification import datasets

    reviews = []
    for name in ("train.tsv", "test.tsv"):
        path = os.path.join(datasets.BUILTIN_DIR, name)
        with open(path, encoding="utf-8") as file:
            next(file)  # The header.
            reviews += [line.split("\t")[0] for line in file if line.strip()]
    start = time.perf_counter()
    vocabulary = keras_nlp.tokenizers.compute_word_piece_vocabulary(
        tf.data.Dataset.from_tensor_slices(reviews).batch(1024),
        vocab_size=FLAGS.vocab_size,
    )
    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(vocabulary)
    print(
        f"Vocabulary: {tokenizer.vocab_size()} tokens learned from "
        f"{len(reviews)} reviews in {time.perf_counter() - start:.1f} s. "
        f"Sequence length {FLAGS.sequence_length}, pipeline batch "
        f"{FLAGS.batch_size}, {os.cpu_count()} CPU cores."
    )
    rows = []
    for name, dataset in [
        (
            "fine-tuning (tokenize + pack)",
            fine_tuning_pipeline(tokenizer, reviews),
        ),
        (
            "pretraining (tokenize + pack + NSP + MLM mask)",
            pretraining_pipeline(tokenizer),
        ),
    ]:
        batches, examples = _rate(dataset, FLAGS.num_batches, FLAGS.batch_size)
        rows.append((name, batches, examples))
        print(f"{name}: {batches:.1f} batches/s, {examples:.0f} examples/s")
    if FLAGS.skip_model:
        return
    model_rate = bert_base_step_rate()
    print(
        f"BERT-base training step (batch {FLAGS.model_batch_size}, graph "
        f"mode): {model_rate:.2f} examples/s"
    )
    for name, _, examples in rows:
        print(f"  {name}: {examples / model_rate:.0f}x what BERT-base consumes")


if __name__ == "__main__":
    app.run(main)
