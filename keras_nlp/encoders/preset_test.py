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
import shutil
from unittest import mock

import keras_nlp
from keras_nlp.encoders import preset
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing import checkpoints
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.bert_preprocessor import BertPreprocessor
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

TINY = dict(checkpoints.TINY_BERT)
INPUTS = checkpoints.random_inputs(TINY)


class PresetTest(TestCase):
    def test_check_preset_directory(self):
        temp_dir = self.get_temp_dir()
        # Absent and empty directories are accepted.
        preset.check_preset_directory(os.path.join(temp_dir, "new"))
        preset.check_preset_directory(temp_dir)
        with open(os.path.join(temp_dir, "old.txt"), "w") as file:
            file.write("x")
        preset.check_preset_directory(temp_dir, overwrite=True)
        with self.assertRaisesRegex(
            ValueError,
            r"`output_dir` is not empty\. Received: output_dir='.*' holding "
            r"\['old\.txt'\]\..*`overwrite=True`",
        ):
            preset.check_preset_directory(temp_dir, False, "output_dir")
        with self.assertRaisesRegex(
            ValueError,
            r"`path` must be a directory, but it is a file\. Received: "
            r"path='.*old\.txt'",
        ):
            preset.check_preset_directory(
                os.path.join(temp_dir, "old.txt"), overwrite=True
            )

    def test_read_json(self):
        path = os.path.join(self.get_temp_dir(), "data.json")
        with open(path, "w") as file:
            file.write('{"a": [1, 2]}')
        self.assertEqual(preset.read_json(path, "Unused."), {"a": [1, 2]})
        with open(path, "w") as file:
            file.write("{not json")
        with self.assertRaisesRegex(
            ValueError, r"data\.json' is not valid JSON \(.*\)\. Fix it\.$"
        ):
            preset.read_json(path, "Fix it.")

    def _saved(self, tokenizer=True):
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder = BertEncoder(**TINY)
        words = (
            WordPieceTokenizer(checkpoints.VOCABULARY) if tokenizer else None
        )
        encoder.save_to_preset(path, tokenizer=words)
        return encoder, path

    def _edit_config(self, path, **entries):
        config_path = os.path.join(path, "config.json")
        with open(config_path) as file:
            metadata = json.load(file)
        metadata.update(entries)
        with open(config_path, "w") as file:
            json.dump(metadata, file)

    def test_round_trip_and_the_right_class(self):
        encoder, path = self._saved()
        for restored in (
            BertEncoder.from_preset(path),
            keras_nlp.encoders.from_preset(path),
        ):
            self.assertIsInstance(restored, BertEncoder)
            self.assertAllClose(restored(INPUTS), encoder(INPUTS), atol=0)
        albert = AlbertEncoder(**checkpoints.TINY_ALBERT)
        albert_path = os.path.join(self.get_temp_dir(), "albert")
        albert.save_to_preset(albert_path)
        self.assertIsInstance(
            keras_nlp.encoders.from_preset(albert_path), AlbertEncoder
        )
        with self.assertRaisesRegex(
            ValueError, r"holds a AlbertEncoder, not a BertEncoder"
        ):
            BertEncoder.from_preset(albert_path)

    def test_unknown_config_key_is_refused(self):
        _, path = self._saved()
        self._edit_config(path, preprocesor={"lowercase": False})
        message = r"Unknown key 'preprocesor'.*Did you mean 'preprocessor'\?"
        with self.assertRaisesRegex(ValueError, message):
            BertEncoder.from_preset(path)
        with self.assertRaisesRegex(ValueError, message):
            BertPreprocessor.from_preset(path)

    def test_weights_outside_the_preset_are_refused(self):
        _, path = self._saved()
        outside = os.path.join(self.get_temp_dir(), "elsewhere.weights.h5")
        shutil.copyfile(os.path.join(path, "model.weights.h5"), outside)
        for name in (outside, "../elsewhere.weights.h5"):
            self._edit_config(path, weights=name)
            with self.assertRaisesRegex(
                ValueError, r'"weights" entry .* points outside the preset'
            ):
                BertEncoder.from_preset(path)

    def test_corrupted_weights_name_the_file(self):
        _, path = self._saved()
        weights = os.path.join(path, "model.weights.h5")
        with open(weights, "r+b") as file:
            file.truncate(200)
        with self.assertRaisesRegex(
            ValueError, r"model\.weights\.h5' is not a readable Keras .*again"
        ):
            BertEncoder.from_preset(path)

    def test_vocabulary_of_another_size_is_refused(self):
        _, path = self._saved()
        with open(os.path.join(path, "vocab.txt"), "a") as file:
            file.write("extra\n")
        message = r"has 31 tokens, but the encoder of the preset .* 30"
        with self.assertRaisesRegex(ValueError, message):
            BertEncoder.from_preset(path)
        with self.assertRaisesRegex(ValueError, message):
            BertPreprocessor.from_preset(path)

    def test_overwrite_replaces_the_whole_directory(self):
        encoder, path = self._saved()
        self.assertIn("vocab.txt", os.listdir(path))
        spm = SentencePieceTokenizer(
            checkpoints.sentence_piece_model(TINY["vocab_size"])
        )
        encoder.save_to_preset(path, tokenizer=spm, overwrite=True)
        self.assertEqual(
            sorted(os.listdir(path)),
            ["config.json", "model.weights.h5", "spm.model"],
        )
        preprocessor = BertPreprocessor.from_preset(path)
        self.assertIsInstance(preprocessor.tokenizer, SentencePieceTokenizer)
        encoder.save_to_preset(path, overwrite=True)
        self.assertEqual(
            sorted(os.listdir(path)), ["config.json", "model.weights.h5"]
        )
        with self.assertRaisesRegex(ValueError, "holding one of"):
            BertPreprocessor.from_preset(path)
        # Nothing is left beside the preset.
        self.assertEqual(os.listdir(os.path.dirname(path)), ["preset"])

    def test_failed_or_killed_save_leaves_the_old_preset(self):
        encoder, path = self._saved()
        before = sorted(os.listdir(path))
        with mock.patch.object(
            BertEncoder, "save_weights", side_effect=OSError("disk full")
        ), self.assertRaisesRegex(OSError, "disk full"):
            encoder.save_to_preset(path, overwrite=True)
        self.assertEqual(sorted(os.listdir(path)), before)
        self.assertEqual(os.listdir(os.path.dirname(path)), ["preset"])
        # A save killed midway leaves its temporary directory: the next
        # save removes it.
        leftover = os.path.join(os.path.dirname(path), ".preset.tmp-killed")
        os.makedirs(leftover)
        encoder.save_to_preset(path, overwrite=True)
        self.assertEqual(os.listdir(os.path.dirname(path)), ["preset"])
        self.assertAllClose(
            BertEncoder.from_preset(path)(INPUTS), encoder(INPUTS), atol=0
        )

    def test_dtype(self):
        _, path = self._saved(tokenizer=False)
        encoder = keras_nlp.encoders.from_preset(path, dtype="mixed_bfloat16")
        self.assertEqual(encoder.dtype_policy.name, "mixed_bfloat16")
        self.assertEqual(encoder(INPUTS)["pooled_output"].shape, (2, 8))
