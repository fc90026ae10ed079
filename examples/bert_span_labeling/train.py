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

"""Fine-tunes a BERT-family encoder to extract answer spans (SQuAD).

Trains `keras_nlp.models.BertSpanLabeler` (start and end logits over the
tokens) on question/context/answer data in the SQuAD v1.1 JSON format:
by default the built-in made-up facts of `data/` (offline, a small
randomly initialized BERT with a WordPiece vocabulary learned from the
training text), or `--train_file`/`--eval_file` (e.g. SQuAD v1.1's
`train-v1.1.json` and `dev-v1.1.json`) with a pretrained `--preset`.

The question is segment A and the context segment B. Contexts longer than
the sequence leaves room for are split into overlapping windows
(`--doc_stride`); a training window that does not hold the whole answer is
labelled `[CLS]`. Answers are located through the tokenizer's
`tokenize_with_offsets` byte offsets, and predictions are mapped back to
the original context text through them (original case and accents). The
program prints the held-out SQuAD exact match and F1 and saves:

- `span_labeler.keras`: the fine-tuned model (token ids in, start and end
  logits out);
- `predictions.json`: the predicted answer of every held-out question id
  (the input of SQuAD's official `evaluate-v1.1.py`);
- `preset/`: the fine-tuned encoder and its vocabulary (a keras_nlp
  preset directory);
- `results.json`: the held-out metrics and the run's settings.

`--predict_file=questions.json` (SQuAD v1.1 format, answers optional)
answers questions with the model of an earlier run in `--output_dir`
instead of training.

Usage (from the repository root):

```shell
python -m examples.bert_span_labeling.train
python -m examples.bert_span_labeling.train --preset=/path/to/preset \
    --train_file=train-v1.1.json --eval_file=dev-v1.1.json \
    --sequence_length=384 --epochs=2 --learning_rate=3e-5
python -m examples.bert_span_labeling.train --predict_file=questions.json
```
"""

import os

from examples.common import cli

cli.quiet_tensorflow()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from absl import flags  # noqa: E402

import keras_nlp  # noqa: E402
from examples.bert_span_labeling import span_features  # noqa: E402
from examples.bert_span_labeling import squad_file  # noqa: E402
from examples.bert_span_labeling import squad_metrics  # noqa: E402
from examples.common import optimization  # noqa: E402
from examples.common import presets  # noqa: E402
from examples.common import tensorboard  # noqa: E402

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

FLAGS = flags.FLAGS

flags.DEFINE_string(
    "train_file",
    os.path.join(DATA_DIR, "train.json"),
    "The training questions, a SQuAD v1.1 JSON file (`answer_start` "
    "character offsets). Default: the built-in made-up facts.",
)
flags.DEFINE_string(
    "eval_file",
    os.path.join(DATA_DIR, "dev.json"),
    "The held-out questions, a SQuAD v1.1 JSON file (e.g. "
    "dev-v1.1.json). Default: the built-in held-out facts.",
)
flags.DEFINE_string(
    "preset",
    None,
    "The pretrained encoder: a keras_nlp preset directory, a preset name "
    "(keras_nlp.presets) or anything keras_nlp.encoders.BertEncoder."
    "from_preset accepts; the vocabulary comes from it. Default: a small "
    "randomly initialized BERT (see --hidden_size etc.) with a WordPiece "
    "vocabulary learned from the training text.",
)
presets.define_vocabulary_flags()
flags.DEFINE_integer(
    "sequence_length",
    64,
    "Tokens per packed window: [CLS] question [SEP] context [SEP]. SQuAD "
    "fine-tuning uses 384.",
)
flags.DEFINE_integer(
    "max_query_length",
    None,
    "Questions are cut to this many tokens. Default: 64 (BERT's), or half "
    "of --sequence_length if that is less.",
)
flags.DEFINE_integer(
    "doc_stride",
    128,
    "Contexts longer than a window are split into windows starting this "
    "many tokens apart (at most a window's length).",
)
flags.DEFINE_integer(
    "max_answer_length",
    30,
    "The longest answer predicted, in tokens.",
)
flags.DEFINE_integer("batch_size", 32, "The batch size.")
flags.DEFINE_integer(
    "epochs",
    None,
    "Training epochs. Default: 2 with --preset (BERT's SQuAD recipe), 15 "
    "for a randomly initialized encoder.",
)
flags.DEFINE_float(
    "learning_rate",
    None,
    "The peak learning rate. Default: 3e-5 with --preset, 2e-3 for a "
    "randomly initialized encoder.",
)
flags.DEFINE_float(
    "warmup_fraction", 0.1, "The fraction of the steps spent warming up."
)
flags.DEFINE_float("weight_decay", 0.01, "The AdamW weight decay rate.")
flags.DEFINE_integer(
    "vocab_size",
    1000,
    "Without --preset: the size of the vocabulary learned from the data.",
)
flags.DEFINE_integer(
    "hidden_size", 64, "Without --preset: the encoder's hidden size."
)
flags.DEFINE_integer(
    "num_layers", 2, "Without --preset: the number of Transformer layers."
)
flags.DEFINE_integer(
    "num_attention_heads", 2, "Without --preset: attention heads per layer."
)
flags.DEFINE_integer(
    "inner_dim", 128, "Without --preset: the feed-forward inner size."
)
flags.DEFINE_bool("jit_compile", True, "Compile the training step with XLA.")
flags.DEFINE_integer(
    "num_samples", 3, "How many held-out predictions to print."
)
flags.DEFINE_string(
    "predict_file",
    None,
    "Answer questions instead of training: a SQuAD v1.1 JSON file "
    "(answers optional), answered with the model and vocabulary an earlier "
    "training run saved in --output_dir.",
)
flags.DEFINE_string(
    "predictions_file",
    None,
    "With --predict_file: where the answers are written as JSON (question "
    "id to answer text). Default: standard output.",
)
flags.DEFINE_string(
    "output_dir",
    "/tmp/bert_span_labeling",
    "Where the model, predictions.json, results.json and the TensorBoard "
    "logs (logs/) are written.",
)
flags.DEFINE_integer("seed", 0, "The random seed.")


def check_flags(sequence_length, max_query_length, doc_stride, batch_size):
    """Raises a `ValueError` for sizes that cannot pack a window."""
    for name, value in (
        ("sequence_length", sequence_length),
        ("max_query_length", max_query_length),
        ("doc_stride", doc_stride),
        ("max_answer_length", FLAGS.max_answer_length),
        ("batch_size", batch_size),
    ):
        if value < 1:
            raise ValueError(
                f"`--{name}` must be a positive integer. Received: "
                f"{name}={value}. Pass a value of at least 1."
            )
    if max_query_length + 4 > sequence_length:
        raise ValueError(
            f"`--sequence_length` ({sequence_length}) must leave room for a "
            f"question of `--max_query_length` ({max_query_length}) tokens, "
            "three special tokens and at least one context token. Received: "
            f"sequence_length={sequence_length}, max_query_length="
            f"{max_query_length}. Raise --sequence_length or lower "
            f"--max_query_length (at most {sequence_length - 4})."
        )


def learn_tokenizer(examples, vocab_size, output_dir):
    """A WordPiece tokenizer whose vocabulary is learned from `examples`."""
    texts = list(dict.fromkeys(example.context for example in examples))
    texts += [example.question for example in examples]
    vocabulary = keras_nlp.tokenizers.compute_word_piece_vocabulary(
        texts,
        vocab_size=vocab_size,
        vocabulary_output_file=os.path.join(output_dir, "vocab.txt"),
    )
    return keras_nlp.tokenizers.WordPieceTokenizer(vocabulary)


def featurize(examples, tokenizer, max_query_length, with_labels):
    """The tokenized examples and their packed windows."""
    tokenized = span_features.tokenize(tokenizer, examples)
    features, num_unlocated = span_features.make_features(
        examples,
        tokenized,
        sequence_length=FLAGS.sequence_length,
        max_query_length=max_query_length,
        doc_stride=FLAGS.doc_stride,
        cls_token_id=tokenizer.cls_token_id,
        sep_token_id=tokenizer.sep_token_id,
        pad_token_id=tokenizer.pad_token_id,
        with_labels=with_labels,
    )
    if num_unlocated:
        print(
            f"Skipped {num_unlocated} training question(s) whose answer "
            "covers no token (only whitespace or dropped characters)."
        )
    if features is None:
        raise ValueError(
            f"No training question of {FLAGS.train_file} has an answer "
            "that covers a token. Check the answers and `answer_start`s."
        )
    return tokenized, features


def predict(model, features, batch_size):
    """The start and end logits of every window, as float32 arrays."""
    outputs = model.predict(features.inputs, batch_size=batch_size, verbose=0)
    return (
        np.asarray(outputs["start_logits"], "float32"),
        np.asarray(outputs["end_logits"], "float32"),
    )


def answer_questions(predict_file, output_dir, predictions_file, **sizes):
    """Answers the questions of `predict_file` with a trained model."""
    model_path = os.path.join(output_dir, "span_labeler.keras")
    preset_dir = os.path.join(output_dir, "preset")
    if not os.path.isfile(model_path) or not os.path.isdir(preset_dir):
        raise ValueError(
            f"No trained model in {output_dir} (span_labeler.keras and "
            f"preset/). Received: output_dir={output_dir!r}. Train first, "
            "with the same --output_dir."
        )
    examples = squad_file.read_squad_file(
        predict_file,
        "predict_file",
        require_answer_start=False,
        require_answers=False,
    )
    tokenizer = keras_nlp.tokenizers.BertPreprocessor.from_preset(
        preset_dir
    ).tokenizer
    model = keras.saving.load_model(model_path)
    if FLAGS.sequence_length > model.encoder.max_sequence_length:
        raise ValueError(
            f"`--sequence_length` ({FLAGS.sequence_length}) exceeds the "
            "trained encoder's `max_sequence_length` "
            f"({model.encoder.max_sequence_length}). Received: "
            f"sequence_length={FLAGS.sequence_length}. Lower it."
        )
    tokenized, features = featurize(
        examples, tokenizer, sizes["max_query_length"], with_labels=False
    )
    start_logits, end_logits = predict(model, features, FLAGS.batch_size)
    predictions = span_features.best_answers(
        features,
        start_logits,
        end_logits,
        examples,
        tokenized,
        FLAGS.max_answer_length,
    )
    text = json.dumps(predictions, ensure_ascii=False, indent=1) + "\n"
    if not predictions_file:
        sys.stdout.write(text)
        return
    with open(predictions_file, "w", encoding="utf-8") as file:
        file.write(text)
    print(f"Wrote {len(predictions)} answers to {predictions_file}.")
    if all(example.answers for example in examples):
        scores = squad_metrics.compute(
            predictions, {example.id: example.answers for example in examples}
        )
        print(
            f"Exact match {scores['exact_match']:.1f}, F1 "
            f"{scores['f1']:.1f} ({len(examples)} questions)."
        )


def main(_):
    start_time = time.time()
    max_query_length = FLAGS.max_query_length
    if max_query_length is None:
        max_query_length = min(64, FLAGS.sequence_length // 2)
    check_flags(
        FLAGS.sequence_length,
        max_query_length,
        FLAGS.doc_stride,
        FLAGS.batch_size,
    )
    if FLAGS.predict_file:
        answer_questions(
            FLAGS.predict_file,
            FLAGS.output_dir,
            FLAGS.predictions_file,
            max_query_length=max_query_length,
        )
        return
    pretrained = FLAGS.preset is not None
    epochs = FLAGS.epochs
    if epochs is None:
        epochs = 2 if pretrained else 15
    learning_rate = FLAGS.learning_rate
    if learning_rate is None:
        learning_rate = 3e-5 if pretrained else 2e-3
    if epochs < 1 or not learning_rate > 0:
        raise ValueError(
            "`--epochs` must be a positive integer and `--learning_rate` a "
            f"positive number. Received: epochs={epochs}, learning_rate="
            f"{learning_rate}. Leave them unset for the defaults."
        )
    keras.utils.set_random_seed(FLAGS.seed)
    os.makedirs(FLAGS.output_dir, exist_ok=True)
    train_examples = squad_file.read_squad_file(
        FLAGS.train_file, "train_file", require_answer_start=True
    )
    eval_examples = squad_file.read_squad_file(
        FLAGS.eval_file, "eval_file", require_answer_start=False
    )
    print(
        f"{len(train_examples)} training questions from {FLAGS.train_file}, "
        f"{len(eval_examples)} held-out questions from {FLAGS.eval_file}."
    )

    if pretrained:
        encoder = keras_nlp.encoders.from_preset(FLAGS.preset)
        # The preset loaders refuse a vocabulary of the wrong size; a
        # `--vocab_file` is checked against the encoder here.
        tokenizer = presets.load_tokenizer(
            FLAGS.preset,
            FLAGS.vocab_file,
            FLAGS.lowercase,
            vocab_size=encoder.vocab_size,
        )
        if FLAGS.sequence_length > encoder.max_sequence_length:
            raise ValueError(
                f"`--sequence_length` ({FLAGS.sequence_length}) exceeds the "
                "encoder's `max_sequence_length` "
                f"({encoder.max_sequence_length}). Received: "
                f"sequence_length={FLAGS.sequence_length}. Lower it."
            )
    else:
        print(f"Learning a {FLAGS.vocab_size}-token WordPiece vocabulary.")
        tokenizer = learn_tokenizer(
            train_examples, FLAGS.vocab_size, FLAGS.output_dir
        )
        encoder = presets.new_encoder(
            keras_nlp.encoders.BertEncoder, tokenizer, FLAGS.sequence_length
        )

    _, train_features = featurize(
        train_examples, tokenizer, max_query_length, with_labels=True
    )
    eval_tokenized, eval_features = featurize(
        eval_examples, tokenizer, max_query_length, with_labels=False
    )
    num_windows = len(train_features.example_index)
    num_outside = int(np.sum(train_features.start_positions == 0))
    print(
        f"{num_windows} training windows of {FLAGS.sequence_length} tokens "
        f"({num_outside} without their answer, labelled [CLS]); "
        f"{len(eval_features.example_index)} held-out windows."
    )
    steps_per_epoch = num_windows // FLAGS.batch_size
    if steps_per_epoch < 1:
        raise ValueError(
            f"`--batch_size` ({FLAGS.batch_size}) is larger than the "
            f"training set ({num_windows} windows). Received: batch_size="
            f"{FLAGS.batch_size}. Lower --batch_size."
        )

    model = keras_nlp.models.BertSpanLabeler(encoder)
    # The span head does not use the pooler: that it gets no gradients is
    # expected (Keras would warn once, when training starts).
    warnings.filterwarnings(
        "ignore",
        message=r"Gradients do not exist for variables "
        r"\['pooler_transform/kernel', 'pooler_transform/bias'\]",
    )
    model.compile(
        optimizer=optimization.create_optimizer(
            learning_rate,
            epochs * steps_per_epoch,
            warmup_fraction=FLAGS.warmup_fraction,
            weight_decay=FLAGS.weight_decay,
        ),
        jit_compile=FLAGS.jit_compile,
    )
    train = (
        tf.data.Dataset.from_tensor_slices(
            (
                train_features.inputs,
                {
                    "start_logits": train_features.start_positions,
                    "end_logits": train_features.end_positions,
                },
            )
        )
        .shuffle(num_windows, seed=FLAGS.seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(FLAGS.batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    print(
        f"Training {epochs} epochs of {steps_per_epoch} steps, peak learning "
        f"rate {learning_rate:g}."
    )
    model.fit(
        train,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        callbacks=[
            tensorboard.tensorboard_callback(
                os.path.join(FLAGS.output_dir, "logs")
            )
        ],
        verbose=2,
    )

    start_logits, end_logits = predict(model, eval_features, FLAGS.batch_size)
    predictions = span_features.best_answers(
        eval_features,
        start_logits,
        end_logits,
        eval_examples,
        eval_tokenized,
        FLAGS.max_answer_length,
    )
    scores = squad_metrics.compute(
        predictions, {example.id: example.answers for example in eval_examples}
    )
    print(
        f"Held-out exact match {scores['exact_match']:.1f}, F1 "
        f"{scores['f1']:.1f} ({len(eval_examples)} questions)."
    )
    for example in eval_examples[: FLAGS.num_samples]:
        print(
            f"  Q: {example.question}  predicted: "
            f"{predictions[example.id]!r}  reference: {example.answers[0]!r}"
        )

    # The same model without the optimizer (whose schedule is this
    # program's): it loads with keras_nlp alone.
    saved = keras_nlp.models.BertSpanLabeler.from_config(model.get_config())
    saved.set_weights(model.get_weights())
    saved.save(os.path.join(FLAGS.output_dir, "span_labeler.keras"))
    # The fine-tuned encoder and the vocabulary, for --predict_file and
    # for `from_preset`.
    saved.encoder.save_to_preset(
        os.path.join(FLAGS.output_dir, "preset"),
        tokenizer=tokenizer,
        overwrite=True,
    )
    with open(
        os.path.join(FLAGS.output_dir, "predictions.json"),
        "w",
        encoding="utf-8",
    ) as file:
        json.dump(predictions, file, ensure_ascii=False, indent=1)
    results = {
        **scores,
        "num_eval_questions": len(eval_examples),
        "num_train_questions": len(train_examples),
        "num_train_windows": num_windows,
        "num_train_windows_without_answer": num_outside,
        "train_file": FLAGS.train_file,
        "eval_file": FLAGS.eval_file,
        "preset": FLAGS.preset,
        "sequence_length": FLAGS.sequence_length,
        "doc_stride": FLAGS.doc_stride,
        "max_query_length": max_query_length,
        "max_answer_length": FLAGS.max_answer_length,
        "epochs": epochs,
        "steps": int(model.optimizer.iterations.numpy()),
        "wall_time_seconds": round(time.time() - start_time, 1),
    }
    with open(os.path.join(FLAGS.output_dir, "results.json"), "w") as file:
        json.dump(results, file, indent=2)
    print(
        f"Saved {FLAGS.output_dir}/span_labeler.keras and predictions.json "
        f"in {results['wall_time_seconds']:.0f} s."
    )


if __name__ == "__main__":
    cli.run(main)
