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

import numpy as np
from absl.testing import parameterized

from keras_nlp.conversion import loading
from keras_nlp.conversion import tf1_checkpoint
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.testing import checkpoints
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import TestCase

CONFIGS = {"bert": checkpoints.TINY_BERT, "albert": checkpoints.TINY_ALBERT}


def _reference(arrays, family, inputs):
    config = CONFIGS[family]
    return numpy_bert.bert_forward(
        checkpoints.reference_from_original(
            arrays, family, config["num_layers"]
        ),
        inputs["input_word_ids"],
        inputs["input_mask"],
        inputs["input_type_ids"],
        num_heads=config["num_attention_heads"],
        # The original `gelu` is the tanh approximation.
        activation="gelu_approximate",
        num_layers=config["num_layers"],
    )


def _optimizer_slots(arrays):
    slots = {}
    for name, value in arrays.items():
        slots[f"{name}/adam_m"] = np.zeros_like(value)
        slots[f"{name}/adam_v"] = np.ones_like(value)
    slots["global_step"] = np.array(1000, dtype="int64")
    return slots


class BertCheckpointTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="bert_checkpoint_test_")
        cls.arrays = {}
        cls.dirs = {}
        for family, config in CONFIGS.items():
            arrays = checkpoints.original_arrays(family, config, seed=3)
            cls.arrays[family] = arrays
            cls.dirs[family] = checkpoints.write_original_directory(
                os.path.join(cls.root, f"{family}_with_slots"),
                family,
                config,
                dict(arrays, **_optimizer_slots(arrays)),
            )
        cls.inputs = checkpoints.random_inputs(checkpoints.TINY_BERT)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def _write(self, family, arrays, **kwargs):
        directory = os.path.join(self.get_temp_dir(), f"uncased_{family}")
        return checkpoints.write_original_directory(
            directory, family, CONFIGS[family], arrays, **kwargs
        )

    @parameterized.named_parameters(
        ("bert", "bert", BertEncoder, 2, "vocab.txt"),
        ("albert", "albert", AlbertEncoder, 3, "30k-clean.model"),
    )
    def test_matches_numpy_reference(
        self, family, encoder_class, num_layers, vocabulary_file
    ):
        loaded = loading.load_checkpoint(self.dirs[family])
        self.assertIsInstance(loaded.encoder, encoder_class)
        self.assertEqual(loaded.encoder.num_layers, num_layers)
        self.assertIs(loaded.encoder.inner_activation, gelu_approximate)
        self.assertEqual(loaded.source_format, "tf1_checkpoint")
        outputs = loaded.encoder(self.inputs)
        expected = _reference(self.arrays[family], family, self.inputs)
        self.assertAllClose(outputs, expected, atol=1e-5, rtol=0)
        self.assertIsNone(loaded.masked_lm)
        self.assertTrue(loaded.vocabulary_file.endswith(vocabulary_file))

    def test_training_state_and_heads_are_skipped_by_rule(self):
        loaded = loading.load_checkpoint(self.dirs["bert"])
        num_weights = len(self.arrays["bert"]) - 7  # Minus the head arrays.
        self.assertEqual(
            loaded.summary,
            {
                "loaded": num_weights,
                "skipped": {
                    "optimizer slot": 2 * len(self.arrays["bert"]),
                    "training step counter": 1,
                    "pretraining head not requested": 7,
                },
            },
        )
        self.assertIn("optimizer slot", loaded.summary_text)

    def test_heads_match_numpy_reference(self):
        for family in ("bert", "albert"):
            arrays = self.arrays[family]
            loaded = loading.load_checkpoint(
                self.dirs[family], with_mlm_head=True
            )
            self.assertEqual(loaded.summary["loaded"], len(arrays), msg=family)
            self.assertIs(
                loaded.masked_lm.embedding_table,
                loaded.encoder.get_embedding_table(),
            )
            outputs = loaded.encoder(self.inputs)
            positions = np.array([[1, 2], [0, 2]], dtype="int32")
            logits = loaded.masked_lm(
                outputs["sequence_output"], masked_positions=positions
            )
            expected = _reference(arrays, family, self.inputs)
            gathered = np.take_along_axis(
                expected["sequence_output"], positions[..., None], axis=1
            )
            hidden = numpy_bert.gelu(
                gathered @ arrays["cls/predictions/transform/dense/kernel"]
                + arrays["cls/predictions/transform/dense/bias"],
                approximate=True,
            )
            hidden = numpy_bert.layer_norm(
                hidden,
                arrays["cls/predictions/transform/LayerNorm/gamma"],
                arrays["cls/predictions/transform/LayerNorm/beta"],
                1e-12,
            )
            expected_logits = (
                hidden @ arrays["bert/embeddings/word_embeddings"].T
                + arrays["cls/predictions/output_bias"]
            )
            self.assertAllClose(logits, expected_logits, atol=1e-5, rtol=0)
            next_sentence = loaded.next_sentence(outputs["pooled_output"])
            expected_next = (
                expected["pooled_output"]
                @ arrays["cls/seq_relationship/output_weights"].T
                + arrays["cls/seq_relationship/output_bias"]
            )
            self.assertAllClose(next_sentence, expected_next, atol=1e-5, rtol=0)

    @parameterized.named_parameters(
        (
            "missing_variable",
            {"bert/encoder/layer_1/attention/output/LayerNorm/beta": None},
            r"(?s)Nothing was loaded.*Missing arrays \(1\).*"
            r"`bert/encoder/layer_1/attention/output/LayerNorm/beta` \(for "
            r"the weight `transformer_layer_1/self_attention_layer_norm/"
            r"beta` \[8\]\) is not in the original BERT checkpoint.*"
            r"Likely cause",
        ),
        (
            "extra_variable",
            {"bert/encoder/layer_2/output/dense/bias": np.zeros(8)},
            r"(?s)neither loaded nor skipped by a rule \(1\).*"
            r"`bert/encoder/layer_2/output/dense/bias` \[8\].*"
            r"Likely cause.*`num_layers`.*another model family",
        ),
        (
            # A checkpoint with a bigger vocabulary than its config says.
            "wrong_shape",
            {"bert/embeddings/word_embeddings": np.zeros((31, 8))},
            r"(?s)Shape mismatches \(1\).*"
            r"`bert/embeddings/word_embeddings` has shape \[31, 8\], but "
            r"the weight `word_embeddings/embeddings` \[30, 8\] needs "
            r"\[30, 8\].*Likely cause.*`vocab_size`",
        ),
    )
    def test_weight_errors_name_the_array(self, changes, message):
        # `changes` maps a source name to its new array, or None to drop it.
        arrays = dict(self.arrays["bert"], **changes)
        arrays = {k: v for k, v in arrays.items() if v is not None}
        path = self._write("bert", arrays)
        with self.assertRaisesRegex(ValueError, message):
            loading.load_checkpoint(path)

    def test_bert_checkpoint_into_albert_config_is_an_error(self):
        # An ALBERT config beside BERT weights: the wrong model family.
        path = self._write("bert", self.arrays["bert"], write_config=False)
        with open(os.path.join(path, "albert_config.json"), "w") as file:
            json.dump(
                checkpoints.original_config("albert", checkpoints.TINY_ALBERT),
                file,
            )
        with self.assertRaisesRegex(
            ValueError, r"BERT variables, but its directory has `albert_config"
        ):
            loading.load_checkpoint(path)

    def test_heads_requested_but_absent_is_an_error(self):
        arrays = checkpoints.original_arrays(
            "bert", checkpoints.TINY_BERT, with_heads=False
        )
        path = self._write("bert", arrays)
        loaded = loading.load_checkpoint(path)
        self.assertEqual(loaded.summary["skipped"], {})
        with self.assertRaisesRegex(
            ValueError, r"has no masked LM head.*`cls/predictions/transform"
        ):
            loading.load_checkpoint(path, with_mlm_head=True)

    def test_config_inferred_without_config_file(self):
        config = dict(checkpoints.TINY_BERT, hidden_size=128, inner_dim=32)
        arrays = checkpoints.original_arrays("bert", config, with_heads=False)
        path = checkpoints.write_original_directory(
            os.path.join(self.get_temp_dir(), "bert"),
            "bert",
            config,
            arrays,
            write_config=False,
        )
        loaded = loading.load_checkpoint(path)
        encoder = loaded.encoder
        for key, value in (
            ("vocab_size", 30),
            ("hidden_size", 128),
            ("num_layers", 2),
            ("num_attention_heads", 2),
            ("inner_dim", 32),
            ("max_sequence_length", 16),
            ("type_vocab_size", 2),
        ):
            self.assertEqual(getattr(encoder, key), value, msg=key)
        self.assertIs(encoder.inner_activation, gelu_approximate)
        self.assertTrue(any("width 64" in note for note in loaded.notes))
        expected = numpy_bert.bert_forward(
            checkpoints.reference_from_original(arrays, "bert", 2),
            self.inputs["input_word_ids"],
            self.inputs["input_mask"],
            self.inputs["input_type_ids"],
            num_heads=2,
            activation="gelu_approximate",
        )
        self.assertAllClose(encoder(self.inputs), expected, atol=1e-5, rtol=0)

    def test_config_inference_needs_overrides_when_ambiguous(self):
        arrays = checkpoints.original_arrays(
            "bert", checkpoints.TINY_BERT, with_heads=False
        )
        path = self._write("bert", arrays, write_config=False)
        with self.assertRaisesRegex(
            ValueError, r"Cannot infer `num_attention_heads`.*\(8\)"
        ):
            loading.load_checkpoint(path)
        loaded = loading.load_checkpoint(
            path, config_overrides={"num_attention_heads": 2}
        )
        self.assertEqual(loaded.encoder.num_attention_heads, 2)

        albert = checkpoints.original_arrays(
            "albert", checkpoints.TINY_ALBERT, with_heads=False
        )
        path = self._write("albert", albert, write_config=False)
        with self.assertRaisesRegex(ValueError, "Cannot infer `num_layers`"):
            loading.load_checkpoint(path)
        loaded = loading.load_checkpoint(
            path,
            config_overrides={"num_layers": 3, "num_attention_heads": 2},
        )
        expected = _reference(albert, "albert", self.inputs)
        self.assertAllClose(
            loaded.encoder(self.inputs), expected, atol=1e-5, rtol=0
        )

    def test_wrong_encoder_class_is_an_error(self):
        with self.assertRaisesRegex(
            ValueError,
            r"ALBERT checkpoint.*loads into an AlbertEncoder, not a "
            r"BertEncoder.*AlbertEncoder\.from_preset.*encoders\.from_preset",
        ):
            loading.load_checkpoint(self.dirs["albert"], BertEncoder)
        with self.assertRaisesRegex(
            ValueError, r"loads into a BertEncoder, not an AlbertEncoder"
        ):
            loading.load_checkpoint(self.dirs["bert"], AlbertEncoder)

    def test_config_errors(self):
        arrays = checkpoints.original_arrays(
            "albert", checkpoints.TINY_ALBERT, with_heads=False
        )
        path = self._write("albert", arrays)
        config_path = os.path.join(path, "albert_config.json")
        source = checkpoints.original_config("albert", checkpoints.TINY_ALBERT)
        cases = [
            (
                dict(source, num_hidden_groups=2),
                "`num_hidden_groups` must be 1",
            ),
            (dict(source, layers_to_keep=[1]), "`layers_to_keep` is not"),
            (dict(source, hidden_act="swish"), "Unsupported `hidden_act`"),
            (
                {k: v for k, v in source.items() if k != "hidden_size"},
                "lacks the entry `hidden_size`",
            ),
            (dict(source, num_attention_heads=3), "must be divisible"),
        ]
        for config, message in cases:
            with open(config_path, "w") as file:
                json.dump(config, file)
            with self.assertRaisesRegex(ValueError, message):
                loading.load_checkpoint(path)
        with open(config_path, "w") as file:
            file.write("{not json")
        with self.assertRaisesRegex(ValueError, "is not valid JSON"):
            loading.load_checkpoint(path)

    def test_not_a_checkpoint_is_an_error(self):
        with self.assertRaisesRegex(
            ValueError, r"No keras_nlp preset found.*holding \[\]"
        ):
            loading.load_checkpoint(self.get_temp_dir())

    def test_checkpoint_prefix_choice(self):
        directory = self.get_temp_dir()
        self.assertIsNone(tf1_checkpoint.find_prefix(directory))
        small = {"bert/pooler/dense/bias": np.zeros(2)}
        for step in (5, 100, 20):
            checkpoints.write_tf1_checkpoint(
                os.path.join(directory, f"model.ckpt-{step}"), small
            )
        os.remove(os.path.join(directory, "checkpoint"))
        self.assertEqual(
            tf1_checkpoint.find_prefix(directory),
            os.path.join(directory, "model.ckpt-100"),
        )
        checkpoints.write_tf1_checkpoint(
            os.path.join(directory, "other.ckpt"), small
        )
        os.remove(os.path.join(directory, "checkpoint"))
        with self.assertRaisesRegex(ValueError, "holds several checkpoints"):
            tf1_checkpoint.find_prefix(directory)

    def test_family_detection(self):
        for family in ("bert", "albert"):
            self.assertEqual(
                loading.detect_format(self.dirs[family]), "tf1_checkpoint"
            )
            self.assertEqual(
                tf1_checkpoint.read(self.dirs[family]).family, family
            )
        self.assertIsNone(loading.detect_format(self.root))
        self.assertIsNone(loading.detect_format(os.path.join(self.root, "no")))
        # Without config files, the variable names decide.
        for family in ("bert", "albert"):
            arrays = checkpoints.original_arrays(
                family, CONFIGS[family], with_heads=False
            )
            path = self._write(family, arrays, write_config=False)
            overrides = {"num_layers": 3, "num_attention_heads": 2}
            record = tf1_checkpoint.read(path, overrides)
            self.assertEqual(record.family, family)

    def test_corrupted_files_name_the_checkpoint(self):
        for suffix in (".index", ".data-00000-of-00001"):
            path = os.path.join(self.get_temp_dir(), suffix.strip("."))
            shutil.copytree(self.dirs["bert"], path)
            with open(
                os.path.join(path, "bert_model.ckpt" + suffix), "r+b"
            ) as f:
                f.truncate(60)
            with self.assertRaisesRegex(
                ValueError,
                r"Cannot read the TF checkpoint '.*bert_model\.ckpt'.*"
                r"truncated or corrupted; download or copy",
            ):
                loading.load_checkpoint(path)

    def test_checkpoint_prefix_is_accepted(self):
        prefix = os.path.join(self.dirs["bert"], "bert_model.ckpt")
        loaded = loading.load_checkpoint(prefix)
        expected = _reference(self.arrays["bert"], "bert", self.inputs)
        self.assertAllClose(
            loaded.encoder(self.inputs), expected, atol=1e-5, rtol=0
        )
        self.assertTrue(loaded.vocabulary_file.endswith("vocab.txt"))
