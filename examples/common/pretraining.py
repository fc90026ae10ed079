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

"""Masked-LM (and next-sentence) pretraining, shared by BERT and ALBERT.

The pieces of the pretraining programs in `examples/bert_pretraining` and
`examples/albert`: the corpus readers, the `tf.data` input pipeline
(tokenization, packing, next-sentence pairs and dynamic masking, all on the
host with static shapes), the pretraining model (a
`keras_nlp.models.BertPretrainer`: the encoder, a masked-LM head tied to its
embedding table and an optional next-sentence head), and
the fault-tolerant training loop (crash-safe checkpoints, see
`examples/common/checkpointing.py`, and `keras.callbacks.TerminateOnNaN`)
that writes a keras_nlp preset.
"""

import gc
import hashlib
import json
import os
import time

import keras
import tensorflow as tf
from absl import flags

import keras_nlp
from examples.common import checkpointing
from examples.common import cli
from examples.common import distribution
from examples.common import optimization
from examples.common import tensorboard
from examples.common import tfds_utils

BUILTIN_CORPUS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "bert_pretraining",
    "data",
    "corpus.txt",
)
# The outputs of `keras_nlp.models.BertPretrainer`, which key the labels and
# sample weights of the pipeline.
MLM_OUTPUT = "mlm_logits"
PAIR_OUTPUT = "next_sentence_logits"
# Files of the output directory.
BACKUP_DIR = "backup"
RUN_CONFIG_FILE = "run_config.json"
PROGRESS_FILE = "progress.json"
PRESET_DIR = "preset"
PRETRAINER_WEIGHTS = "pretrainer.weights.h5"
# The segment-pair tasks: BERT's next-sentence prediction and ALBERT's
# sentence-order prediction, both trained through BertPretrainer's 2-way
# next-sentence head.
PAIR_TASKS = ("next_sentence", "sentence_order")
# TFDS datasets whose examples are single sentences: consecutive examples
# are grouped into documents of this many sentences.
SENTENCES_PER_DOCUMENT = 8


def define_flags(default_output_dir, pair_task="next_sentence"):
    """Defines the flags shared by the pretraining programs.

    `pair_task` (one of `PAIR_TASKS`) names the bool flag that switches the
    segment-pair task on: `--next_sentence` or `--sentence_order`.
    """
    flags.DEFINE_list(
        "input",
        [BUILTIN_CORPUS],
        "The corpus: text files (comma-separated paths or glob patterns) in "
        "the original BERT format, one sentence per line and a blank line "
        "between documents; or one TFDS text dataset, e.g. "
        "tfds:wikipedia/20230601.en, tfds:wiki40b/en, tfds:lm1b. Default: "
        "a small built-in corpus of movie reviews.",
    )
    flags.DEFINE_string("tfds_split", "train", "The TFDS split to read.")
    flags.DEFINE_string("tfds_data_dir", None, "The TFDS data directory.")
    flags.DEFINE_string(
        "preset",
        None,
        "Continue pretraining this encoder (a keras_nlp preset directory or "
        "anything the encoder's from_preset accepts), with its vocabulary. "
        "Default: a new, randomly initialized encoder.",
    )
    flags.DEFINE_string(
        "vocab_file",
        None,
        "Without --preset: the vocabulary of the new encoder. Default: "
        "learned from the corpus (see --vocab_size).",
    )
    flags.DEFINE_integer(
        "vocab_size",
        2000,
        "Without --preset and --vocab_file: the size of the vocabulary "
        "learned from the corpus first.",
    )
    flags.DEFINE_integer("hidden_size", 64, "The new encoder's hidden size.")
    flags.DEFINE_integer("num_layers", 2, "The new encoder's depth.")
    flags.DEFINE_integer(
        "num_attention_heads", 2, "The new encoder's attention heads."
    )
    flags.DEFINE_integer(
        "inner_dim", 256, "The new encoder's feed-forward inner size."
    )
    flags.DEFINE_integer(
        "max_sequence_length",
        None,
        "The new encoder's position table size. Default: --sequence_length.",
    )
    flags.DEFINE_integer(
        "sequence_length", 64, "Tokens per packed training example."
    )
    flags.DEFINE_integer(
        "max_predictions_per_seq",
        10,
        "Masked positions per example (fixed, for static shapes); BERT "
        "uses 20 for 128 tokens.",
    )
    flags.DEFINE_float(
        "masked_lm_rate", 0.15, "The fraction of the tokens masked."
    )
    if pair_task == "next_sentence":
        flags.DEFINE_bool(
            "next_sentence",
            True,
            "Also train next-sentence prediction on segment pairs (BERT).",
        )
    else:
        flags.DEFINE_bool(
            "sentence_order",
            True,
            "Also train sentence-order prediction on segment pairs (ALBERT).",
        )
    flags.DEFINE_integer(
        "batch_size", 32, "The global batch size (split across replicas)."
    )
    flags.DEFINE_integer(
        "num_train_steps", 300, "The total number of training steps."
    )
    flags.DEFINE_integer(
        "steps_per_epoch",
        50,
        "Steps between checkpoints (and per Keras epoch); a preempted run "
        "resumes from the last multiple of it. Must divide "
        "--num_train_steps.",
    )
    flags.DEFINE_integer(
        "steps_per_execution", 1, "Training steps per call to the device."
    )
    flags.DEFINE_float("learning_rate", 5e-4, "The peak learning rate.")
    flags.DEFINE_float(
        "warmup_fraction", 0.1, "The fraction of the steps spent warming up."
    )
    flags.DEFINE_float("weight_decay", 0.01, "The AdamW weight decay rate.")
    flags.DEFINE_bool(
        "jit_compile",
        True,
        "Compile the training step with XLA (as on TPUs).",
    )
    distribution.define_flags()
    flags.DEFINE_string(
        "output_dir",
        default_output_dir,
        "Where checkpoints (backup/), TensorBoard logs (logs/) and the "
        "final preset (preset/) are written. Run the same command again to "
        "resume an interrupted run.",
    )
    flags.DEFINE_integer("seed", 0, "The random seed.")


def corpus_dataset(inputs, tfds_split="train", tfds_data_dir=None):
    """The corpus as a dataset of documents (1-D string tensors of lines).

    Raises:
        ValueError: if an input file or pattern matches nothing, or a TFDS
            dataset is unknown or mixed with files.
    """
    inputs = [x for x in inputs if x]
    tfds_inputs = [x for x in inputs if x.startswith("tfds:")]
    if tfds_inputs:
        if len(inputs) != 1:
            raise ValueError(
                "`--input` takes text files or one TFDS dataset, not both "
                f"or several. Received: input={','.join(inputs)}."
            )
        return _tfds_documents(
            tfds_inputs[0][len("tfds:") :], tfds_split, tfds_data_dir
        )
    paths = []
    for pattern in inputs:
        matches = sorted(tf.io.gfile.glob(pattern))
        if not matches:
            raise ValueError(
                "An `--input` file does not exist or a pattern matches no "
                f"file. Received: input={pattern!r}. Check the path."
            )
        paths.extend(matches)
    if not paths:
        raise ValueError("`--input` is empty. Pass corpus files.")
    for path in paths:
        _check_text_file(path)
    return tf.data.Dataset.from_generator(
        lambda: _read_documents(paths),
        output_signature=tf.TensorSpec([None], tf.string),
    )


def _read_documents(paths):
    """Yields the documents of BERT-format text files, as lists of lines.

    Invalid UTF-8 bytes are replaced by U+FFFD; the first pass over each
    file reports how many lines had some.
    """
    for path in paths:
        document = []
        num_bad_lines = 0
        first_bad_line = None
        with tf.io.gfile.GFile(path, "rb") as file:
            for line_number, raw in enumerate(file, start=1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    line = raw.decode("utf-8", errors="replace")
                    num_bad_lines += 1
                    first_bad_line = first_bad_line or line_number
                line = line.strip()
                if line:
                    document.append(line)
                elif document:
                    yield document
                    document = []
        if document:
            yield document
        if num_bad_lines and path not in _REPORTED_FILES:
            _REPORTED_FILES.add(path)
            print(
                f"Warning: {path} is not valid UTF-8 in {num_bad_lines} "
                f"line(s) (the first is line {first_bad_line}); the invalid "
                "bytes were replaced by U+FFFD. Re-encode the file as UTF-8 "
                "to keep those characters.",
                flush=True,
            )


# The corpus files whose invalid UTF-8 was reported already.
_REPORTED_FILES = set()

# The first bytes of a gzip file.
_GZIP_MAGIC = b"\x1f\x8b"


def _check_text_file(path):
    """Raises a `ValueError` if `path` is not a text file."""
    with tf.io.gfile.GFile(path, "rb") as file:
        head = file.read(1 << 16)
    if head.startswith(_GZIP_MAGIC):
        raise ValueError(
            f"The corpus file {path} is gzip-compressed, not text. "
            f"Received: input={path!r}. Decompress it first: `--input` "
            "takes plain text files, one sentence per line."
        )
    if b"\0" not in head:
        return
    kind = "a binary file"
    try:
        next(iter(tf.data.TFRecordDataset(path).take(1)))
        kind = "a TFRecord file"
    except (tf.errors.OpError, StopIteration):
        pass
    raise ValueError(
        f"The corpus file {path} is {kind}, not text. Received: "
        f"input={path!r}. `--input` takes plain text files in the BERT "
        "format (one sentence per line, a blank line between documents) "
        "or tfds:NAME; pass the text the records were made from."
    )


def _tfds_documents(name, split, data_dir):
    import tensorflow_datasets as tfds

    builder = tfds_utils.builder(name, data_dir=data_dir, flag="input")
    features = builder.info.features
    text_features = [
        key
        for key, feature in features.items()
        if isinstance(feature, tfds.features.Text)
    ]
    key = "text" if "text" in features else (text_features or [None])[0]
    if key is None:
        raise ValueError(
            f"tfds:{name} has no text feature. Received: features "
            f"{sorted(features.keys())}. Pass a text dataset."
        )
    dataset = tfds.load(name, split=split, data_dir=data_dir)
    texts = dataset.map(lambda example: example[key])
    if name.startswith("lm1b"):
        # One sentence per example: group sentences into documents.
        return texts.batch(SENTENCES_PER_DOCUMENT)

    def to_lines(text):
        # wiki40b marks structure with _START_ARTICLE_ (and friends) lines
        # and joins a paragraph's lines with _NEWLINE_.
        text = tf.strings.regex_replace(text, "_NEWLINE_", "\n")
        lines = tf.strings.split(tf.strings.strip(text), "\n")
        lines = tf.strings.strip(lines)
        keep = tf.logical_and(
            tf.strings.length(lines) > 0,
            tf.logical_not(tf.strings.regex_full_match(lines, "_START_.*_")),
        )
        return tf.boolean_mask(lines, keep)

    return texts.map(to_lines)


def corpus_lines(documents):
    """The lines of a documents dataset, for learning a vocabulary."""
    return documents.unbatch()


def pretraining_dataset(
    documents,
    tokenizer,
    sequence_length,
    batch_size,
    max_predictions_per_seq,
    pair_task="next_sentence",
    masked_lm_rate=0.15,
    seed=0,
    shuffle_buffer_size=1000,
):
    """The endless, batched pretraining input of a documents dataset.

    Each document's lines are tokenized and grouped, in order, into chunks
    of about the tokens that fit in `sequence_length`. Without a
    `pair_task`, a chunk is one segment. With one, each chunk is split at a
    random line boundary into segments A and B, then:

    - `"next_sentence"` (BERT): in half of the examples (and whenever A is
      the whole chunk) B is replaced by a random span of a different
      document, and the label is 1 ("random next"); it is 0 ("is next")
      otherwise. As in BERT's `create_pretraining_data.py`, the span runs
      from a random line of a chunk to the chunk's end; it comes from a
      second, independently shuffled stream of chunks tagged with their
      document, drawn once per example. An example whose draw is from its
      own document is skipped whatever its label, so that the label stays
      a fair coin and "random next" is never the same document (the corpus
      needs at least two documents);
    - `"sentence_order"` (ALBERT): in half of the examples with two
      non-empty segments, A and B are swapped and the label is 1
      ("swapped"); it is 0 ("in order") otherwise.

    Segments are packed into `[CLS] A [SEP] B [SEP]` (truncated round robin
    to `sequence_length`), then `masked_lm_rate` of the tokens (at most
    `max_predictions_per_seq`) are masked anew in every batch (dynamic
    masking), 80% with `[MASK]`, 10% with a random token, 10% unchanged.

    Every tensor has a static shape, `(batch_size, ...)`, so the pipeline
    feeds XLA and TPUs as is.

    Returns:
        A `tf.data.Dataset` of `(features, labels, sample_weights)`:
        features `input_word_ids`, `input_mask`, `input_type_ids`
        `(batch_size, sequence_length)` and `masked_lm_positions`
        `(batch_size, max_predictions_per_seq)`; labels and sample weights
        keyed by the outputs of `keras_nlp.models.BertPretrainer`: labels
        `mlm_logits` (the original ids) and, with a `pair_task`,
        `next_sentence_logits` (its 0/1 label); sample weights
        `mlm_logits` (1 for real predictions, 0 for padding) and
        `next_sentence_logits` (ones).
    """
    if pair_task is not None and pair_task not in PAIR_TASKS:
        raise ValueError(
            f"`pair_task` must be one of {PAIR_TASKS} or None. "
            f"Received: pair_task={pair_task!r}"
        )
    num_segments = 1 if pair_task is None else 2
    target_length = sequence_length - num_segments - 1
    if target_length < num_segments:
        raise ValueError(
            f"`--sequence_length` ({sequence_length}) leaves no room for "
            f"the tokens of {num_segments} segment(s). Received: "
            f"sequence_length={sequence_length}. Use at least 8."
        )
    packer = keras_nlp.tokenizers.BertPacker(
        sequence_length=sequence_length,
        start_token_id=tokenizer.cls_token_id,
        end_token_id=tokenizer.sep_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    masker = keras_nlp.tokenizers.MaskedLMMaskGenerator(
        vocab_size=tokenizer.vocab_size(),
        mask_selection_rate=masked_lm_rate,
        mask_token_id=tokenizer.mask_token_id,
        max_selections=max_predictions_per_seq,
        unselectable_token_ids=[
            tokenizer.cls_token_id,
            tokenizer.sep_token_id,
            tokenizer.pad_token_id,
        ],
        seed=seed,
    )

    def to_chunks(document_id, lines):
        tokens = tokenizer(lines)
        starts = tf.cumsum(tokens.row_lengths(), exclusive=True)
        # Lines starting in the same `target_length` window form a chunk.
        _, chunk_ids = tf.unique(starts // target_length)
        chunks = tf.RaggedTensor.from_value_rowids(
            tokens, tf.cast(chunk_ids, "int64")
        )
        return tf.fill([chunks.nrows()], document_id), chunks

    def has_tokens(document_id, chunk):
        return tf.size(chunk.flat_values) > 0

    def to_segments(document_id, chunk):
        if pair_task is None:
            return (chunk.flat_values,)
        num_lines = chunk.nrows()
        split = tf.random.uniform(
            [], 1, tf.maximum(num_lines, 2), dtype=num_lines.dtype
        )
        segments = (chunk[:split].flat_values, chunk[split:].flat_values)
        if pair_task == "sentence_order":
            return segments
        return (document_id,) + segments

    def to_random_span(document_id, chunk):
        start = tf.random.uniform(
            [], 0, chunk.nrows(), dtype=chunk.row_splits.dtype
        )
        return document_id, chunk[start:].flat_values

    def to_next_sentence_pair(segments, random_span):
        _, first, second = segments
        _, random_second = random_span
        random_next = tf.logical_or(
            tf.random.uniform([]) < 0.5, tf.equal(tf.size(second), 0)
        )
        second = tf.cond(random_next, lambda: random_second, lambda: second)
        return first, second, tf.cast(random_next, "int32")

    def is_from_other_document(segments, random_span):
        return tf.not_equal(segments[0], random_span[0])

    def to_batch(*segments):
        labels = {}
        if pair_task is None:
            packed = packer(segments[0])
        else:
            first, second = segments[:2]
            if pair_task == "next_sentence":
                label = segments[2]
            else:
                index = tf.range(batch_size)
                draw = tf.random.uniform([batch_size]) < 0.5
                has_second = second.row_lengths() > 0
                label = tf.logical_and(draw, has_second)
                both = tf.concat([first, second], axis=0)
                first, second = (
                    tf.gather(both, tf.where(label, index + batch_size, index)),
                    tf.gather(both, tf.where(label, index, index + batch_size)),
                )
            labels[PAIR_OUTPUT] = tf.cast(label, "int32")
            packed = packer((first, second))
        masked = masker(packed["input_word_ids"])
        features = {
            "input_word_ids": masked["input_word_ids"],
            "input_mask": packed["input_mask"],
            "input_type_ids": packed["input_type_ids"],
            "masked_lm_positions": masked["masked_lm_positions"],
        }
        labels[MLM_OUTPUT] = masked["masked_lm_ids"]
        weights = {MLM_OUTPUT: masked["masked_lm_weights"]}
        if pair_task is not None:
            weights[PAIR_OUTPUT] = tf.ones([batch_size], "float32")
        return features, labels, weights

    if pair_task == "next_sentence":
        # A "random next" segment must come from another document: with a
        # single document the pipeline could never produce one.
        num_documents = int(documents.take(2).reduce(0, lambda n, _: n + 1))
        if num_documents < 2:
            raise ValueError(
                "Next-sentence prediction needs a corpus of at least two "
                "documents (separated by a blank line in text files). "
                f"Received: a corpus of {num_documents} document(s). Add "
                "documents, or pretrain without next-sentence prediction."
            )

    def chunk_dataset():
        # Chunks tagged with the index of their document.
        chunks = documents.enumerate().map(
            to_chunks, num_parallel_calls=tf.data.AUTOTUNE
        )
        return chunks.unbatch().filter(has_tokens)

    dataset = chunk_dataset().map(
        to_segments, num_parallel_calls=tf.data.AUTOTUNE
    )
    dataset = dataset.shuffle(shuffle_buffer_size, seed=seed).repeat()
    if pair_task == "next_sentence":
        # The random next segments: a second pass over the corpus, shuffled
        # independently of the first.
        random_spans = chunk_dataset().map(
            to_random_span, num_parallel_calls=tf.data.AUTOTUNE
        )
        random_spans = random_spans.shuffle(
            shuffle_buffer_size,
            seed=None if seed is None else seed + 1_000_003,
        ).repeat()
        dataset = tf.data.Dataset.zip((dataset, random_spans))
        dataset = dataset.filter(is_from_other_document)
        dataset = dataset.map(
            to_next_sentence_pair, num_parallel_calls=tf.data.AUTOTUNE
        )
    dataset = dataset.ragged_batch(batch_size, drop_remainder=True)
    dataset = dataset.map(to_batch, num_parallel_calls=tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    return dataset.with_options(options).prefetch(tf.data.AUTOTUNE)


class Pretrainer(distribution.StrategyFixes, keras_nlp.models.BertPretrainer):
    """`keras_nlp.models.BertPretrainer` that trains under every strategy.

    The masked-LM head is tied to `encoder.get_embedding_table()`; the
    next-sentence head, if any, scores the segment-pair task.
    """


def run_config(encoder, tokenizer, settings):
    """What identifies a pretraining run's model (see `check_output_dir`)."""
    config = {
        key: value
        for key, value in encoder.get_config().items()
        if key not in ("name", "trainable", "dtype")
    }
    vocabulary = "\n".join(tokenizer.get_vocabulary())
    return json.loads(
        json.dumps(
            {
                "encoder_class": encoder.__class__.__name__,
                "encoder_config": config,
                "vocabulary_sha256": hashlib.sha256(
                    vocabulary.encode("utf-8")
                ).hexdigest(),
                **settings,
            },
            sort_keys=True,
        )
    )


def check_output_dir(output_dir, config):
    """Refuses an `output_dir` that holds another model's checkpoint.

    Writes `config` to `output_dir/run_config.json` on a fresh start.

    Raises:
        ValueError: if the directory's run config differs from `config`,
            or it holds a checkpoint without a run config.
    """
    path = os.path.join(output_dir, RUN_CONFIG_FILE)
    saved = checkpointing.read_json(path, "run config")
    if saved is None:
        if os.path.exists(os.path.join(output_dir, BACKUP_DIR)):
            raise ValueError(
                f"`--output_dir` holds a checkpoint ({BACKUP_DIR}/) of "
                f"unknown origin, without {RUN_CONFIG_FILE}. Received: "
                f"output_dir={output_dir!r}. Use another --output_dir."
            )
        os.makedirs(output_dir, exist_ok=True)
        checkpointing.write_json(path, config)
        return
    if saved != config:
        differences = sorted(
            key
            for key in set(saved) | set(config)
            if saved.get(key) != config.get(key)
        )
        raise ValueError(
            "`--output_dir` holds the checkpoint of a different model, "
            f"which this run would overwrite or resume from. Received: "
            f"output_dir={output_dir!r}, whose {RUN_CONFIG_FILE} differs "
            f"in {differences}. Use another --output_dir, or the flags of "
            "the run that wrote it."
        )


def save_preset(model, tokenizer, path):
    """Writes the pretrained encoder with its heads as the preset `path`.

    The preset holds the encoder, `tokenizer`'s vocabulary and the
    pretraining heads (`pretraining_heads.npz`, as the checkpoint
    converters write them with `with_mlm_head=True`), so that
    `keras_nlp.models.BertPretrainer.from_preset(path)` continues
    pretraining with them; encoder loaders ignore the heads. The preset
    is written beside `path` first, then replaces it as a whole.
    """
    model.save_to_preset(path, tokenizer, overwrite=True)


def save_weights(model, path):
    """`model.save_weights(path)` through a temporary file and a rename."""
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, checkpointing.TEMPORARY_PREFIX + name)
    model.save_weights(temporary, overwrite=True)
    os.replace(temporary, path)


def fit(model, dataset, **kwargs):
    """`model.fit(dataset, **kwargs)`, then frees the input's iterator.

    When training stops early (`keras.callbacks.TerminateOnNaN`), Keras'
    epoch generator stays suspended in a reference cycle that holds the
    `tf.data` iterator of `dataset`. Left to the interpreter's exit, its
    destruction waits for a pipeline thread that is reading the corpus
    through `tf.data.Dataset.from_generator` and can no longer run Python:
    the process hangs. It is freed here, while Python runs.
    """
    history = model.fit(dataset, **kwargs)
    gc.collect()
    return history


def run(
    flag_values,
    make_tokenizer,
    make_encoder,
    pair_task="next_sentence",
    describe_encoder=None,
):
    """Runs a pretraining program (see examples/bert_pretraining).

    The model is a `keras_nlp.models.BertPretrainer`: a new encoder from
    `make_encoder`, or the `--preset`'s encoder with the preset's
    pretraining heads, if it has them.

    Args:
        flag_values: the parsed `define_flags()` flags.
        make_tokenizer: callable `(documents, output_dir, vocab_size) ->
            tokenizer`; learns or loads the vocabulary. `vocab_size` is
            the `--preset` encoder's, else None.
        make_encoder: callable `(tokenizer) -> encoder`,
            called in the strategy's scope without `--preset`.
        pair_task: the segment-pair task that the bool flag of the same
            name switches on (see `define_flags`).
        describe_encoder: optional callable `(encoder) -> None`, e.g.
            printing its size.
    """
    FLAGS = flag_values
    pair_task = pair_task if getattr(FLAGS, pair_task) else None
    strategy = distribution.get_strategy(FLAGS.distribution_strategy, FLAGS.tpu)
    distribution.check_batch_size(FLAGS.batch_size, strategy)
    if FLAGS.num_train_steps < 1 or FLAGS.steps_per_epoch < 1:
        raise ValueError(
            "`--num_train_steps` and `--steps_per_epoch` must be positive. "
            f"Received: num_train_steps={FLAGS.num_train_steps}, "
            f"steps_per_epoch={FLAGS.steps_per_epoch}."
        )
    if FLAGS.num_train_steps % FLAGS.steps_per_epoch:
        suggestion = FLAGS.steps_per_epoch * -(
            -FLAGS.num_train_steps // FLAGS.steps_per_epoch
        )
        raise ValueError(
            "`--steps_per_epoch` (the checkpoint interval) must divide "
            f"`--num_train_steps`. Received: steps_per_epoch="
            f"{FLAGS.steps_per_epoch}, num_train_steps="
            f"{FLAGS.num_train_steps}. Use e.g. --num_train_steps="
            f"{suggestion}."
        )
    if FLAGS.steps_per_execution < 1 or (
        FLAGS.steps_per_epoch % FLAGS.steps_per_execution
    ):
        raise ValueError(
            "`--steps_per_execution` must be positive and divide "
            "`--steps_per_epoch`, so that every checkpoint falls on a "
            "multiple of it. Received: steps_per_execution="
            f"{FLAGS.steps_per_execution}, steps_per_epoch="
            f"{FLAGS.steps_per_epoch}."
        )
    policy = distribution.set_mixed_precision(
        FLAGS.mixed_precision, FLAGS.distribution_strategy
    )
    keras.utils.set_random_seed(FLAGS.seed)
    output_dir = distribution.task_output_dir(FLAGS.output_dir, strategy)
    os.makedirs(output_dir, exist_ok=True)
    backup_dir = os.path.join(output_dir, BACKUP_DIR)
    progress_path = os.path.join(output_dir, PROGRESS_FILE)

    documents = corpus_dataset(
        FLAGS.input, FLAGS.tfds_split, FLAGS.tfds_data_dir
    )
    jit_compile = distribution.resolve_jit_compile(FLAGS.jit_compile, strategy)
    next_sentence = pair_task is not None
    if FLAGS.preset:
        with strategy.scope():
            model = Pretrainer.from_preset(
                FLAGS.preset, dtype=policy, next_sentence=next_sentence
            )
        encoder = model.encoder
        # The preset loaders check the size of the preset's vocabulary.
        tokenizer = make_tokenizer(documents, output_dir, encoder.vocab_size)
    else:
        tokenizer = make_tokenizer(documents, output_dir, None)
        with strategy.scope():
            encoder = make_encoder(tokenizer)
            model = Pretrainer(encoder, next_sentence=next_sentence)
    if describe_encoder is not None:
        describe_encoder(encoder)
    if FLAGS.sequence_length > encoder.max_sequence_length:
        raise ValueError(
            f"`--sequence_length` ({FLAGS.sequence_length}) exceeds the "
            "encoder's `max_sequence_length` "
            f"({encoder.max_sequence_length}). Lower it."
        )
    with strategy.scope():
        # The losses (the masked-LM one averaged over the real predictions)
        # are BertPretrainer's defaults; its accuracy metrics, shorter named.
        model.compile(
            optimizer=optimization.create_optimizer(
                FLAGS.learning_rate,
                FLAGS.num_train_steps,
                warmup_fraction=FLAGS.warmup_fraction,
                weight_decay=FLAGS.weight_decay,
            ),
            weighted_metrics={
                name: [keras.metrics.SparseCategoricalAccuracy("accuracy")]
                for name in model.output
            },
            jit_compile=jit_compile,
            steps_per_execution=FLAGS.steps_per_execution,
        )
    check_output_dir(
        output_dir,
        run_config(
            encoder,
            tokenizer,
            {
                "sequence_length": FLAGS.sequence_length,
                "max_predictions_per_seq": FLAGS.max_predictions_per_seq,
                "model": "BertPretrainer",
                "pair_task": pair_task,
                "num_train_steps": FLAGS.num_train_steps,
                "steps_per_epoch": FLAGS.steps_per_epoch,
                # A vocabulary learned by an earlier run is reused.
                "learned_vocab_size": (
                    None
                    if FLAGS.preset or FLAGS.vocab_file
                    else FLAGS.vocab_size
                ),
            },
        ),
    )
    manager = checkpointing.CheckpointManager(backup_dir, progress_path)
    preset_dir = os.path.join(output_dir, PRESET_DIR)
    if manager.is_completed():
        # A kill right after the completion marker may leave checkpoints.
        manager.mark_completed(manager.read_manifest()["step"])
        print(
            f"This run finished all {FLAGS.num_train_steps} steps already; "
            f"its preset is {preset_dir}. Nothing to do."
        )
        return
    with strategy.scope():
        start_step = manager.restore(model)
    if start_step > FLAGS.num_train_steps or start_step % FLAGS.steps_per_epoch:
        raise ValueError(
            f"The checkpoint in {backup_dir} is of step {start_step}, which "
            f"is not a multiple of --steps_per_epoch={FLAGS.steps_per_epoch}"
            f" up to --num_train_steps={FLAGS.num_train_steps}. Use the "
            "flags of the run that wrote it, or another --output_dir."
        )
    model.summary()
    print(
        f"Pretraining {encoder.__class__.__name__} "
        f"({encoder.count_params():,} weights) for "
        f"{FLAGS.num_train_steps} steps of batch {FLAGS.batch_size} on "
        f"{strategy.num_replicas_in_sync} replica(s), dtype policy {policy}, "
        f"XLA {'on' if jit_compile else 'off'}."
    )
    if start_step:
        print(f"Resuming from the checkpoint of step {start_step}.")
    dataset = pretraining_dataset(
        documents,
        tokenizer,
        FLAGS.sequence_length,
        FLAGS.batch_size,
        FLAGS.max_predictions_per_seq,
        pair_task=pair_task,
        masked_lm_rate=FLAGS.masked_lm_rate,
        # A resumed run continues with fresh shuffling and masking.
        seed=FLAGS.seed + start_step,
    )
    model.set_data_spec(dataset.element_spec)
    checkpoint = checkpointing.CheckpointCallback(manager)
    start_time = time.time()
    if start_step < FLAGS.num_train_steps:
        fit(
            model,
            dataset,
            initial_epoch=start_step // FLAGS.steps_per_epoch,
            epochs=FLAGS.num_train_steps // FLAGS.steps_per_epoch,
            steps_per_epoch=FLAGS.steps_per_epoch,
            callbacks=[
                keras.callbacks.TerminateOnNaN(),
                checkpoint,
                tensorboard.tensorboard_callback(
                    os.path.join(output_dir, "logs"), update_freq=10
                ),
            ],
        )
    step = checkpointing.current_step(model)
    if checkpoint.failed_step is not None:
        last_good = manager.read_manifest()["step"]
        raise TrainingError(
            f"Training stopped: the loss became NaN or infinite at step "
            f"{checkpoint.failed_step}. The last good checkpoint, from step "
            f"{last_good}, is kept in {backup_dir}. Lower --learning_rate "
            "(or check the input) and run the same command to resume from "
            "it."
        )
    if step != FLAGS.num_train_steps:
        raise RuntimeError(
            f"Training ended at step {step} instead of "
            f"{FLAGS.num_train_steps}; the checkpoints are kept in "
            f"{backup_dir}."
        )
    # The last checkpoint stays until the outputs are written: a kill
    # before the completion marker resumes here and writes them again.
    save_weights(model, os.path.join(output_dir, PRETRAINER_WEIGHTS))
    save_preset(model, tokenizer, preset_dir)
    manager.mark_completed(step)
    print(
        f"Trained steps {start_step}..{step} in {time.time() - start_time:.0f}"
        f" s. Wrote the preset {preset_dir} (fine-tune it with `python -m "
        f"examples.bert_classification.train --preset={preset_dir}`)."
    )


class TrainingError(cli.ExampleError):
    """Training stopped early for a reason the user can fix."""
