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

import json
import os

from keras_nlp.conversion import tokenizer_settings
from keras_nlp.conversion.tokenizer_settings import find_vocabulary
from keras_nlp.testing.test_case import TestCase

UNCASED = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "##s", "<s>"]
CASED = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "The", "the", "##s"]


class TokenizerSettingsTest(TestCase):
    def _directory(self, name="model", vocabulary=UNCASED, files=None):
        path = os.path.join(self.get_temp_dir(), name)
        os.makedirs(path)
        if vocabulary is not None:
            with open(os.path.join(path, "vocab.txt"), "w") as file:
                file.write("\n".join(vocabulary) + "\n")
        for file_name, content in (files or {}).items():
            with open(os.path.join(path, file_name), "w") as file:
                if isinstance(content, dict):
                    json.dump(content, file)
                else:
                    file.write(content)
        return path

    def test_vocabulary_casing(self):
        self.assertEqual(
            _settings(self._directory()),
            {"lowercase": True, "strip_accents": None},
        )
        self.assertEqual(
            _settings(self._directory(vocabulary=CASED)),
            {"lowercase": False, "strip_accents": None},
        )

    def test_directory_name(self):
        for name, lowercase in (
            ("uncased_L-12_H-768_A-12", True),
            ("cased_L-12_H-768_A-12", False),
            ("bert-base-uncased", True),
            ("multi_cased_L-12_H-768_A-12", False),
        ):
            # The name wins over the vocabulary.
            vocabulary = UNCASED if not lowercase else CASED
            path = self._directory(name, vocabulary)
            self.assertEqual(_settings(path)["lowercase"], lowercase, name)
        snapshot = os.path.join(
            self.get_temp_dir(), "models--bert-base-cased", "snapshots"
        )
        os.makedirs(snapshot)
        path = self._directory(os.path.join(snapshot, "abc123"))
        self.assertFalse(_settings(path)["lowercase"])

    def test_huggingface_tokenizer_config(self):
        path = self._directory(
            "bert-base-uncased",
            files={
                "tokenizer_config.json": {
                    "do_lower_case": False,
                    "strip_accents": True,
                    "tokenize_chinese_chars": False,
                }
            },
        )
        settings, origin = tokenizer_settings.read_settings(path)
        self.assertEqual(
            settings,
            {"lowercase": False, "strip_accents": True, "split_on_cjk": False},
        )
        self.assertEqual(origin, "tokenizer_config.json")

    def test_huggingface_sentence_piece(self):
        path = self._directory(
            vocabulary=None,
            files={
                "spiece.model": "x",
                "tokenizer_config.json": {
                    "do_lower_case": True,
                    "keep_accents": True,
                },
            },
        )
        self.assertEqual(
            _settings(path),
            {"lowercase": True, "strip_accents": False},
        )
        self.assertEqual(
            find_vocabulary(path),
            (os.path.join(path, "spiece.model"), "spm.model"),
        )

    def test_fast_tokenizer_normalizer(self):
        normalizer = {
            "type": "BertNormalizer",
            "lowercase": False,
            "strip_accents": None,
            "handle_chinese_chars": True,
        }
        path = self._directory(
            files={"tokenizer.json": {"normalizer": normalizer}}
        )
        self.assertEqual(
            _settings(path),
            {"lowercase": False, "strip_accents": None, "split_on_cjk": True},
        )

    def test_original_config_entry(self):
        path = self._directory(
            "uncased", files={"bert_config.json": {"do_lower_case": False}}
        )
        self.assertFalse(_settings(path)["lowercase"])

    def test_albert_default_and_nothing(self):
        path = self._directory(vocabulary=None, files={"30k-clean.model": "x"})
        self.assertEqual(
            _settings(path),
            {"lowercase": True, "strip_accents": True},
        )
        self.assertEqual(_settings(self._directory("x", vocabulary=None)), {})
        self.assertEqual(
            find_vocabulary(self._directory("y", vocabulary=None)),
            (None, None),
        )

    def test_invalid_json_is_an_error(self):
        path = self._directory(files={"tokenizer_config.json": "{"})
        with self.assertRaisesRegex(ValueError, "is not valid JSON"):
            _settings(path)


def _settings(path):
    return tokenizer_settings.read_settings(path)[0]

    def test_vocabulary_from_tokenizer_json(self):
        # `transformers` 5 writes only tokenizer.json; its WordPiece
        # vocabulary becomes a vocab.txt in id order.
        tokens = {"[PAD]": 0, "[UNK]": 1, "b": 3, "a": 2}
        path = self._directory(
            vocabulary=None,
            files={
                "tokenizer.json": {
                    "model": {"type": "WordPiece", "vocab": tokens},
                    "normalizer": {
                        "type": "BertNormalizer",
                        "lowercase": False,
                        "strip_accents": None,
                    },
                }
            },
        )
        vocabulary_file, name = find_vocabulary(path)
        self.assertEqual(name, "vocab.txt")
        with open(vocabulary_file, encoding="utf-8") as file:
            self.assertEqual(file.read(), "[PAD]\n[UNK]\na\nb\n")
        self.assertEqual(
            _settings(path), {"lowercase": False, "strip_accents": None}
        )
