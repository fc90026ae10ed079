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

"""Questions and contexts to span-labeler inputs, and logits back to text.

Each question is packed with its context as `[CLS] question [SEP] context
[SEP]` (question = segment A, context = segment B), padded to
`sequence_length`. A context longer than the room left by the question is
split into overlapping windows, as BERT's SQuAD code does: each window
holds up to that many context tokens and starts `doc_stride` tokens after
the previous one, and every window is one feature.

Training labels are token positions in the packed sequence. The answer's
character span is turned into a byte span of the context's UTF-8 encoding
(the tokenizers' offsets are byte offsets; `answer_start` counts Python
`str` characters), then into the first and last token that overlap it.
A window that does not hold the whole answer is labelled with position 0
(`[CLS]`) for both start and end, as in BERT's SQuAD v1.1 code: it teaches
the model that the answer is not there, and prediction never picks
`[CLS]`.

Prediction scores every span `start <= end` of context tokens of a window
(at most `max_answer_length` tokens, starting at a token that this window
shows with the most surrounding context) by `start_logit + end_logit`,
keeps the best over the windows of a question, and returns the context
text between the first token's start offset and the last token's end
offset, without whitespace at either end: the original characters, case
and accents included, without WordPiece's `##` or SentencePiece's `▁`.
"""

import collections

import numpy as np

# How many of the best start and end positions of a window are combined.
NUM_BEST_POSITIONS = 20

Tokenized = collections.namedtuple(
    "Tokenized",
    ["question_ids", "context_ids", "context_starts", "context_ends"],
)
Tokenized.__doc__ = """Token ids (lists of ints) and context byte offsets.

`question_ids[i]` are the ids of question `i`; `context_ids[i]`,
`context_starts[i]` and `context_ends[i]` the ids and UTF-8 byte offsets of
the tokens of its context.
"""

Features = collections.namedtuple(
    "Features",
    [
        "inputs",
        "start_positions",
        "end_positions",
        "example_index",
        "context_offset",
        "window_start",
        "window_length",
        "max_context",
    ],
)
Features.__doc__ = """Packed windows, one row per window.

`inputs` is the span labeler's input dict (int32 `(num_windows,
sequence_length)` arrays); `start_positions` and `end_positions` the
training labels (`[CLS]`, 0, when the window does not hold the answer;
-1 without answers); `example_index` the question of each window;
`context_offset` the position of the window's first context token,
`window_start` the index of that token in the context and `window_length`
how many context tokens the window holds; `max_context` is True at the
positions of the context tokens that no other window shows with more
context on both sides.
"""


def tokenize(tokenizer, examples, batch_size=1024):
    """Tokenizes the questions and (once each) the contexts of `examples`.

    Returns:
        A `Tokenized`, one entry per example.
    """
    questions = [example.question for example in examples]
    question_ids = []
    for start in range(0, len(questions), batch_size):
        batch = questions[start : start + batch_size]
        question_ids += tokenizer.tokenize(batch).to_list()
    contexts = list(dict.fromkeys(example.context for example in examples))
    by_context = {}
    for start in range(0, len(contexts), batch_size):
        batch = contexts[start : start + batch_size]
        ids, starts, ends = tokenizer.tokenize_with_offsets(batch)
        for context, values in zip(
            batch, zip(ids.to_list(), starts.to_list(), ends.to_list())
        ):
            by_context[context] = values
    per_example = [by_context[example.context] for example in examples]
    return Tokenized(question_ids, *map(list, zip(*per_example)))


def answer_byte_span(context, answer_start, answer_text):
    """The UTF-8 byte span of the answer at character `answer_start`."""
    start = len(context[:answer_start].encode("utf-8"))
    return start, start + len(answer_text.encode("utf-8"))


def answer_token_span(starts, ends, byte_start, byte_end):
    """The first and last token overlapping `[byte_start, byte_end)`.

    Returns None if no token overlaps it (an answer of only whitespace or
    characters the tokenizer drops).
    """
    tokens = [
        index
        for index, (start, end) in enumerate(zip(starts, ends))
        if start < byte_end and end > byte_start and end > start
    ]
    if not tokens:
        return None
    return tokens[0], tokens[-1]


def windows(num_tokens, max_tokens, doc_stride):
    """`(start, length)` of each window over `num_tokens` context tokens.

    Windows hold up to `max_tokens` tokens and start `doc_stride` tokens
    apart (or right after the previous one when it is shorter), until one
    reaches the last token. An empty context has one empty window.
    """
    spans = []
    start = 0
    while True:
        length = min(num_tokens - start, max_tokens)
        spans.append((start, length))
        if start + length >= num_tokens:
            return spans
        start += min(length, doc_stride)


def make_features(
    examples,
    tokenized,
    sequence_length,
    max_query_length,
    doc_stride,
    cls_token_id,
    sep_token_id,
    pad_token_id,
    with_labels,
):
    """Packs every question with each window of its context.

    Args:
        examples: list of `squad_file.Example`.
        tokenized: the `Tokenized` of `examples`.
        sequence_length: int. The packed length.
        max_query_length: int. Questions are cut to this many tokens.
        doc_stride: int. Tokens between the starts of two windows.
        cls_token_id, sep_token_id, pad_token_id: int. Special tokens.
        with_labels: bool. Whether to compute the start and end labels
            (each example then needs `answer_start`).

    Returns:
        A tuple `(features, num_unlocated)`: the `Features`, and how many
        examples (with labels) had an answer that no token overlaps; those
        get no feature.
    """
    rows = collections.defaultdict(list)
    num_unlocated = 0
    for index, example in enumerate(examples):
        query = tokenized.question_ids[index][:max_query_length]
        context_ids = tokenized.context_ids[index]
        starts = tokenized.context_starts[index]
        ends = tokenized.context_ends[index]
        answer_tokens = None
        if with_labels:
            answer_tokens = answer_token_span(
                starts,
                ends,
                *answer_byte_span(
                    example.context, example.answer_start, example.answers[0]
                ),
            )
            if answer_tokens is None:
                num_unlocated += 1
                continue
        offset = len(query) + 2
        room = sequence_length - offset - 1
        spans = windows(len(context_ids), room, doc_stride)
        for start, length in spans:
            ids = (
                [cls_token_id]
                + query
                + [sep_token_id]
                + context_ids[start : start + length]
                + [sep_token_id]
            )
            padding = sequence_length - len(ids)
            rows["input_word_ids"].append(ids + [pad_token_id] * padding)
            rows["input_mask"].append([1] * len(ids) + [0] * padding)
            rows["input_type_ids"].append(
                [0] * offset + [1] * (length + 1) + [0] * padding
            )
            label = (-1, -1)
            if answer_tokens is not None:
                first, last = answer_tokens
                label = (0, 0)
                if start <= first and last < start + length:
                    label = (first - start + offset, last - start + offset)
            rows["start_positions"].append(label[0])
            rows["end_positions"].append(label[1])
            rows["example_index"].append(index)
            rows["context_offset"].append(offset)
            rows["window_start"].append(start)
            rows["window_length"].append(length)
            rows["max_context"].append(
                _max_context_mask(spans, start, length, offset, sequence_length)
            )
    if not rows:
        return None, num_unlocated
    inputs = {
        name: np.array(rows.pop(name), "int32")
        for name in ("input_word_ids", "input_mask", "input_type_ids")
    }
    arrays = {name: np.array(values) for name, values in rows.items()}
    return Features(inputs=inputs, **arrays), num_unlocated


def _max_context_mask(spans, start, length, offset, sequence_length):
    """Whether this window gives each of its tokens the most context."""
    mask = np.zeros(sequence_length, bool)
    for token in range(start, start + length):
        best = None
        for other_start, other_length in spans:
            if not other_start <= token < other_start + other_length:
                continue
            left = token - other_start
            right = other_start + other_length - 1 - token
            score = min(left, right) + 0.01 * other_length
            if best is None or score > best[0]:
                best = (score, other_start)
        mask[offset + token - start] = best[1] == start
    return mask


def best_answers(
    features, start_logits, end_logits, examples, tokenized, max_answer_length
):
    """The predicted answer text of every example, from the window logits.

    Args:
        features: the `Features` the logits were computed on.
        start_logits, end_logits: float arrays `(num_windows,
            sequence_length)`.
        examples: the list of `squad_file.Example` of `features`.
        tokenized: the `Tokenized` of `examples`.
        max_answer_length: int. The longest answer, in tokens.

    Returns:
        A dict from question id to answer text, a substring of the
        question's context (empty only for an empty context).
    """
    best = {}
    for row in range(len(features.example_index)):
        index = int(features.example_index[row])
        offset = int(features.context_offset[row])
        length = int(features.window_length[row])
        if length == 0:
            continue
        positions = np.arange(offset, offset + length)
        is_start = features.max_context[row][positions]
        start_scores = start_logits[row][positions]
        end_scores = end_logits[row][positions]
        starts = np.argsort(np.where(is_start, start_scores, -np.inf))[::-1]
        starts = starts[: min(NUM_BEST_POSITIONS, int(is_start.sum()))]
        ends = np.argsort(end_scores)[::-1][:NUM_BEST_POSITIONS]
        for first in starts:
            for last in ends:
                if last < first or last - first + 1 > max_answer_length:
                    continue
                score = float(start_scores[first] + end_scores[last])
                if index not in best or score > best[index][0]:
                    window_start = int(features.window_start[row])
                    best[index] = (
                        score,
                        window_start + int(first),
                        window_start + int(last),
                    )
    answers = {}
    for index, example in enumerate(examples):
        if index not in best:
            answers[example.id] = ""
            continue
        _, first, last = best[index]
        answers[example.id] = span_text(
            example.context,
            tokenized.context_starts[index][first],
            tokenized.context_ends[index][last],
        )
    return answers


def span_text(context, byte_start, byte_end):
    """The text of `context` at UTF-8 bytes `[byte_start, byte_end)`.

    Whitespace at either end is dropped: a SentencePiece piece that starts
    a word ("▁São") also spans the space before it.
    """
    text = context.encode("utf-8")[byte_start:byte_end].decode("utf-8")
    return text.strip()
