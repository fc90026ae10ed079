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

"""The metrics GLUE tasks are judged by, in NumPy.

Accuracy for most tasks; F1 of the positive class (and accuracy) for MRPC
and QQP; Matthews correlation for CoLA; Pearson and Spearman correlation
for the regression task STS-B. `task_metrics(dataset)` names the metrics
of a `--dataset` value, `compute(names, labels, predictions)` computes them.
"""

import numpy as np

ACCURACY = "accuracy"
F1 = "f1"
MATTHEWS = "matthews_correlation"
PEARSON = "pearson"
SPEARMAN = "spearman"
MEAN_SQUARED_ERROR = "mean_squared_error"

# The GLUE tasks with other metrics than accuracy (by TFDS config name).
GLUE_METRICS = {
    "cola": (MATTHEWS,),
    "mrpc": (F1, ACCURACY),
    "qqp": (F1, ACCURACY),
    "stsb": (PEARSON, SPEARMAN),
}


def task_metrics(dataset, regression=False):
    """The metric names for `dataset` (a `--dataset` value), main one first.

    GLUE tasks (`tfds:glue/NAME`) get their official metrics; other
    classification datasets accuracy, other regression datasets Pearson
    and Spearman correlation and the mean squared error.
    """
    if dataset.startswith("tfds:glue/"):
        config = dataset[len("tfds:glue/") :].split(":")[0]
        if config in GLUE_METRICS:
            return GLUE_METRICS[config]
    if regression:
        return (PEARSON, SPEARMAN, MEAN_SQUARED_ERROR)
    return (ACCURACY,)


def compute(names, labels, predictions):
    """A dict of the metrics `names` of `predictions` against `labels`.

    `predictions` are class ids for classification metrics and scores for
    regression metrics; both are 1-D arrays as long as `labels`.
    """
    labels = np.asarray(labels)
    predictions = np.asarray(predictions)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(
            "`labels` and `predictions` must be 1-D arrays of the same "
            f"length. Received: labels.shape={labels.shape}, "
            f"predictions.shape={predictions.shape}."
        )
    functions = {
        ACCURACY: accuracy,
        F1: f1_score,
        MATTHEWS: matthews_correlation,
        PEARSON: pearson_correlation,
        SPEARMAN: spearman_correlation,
        MEAN_SQUARED_ERROR: mean_squared_error,
    }
    return {name: float(functions[name](labels, predictions)) for name in names}


def accuracy(labels, predictions):
    """The fraction of predictions equal to their label."""
    return np.mean(np.asarray(labels) == np.asarray(predictions))


def f1_score(labels, predictions, positive=1):
    """The F1 score of class `positive`: 2 TP / (2 TP + FP + FN).

    0.0 when there are no positive labels and no positive predictions.
    """
    labels = np.asarray(labels) == positive
    predictions = np.asarray(predictions) == positive
    true_positives = np.sum(labels & predictions)
    denominator = 2 * true_positives + np.sum(labels ^ predictions)
    return 2 * true_positives / denominator if denominator else 0.0


def matthews_correlation(labels, predictions):
    """The Matthews correlation coefficient, for any number of classes.

    The multi-class form (Gorodkin, 2004) from the confusion matrix; for
    two classes it is (TP TN - FP FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
    0.0 when a denominator term is zero (constant labels or predictions).
    """
    labels = np.asarray(labels)
    predictions = np.asarray(predictions)
    classes, indices = np.unique(
        np.concatenate([labels, predictions]), return_inverse=True
    )
    label_ids = indices[: len(labels)]
    prediction_ids = indices[len(labels) :]
    confusion = np.zeros((len(classes), len(classes)), dtype="float64")
    np.add.at(confusion, (label_ids, prediction_ids), 1)
    total = confusion.sum()
    correct = np.trace(confusion)
    label_counts = confusion.sum(axis=1)
    prediction_counts = confusion.sum(axis=0)
    numerator = correct * total - np.dot(label_counts, prediction_counts)
    denominator = np.sqrt(
        (total**2 - np.dot(prediction_counts, prediction_counts))
        * (total**2 - np.dot(label_counts, label_counts))
    )
    return numerator / denominator if denominator else 0.0


def pearson_correlation(labels, predictions):
    """Pearson's correlation coefficient (0.0 if either is constant)."""
    x = np.asarray(labels, dtype="float64")
    y = np.asarray(predictions, dtype="float64")
    x = x - x.mean()
    y = y - y.mean()
    denominator = np.sqrt(np.sum(x * x) * np.sum(y * y))
    return np.sum(x * y) / denominator if denominator else 0.0


def spearman_correlation(labels, predictions):
    """Spearman's rank correlation: Pearson's of the ranks (ties averaged)."""
    return pearson_correlation(_ranks(labels), _ranks(predictions))


def mean_squared_error(labels, predictions):
    difference = np.asarray(labels, "float64") - np.asarray(
        predictions, "float64"
    )
    return np.mean(difference * difference)


def _ranks(values):
    """1-based ranks of `values`, tied values sharing their mean rank."""
    values = np.asarray(values, dtype="float64")
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    # Start index of each run of equal values, and each run's mean rank.
    starts = np.flatnonzero(
        np.r_[True, sorted_values[1:] != sorted_values[:-1]]
    )
    ends = np.r_[starts[1:], len(values)]
    mean_ranks = (starts + ends + 1) / 2.0
    ranks = np.empty(len(values), dtype="float64")
    ranks[order] = np.repeat(mean_ranks, ends - starts)
    return ranks
