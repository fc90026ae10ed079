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
import tempfile
from unittest import mock

import numpy as np

import keras_nlp
from keras_nlp.conversion import loading
from keras_nlp.conversion import pretraining_heads
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing import checkpoints
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

INPUTS = checkpoints.random_inputs(checkpoints.TINY_BERT)


class LoadingTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="formats_test_")
        bert, albert = checkpoints.TINY_BERT, checkpoints.TINY_ALBERT
        cls.dirs = {
            "bert": checkpoints.write_original_directory(
                os.path.join(cls.root, "uncased_L-2_H-8_A-2"),
                "bert",
                bert,
                checkpoints.original_arrays("bert", bert),
            ),
            "albert": checkpoints.write_original_directory(
                os.path.join(cls.root, "albert_tiny"),
                "albert",
                albert,
                checkpoints.original_arrays("albert", albert),
            ),
            "huggingface": checkpoints.write_huggingface_directory(
                os.path.join(cls.root, "hf_albert"),
                "albert",
                albert,
                checkpoints.huggingface_arrays("albert", albert),
                hidden_act="gelu_new",
            ),
        }

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def test_detect_format(self):
        for name, path in self.dirs.items():
            expected = (
                "huggingface" if name == "huggingface" else ("tf1_checkpoint")
            )
            self.assertEqual(loading.detect_format(path), expected)
        # A checkpoint prefix, not only its directory.
        prefix = os.path.join(self.dirs["bert"], "bert_model.ckpt")
        self.assertEqual(loading.detect_format(prefix), "tf1_checkpoint")
        preset = os.path.join(self.get_temp_dir(), "preset")
        BertEncoder(**checkpoints.TINY_BERT).save_to_preset(preset)
        self.assertEqual(loading.detect_format(preset), "keras_nlp_preset")

    def test_nothing_matches_lists_found_and_accepted(self):
        directory = self.get_temp_dir()
        for name in ("weights.pt", "notes.txt"):
            with open(os.path.join(directory, name), "w") as file:
                file.write("x")
        expected = (
            r"(?s)no known checkpoint layout.*\['notes\.txt', "
            r"'weights\.pt'\].*keras_nlp preset.*`bert_config\.json`.*"
            r"`albert_config\.json`.*`model\.safetensors`"
        )
        self.assertIsNone(loading.detect_format(directory))
        with self.assertRaisesRegex(ValueError, expected):
            loading.load_checkpoint(directory)
        with self.assertRaisesRegex(ValueError, expected):
            BertEncoder.from_preset(directory)
        with self.assertRaisesRegex(
            ValueError, r"neither a directory nor a checkpoint prefix.*Accepted"
        ):
            AlbertEncoder.from_preset(os.path.join(directory, "missing"))

    def test_from_preset_reads_every_source_format(self):
        for name, cls in (
            ("bert", BertEncoder),
            ("albert", AlbertEncoder),
            ("huggingface", AlbertEncoder),
        ):
            path = self.dirs[name]
            encoder = cls.from_preset(path)
            self.assertIsInstance(encoder, cls)
            self.assertIsInstance(keras_nlp.encoders.from_preset(path), cls)
            loaded = loading.load_checkpoint(path)
            self.assertAllClose(
                encoder(INPUTS), loaded.encoder(INPUTS), atol=0, rtol=0
            )

    def test_from_preset_with_the_wrong_class_names_the_right_one(self):
        for path, cls, right in (
            (self.dirs["albert"], BertEncoder, "AlbertEncoder"),
            (self.dirs["huggingface"], BertEncoder, "AlbertEncoder"),
            (self.dirs["bert"], AlbertEncoder, "BertEncoder"),
        ):
            with self.assertRaisesRegex(
                ValueError, rf"not an? {cls.__name__}.*{right}\.from_preset"
            ):
                cls.from_preset(path)

    def test_convert_to_preset_round_trip(self):
        output = os.path.join(self.get_temp_dir(), "converted")
        loaded = loading.convert_to_preset(
            self.dirs["bert"], output, with_mlm_head=True
        )
        self.assertEqual(
            sorted(os.listdir(output)),
            [
                "config.json",
                "model.weights.h5",
                "pretraining_heads.npz",
                "vocab.txt",
            ],
        )
        with open(os.path.join(output, "config.json")) as file:
            metadata = json.load(file)
        self.assertEqual(metadata["class_name"], "BertEncoder")
        self.assertEqual(
            metadata["preprocessor"], {"lowercase": True, "strip_accents": None}
        )
        self.assertEqual(metadata["source"]["format"], "tf1_checkpoint")
        self.assertEqual(metadata["source"]["summary"], loaded.summary)
        # The preset loads back to the same outputs, heads included.
        restored = loading.load_checkpoint(output, with_mlm_head=True)
        self.assertEqual(restored.source_format, "keras_nlp_preset")
        self.assertAllClose(
            restored.encoder(INPUTS), loaded.encoder(INPUTS), atol=0, rtol=0
        )
        encoder = BertEncoder.from_preset(output)
        self.assertAllClose(
            encoder(INPUTS), loaded.encoder(INPUTS), atol=0, rtol=0
        )
        sequence = loaded.encoder(INPUTS)["sequence_output"]
        positions = np.array([[1, 2], [0, 1]], dtype="int32")
        self.assertAllClose(
            restored.masked_lm(sequence, masked_positions=positions),
            loaded.masked_lm(sequence, masked_positions=positions),
            atol=0,
            rtol=0,
        )
        pooled = loaded.encoder(INPUTS)["pooled_output"]
        self.assertAllClose(
            restored.next_sentence(pooled), loaded.next_sentence(pooled)
        )
        # The heads' file must be inside the preset too.
        metadata["pretraining_heads"]["weights"] = "../heads.npz"
        with open(os.path.join(output, "config.json"), "w") as file:
            json.dump(metadata, file)
        with self.assertRaisesRegex(
            ValueError, r'"pretraining_heads\.weights" entry .* points outside'
        ):
            loading.load_checkpoint(output, with_mlm_head=True)

    def test_lowercasing_reaches_the_tokenizer(self):
        # The uncased directory name lower-cases; a cased Hugging Face
        # tokenizer_config.json does not.
        temp_dir = self.get_temp_dir()
        uncased = os.path.join(temp_dir, "uncased")
        loading.convert_to_preset(self.dirs["bert"], uncased)
        tokenizer = WordPieceTokenizer.from_preset(uncased)
        self.assertAllEqual(tokenizer("THE QUICK fox"), [5, 6, 8])

        arrays = checkpoints.huggingface_arrays(
            "bert", checkpoints.TINY_BERT, with_heads=False
        )
        source = checkpoints.write_huggingface_directory(
            os.path.join(temp_dir, "hf_bert"),
            "bert",
            checkpoints.TINY_BERT,
            arrays,
            tokenizer_config={"do_lower_case": False},
        )
        cased = os.path.join(temp_dir, "cased")
        loading.convert_to_preset(source, cased)
        tokenizer = WordPieceTokenizer.from_preset(cased)
        self.assertAllEqual(tokenizer("THE QUICK fox"), [1, 1, 8])

    def test_output_directory_rules(self):
        temp_dir = self.get_temp_dir()
        output = os.path.join(temp_dir, "out")
        os.makedirs(output)
        with open(os.path.join(output, "stale.txt"), "w") as file:
            file.write("x")
        with mock.patch.object(loading, "load_checkpoint") as load:
            with self.assertRaisesRegex(
                ValueError, r"`output_dir` is not empty.*\['stale\.txt'\]"
            ):
                loading.convert_to_preset(self.dirs["huggingface"], output)
            load.assert_not_called()
        loading.convert_to_preset(
            self.dirs["huggingface"], output, overwrite=True
        )
        self.assertNotIn("stale.txt", os.listdir(output))
        self.assertIn("spm.model", os.listdir(output))
        with self.assertRaisesRegex(ValueError, "it is a file"):
            loading.convert_to_preset(
                self.dirs["huggingface"], os.path.join(output, "config.json")
            )

    def test_failed_write_leaves_nothing_behind(self):
        temp_dir = self.get_temp_dir()
        output = os.path.join(temp_dir, "out")
        with mock.patch.object(
            pretraining_heads, "save", side_effect=OSError("disk full")
        ):
            with self.assertRaisesRegex(OSError, "disk full"):
                loading.convert_to_preset(
                    self.dirs["bert"], output, with_mlm_head=True
                )
        self.assertEqual(os.listdir(temp_dir), [])

    def test_vocabulary_of_another_size_is_refused(self):
        # A 31-token vocabulary beside a checkpoint with 30 embedding rows.
        path = os.path.join(self.get_temp_dir(), "bert")
        shutil.copytree(self.dirs["bert"], path)
        with open(os.path.join(path, "vocab.txt"), "a") as file:
            file.write("extra\n")
        message = r"has 31 tokens.*`vocab_size` 30"
        with self.assertRaisesRegex(ValueError, message):
            BertEncoder.from_preset(path)
        with self.assertRaisesRegex(ValueError, message):
            keras_nlp.tokenizers.BertPreprocessor.from_preset(path)
        with self.assertRaisesRegex(ValueError, message):
            loading.convert_to_preset(path, os.path.join(path, "out"))

    def test_read_vocabulary(self):
        name, vocabulary, settings, size = loading.read_vocabulary(
            self.dirs["bert"]
        )
        self.assertEqual(name, "vocab.txt")
        self.assertTrue(vocabulary.endswith("vocab.txt"))
        self.assertEqual(settings, {"lowercase": True, "strip_accents": None})
        self.assertEqual(size, 30)
        self.assertIsNone(loading.read_vocabulary(self.get_temp_dir()))
        # A Hugging Face tokenizer saved without a model.
        path = os.path.join(self.get_temp_dir(), "tokenizer_only")
        os.makedirs(path)
        shutil.copy(os.path.join(self.dirs["bert"], "vocab.txt"), path)
        with open(os.path.join(path, "tokenizer_config.json"), "w") as file:
            json.dump({"do_lower_case": False}, file)
        name, _, settings, size = loading.read_vocabulary(path)
        self.assertEqual(
            (name, settings["lowercase"], size), ("vocab.txt", False, None)
        )
        tokenizer = keras_nlp.tokenizers.WordPieceTokenizer.from_preset(path)
        self.assertFalse(tokenizer.lowercase)

    def test_preset_without_heads(self):
        preset = os.path.join(self.get_temp_dir(), "preset")
        loading.convert_to_preset(self.dirs["huggingface"], preset)
        loaded = loading.load_checkpoint(preset)
        self.assertIsInstance(loaded.encoder, AlbertEncoder)
        self.assertEqual(
            loaded.tokenizer_settings,
            {"lowercase": True, "strip_accents": True},
        )
        self.assertTrue(loaded.vocabulary_file.endswith("spm.model"))
        with self.assertRaisesRegex(ValueError, "holds no pretraining heads"):
            loading.load_checkpoint(preset, with_mlm_head=True)
        config_path = os.path.join(preset, "config.json")
        with open(config_path) as file:
            metadata = json.load(file)
        metadata["class_name"] = "RobertaEncoder"
        with open(config_path, "w") as file:
            json.dump(metadata, file)
        with self.assertRaisesRegex(
            ValueError, "holds a RobertaEncoder, which is not one of"
        ):
            loading.load_checkpoint(preset)
