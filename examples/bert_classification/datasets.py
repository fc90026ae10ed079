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

"""Labelled text datasets for classification: built-in, TFDS, CSV, TSV.

Every source becomes a `ClassificationData`: a training and an evaluation
`tf.data.Dataset` of `(segments, label)` pairs, where `segments` is a tuple
of one or two scalar strings (two for sentence pairs) and `label` an int32
class id (a float32 score for regression tasks such as GLUE STS-B), plus the
class names.
"""

import csv
import dataclasses
import io
import os

import numpy as np
import tensorflow as tf

from examples.common import tfds_utils

BUILTIN = "builtin"
BUILTIN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
BUILTIN_CLASS_NAMES = ("negative", "positive")
PREFIXES = ("tfds:", "csv:", "tsv:")


@dataclasses.dataclass
class ClassificationData:
    train: tf.data.Dataset
    eval: tf.data.Dataset
    num_train_examples: int
    class_names: list
    text_features: list
    eval_name: str
    regression: bool = False

    @property
    def num_classes(self):
        """The number of model outputs: 1 for regression."""
        return 1 if self.regression else len(self.class_names)


def load(
    dataset,
    eval_dataset=None,
    text_features=None,
    label_feature=None,
    class_names=None,
    train_split="train",
    eval_split=None,
    eval_fraction=0.2,
    tfds_data_dir=None,
    seed=0,
    regression=False,
):
    """Loads the labelled text of `dataset` (see the `--dataset` flag).

    A TFDS dataset is a regression task if its label is a float (GLUE
    STS-B); a csv:/tsv: file if `regression` is set, its labels floats.

    Raises:
        ValueError: for an unknown dataset name, a missing file, missing
            columns or features, and labels that are neither integers nor
            names in `class_names`.
    """
    if dataset == BUILTIN:
        if eval_dataset is None:
            eval_dataset = "tsv:" + os.path.join(BUILTIN_DIR, "test.tsv")
        dataset = "tsv:" + os.path.join(BUILTIN_DIR, "train.tsv")
        class_names = class_names or list(BUILTIN_CLASS_NAMES)
    if dataset.startswith("tfds:"):
        return _load_tfds(
            dataset[len("tfds:") :],
            text_features,
            label_feature,
            train_split,
            eval_split,
            tfds_data_dir,
        )
    if dataset.startswith(("csv:", "tsv:")):
        return _load_delimited(
            dataset,
            eval_dataset,
            text_features,
            label_feature or "label",
            class_names,
            eval_fraction,
            seed,
            regression,
        )
    raise ValueError(
        f"Unknown dataset. Expected {BUILTIN!r} or a name starting with one "
        f"of {PREFIXES} (e.g. tfds:glue/sst2, csv:/path/data.csv). "
        f"Received: dataset={dataset!r}."
    )


def make_dataset(data, preprocessor, batch_size, training, drop_remainder):
    """Batched `(encoder inputs, label)` pairs, tokenized in `tf.data`.

    Built the fast way: examples are batched first, so that the
    preprocessor (tokenization and packing) runs once per batch, in
    parallel calls (`tf.data.AUTOTUNE`), and batches are prefetched while
    the model trains. For training, the examples are shuffled and repeated
    without end.
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


def _load_tfds(
    name, text_features, label_feature, train_split, eval_split, data_dir
):
    import tensorflow_datasets as tfds

    builder = tfds_utils.builder(name, data_dir=data_dir, flag="dataset")
    features = builder.info.features
    if text_features is None:
        text_features = [
            key
            for key, feature in features.items()
            if isinstance(feature, tfds.features.Text)
        ]
        if len(text_features) not in (1, 2):
            raise ValueError(
                f"Cannot tell which features of tfds:{name} hold the text: "
                f"found the text features {text_features}. Name one or two "
                "with --text_features."
            )
    if label_feature is None:
        label_feature = "label"
    missing = [
        key
        for key in list(text_features) + [label_feature]
        if key not in features
    ]
    if missing:
        raise ValueError(
            f"tfds:{name} has no feature {missing}. Received: "
            f"text_features={list(text_features)}, "
            f"label_feature={label_feature!r}. Its features are "
            f"{sorted(features.keys())}: pick them with --text_features and "
            "--label_feature."
        )
    label = features[label_feature]
    regression = _is_float_scalar(label, tfds)
    if not regression and not isinstance(label, tfds.features.ClassLabel):
        raise ValueError(
            f"The label feature of tfds:{name} must be a ClassLabel (or a "
            f"float score, for regression). Received: label_feature="
            f"{label_feature!r} of type {type(label).__name__}. Pick "
            "another with --label_feature."
        )
    splits = builder.info.splits
    if eval_split is None:
        eval_split = _default_eval_split(name, splits)
    elif splits and eval_split.split("[")[0] not in splits:
        raise ValueError(
            f"tfds:{name} has no split {eval_split!r}. Received: "
            f"eval_split={eval_split!r}. Its splits are "
            f"{sorted(splits.keys())}: pick one with --eval_split."
        )

    def load_split(split):
        dataset = tfds.load(name, split=split, data_dir=data_dir)
        # Unlabelled examples (GLUE test sets) have label -1.
        dataset = dataset.filter(lambda example: example[label_feature] >= 0)
        return dataset.map(
            lambda example: (
                tuple(example[key] for key in text_features),
                tf.cast(
                    example[label_feature],
                    "float32" if regression else "int32",
                ),
            )
        )

    train = load_split(train_split)
    num_train = None
    if train_split in splits:
        num_train = splits[train_split].num_examples
    if not num_train:
        num_train = int(train.reduce(0, lambda count, _: count + 1))
    return ClassificationData(
        train=train,
        eval=load_split(eval_split),
        num_train_examples=num_train,
        class_names=[] if regression else list(label.names),
        text_features=list(text_features),
        eval_name=f"tfds:{name} split {eval_split!r}",
        regression=regression,
    )


def _is_float_scalar(feature, tfds):
    if isinstance(feature, tfds.features.ClassLabel):
        return False
    dtype = getattr(feature, "np_dtype", None)
    shape = getattr(feature, "shape", None)
    return dtype is not None and np.dtype(dtype).kind == "f" and shape == ()


# The evaluation splits tried in order; GLUE MNLI has two validation splits.
EVAL_SPLITS = ("validation", "validation_matched", "test")


def _default_eval_split(name, splits):
    if splits:
        for split in EVAL_SPLITS:
            if split in splits:
                return split
        raise ValueError(
            f"tfds:{name} has none of the splits {list(EVAL_SPLITS)} to "
            f"evaluate on. Its splits are {sorted(splits.keys())}: pick one "
            "with --eval_split."
        )
    # Split names unknown (e.g. no metadata yet): GLUE MNLI's are known.
    if name.split(":")[0] == "glue/mnli":
        return "validation_matched"
    return "validation"


def _load_delimited(
    dataset,
    eval_dataset,
    text_features,
    label_feature,
    class_names,
    eval_fraction,
    seed,
    regression=False,
):
    train_texts, train_labels, text_features = _read_table(
        dataset, text_features, label_feature
    )
    if eval_dataset is not None:
        if not eval_dataset.startswith(("csv:", "tsv:")):
            raise ValueError(
                "`--eval_dataset` must start with csv: or tsv:. Received: "
                f"eval_dataset={eval_dataset!r}."
            )
        eval_texts, eval_labels, _ = _read_table(
            eval_dataset, text_features, label_feature
        )
        eval_name = eval_dataset
    else:
        if not 0 < eval_fraction < 1:
            raise ValueError(
                "`--eval_fraction` must be in (0, 1). Received: "
                f"eval_fraction={eval_fraction}."
            )
        order = np.random.default_rng(seed).permutation(len(train_labels))
        num_eval = max(1, int(round(eval_fraction * len(order))))
        if num_eval >= len(order):
            raise ValueError(
                f"{dataset} has too few rows ({len(order)}) to hold out "
                f"{eval_fraction:.0%} for evaluation. Pass --eval_dataset."
            )
        eval_rows, train_rows = order[:num_eval], order[num_eval:]
        eval_texts = [[column[i] for i in eval_rows] for column in train_texts]
        eval_labels = [train_labels[i] for i in eval_rows]
        train_texts = [
            [column[i] for i in train_rows] for column in train_texts
        ]
        train_labels = [train_labels[i] for i in train_rows]
        eval_name = f"{eval_fraction:.0%} of {dataset} held out"
    if regression:
        class_names = []
        train_ids = _label_scores(dataset, train_labels)
        eval_ids = _label_scores(eval_name, eval_labels)
    else:
        class_names, train_ids, eval_ids = _label_ids(
            class_names, (dataset, train_labels), (eval_name, eval_labels)
        )

    def to_dataset(texts, ids):
        return tf.data.Dataset.from_tensor_slices(
            (
                tuple(texts),
                np.asarray(ids, dtype="float32" if regression else "int32"),
            )
        )

    return ClassificationData(
        train=to_dataset(train_texts, train_ids),
        eval=to_dataset(eval_texts, eval_ids),
        num_train_examples=len(train_ids),
        class_names=class_names,
        text_features=text_features,
        eval_name=eval_name,
        regression=regression,
    )


def _read_table(dataset, text_features, label_feature):
    """Reads the text columns and labels of a csv:/tsv: dataset."""
    kind, path = dataset.split(":", 1)
    if not os.path.isfile(path):
        raise ValueError(
            f"The {kind.upper()} file of the dataset does not exist. "
            f"Received: dataset={dataset!r}. Check the path."
        )
    with io.StringIO(_read_text(path), newline="") as file:
        reader = csv.DictReader(
            file,
            delimiter="\t" if kind == "tsv" else ",",
            quoting=csv.QUOTE_NONE if kind == "tsv" else csv.QUOTE_MINIMAL,
        )
        columns = reader.fieldnames or []
        if text_features is None:
            candidates = [c for c in ("text", "sentence") if c in columns]
            text_features = candidates[:1]
        missing = [
            name
            for name in list(text_features) + [label_feature]
            if name not in columns
        ]
        if missing or not text_features:
            raise ValueError(
                f"{dataset} has no column {missing or ['text']}. Its header "
                f"row names the columns {columns}. Received: "
                f"text_features={text_features}, "
                f"label_feature={label_feature!r}. Name the text column(s) "
                "with --text_features (one, or two for sentence pairs) and "
                "the label column with --label_feature."
            )
        texts = [[] for _ in text_features]
        labels = []
        for row in reader:
            for column, name in zip(texts, text_features):
                column.append(row[name] or "")
            labels.append((row[label_feature] or "").strip())
    if not labels:
        raise ValueError(
            f"{dataset} has no data rows. Received: a file with only the "
            f"header {columns}."
        )
    return texts, labels, list(text_features)


def _read_text(path):
    """The text of a UTF-8 file; invalid bytes become U+FFFD, reported."""
    with open(path, "rb") as file:
        raw = file.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        line = raw[: error.start].count(b"\n") + 1
        num_lines = sum(1 for row in text.splitlines() if "\ufffd" in row)
        print(
            f"Warning: {path} is not valid UTF-8 in {num_lines} line(s) "
            f"(the first is line {line}); the invalid bytes were replaced "
            "by U+FFFD. Re-encode the file as UTF-8 to keep them."
        )
        return text


def _label_scores(source, labels):
    """Parses the float labels of a regression dataset."""
    scores = []
    for row, label in enumerate(labels):
        try:
            scores.append(float(label))
        except ValueError:
            raise ValueError(
                f"With --regression every label must be a number. Received: "
                f"label={label!r} in data row {row + 1} of {source}. Fix the "
                "data, or drop --regression for class labels."
            ) from None
    return scores


def _label_ids(class_names, *named_labels):
    """Maps label strings to class ids; returns the class names too."""
    if class_names:
        index = {name: i for i, name in enumerate(class_names)}
    all_ids = []
    for source, labels in named_labels:
        ids = []
        for row, label in enumerate(labels):
            if class_names and label in index:
                ids.append(index[label])
                continue
            try:
                value = int(label)
            except ValueError:
                value = None
            if value is None or value < 0:
                expected = (
                    f"an integer class id or one of {list(class_names)}"
                    if class_names
                    else "an integer class id (0, 1, ...)"
                )
                raise ValueError(
                    f"Every label must be {expected}. Received: "
                    f"label={label!r} in data row {row + 1} of {source}. "
                    "Fix the data, or name the classes with "
                    "--class_names=name0,name1,... ."
                )
            if class_names and value >= len(class_names):
                raise ValueError(
                    f"Label {value} in data row {row + 1} of {source} is not "
                    f"a class id in [0, {len(class_names)}) of --class_names="
                    f"{','.join(class_names)}. Received: label={label!r}."
                )
            ids.append(value)
        all_ids.append(ids)
    if not class_names:
        num_classes = max(max(ids) for ids in all_ids) + 1
        class_names = [str(i) for i in range(max(num_classes, 2))]
    return (list(class_names), *all_ids)
