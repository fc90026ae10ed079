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

"""SQuAD v1.1 exact match and F1, as the official evaluation computes them.

Both compare the predicted answer with every reference answer of the
question and keep the best score. The texts are normalized first: lower
case, ASCII punctuation removed, the articles "a", "an" and "the" removed,
whitespace collapsed. Exact match is 1 when the normalized texts are
equal; F1 is the harmonic mean of precision and recall of the shared
words (counted with multiplicity). The dataset scores are the means over
the questions, times 100.
"""

import collections
import re
import string

PUNCTUATION = frozenset(string.punctuation)
ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text):
    """Lower-cases `text`, drops punctuation and articles, joins the words."""
    text = text.lower()
    text = "".join(c for c in text if c not in PUNCTUATION)
    text = ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction, reference):
    """1.0 if the normalized texts are equal, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(reference))


def f1(prediction, reference):
    """The F1 of the normalized words of `prediction` and `reference`."""
    predicted = normalize_answer(prediction).split()
    expected = normalize_answer(reference).split()
    shared = sum(
        (
            collections.Counter(predicted) & collections.Counter(expected)
        ).values()
    )
    if shared == 0:
        return 0.0
    precision = shared / len(predicted)
    recall = shared / len(expected)
    return 2 * precision * recall / (precision + recall)


def compute(predictions, references):
    """The dataset's exact match and F1, in percent.

    Args:
        predictions: dict. The predicted answer text of each question id.
        references: dict. The list of reference answer texts of each
            question id.

    Returns:
        A dict with `exact_match` and `f1` (0 to 100) over the questions of
        `references`.

    Raises:
        ValueError: if `references` is empty, a question has no reference
            answer, or a question of `references` has no prediction.
    """
    if not references:
        raise ValueError(
            "There are no questions to evaluate. Received: references={}. "
            "Pass the reference answers of at least one question."
        )
    missing = [key for key in references if key not in predictions]
    if missing:
        raise ValueError(
            f"{len(missing)} question(s) have no prediction, such as "
            f"{missing[0]!r}. Predict an answer (possibly empty) for every "
            "question."
        )
    exact_matches = []
    f1_scores = []
    for key, answers in references.items():
        if not answers:
            raise ValueError(
                f"Question {key!r} has no reference answer. Received: "
                f"references[{key!r}]={answers!r}. Give every question at "
                "least one answer."
            )
        prediction = predictions[key]
        exact_matches.append(max(exact_match(prediction, a) for a in answers))
        f1_scores.append(max(f1(prediction, a) for a in answers))
    return {
        "exact_match": 100.0 * sum(exact_matches) / len(exact_matches),
        "f1": 100.0 * sum(f1_scores) / len(f1_scores),
    }
