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

"""Reads question answering data in the SQuAD v1.1 JSON format.

A file is `{"data": [{"paragraphs": [{"context": str, "qas": [{"id": str,
"question": str, "answers": [{"text": str, "answer_start": int}]}]}]}]}`;
`answer_start` is the index of the answer's first character in the
context, counted in Python `str` characters (Unicode code points), as
SQuAD's own files count. Other keys (`version`, `title`) are ignored.
"""

import collections
import json
import os

Example = collections.namedtuple(
    "Example", ["id", "question", "context", "answers", "answer_start"]
)
Example.__doc__ = """One question about a context.

`answers` is the list of reference answer texts (the first is the training
label), `answer_start` the character offset of the first answer in
`context`, or None when the file is read without offsets.
"""


def read_squad_file(
    path, flag_name, require_answer_start, require_answers=True
):
    """Reads the questions of a SQuAD v1.1 JSON file.

    Args:
        path: str. The file.
        flag_name: str. The flag that named the file, for error messages.
        require_answer_start: bool. Whether the first answer of every
            question must have an `answer_start` that points at its text
            (training data); otherwise only the answer texts are read.
        require_answers: bool. Whether every question needs an answer
            (training and evaluation data); without, `answers` may be
            missing or empty (questions to answer). Defaults to `True`.

    Returns:
        A list of `Example`s, in file order.

    Raises:
        ValueError: if the file is missing, is not UTF-8 JSON in the SQuAD
            v1.1 layout, holds no question, repeats a question id, or (with
            `require_answer_start`) an `answer_start` does not point at its
            answer text.
    """
    if not os.path.isfile(path):
        raise ValueError(
            f"`--{flag_name}` must be an existing SQuAD v1.1 JSON file. "
            f"Received: {flag_name}={path!r}. Check the path."
        )
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            f"`--{flag_name}` {path} is not a UTF-8 JSON file: {error}. "
            "Pass a file in the SQuAD v1.1 JSON format."
        ) from None
    where = f"`--{flag_name}` {path}"
    articles = _field(data, "data", list, where, "the top level")
    examples = []
    ids = set()
    for i, article in enumerate(articles):
        paragraphs = _field(article, "paragraphs", list, where, f"data[{i}]")
        for j, paragraph in enumerate(paragraphs):
            location = f"data[{i}].paragraphs[{j}]"
            context = _field(paragraph, "context", str, where, location)
            qas = _field(paragraph, "qas", list, where, location)
            for k, qa in enumerate(qas):
                example = _read_question(
                    qa, context, where, f"{location}.qas[{k}]", require_answers
                )
                if require_answer_start:
                    example = _check_answer_start(qa, example, where)
                if example.id in ids:
                    raise ValueError(
                        f"{where}: the question id {example.id!r} appears "
                        "more than once. Give every question its own id."
                    )
                ids.add(example.id)
                examples.append(example)
    if not examples:
        raise ValueError(
            f"{where} holds no question (no `qas` entry in "
            "`data[].paragraphs[]`). Pass a SQuAD v1.1 JSON file with "
            "questions."
        )
    return examples


def _field(record, key, kind, where, location):
    if not isinstance(record, dict) or key not in record:
        raise ValueError(
            f"{where} is not in the SQuAD v1.1 format: {location} has no "
            f'`{key}` key. Expected `{{"data": [{{"paragraphs": '
            '[{"context": ..., "qas": [{"id": ..., "question": ..., '
            '"answers": [{"text": ..., "answer_start": ...}]}]}]}]}`.'
        )
    value = record[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(
            f"{where} is not in the SQuAD v1.1 format: {location}.{key} "
            f"must be a {kind.__name__}. Received: {type(value).__name__} "
            f"{_short(value)}."
        )
    return value


def _read_question(qa, context, where, location, require_answers):
    question_id = qa.get("id") if isinstance(qa, dict) else None
    if isinstance(question_id, int) and not isinstance(question_id, bool):
        question_id = str(question_id)
    if not isinstance(question_id, str):
        _field(qa, "id", str, where, location)
    question = _field(qa, "question", str, where, location)
    if not require_answers and not qa.get("answers"):
        return Example(question_id, question, context, [], None)
    answers = _field(qa, "answers", list, where, location)
    if not answers:
        raise ValueError(
            f"{where}: question {question_id!r} ({location}) has no answer. "
            "SQuAD v1.1 questions need at least one (SQuAD v2.0's "
            "unanswerable questions are not supported)."
        )
    texts = [
        _field(answer, "text", str, where, f"{location}.answers[{n}]")
        for n, answer in enumerate(answers)
    ]
    return Example(question_id, question, context, texts, None)


def _check_answer_start(qa, example, where):
    answer = qa["answers"][0]
    location = f"question {example.id!r}"
    start = _field(answer, "answer_start", int, where, f"{location} answer")
    text = example.answers[0]
    found = example.context[start : start + len(text)]
    if start < 0 or found != text or not text.strip():
        raise ValueError(
            f"{where}: the answer_start {start} of {location} points at "
            f"{found!r} in its context, not at the answer text {text!r}. "
            "`answer_start` must be the index of the answer's first "
            "character in the context (Python str indices, not bytes), "
            "and the answer must not be blank."
        )
    return example._replace(answer_start=start)


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
