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
the training text), attaches a dropout + dense classification head to its
`pooled_output`, and trains with BERT's recipe (AdamW, linear warm-up and
decay) on a labelled text dataset (`--dataset`: the built-in movie
reviews, a TFDS dataset, or a CSV/TSV file; single sentences or sentence
pairs). Tokenization and packing run in `tf.data`. It prints per-epoch
metrics and the held-out accuracy, writes TensorBoard logs, and saves:

- `classifier.keras`: the fine-tuned model (token ids in, logits out);
- `saved_model/`: a SavedModel that takes raw strings and returns class
  probabilities (`tf.saved_model.load(path).serve(["some text"])`, after
  `import tensorflow_text`);
- `results.json`: the held-out accuracy and the run's settings.

Usage (from the repository root):

```shell
python -m examples.bert_classification.train
python -m examples.bert_classification.train --preset=/path/to/preset \
    --dataset=tfds:glue/sst2 --epochs=3 --learning_rate=2e-5
```
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from absl import app  # noqa: E402
from absl import flags  # noqa: E402

import keras_nlp  # noqa: E402
from examples.bert_classification import datasets  # noqa: E402
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
flags.DEFINE_string(
    "vocab_file",
    None,
    "The preset's vocabulary (vocab.txt or a SentencePiece .model), if it "
    "is not inside --preset.",
)
flags.DEFINE_bool(
    "lowercase",
    None,
    "Whether a WordPiece vocabulary outside a keras_nlp preset is "
    "lower-cased (uncased models). Default: from the preset, else True.",
)
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
distribution.define_flags()
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

LAYER_NORM_EPSILON = 1e-12
ENCODER_INPUTS = ("input_word_ids", "input_mask", "input_type_ids")


class ExportedClassifier(tf.Module):
    """Raw strings in, class probabilities out: preprocessor, encoder, head.

    `serve(text)` (or `serve(text, text_pair)` for sentence pairs) takes
    1-D string tensors and returns `(batch_size, num_classes)` float32
    probabilities; the `serving_default` signature returns them as
    `{"probabilities": ...}`. `class_names` holds the class names.
    """

    def __init__(self, preprocessor, model, class_names, num_segments):
        super().__init__()
        # Only the variables are tracked (the functions capture the layers),
        # so that saving does not walk the whole Keras object graph.
        self.model_variables = [variable.value for variable in model.variables]
        self.class_names = tf.Variable(class_names, trainable=False)

        def probabilities(*segments):
            features = preprocessor(
                segments[0] if len(segments) == 1 else tuple(segments)
            )
            logits = model(features, training=False)
            return tf.nn.softmax(tf.cast(logits, "float32"), axis=-1)

        names = ["text", "text_pair"][:num_segments]
        signature = [tf.TensorSpec([None], tf.string, name=n) for n in names]
        self.serve = tf.function(probabilities, input_signature=signature)
        self.serving_default = tf.function(
            lambda *segments: {"probabilities": probabilities(*segments)},
            input_signature=signature,
        )


def build_classifier(encoder, num_classes, sequence_length, dropout):
    """The encoder's `pooled_output` -> dropout -> dense logits."""
    inputs = {
        name: keras.Input(shape=(sequence_length,), dtype="int32", name=name)
        for name in ENCODER_INPUTS
    }
    pooled = encoder(inputs)["pooled_output"]
    pooled = keras.layers.Dropout(dropout, name="head_dropout")(pooled)
    logits = keras.layers.Dense(
        num_classes,
        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
        dtype="float32",
        name="logits",
    )(pooled)
    return distribution.StrategyModel(inputs, logits, name="bert_classifier")


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


def make_dataset(data, preprocessor, batch_size, training, drop_remainder):
    """Batched `(encoder inputs, label)` pairs, tokenized in `tf.data`.

    For training, the examples are shuffled and repeated without end.
    """
    if training:
        data = data.shuffle(10_000, reshuffle_each_iteration=True).repeat()
    data = data.batch(batch_size, drop_remainder=drop_remainder)
    data = data.map(
        lambda segments, label: (preprocessor(segments), label),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    return data.with_options(options).prefetch(tf.data.AUTOTUNE)


def main(_):
    start_time = time.time()
    # Keras warns that it does not shuffle a `tf.data.Dataset`: this one is
    # shuffled in `make_dataset`.
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed")
    # Evaluating a dataset of unknown length (e.g. a filtered TFDS split)
    # ends when the data does; Keras warns about that too.
    warnings.filterwarnings("ignore", message="Your input ran out of data")
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
    )
    print(
        f"Dataset {FLAGS.dataset}: {data.num_train_examples} training "
        f"examples, {data.num_classes} classes {data.class_names}, text "
        f"features {data.text_features}; evaluating on {data.eval_name}."
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
            tokenizer = presets.load_tokenizer(
                FLAGS.preset, FLAGS.vocab_file, FLAGS.lowercase
            )
            encoder = presets.load_encoder(FLAGS.preset, dtype=policy)
            presets.check_vocabulary(tokenizer, encoder, FLAGS.preset)
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
            encoder = keras_nlp.encoders.BertEncoder(
                vocab_size=tokenizer.vocab_size(),
                hidden_size=FLAGS.hidden_size,
                num_layers=FLAGS.num_layers,
                num_attention_heads=FLAGS.num_attention_heads,
                inner_dim=FLAGS.inner_dim,
                max_sequence_length=FLAGS.sequence_length,
                type_vocab_size=2,
            )
        model = build_classifier(
            encoder, data.num_classes, FLAGS.sequence_length, FLAGS.dropout
        )
        model.compile(
            optimizer=optimization.create_optimizer(
                learning_rate,
                total_steps,
                warmup_fraction=FLAGS.warmup_fraction,
                weight_decay=FLAGS.weight_decay,
            ),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=[keras.metrics.SparseCategoricalAccuracy("accuracy")],
            jit_compile=distribution.resolve_jit_compile(
                FLAGS.jit_compile, strategy
            ),
            steps_per_execution=FLAGS.steps_per_execution,
        )
    model.summary()
    preprocessor = keras_nlp.tokenizers.BertPreprocessor(
        tokenizer, sequence_length=FLAGS.sequence_length
    )
    on_tpu = FLAGS.distribution_strategy == "tpu"
    train = make_dataset(data.train, preprocessor, FLAGS.batch_size, True, True)
    evaluation = make_dataset(
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
    labels = np.concatenate([y.numpy() for _, y in evaluation])
    baseline = float(np.bincount(labels).max() / len(labels))
    print(
        f"Held-out accuracy on {data.eval_name}: {metrics['accuracy']:.3f} "
        f"({len(labels)} examples; majority-class baseline {baseline:.3f})."
    )

    # A plain functional model over the same layers, without the optimizer:
    # it loads with keras_nlp alone.
    keras.Model(model.input, model.output, name=model.name).save(
        os.path.join(output_dir, "classifier.keras")
    )
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
        "accuracy": float(metrics["accuracy"]),
        "loss": float(metrics["loss"]),
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
    app.run(main)
