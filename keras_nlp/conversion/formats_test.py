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

from keras_nlp.conversion import formats
from keras_nlp.conversion import testing_checkpoints as checkpoints
from keras_nlp.encoders import preset_utils
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

INPUTS = checkpoints.random_inputs(checkpoints.TINY_BERT)


class FormatsTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="formats_test_")
        bert, albert = checkpoints.TINY_BERT, checkpoints.TINY_ALBERT
        cls.dirs = {
            "bert_checkpoint": checkpoints.write_original_directory(
                os.path.join(cls.root, "uncased_L-2_H-8_A-2"),
                "bert",
                bert,
                checkpoints.original_arrays("bert", bert),
            ),
            "albert_checkpoint": checkpoints.write_original_directory(
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
            self.assertEqual(formats.detect_format(path), name)
        preset = os.path.join(self.get_temp_dir(), "preset")
        BertEncoder(**checkpoints.TINY_BERT).save_to_preset(preset)
        self.assertEqual(formats.detect_format(preset), "keras_nlp_preset")

    def test_nothing_matches_lists_found_and_accepted(self):
        directory = self.get_temp_dir()
        for name in ("weights.pt", "notes.txt"):
            with open(os.path.join(directory, name), "w") as file:
                file.write("x")
        expected = (
            r"(?s)No known checkpoint layout.*\['notes\.txt', "
            r"'weights\.pt'\].*keras_nlp preset.*`bert_config\.json`.*"
            r"`albert_config\.json`.*`model\.safetensors`"
        )
        with self.assertRaisesRegex(ValueError, expected):
            formats.detect_format(directory)
        with self.assertRaisesRegex(
            ValueError,
            expected[4:].replace(
                "No known checkpoint layout", "No keras_nlp preset found"
            ),
        ):
            BertEncoder.from_preset(directory)
        with self.assertRaisesRegex(
            ValueError, r"must be a checkpoint directory.*Accepted"
        ):
            formats.detect_format(os.path.join(directory, "missing"))
        with self.assertRaisesRegex(
            ValueError, r"must be a preset directory.*Accepted"
        ):
            AlbertEncoder.from_preset(os.path.join(directory, "missing"))

    def test_from_preset_reads_every_source_format(self):
        for name, cls in (
            ("bert_checkpoint", BertEncoder),
            ("albert_checkpoint", AlbertEncoder),
            ("huggingface", AlbertEncoder),
        ):
            path = self.dirs[name]
            encoder = cls.from_preset(path)
            self.assertIsInstance(encoder, cls)
            loaded = formats.load_checkpoint(path)
            self.assertAllClose(
                encoder(INPUTS), loaded.encoder(INPUTS), atol=0, rtol=0
            )

    def test_from_preset_with_the_wrong_class_names_the_right_one(self):
        for path, cls, right in (
            (self.dirs["albert_checkpoint"], BertEncoder, "AlbertEncoder"),
            (self.dirs["huggingface"], BertEncoder, "AlbertEncoder"),
            (self.dirs["bert_checkpoint"], AlbertEncoder, "BertEncoder"),
        ):
            with self.assertRaisesRegex(
                ValueError, rf"not an? {cls.__name__}.*{right}\.from_preset"
            ):
                cls.from_preset(path)

    def test_convert_to_preset_round_trip(self):
        output = os.path.join(self.get_temp_dir(), "converted")
        loaded = formats.convert_to_preset(
            self.dirs["bert_checkpoint"], output, with_mlm_head=True
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
        self.assertEqual(metadata["source"]["format"], "bert_checkpoint")
        self.assertEqual(metadata["source"]["summary"], loaded.summary)
        # The preset loads back to the same outputs, heads included.
        restored = formats.load_checkpoint(output, with_mlm_head=True)
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

    def test_lowercasing_reaches_the_tokenizer(self):
        # The uncased directory name lower-cases; a cased Hugging Face
        # tokenizer_config.json does not.
        temp_dir = self.get_temp_dir()
        uncased = os.path.join(temp_dir, "uncased")
        formats.convert_to_preset(self.dirs["bert_checkpoint"], uncased)
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
        formats.convert_to_preset(source, cased)
        tokenizer = WordPieceTokenizer.from_preset(cased)
        self.assertAllEqual(tokenizer("THE QUICK fox"), [1, 1, 8])

    def test_output_directory_rules(self):
        temp_dir = self.get_temp_dir()
        output = os.path.join(temp_dir, "out")
        os.makedirs(output)
        with open(os.path.join(output, "stale.txt"), "w") as file:
            file.write("x")
        with mock.patch.object(formats, "load_checkpoint") as load:
            with self.assertRaisesRegex(
                ValueError, r"`output_dir` is not empty.*\['stale\.txt'\]"
            ):
                formats.convert_to_preset(self.dirs["huggingface"], output)
            load.assert_not_called()
        formats.convert_to_preset(
            self.dirs["huggingface"], output, overwrite=True
        )
        self.assertNotIn("stale.txt", os.listdir(output))
        self.assertIn("spm.model", os.listdir(output))
        with self.assertRaisesRegex(ValueError, "it is a file"):
            formats.convert_to_preset(
                self.dirs["huggingface"], os.path.join(output, "config.json")
            )

    def test_failed_write_leaves_nothing_behind(self):
        temp_dir = self.get_temp_dir()
        loaded = formats.load_checkpoint(self.dirs["huggingface"])
        with mock.patch.object(
            formats,
            "_check_round_trip",
            side_effect=ValueError("does not reload"),
        ):
            with self.assertRaisesRegex(ValueError, "does not reload"):
                formats.write_preset(loaded, os.path.join(temp_dir, "out"))
        self.assertEqual(os.listdir(temp_dir), [])

    def test_round_trip_is_checked(self):
        loaded = formats.load_checkpoint(self.dirs["huggingface"])
        output = os.path.join(self.get_temp_dir(), "out")
        other = AlbertEncoder(**checkpoints.TINY_ALBERT)
        with mock.patch.object(
            preset_utils, "load_encoder", return_value=other
        ), self.assertRaisesRegex(
            ValueError, "does not reload to the same weights"
        ):
            formats.write_preset(loaded, output)
        self.assertFalse(os.path.exists(output))

    def test_preset_without_heads(self):
        preset = os.path.join(self.get_temp_dir(), "preset")
        formats.convert_to_preset(self.dirs["huggingface"], preset)
        loaded = formats.load_checkpoint(preset)
        self.assertIsInstance(loaded.encoder, AlbertEncoder)
        self.assertEqual(
            loaded.tokenizer_settings,
            {"lowercase": True, "strip_accents": True},
        )
        self.assertTrue(loaded.vocabulary_file.endswith("spm.model"))
        with self.assertRaisesRegex(ValueError, "holds no pretraining heads"):
            formats.load_checkpoint(preset, with_mlm_head=True)
        config_path = os.path.join(preset, "config.json")
        with open(config_path) as file:
            metadata = json.load(file)
        metadata["class_name"] = "RobertaEncoder"
        with open(config_path, "w") as file:
            json.dump(metadata, file)
        with self.assertRaisesRegex(
            ValueError, "holds a RobertaEncoder, which is not one of"
        ):
            formats.load_checkpoint(preset)

    def test_registered_formats(self):
        marker = "my_format.marker"
        directory = self.get_temp_dir()
        with open(os.path.join(directory, marker), "w") as file:
            file.write("x")
        encoder = BertEncoder(**checkpoints.TINY_BERT)

        def detect(path):
            return os.path.isfile(os.path.join(path, marker))

        def load_encoder(cls, path):
            return encoder

        self.addCleanup(
            preset_utils._SOURCE_FORMATS.remove,
            preset_utils.register_source_format(
                "encoder_only", detect, load_encoder, "a marker directory"
            ),
        )
        self.assertEqual(formats.detect_format(directory), "encoder_only")
        self.assertIs(BertEncoder.from_preset(directory), encoder)
        loaded = formats.load_checkpoint(directory)
        self.assertIs(loaded.encoder, encoder)
        self.assertEqual(loaded.summary["loaded"], len(encoder.weights))
        with self.assertRaisesRegex(ValueError, "loads the encoder only"):
            formats.load_checkpoint(directory, with_mlm_head=True)

        # `register_format` supplies the full loader to both entry points.
        def load(path, cls=None, with_mlm_head=False, config_overrides=None):
            return formats.load_checkpoint(self.dirs["huggingface"])

        formats.register_format("full", detect, load, "a full marker")
        self.addCleanup(formats._LOADERS.pop, "full")
        self.addCleanup(
            preset_utils._SOURCE_FORMATS.remove,
            preset_utils.source_formats()[-1],
        )
        preset_utils._SOURCE_FORMATS.insert(
            0, preset_utils._SOURCE_FORMATS.pop()
        )
        self.assertEqual(formats.detect_format(directory), "full")
        self.assertIsInstance(
            formats.load_checkpoint(directory).encoder, AlbertEncoder
        )
        self.assertIn("(2) a full marker", preset_utils.accepted_layouts())
