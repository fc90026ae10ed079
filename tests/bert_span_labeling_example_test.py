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

"""Tests of examples/bert_span_labeling: metrics, features, end to end.

The SQuAD metrics are checked against hand-computed values; the feature
code (byte offsets, windows, labels, span decoding) against hand-worked
cases on a toy vocabulary with accents; the program runs in a subprocess
on the built-in data, on SQuAD files the tests write and from a preset
directory.
"""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_nlp
from examples.bert_span_labeling import span_features
from examples.bert_span_labeling import squad_file
from examples.bert_span_labeling import squad_metrics
from keras_nlp.testing import vocabularies
from keras_nlp.testing.test_case import TestCase

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "examples.bert_span_labeling.train"
DATA_DIR = os.path.join(REPO_ROOT, "examples", "bert_span_labeling", "data")

# TensorFlow's start-up lines that the program silences.
NOISE = (
    "oneDNN custom operations",
    "All log messages before absl::InitializeLog",
    "Could not find cuda drivers",
    # Keras on the pooler, which the span head does not use.
    "Gradients do not exist",
)

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (
    "where does zoe live ? lives in sao paulo . she plays the cello "
    "and was born kra ##kow ##s who"
).split()
CONTEXT = "Zoë lives in São Paulo. She plays the cello and was born in Kraków."


def run_program(args, timeout=600):
    # As users run it: without the test suite's TF_CPP_MIN_LOG_LEVEL.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run(
        [sys.executable, "-m", MODULE] + args,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def squad_json(paragraphs):
    """A SQuAD v1.1 file's data: `paragraphs` is [(context, qas)]."""
    return {
        "version": "1.1",
        "data": [
            {
                "title": "test",
                "paragraphs": [
                    {"context": context, "qas": qas}
                    for context, qas in paragraphs
                ],
            }
        ],
    }


def question(question_id, text, answer, context):
    return {
        "id": question_id,
        "question": text,
        "answers": [{"text": answer, "answer_start": context.index(answer)}],
    }


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False)
    return path


def example(question_text, answer, context=CONTEXT, question_id="q"):
    return squad_file.Example(
        question_id, question_text, context, [answer], context.index(answer)
    )


class SquadMetricsTest(TestCase):
    def test_normalize_answer(self):
        # Lower case, ASCII punctuation and the articles a/an/the removed,
        # whitespace collapsed.
        self.assertEqual(
            squad_metrics.normalize_answer("  The Eiffel-Tower,\tin A city!"),
            "eiffeltower in city",
        )
        self.assertEqual(squad_metrics.normalize_answer("an theory"), "theory")
        # Articles only as whole words; non-ASCII letters are kept.
        self.assertEqual(
            squad_metrics.normalize_answer("Theatre São Paulo"),
            "theatre são paulo",
        )

    def test_exact_match_and_f1_by_hand(self):
        self.assertEqual(squad_metrics.exact_match("the Cello.", "cello"), 1.0)
        self.assertEqual(squad_metrics.exact_match("cellos", "cello"), 0.0)
        # "eiffel tower paris" vs "eiffel tower": 2 shared words,
        # precision 2/3, recall 1, F1 = 2 * (2/3) / (5/3) = 0.8.
        self.assertAllClose(
            squad_metrics.f1("the Eiffel Tower, Paris", "Eiffel tower"), 0.8
        )
        # Counted with multiplicity: "a b b" vs "b b b c": 2 shared,
        # precision 2/3, recall 2/4, F1 = 2 * (1/3) / (7/6) = 4/7.
        self.assertAllClose(squad_metrics.f1("x b b", "b b b c"), 4 / 7)
        self.assertEqual(squad_metrics.f1("nothing shared", "at all"), 0.0)
        self.assertEqual(squad_metrics.f1("", "cello"), 0.0)

    def test_compute_takes_best_reference(self):
        scores = squad_metrics.compute(
            {"1": "São Paulo", "2": "in Kraków city", "3": "cello"},
            {
                "1": ["Kraków", "são paulo"],  # EM 1, F1 1.
                "2": ["Kraków", "in Kraków"],  # EM 0, F1 max(1/2, 4/5).
                "3": ["the violin"],  # EM 0, F1 0.
            },
        )
        self.assertAllClose(scores["exact_match"], 100 / 3)
        self.assertAllClose(scores["f1"], 100 * (1 + 0.8 + 0) / 3)

    def test_compute_errors(self):
        with self.assertRaisesRegex(ValueError, "no prediction, such as '2'"):
            squad_metrics.compute({"1": "a"}, {"1": ["a"], "2": ["b"]})
        with self.assertRaisesRegex(ValueError, "no questions"):
            squad_metrics.compute({}, {})
        with self.assertRaisesRegex(ValueError, "no reference answer"):
            squad_metrics.compute({"1": "a"}, {"1": []})


class SpanFeaturesTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(VOCABULARY)

    def test_answer_byte_span_counts_utf8_bytes(self):
        # "Zoë lives in " is 13 characters but 14 bytes (ë is 2 bytes);
        # "São Paulo" is 9 characters, 10 bytes.
        start = CONTEXT.index("São Paulo")
        self.assertEqual(start, 13)
        self.assertEqual(
            span_features.answer_byte_span(CONTEXT, start, "São Paulo"),
            (14, 24),
        )

    def test_offsets_map_tokens_back_to_original_text(self):
        examples = [example("Where does Zoë live?", "São Paulo")]
        tokenized = span_features.tokenize(self.tokenizer, examples)
        ids = tokenized.context_ids[0]
        tokens = [VOCABULARY[i] for i in ids]
        self.assertEqual(
            tokens[:6], ["zoe", "lives", "in", "sao", "paulo", "."]
        )
        self.assertEqual(tokens[-3:], ["kra", "##kow", "."])
        first, last = span_features.answer_token_span(
            tokenized.context_starts[0],
            tokenized.context_ends[0],
            *span_features.answer_byte_span(CONTEXT, 13, "São Paulo"),
        )
        self.assertEqual((first, last), (3, 4))
        text = span_features.span_text(
            CONTEXT,
            tokenized.context_starts[0][first],
            tokenized.context_ends[0][last],
        )
        self.assertEqual(text, "São Paulo")
        # A word split into pieces maps back without "##", with its accent.
        kra = tokens.index("kra")
        text = span_features.span_text(
            CONTEXT,
            tokenized.context_starts[0][kra],
            tokenized.context_ends[0][kra + 1],
        )
        self.assertEqual(text, "Kraków")
        self.assertEqual(tokenized.question_ids[0], [5, 6, 7, 8, 9])

    def test_sentence_piece_offsets(self):
        proto = vocabularies.train_sentence_piece(
            corpus=[CONTEXT, "Where does Zoë live?"], vocab_size=40
        )
        tokenizer = keras_nlp.tokenizers.SentencePieceTokenizer(proto)
        examples = [example("Where does Zoë live?", "São Paulo")]
        tokenized = span_features.tokenize(tokenizer, examples)
        first, last = span_features.answer_token_span(
            tokenized.context_starts[0],
            tokenized.context_ends[0],
            *span_features.answer_byte_span(CONTEXT, 13, "São Paulo"),
        )
        # The first piece is "▁S" (with the space before it), the last
        # "lo"; the answer text has neither the space nor "▁".
        self.assertEqual(
            tokenizer.id_to_token(tokenized.context_ids[0][first]), "▁S"
        )
        self.assertEqual(
            span_features.span_text(
                CONTEXT,
                tokenized.context_starts[0][first],
                tokenized.context_ends[0][last],
            ),
            "São Paulo",
        )

    def test_answer_token_span_of_partial_token(self):
        # Bytes inside a token select the whole token; a span between
        # tokens selects none.
        starts, ends = [0, 4, 10], [3, 9, 12]
        self.assertEqual(
            span_features.answer_token_span(starts, ends, 5, 7), (1, 1)
        )
        self.assertEqual(
            span_features.answer_token_span(starts, ends, 2, 11), (0, 2)
        )
        self.assertIsNone(span_features.answer_token_span(starts, ends, 3, 4))

    def test_windows(self):
        self.assertEqual(
            span_features.windows(10, 4, 2), [(0, 4), (2, 4), (4, 4), (6, 4)]
        )
        self.assertEqual(span_features.windows(3, 4, 2), [(0, 3)])
        self.assertEqual(span_features.windows(0, 4, 2), [(0, 0)])
        # The stride never skips tokens: at most a window's length.
        self.assertEqual(
            span_features.windows(10, 4, 8), [(0, 4), (4, 4), (8, 2)]
        )

    def make_features(self, examples, sequence_length, doc_stride=2):
        tokenized = span_features.tokenize(self.tokenizer, examples)
        features, num_unlocated = span_features.make_features(
            examples,
            tokenized,
            sequence_length=sequence_length,
            max_query_length=3,
            doc_stride=doc_stride,
            cls_token_id=2,
            sep_token_id=3,
            pad_token_id=0,
            with_labels=True,
        )
        self.assertEqual(num_unlocated, 0)
        return tokenized, features

    def test_packing_without_windows(self):
        examples = [example("Who lives in Kraków?", "Kraków")]
        tokenized, features = self.make_features(examples, 32)
        # The question is cut to 3 tokens ("who lives in").
        query = [VOCABULARY.index(t) for t in ("who", "lives", "in")]
        context = tokenized.context_ids[0]
        expected = [2] + query + [3] + context + [3]
        expected += [0] * (32 - len(expected))
        self.assertEqual(features.inputs["input_word_ids"].tolist(), [expected])
        num_real = 2 + len(query) + len(context) + 1
        self.assertEqual(
            features.inputs["input_mask"][0].tolist(),
            [1] * num_real + [0] * (32 - num_real),
        )
        self.assertEqual(
            features.inputs["input_type_ids"][0].tolist(),
            [0] * 5 + [1] * (len(context) + 1) + [0] * (32 - num_real),
        )
        # "Kraków" is the pieces "kra ##kow", context tokens 14 and 15.
        self.assertEqual(
            [VOCABULARY[i] for i in context[14:16]], ["kra", "##kow"]
        )
        self.assertEqual(features.start_positions.tolist(), [5 + 14])
        self.assertEqual(features.end_positions.tolist(), [5 + 15])
        self.assertTrue(features.max_context[0][5 : 5 + len(context)].all())
        self.assertFalse(features.max_context[0][:5].any())

    def test_windows_label_answer_or_cls(self):
        examples = [
            example("Who lives in Kraków?", "Kraków"),
            example("Where does Zoë live?", "São Paulo", question_id="p"),
        ]
        tokenized, features = self.make_features(examples, 12, doc_stride=3)
        # 12 - 5 (CLS, 3 query tokens, SEP) - 1 (SEP) = 6 context tokens.
        num_context = len(tokenized.context_ids[0])
        self.assertEqual(num_context, 17)
        spans = span_features.windows(num_context, 6, 3)
        self.assertEqual(spans, [(0, 6), (3, 6), (6, 6), (9, 6), (12, 5)])
        self.assertEqual(len(features.example_index), 2 * len(spans))
        for row in range(len(features.example_index)):
            index = features.example_index[row]
            start, length = spans[row % len(spans)]
            ids = features.inputs["input_word_ids"][row]
            context = tokenized.context_ids[index]
            self.assertEqual(ids[5 : 5 + length].tolist(), context[start:][:6])
            answer = {0: (14, 15), 1: (3, 4)}[index]
            label = (features.start_positions[row], features.end_positions[row])
            if start <= answer[0] and answer[1] < start + length:
                self.assertEqual(
                    label, (answer[0] - start + 5, answer[1] - start + 5)
                )
            else:
                self.assertEqual(label, (0, 0))
        # Every context token is the max-context token of exactly one window
        # of its question; token 5 is more central in window (3, 6) than in
        # (0, 6).
        for index in (0, 1):
            rows = np.flatnonzero(features.example_index == index)
            counts = np.zeros(num_context, int)
            for row in rows:
                start, length = spans[row % len(spans)]
                mask = features.max_context[row][5 : 5 + length]
                counts[start : start + length] += mask
            self.assertEqual(counts.tolist(), [1] * num_context)
        self.assertFalse(features.max_context[0][5 + 5])
        self.assertTrue(features.max_context[1][5 + 2])

    def test_best_answers_picks_best_valid_span(self):
        examples = [example("Where does Zoë live?", "São Paulo")]
        tokenized, features = self.make_features(examples, 32)
        start_logits = np.zeros((1, 32), "float32")
        end_logits = np.zeros((1, 32), "float32")
        # The question tokens and [CLS] score highest: never chosen.
        start_logits[0, :5] = 100.0
        end_logits[0, :5] = 100.0
        # The best end (context token 2) is before the best start (token
        # 3): the best pair with start <= end is "São Paulo" (3..4).
        start_logits[0, 5 + 3] = 5.0
        end_logits[0, 5 + 2] = 9.0
        end_logits[0, 5 + 4] = 4.0
        answers = span_features.best_answers(
            features, start_logits, end_logits, examples, tokenized, 30
        )
        self.assertEqual(answers, {"q": "São Paulo"})
        # A longer span with a higher score loses to max_answer_length.
        end_logits[0, 5 + 15] = 6.0  # "São Paulo. She ... Kraków"
        answers = span_features.best_answers(
            features, start_logits, end_logits, examples, tokenized, 30
        )
        self.assertEqual(
            answers["q"],
            "São Paulo. She plays the cello and was born in Kraków",
        )
        answers = span_features.best_answers(
            features, start_logits, end_logits, examples, tokenized, 2
        )
        self.assertEqual(answers, {"q": "São Paulo"})

    def test_best_answers_across_windows(self):
        examples = [example("Who lives in Kraków?", "Kraków")]
        tokenized, features = self.make_features(examples, 12, doc_stride=3)
        num_windows = len(features.example_index)
        start_logits = np.zeros((num_windows, 12), "float32")
        end_logits = np.zeros((num_windows, 12), "float32")
        # Kraków (context tokens 14, 15) lies in the last window, (12, 5).
        last = num_windows - 1
        self.assertEqual(features.window_start[last], 12)
        start_logits[last, 5 + 2] = 3.0
        end_logits[last, 5 + 3] = 3.0
        start_logits[0, 5 + 0] = 2.0  # "Zoë" in the first window.
        end_logits[0, 5 + 0] = 2.0
        answers = span_features.best_answers(
            features, start_logits, end_logits, examples, tokenized, 30
        )
        self.assertEqual(answers, {"q": "Kraków"})


class SquadFileTest(TestCase):
    def test_reads_questions(self):
        path = write_json(
            os.path.join(self.get_temp_dir(), "train.json"),
            squad_json(
                [
                    (
                        CONTEXT,
                        [
                            question("a", "Where?", "São Paulo", CONTEXT),
                            question(7, "Which?", "cello", CONTEXT),
                        ],
                    )
                ]
            ),
        )
        examples = squad_file.read_squad_file(path, "train_file", True)
        self.assertEqual([e.id for e in examples], ["a", "7"])
        self.assertEqual(examples[0].answer_start, 13)
        self.assertEqual(examples[1].answers, ["cello"])
        self.assertEqual(examples[1].context, CONTEXT)

    def assertFileError(self, data, regex, require_answer_start=True):
        path = os.path.join(self.get_temp_dir(), "bad.json")
        if isinstance(data, bytes):
            with open(path, "wb") as file:
                file.write(data)
        else:
            write_json(path, data)
        with self.assertRaisesRegex(ValueError, regex):
            squad_file.read_squad_file(path, "train_file", require_answer_start)

    def test_errors(self):
        with self.assertRaisesRegex(ValueError, "existing SQuAD v1.1 JSON"):
            squad_file.read_squad_file("/no/such.json", "eval_file", False)
        self.assertFileError(b"{not json", "not a UTF-8 JSON file")
        self.assertFileError(b'{"data": "\xff"}', "not a UTF-8 JSON file")
        self.assertFileError({"paragraphs": []}, "the top level has no `data`")
        self.assertFileError(
            {"data": [{"paragraphs": [{"context": 3, "qas": []}]}]},
            r"data\[0\].paragraphs\[0\].context must be a str",
        )
        self.assertFileError({"data": []}, "holds no question")
        qa = question("a", "Where?", "Kraków", CONTEXT)
        self.assertFileError(
            squad_json([(CONTEXT, [qa, dict(qa, question="Again?")])]),
            "question id 'a' appears more than once",
        )
        self.assertFileError(
            squad_json([(CONTEXT, [dict(qa, answers=[])])]), "has no answer"
        )
        # A byte offset where a character offset belongs.
        byte_start = CONTEXT.encode().index("Kraków".encode())
        wrong = dict(
            qa, answers=[{"text": "Kraków", "answer_start": byte_start}]
        )
        self.assertFileError(
            squad_json([(CONTEXT, [wrong])]),
            "answer_start 62 of question 'a' points at 'aków.' .*Python str "
            "indices, not bytes",
        )
        # Held-out files need no answer_start.
        no_start = dict(qa, answers=[{"text": "Kraków"}])
        path = write_json(
            os.path.join(self.get_temp_dir(), "dev.json"),
            squad_json([(CONTEXT, [no_start])]),
        )
        examples = squad_file.read_squad_file(path, "eval_file", False)
        self.assertIsNone(examples[0].answer_start)
        self.assertFileError(
            squad_json([(CONTEXT, [no_start])]), "has no `answer_start` key"
        )
        # Questions to answer need no answers; evaluation data does.
        unanswered = {"id": "u", "question": "Where?"}
        path = write_json(
            os.path.join(self.get_temp_dir(), "questions.json"),
            squad_json(
                [(CONTEXT, [unanswered, dict(unanswered, id="v", answers=[])])]
            ),
        )
        examples = squad_file.read_squad_file(
            path, "predict_file", False, require_answers=False
        )
        self.assertEqual([e.answers for e in examples], [[], []])
        with self.assertRaisesRegex(ValueError, "has no `answers` key"):
            squad_file.read_squad_file(path, "eval_file", False)

    def test_built_in_data_is_valid(self):
        for name in ("train", "dev"):
            examples = squad_file.read_squad_file(
                os.path.join(DATA_DIR, f"{name}.json"), name, True
            )
            self.assertGreater(len(examples), 100)
            self.assertTrue(
                any(not example.answers[0].isascii() for example in examples)
            )


@pytest.mark.large
class BertSpanLabelingExampleTest(TestCase):
    def assertRanCleanly(self, result):
        self.assertEqual(
            result.returncode,
            0,
            msg=result.stdout[-3000:] + result.stderr[-5000:],
        )
        for noise in NOISE:
            self.assertNotIn(noise, result.stdout + result.stderr)

    def load_outputs(self, output_dir):
        with open(os.path.join(output_dir, "results.json")) as file:
            results = json.load(file)
        with open(
            os.path.join(output_dir, "predictions.json"), encoding="utf-8"
        ) as file:
            predictions = json.load(file)
        return results, predictions

    def test_built_in_data_learns(self):
        output_dir = self.get_temp_dir()
        result = run_program([f"--output_dir={output_dir}"])
        self.assertRanCleanly(result)
        self.assertRegex(result.stdout, r"Held-out exact match [\d.]+, F1")
        results, predictions = self.load_outputs(output_dir)
        examples = squad_file.read_squad_file(
            os.path.join(DATA_DIR, "dev.json"), "eval_file", False
        )
        self.assertEqual(set(predictions), {e.id for e in examples})
        # Choosing one of a context's 3-4 facts at random would score
        # about 30; a span of random tokens about 0.
        self.assertGreater(results["exact_match"], 70.0)
        self.assertGreater(results["f1"], 70.0)
        # Recomputed from predictions.json with the metric module.
        scores = squad_metrics.compute(
            predictions, {e.id: e.answers for e in examples}
        )
        self.assertAllClose(scores["exact_match"], results["exact_match"])
        num_non_ascii = 0
        for e in examples:
            self.assertIn(predictions[e.id], e.context)
            self.assertTrue(predictions[e.id])
            # Right answers are the original text, accents and case kept
            # although the vocabulary is lower-cased and accent-stripped.
            if squad_metrics.exact_match(predictions[e.id], e.answers[0]):
                self.assertEqual(predictions[e.id], e.answers[0])
                num_non_ascii += not e.answers[0].isascii()
        self.assertGreater(num_non_ascii, 5)

        # --predict_file: new questions (answers optional) answered with
        # the saved model and preset vocabulary.
        context = "Zoë lives in São Paulo. Zoë plays the cello."
        predict_file = write_json(
            os.path.join(output_dir, "questions.json"),
            squad_json(
                [
                    (
                        context,
                        [
                            {"id": "x", "question": "Where does Zoë live?"},
                            {"id": "y", "question": "What does Zoë play?"},
                        ],
                    )
                ]
            ),
        )
        answers_file = os.path.join(output_dir, "answers.json")
        result = run_program(
            [
                f"--predict_file={predict_file}",
                f"--predictions_file={answers_file}",
                f"--output_dir={output_dir}",
            ]
        )
        self.assertRanCleanly(result)
        with open(answers_file, encoding="utf-8") as file:
            answers = json.load(file)
        self.assertEqual(answers, {"x": "São Paulo", "y": "cello"})

        model = keras.saving.load_model(
            os.path.join(output_dir, "span_labeler.keras")
        )
        self.assertIsInstance(model, keras_nlp.models.BertSpanLabeler)
        outputs = model.predict(
            {
                "input_word_ids": np.array([[2, 5, 3, 6, 3]]),
                "input_mask": np.ones((1, 5), "int32"),
                "input_type_ids": np.array([[0, 0, 0, 1, 1]]),
            },
            verbose=0,
        )
        self.assertEqual(outputs["start_logits"].shape, (1, 5))

    def test_preset_squad_files_and_windows(self):
        temp_dir = self.get_temp_dir()
        preset = os.path.join(temp_dir, "preset")
        keras_nlp.encoders.BertEncoder(
            vocab_size=len(VOCABULARY),
            hidden_size=16,
            num_layers=2,
            num_attention_heads=2,
            inner_dim=32,
            max_sequence_length=16,
            type_vocab_size=2,
        ).save_to_preset(preset)
        with open(os.path.join(preset, "vocab.txt"), "w") as file:
            file.write("\n".join(VOCABULARY) + "\n")
        long_context = " ".join([CONTEXT] * 3)
        qas = [
            question("1", "Where does Zoë live?", "São Paulo", long_context),
            question("2", "Who plays the cello?", "She", long_context),
            question("3", "Where was she born?", "Kraków", long_context),
        ]
        short = question("4", "Where does Zoë live?", "São Paulo", CONTEXT)
        data = squad_json([(long_context, qas), (CONTEXT, [short])])
        train_file = write_json(os.path.join(temp_dir, "train.json"), data)
        output_dir = os.path.join(temp_dir, "out")
        result = run_program(
            [
                f"--preset={preset}",
                f"--train_file={train_file}",
                f"--eval_file={train_file}",
                "--sequence_length=16",
                "--max_query_length=6",
                "--doc_stride=4",
                "--batch_size=4",
                "--epochs=1",
                f"--output_dir={output_dir}",
            ]
        )
        self.assertRanCleanly(result)
        # 51 context tokens in windows of 16 - 8 - 1 = 7 or more tokens.
        self.assertRegex(result.stdout, r"\d+ training windows of 16 tokens")
        results, predictions = self.load_outputs(output_dir)
        self.assertGreater(results["num_train_windows"], 4 * 3)
        self.assertGreater(results["num_train_windows_without_answer"], 0)
        self.assertEqual(sorted(predictions), ["1", "2", "3", "4"])
        contexts = {"1": long_context, "2": long_context, "3": long_context}
        for key, text in predictions.items():
            self.assertTrue(text)
            self.assertIn(text, contexts.get(key, CONTEXT))

    def test_help_lists_the_flags(self):
        result = run_program(["--help"])
        self.assertEqual(result.returncode, 0, msg=result.stderr)
        for flag in ("--train_file", "--doc_stride", "--max_answer_length"):
            self.assertIn(flag, result.stdout)

    def test_bad_squad_file_is_one_error_line(self):
        temp_dir = self.get_temp_dir()
        qa = question("a", "Where?", "Kraków", CONTEXT)
        qa["answers"][0]["answer_start"] += 1
        train_file = write_json(
            os.path.join(temp_dir, "train.json"), squad_json([(CONTEXT, [qa])])
        )
        for args, message in (
            ([f"--train_file={train_file}"], "points at 'raków."),
            ([f"--eval_file={temp_dir}/missing.json"], "existing SQuAD"),
            (
                ["--sequence_length=16", "--max_query_length=13"],
                "must leave room for a question",
            ),
            (["--max_query_length=0"], "max_query_length=0. Pass a value"),
            (["--epochs=0"], "Received: epochs=0"),
        ):
            result = run_program(args + [f"--output_dir={temp_dir}/out"])
            self.assertEqual(result.returncode, 2, msg=result.stderr)
            lines = result.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, msg=result.stderr)
            self.assertTrue(lines[0].startswith("Error: "), msg=lines[0])
            self.assertIn(message, lines[0])
            self.assertNotIn("Traceback", result.stderr)
