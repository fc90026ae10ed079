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

"""Fine-tunes a BERT-family encoder for text classification.

Loads a pretrained encoder and its vocabulary (`--preset`; by default a
small randomly initialized BERT with a WordPiece vocabulary learned from
the training text), puts a `keras_nlp.models.BertClassifier` on it (dropout
and a dense layer on the encoder's `pooled_output`; one output for
regression), and trains with BERT's recipe (AdamW, linear warm-up and
decay) on a labelled text dataset (`--dataset`: the built-in movie
reviews, a TFDS dataset, or a CSV/TSV file; single sentences or sentence
pairs). Tokenization and packing run in `tf.data`. It prints per-epoch
metrics and the held-out accuracy, writes TensorBoard logs, and saves:

- `classifier.keras`: the fine-tuned `keras_nlp.models.BertClassifier`
  (token ids in, logits out; `keras.saving.load_model(path)`);
- `saved_model/`: a SavedModel that takes raw strings and returns class
  probabilities (`tf.saved_model.load(path).serve(["some text"])`, after
  `import tensorflow_text`);
- `results.json`: the held-out metrics and the run's settings.

The held-out metrics are those each GLUE task is judged by: accuracy; F1
and accuracy for MRPC and QQP; Matthews correlation for CoLA; Pearson and
Spearman correlation for STS-B, a regression task (one output, mean
squared error loss; `--regression` for csv:/tsv: files of scores). MNLI is
evaluated on `validation_matched` (`--eval_split=validation_mismatched`
for the other). `--predict_file=inputs.txt` classifies the lines of a file
with the exported SavedModel instead of training.

Usage (from the repository root):

```shell
python -m examples.bert_classification.train
python -m examples.bert_classification.train --preset=/path/to/preset \
    --dataset=tfds:glue/sst2 --epochs=3 --learning_rate=2e-5
python -m examples.bert_classification.train --predict_file=reviews.txt
```
"""

import os

from examples.common import cli

cli.quiet_tensorflow()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from absl import flags  # noqa: E402

import keras_nlp  # noqa: E402
from examples.bert_classification import datasets  # noqa: E402
from examples.bert_classification import glue_metrics  # noqa: E402
from examples.common import distribution  # noqa: E402
from examples.common import optimization  # noqa: E402
from examples.common import presets  # noqa: E402
from examples.common import tensorboard  # noqa: E402

FLAGS = flags.FLAGS

flags.DEFINE_string(
    "preset",
    None,
    "The pretrained encoder: a keras_nlp preset directory (e.g. written by "
    "examples.bert_pretraining) or anything "
    "keras_nlp.encoders.BertEncoder.from_preset accepts. Default: a small "
    "randomly initialized BERT (see --hidden_size etc.) with a WordPiece "
    "vocabulary learned from the training text.",
)
presets.define_vocabulary_flags()
flags.DEFINE_string(
    "dataset",
    datasets.BUILTIN,
    "The labelled text. `builtin`: a small set of English movie reviews "
    "(examples/bert_classification/data, held-out test.tsv). "
    "`tfds:NAME`: a TFDS dataset, e.g. tfds:glue/sst2, tfds:imdb_reviews, "
    "tfds:glue/mrpc (pairs). `csv:PATH` or `tsv:PATH`: a file with a "
    "header row, one or two text columns and a label column.",
)
flags.DEFINE_string(
    "eval_dataset",
    None,
    "A csv:/tsv: file to evaluate on. Default: --eval_fraction of the "
    "--dataset file (tfds: datasets use --eval_split).",
)
flags.DEFINE_list(
    "text_features",
    None,
    "The text feature(s) or column(s): one, or two for sentence pairs. "
    "Default: the Text features of a TFDS dataset; the `text` or "
    "`sentence` column of a file.",
)
flags.DEFINE_string(
    "label_feature", None, "The label feature or column. Default: `label`."
)
flags.DEFINE_list(
    "class_names",
    None,
    "The class names of a csv:/tsv: dataset, in class id order; labels may "
    "then be names or ids. Default: integer labels 0, 1, ...",
)
flags.DEFINE_string("train_split", "train", "The TFDS training split.")
flags.DEFINE_string(
    "eval_split",
    None,
    "The TFDS evaluation split. Default: `validation`, else `test`.",
)
flags.DEFINE_float(
    "eval_fraction",
    0.2,
    "The fraction of a csv:/tsv: dataset held out when --eval_dataset is "
    "not set.",
)
flags.DEFINE_string("tfds_data_dir", None, "The TFDS data directory.")
flags.DEFINE_integer(
    "sequence_length", 64, "Tokens per packed example (both segments)."
)
flags.DEFINE_integer(
    "batch_size", 32, "The global batch size (split across replicas)."
)
flags.DEFINE_integer(
    "epochs",
    None,
    "Training epochs. Default: 3 with --preset (BERT's recipe), 12 for a "
    "randomly initialized encoder.",
)
flags.DEFINE_float(
    "learning_rate",
    None,
    "The peak learning rate. Default: 5e-5 with --preset, 1e-3 for a "
    "randomly initialized encoder.",
)
flags.DEFINE_float(
    "warmup_fraction", 0.1, "The fraction of the steps spent warming up."
)
flags.DEFINE_float("weight_decay", 0.01, "The AdamW weight decay rate.")
flags.DEFINE_float("dropout", 0.1, "The dropout rate of the head.")
flags.DEFINE_integer(
    "vocab_size",
    2000,
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
    "inner_dim", 256, "Without --preset: the feed-forward inner size."
)
flags.DEFINE_bool(
    "regression",
    False,
    "Treat the csv:/tsv: labels as float scores and train a regression "
    "head (one output, mean squared error). TFDS datasets with a float "
    "label (tfds:glue/stsb) are regression tasks anyway.",
)
flags.DEFINE_string(
    "predict_file",
    None,
    "Predict instead of training: a UTF-8 text file of inputs, one per "
    "line (a tab separates the two texts of a sentence pair), classified "
    "with the SavedModel of --saved_model.",
)
flags.DEFINE_string(
    "saved_model",
    None,
    "With --predict_file: the exported SavedModel. Default: "
    "<output_dir>/saved_model of an earlier training run.",
)
flags.DEFINE_string(
    "predictions_file",
    None,
    "With --predict_file: where the predictions are written as TSV. "
    "Default: standard output.",
)
distribution.define_flags()
# `--help` lists the flags of the main module: also the shared ones.
flags.adopt_module_key_flags(distribution)
flags.DEFINE_bool("jit_compile", True, "Compile the training step with XLA.")
flags.DEFINE_integer(
    "steps_per_execution", 1, "Training steps per call to the device."
)
flags.DEFINE_string(
    "output_dir",
    "/tmp/bert_classification",
    "Where the model, the SavedModel, results.json and the TensorBoard "
    "logs (logs/) are written.",
)
flags.DEFINE_integer("seed", 0, "The random seed.")


class ExportedClassifier(tf.Module):
    """Raw strings in, predictions out: preprocessor, encoder, head.

    `serve(text)` (or `serve(text, text_pair)` for sentence pairs) takes
    1-D string tensors and returns `(batch_size, num_classes)` float32
    class probabilities, or `(batch_size,)` scores for a regression model;
    the `serving_default` signature returns them as `{"probabilities":
    ...}` (or `{"scores": ...}`). `class_names` holds the class names
    (none for regression).
    """

    def __init__(self, preprocessor, model, class_names, num_segments):
        super().__init__()
        # Only the variables are tracked (the functions capture the layers),
        # so that saving does not walk the whole Keras object graph.
        self.model_variables = [variable.value for variable in model.variables]
        self.class_names = tf.Variable(
            tf.constant(class_names, tf.string), trainable=False
        )
        regression = not class_names

        def predictions(*segments):
            features = preprocessor(
                segments[0] if len(segments) == 1 else tuple(segments)
            )
            outputs = tf.cast(model(features, training=False), "float32")
            if regression:
                return outputs[:, 0]
            return tf.nn.softmax(outputs, axis=-1)

        key = "scores" if regression else "probabilities"
        names = ["text", "text_pair"][:num_segments]
        signature = [tf.TensorSpec([None], tf.string, name=n) for n in names]
        self.serve = tf.function(predictions, input_signature=signature)
        self.serving_default = tf.function(
            lambda *segments: {key: predictions(*segments)},
            input_signature=signature,
        )


class Classifier(distribution.StrategyFixes, keras_nlp.models.BertClassifier):
    """`keras_nlp.models.BertClassifier` that trains under every strategy."""


def plain_classifier(model):
    """A `keras_nlp.models.BertClassifier` of `model`'s trained layers.

    It shares the encoder and has a copy of the head: its `.keras` file
    loads with keras_nlp alone (without this program's `Classifier`).
    """
    classifier = keras_nlp.models.BertClassifier(
        model.encoder,
        num_classes=model.num_classes,
        dropout=model.dropout,
        initializer=model.initializer,
        name=model.name,
    )
    classifier.output_dense.set_weights(model.output_dense.get_weights())
    return classifier


def learn_tokenizer(train, vocab_size, output_dir):
    """A WordPiece tokenizer whose vocabulary is learned from `train`."""
    texts = train.flat_map(
        lambda segments, label: tf.data.Dataset.from_tensor_slices(
            tf.stack(segments)
        )
    )
    vocabulary = keras_nlp.tokenizers.compute_word_piece_vocabulary(
        texts.batch(1024),
        vocab_size=vocab_size,
        vocabulary_output_file=os.path.join(output_dir, "vocab.txt"),
    )
    return keras_nlp.tokenizers.WordPieceTokenizer(vocabulary)


def read_predict_file(path):
    """The inputs of --predict_file: one list of texts per segment."""
    if not os.path.isfile(path):
        raise ValueError(
            f"`--predict_file` must be an existing text file. Received: "
            f"predict_file={path!r}. Check the path."
        )
    with open(path, "rb") as file:
        lines = file.read().decode("utf-8", errors="replace").splitlines()
    rows = [line.split("\t") for line in lines if line.strip()]
    if not rows:
        raise ValueError(
            f"`--predict_file` {path} has no non-empty line. Write one "
            "input per line."
        )
    num_segments = len(rows[0])
    for number, row in enumerate(rows, start=1):
        if len(row) != num_segments or num_segments > 2:
            raise ValueError(
                f"Every line of `--predict_file` must hold one text, or two "
                f"separated by a tab (a sentence pair). Received: "
                f"{len(row)} field(s) in non-empty line {number} of {path}, "
                f"{num_segments} in the first."
            )
    return [list(column) for column in zip(*rows)]


def predict(predict_file, saved_model, predictions_file, batch_size):
    """Writes the SavedModel's predictions for the lines of `predict_file`."""
    import tensorflow_text  # noqa: F401 (registers the tokenizer's ops)

    columns = read_predict_file(predict_file)
    if not os.path.isdir(saved_model):
        raise ValueError(
            f"No SavedModel at {saved_model}. Received: saved_model="
            f"{saved_model!r}. Train first (the same --output_dir), or pass "
            "--saved_model=<output_dir>/saved_model of a training run."
        )
    exported = tf.saved_model.load(saved_model)
    num_segments = len(exported.serve.input_signature)
    if len(columns) != num_segments:
        raise ValueError(
            f"The model takes {num_segments} text(s) per example but the "
            f"lines of {predict_file} hold {len(columns)}. Separate the "
            "two texts of a pair with a tab, or use a one-text model."
        )
    class_names = [name.decode() for name in exported.class_names.numpy()]
    outputs = []
    for start in range(0, len(columns[0]), batch_size):
        batch = [tf.constant(c[start : start + batch_size]) for c in columns]
        outputs.append(exported.serve(*batch).numpy())
    outputs = np.concatenate(outputs)
    header = ["text", "text_pair"][:num_segments]
    if class_names:
        header += ["prediction"] + [f"p_{name}" for name in class_names]
    else:
        header += ["score"]
    rows = ["\t".join(header)]
    for index, output in enumerate(outputs):
        texts = [column[index] for column in columns]
        if class_names:
            values = [class_names[int(np.argmax(output))]]
            values += [f"{p:.4f}" for p in output]
        else:
            values = [f"{float(output):.4f}"]
        rows.append("\t".join(texts + values))
    text = "\n".join(rows) + "\n"
    if predictions_file:
        with open(predictions_file, "w", encoding="utf-8") as file:
            file.write(text)
        print(f"Wrote {len(outputs)} predictions to {predictions_file}.")
    else:
        sys.stdout.write(text)


def main(_):
    start_time = time.time()
    if FLAGS.predict_file:
        predict(
            FLAGS.predict_file,
            FLAGS.saved_model or os.path.join(FLAGS.output_dir, "saved_model"),
            FLAGS.predictions_file,
            FLAGS.batch_size,
        )
        return
    strategy = distribution.get_strategy(FLAGS.distribution_strategy, FLAGS.tpu)
    distribution.check_batch_size(FLAGS.batch_size, strategy)
    policy = distribution.set_mixed_precision(
        FLAGS.mixed_precision, FLAGS.distribution_strategy
    )
    keras.utils.set_random_seed(FLAGS.seed)
    output_dir = distribution.task_output_dir(FLAGS.output_dir, strategy)
    os.makedirs(output_dir, exist_ok=True)

    data = datasets.load(
        FLAGS.dataset,
        eval_dataset=FLAGS.eval_dataset,
        text_features=FLAGS.text_features,
        label_feature=FLAGS.label_feature,
        class_names=FLAGS.class_names,
        train_split=FLAGS.train_split,
        eval_split=FLAGS.eval_split,
        eval_fraction=FLAGS.eval_fraction,
        tfds_data_dir=FLAGS.tfds_data_dir,
        seed=FLAGS.seed,
        regression=FLAGS.regression,
    )
    task = (
        "regression"
        if data.regression
        else f"{data.num_classes} classes {data.class_names}"
    )
    metric_names = glue_metrics.task_metrics(FLAGS.dataset, data.regression)
    print(
        f"Dataset {FLAGS.dataset}: {data.num_train_examples} training "
        f"examples, {task}, text features {data.text_features}; evaluating "
        f"on {data.eval_name} ({', '.join(metric_names)})."
    )
    steps_per_epoch = data.num_train_examples // FLAGS.batch_size
    if steps_per_epoch < 1:
        raise ValueError(
            f"`--batch_size` ({FLAGS.batch_size}) is larger than the "
            f"training set ({data.num_train_examples} examples). Received: "
            f"batch_size={FLAGS.batch_size}. Lower --batch_size."
        )
    pretrained = FLAGS.preset is not None
    epochs = FLAGS.epochs or (3 if pretrained else 12)
    learning_rate = FLAGS.learning_rate or (5e-5 if pretrained else 1e-3)
    total_steps = epochs * steps_per_epoch

    with strategy.scope():
        if pretrained:
            model = Classifier.from_preset(
                FLAGS.preset,
                dtype=policy,
                num_classes=data.num_classes,
                dropout=FLAGS.dropout,
                name="bert_classifier",
            )
            encoder = model.encoder
            if FLAGS.sequence_length > encoder.max_sequence_length:
                raise ValueError(
                    f"`--sequence_length` ({FLAGS.sequence_length}) exceeds "
                    "the encoder's `max_sequence_length` "
                    f"({encoder.max_sequence_length}). Received: "
                    f"sequence_length={FLAGS.sequence_length}. Lower it."
                )
        else:
            print(f"Learning a {FLAGS.vocab_size}-token WordPiece vocabulary.")
            tokenizer = learn_tokenizer(
                data.train, FLAGS.vocab_size, output_dir
            )
            encoder = presets.new_encoder(
                keras_nlp.encoders.BertEncoder, tokenizer, FLAGS.sequence_length
            )
            model = Classifier(
                encoder,
                num_classes=data.num_classes,
                dropout=FLAGS.dropout,
                name="bert_classifier",
            )
        # The loss (cross-entropy on logits, or mean squared error for
        # regression) and the regression metric are BertClassifier's
        # defaults; its accuracy metric, shorter named.
        model.compile(
            optimizer=optimization.create_optimizer(
                learning_rate,
                total_steps,
                warmup_fraction=FLAGS.warmup_fraction,
                weight_decay=FLAGS.weight_decay,
            ),
            metrics=(
                "auto"
                if data.regression
                else [keras.metrics.SparseCategoricalAccuracy("accuracy")]
            ),
            jit_compile=distribution.resolve_jit_compile(
                FLAGS.jit_compile, strategy
            ),
            steps_per_execution=FLAGS.steps_per_execution,
        )
    if pretrained:
        # The preset's vocabulary (the loaders check that its size is the
        # encoder's), or --vocab_file's, checked here.
        tokenizer = presets.load_tokenizer(
            FLAGS.preset,
            FLAGS.vocab_file,
            FLAGS.lowercase,
            vocab_size=encoder.vocab_size,
        )
    model.summary()
    preprocessor = keras_nlp.tokenizers.BertPreprocessor(
        tokenizer, sequence_length=FLAGS.sequence_length
    )
    on_tpu = FLAGS.distribution_strategy == "tpu"
    train = datasets.make_dataset(
        data.train, preprocessor, FLAGS.batch_size, True, True
    )
    evaluation = datasets.make_dataset(
        data.eval, preprocessor, FLAGS.batch_size, False, on_tpu
    )
    print(
        f"Training {epochs} epochs of {steps_per_epoch} steps, peak learning "
        f"rate {learning_rate:g}, {strategy.num_replicas_in_sync} "
        f"replica(s), dtype policy {policy}."
    )
    model.set_data_spec(train.element_spec)
    model.fit(
        train,
        validation_data=evaluation,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        callbacks=[
            tensorboard.tensorboard_callback(os.path.join(output_dir, "logs"))
        ],
    )
    metrics = model.evaluate(evaluation, return_dict=True, verbose=0)
    labels = np.concatenate([y.numpy() for y in evaluation.map(lambda x, y: y)])
    outputs = model.predict(evaluation.map(lambda x, y: x), verbose=0)
    outputs = np.asarray(outputs, "float32")
    predictions = outputs[:, 0] if data.regression else outputs.argmax(-1)
    task_metrics = glue_metrics.compute(metric_names, labels, predictions)
    summary = ", ".join(f"{k} {v:.3f}" for k, v in task_metrics.items())
    if data.regression:
        print(
            f"Held-out {summary} on {data.eval_name} ({len(labels)} "
            "examples)."
        )
        baseline = None
    else:
        baseline = float(
            np.bincount(labels.astype("int64")).max() / len(labels)
        )
        print(
            f"Held-out {summary} on {data.eval_name} ({len(labels)} "
            f"examples; majority-class accuracy {baseline:.3f})."
        )

    plain_classifier(model).save(os.path.join(output_dir, "classifier.keras"))
    exported = ExportedClassifier(
        preprocessor, model, data.class_names, len(data.text_features)
    )
    export_dir = os.path.join(output_dir, "saved_model")
    tf.saved_model.save(
        exported,
        export_dir,
        signatures={"serving_default": exported.serving_default},
    )
    results = {
        **task_metrics,
        "metrics": list(metric_names),
        "loss": float(metrics["loss"]),
        "regression": data.regression,
        "majority_baseline": baseline,
        "num_eval_examples": int(len(labels)),
        "class_names": data.class_names,
        "text_features": data.text_features,
        "dataset": FLAGS.dataset,
        "preset": FLAGS.preset,
        "epochs": epochs,
        "steps": int(model.optimizer.iterations.numpy()),
        "wall_time_seconds": round(time.time() - start_time, 1),
    }
    with open(os.path.join(output_dir, "results.json"), "w") as file:
        json.dump(results, file, indent=2)
    print(
        f"Saved {output_dir}/classifier.keras and the raw-string SavedModel "
        f"{export_dir} in {results['wall_time_seconds']:.0f} s."
    )


if __name__ == "__main__":
    cli.run(main)
