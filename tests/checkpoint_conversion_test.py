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

"""Tests of tools/checkpoint_conversion/convert_checkpoint.py.

The command line runs in subprocesses, as users run it; the other tests
call its `run()`. The comparison with a Hugging Face source runs the
reference in a subprocess: here a stand-in `transformers` and `torch`
(written into a temporary directory, computing the independent NumPy BERT),
since `transformers` is not installed. The real fixtures of
`tests/fixtures/` (made by the upstream tools) go through the script too.
"""

import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from unittest import mock

import numpy as np
import pytest

from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing import checkpoints
from keras_nlp.testing.test_case import TestCase

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(
    REPO_ROOT, "tools", "checkpoint_conversion", "convert_checkpoint.py"
)
FIXTURES = os.path.join(REPO_ROOT, "tests", "fixtures")


def _import_script():
    spec = importlib.util.spec_from_file_location("convert_checkpoint", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


convert_checkpoint = _import_script()

# Stand-ins for `torch` and `transformers`, importable by the reference
# subprocess only. The model computes `keras_nlp.testing.numpy_bert` (loaded
# by file path, without importing keras_nlp) from the safetensors weights.
_FAKE_TORCH = """
import contextlib

import numpy as np


class _Tensor:
    def __init__(self, value):
        self.value = np.asarray(value)

    def long(self):
        return self

    def numpy(self):
        return self.value


def tensor(value):
    return _Tensor(value)


no_grad = contextlib.nullcontext
"""
_FAKE_TRANSFORMERS = """
import importlib.util
import json
import os
import types

from safetensors.numpy import load_file

import torch

TESTING = {testing!r}


def _load(name):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(TESTING, name + ".py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Model:
    def __init__(self, path):
        self.arrays = load_file(os.path.join(path, "model.safetensors"))
        with open(os.path.join(path, "config.json")) as file:
            self.config = json.load(file)

    def eval(self):
        return self

    def __call__(self, input_ids, attention_mask, token_type_ids, **kwargs):
        outputs = _load("numpy_bert").bert_forward(
            _load("checkpoints").reference_from_huggingface(
                self.arrays, "bert", self.config["num_hidden_layers"]
            ),
            input_ids.numpy(),
            attention_mask.numpy(),
            token_type_ids.numpy(),
            num_heads=self.config["num_attention_heads"],
        )
        offset = float(os.environ.get("FAKE_OFFSET", "0"))
        return types.SimpleNamespace(
            last_hidden_state=torch.tensor(outputs["sequence_output"] + offset),
            pooler_output=torch.tensor(outputs["pooled_output"]),
        )


class AutoModel:
    @staticmethod
    def from_pretrained(path, use_safetensors):
        assert use_safetensors
        return _Model(path)
"""


def _run(*args, **kwargs):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        convert_checkpoint.run(*args, **kwargs)
    return output.getvalue()


def _command_line(*flags):
    return subprocess.run(
        [sys.executable, SCRIPT, *flags],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


class ConvertCheckpointTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="convert_checkpoint_test_")
        bert = checkpoints.TINY_BERT
        arrays = checkpoints.original_arrays("bert", bert)
        slots = {f"{name}/adam_m": value for name, value in arrays.items()}
        cls.bert_dir = checkpoints.write_original_directory(
            os.path.join(cls.root, "uncased_L-2_H-8_A-2"),
            "bert",
            bert,
            dict(arrays, global_step=np.array(5, "int64"), **slots),
        )
        cls.hf_arrays = checkpoints.huggingface_arrays("bert", bert)
        cls.hf_dir = checkpoints.write_huggingface_directory(
            os.path.join(cls.root, "hf_bert"),
            "bert",
            bert,
            cls.hf_arrays,
            tokenizer_config={"do_lower_case": True},
        )
        albert = checkpoints.TINY_ALBERT
        cls.albert_dir = checkpoints.write_original_directory(
            os.path.join(cls.root, "albert"),
            "albert",
            albert,
            checkpoints.original_arrays("albert", albert),
        )
        cls.fake = os.path.join(cls.root, "fake_modules")
        os.makedirs(os.path.join(cls.fake, "transformers"))
        os.makedirs(os.path.join(cls.fake, "torch"))
        testing = os.path.join(REPO_ROOT, "keras_nlp", "testing")
        for name, source in (
            ("torch", _FAKE_TORCH),
            ("transformers", _FAKE_TRANSFORMERS.format(testing=testing)),
        ):
            with open(os.path.join(cls.fake, name, "__init__.py"), "w") as f:
                f.write(source)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    @pytest.mark.large
    def test_command_line(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        result = _command_line(
            f"--source={self.bert_dir}", f"--output_dir={output_dir}"
        )
        self.assertEqual(result.returncode, 0, msg=result.stderr)
        self.assertIn("Format: tf1_checkpoint", result.stdout)
        self.assertIn("Loaded 39 arrays into BertEncoder", result.stdout)
        self.assertIn("46  optimizer slot", result.stdout)
        self.assertIn("1  training step counter", result.stdout)
        self.assertIn("7  pretraining head not requested", result.stdout)
        self.assertIn("No comparison: the source holds no code", result.stdout)
        encoder = BertEncoder.from_preset(output_dir)
        self.assertEqual(encoder.num_layers, 2)

        # Errors: one `Error:` line on stderr, no traceback, status 2.
        corrupted = os.path.join(self.get_temp_dir(), "corrupted")
        shutil.copytree(self.bert_dir, corrupted)
        with open(os.path.join(corrupted, "bert_model.ckpt.index"), "wb") as f:
            f.write(b"truncated")
        for source, output, message in (
            (self.bert_dir, output_dir, "`output_dir` is not empty"),
            (corrupted, output_dir + "_new", "Cannot read the TF checkpoint"),
        ):
            result = _command_line(
                f"--source={source}", f"--output_dir={output}"
            )
            self.assertEqual(result.returncode, 2, msg=result.stderr)
            # TensorFlow's own log lines aside, one line: the error.
            errors = [
                line
                for line in result.stderr.splitlines()
                if line.startswith("Error: ")
            ]
            self.assertLen(errors, 1, msg=result.stderr)
            self.assertIn(message, errors[0])
            self.assertNotIn("Traceback", result.stderr)

    def test_overwrite_replaces_the_whole_directory(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        _run(self.bert_dir, output_dir)
        self.assertIn("vocab.txt", os.listdir(output_dir))
        with self.assertRaisesRegex(
            ValueError, r"not empty.*\['config\.json'.*overwrite=True"
        ):
            _run(self.albert_dir, output_dir)
        printed = _run(
            self.albert_dir, output_dir, with_mlm_head=True, overwrite=True
        )
        self.assertIn("Model: AlbertEncoder", printed)
        # No stale `vocab.txt` beside the new `spm.model`.
        self.assertEqual(
            sorted(os.listdir(output_dir)),
            [
                "config.json",
                "model.weights.h5",
                "pretraining_heads.npz",
                "spm.model",
            ],
        )
        self.assertIsInstance(
            AlbertEncoder.from_preset(output_dir), AlbertEncoder
        )
        self.assertEqual(os.listdir(os.path.dirname(output_dir)), ["preset"])

    def test_checkpoint_prefix_is_accepted(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        printed = _run(
            os.path.join(self.bert_dir, "bert_model.ckpt"), output_dir
        )
        self.assertIn("Model: BertEncoder", printed)
        self.assertIn("vocab.txt", os.listdir(output_dir))

    def test_vocabulary_of_another_size_is_refused(self):
        source = os.path.join(self.get_temp_dir(), "bert")
        shutil.copytree(self.bert_dir, source)
        with open(os.path.join(source, "vocab.txt"), "a") as file:
            file.write("extra1\nextra2\n")
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        with self.assertRaisesRegex(
            ValueError, r"has 32 tokens.*`vocab_size` 30"
        ):
            _run(source, output_dir)
        self.assertFalse(os.path.exists(output_dir))

    def test_huggingface_comparison_runs_in_a_subprocess(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        torch_was_imported = "torch" in sys.modules
        environment = {"PYTHONPATH": self.fake}
        with mock.patch.dict(os.environ, environment):
            printed = _run(self.hf_dir, output_dir)
        self.assertEqual("torch" in sys.modules, torch_was_imported)
        for name in ("sequence_output", "pooled_output"):
            line = next(
                line
                for line in printed.splitlines()
                if line.startswith(f"Max abs difference of {name}: ")
            )
            self.assertLess(float(line.split(": ")[1]), 1e-5)
        with open(os.path.join(output_dir, "config.json")) as file:
            preprocessor = json.load(file)["preprocessor"]
        self.assertEqual(
            preprocessor, {"lowercase": True, "strip_accents": None}
        )

        # A source computing something else: refused, nothing written.
        other = os.path.join(self.get_temp_dir(), "other")
        environment["FAKE_OFFSET"] = "2e-4"
        with mock.patch.dict(os.environ, environment), self.assertRaisesRegex(
            ValueError, r"does not reproduce its source.*exceed 0\.0001"
        ):
            _run(self.hf_dir, other)
        self.assertFalse(os.path.exists(other))

        # Without `transformers` for the reference, the comparison is
        # skipped with the install command.
        empty = os.path.join(self.get_temp_dir(), "empty")
        os.makedirs(os.path.join(empty, "transformers"))
        with open(os.path.join(empty, "transformers", "__init__.py"), "w") as f:
            f.write("raise ImportError('No module named transformers')\n")
        with mock.patch.dict(os.environ, {"PYTHONPATH": empty}):
            printed = _run(self.hf_dir, os.path.join(self.get_temp_dir(), "x"))
        self.assertIn("Skipping the comparison with the source", printed)
        self.assertIn("pip install transformers torch", printed)

    def test_real_fixtures(self):
        # Checkpoints made by the upstream tools (see tests/fixtures/).
        if not os.path.isdir(FIXTURES):
            self.skipTest("tests/fixtures/ (the fixtures branch) is absent")
        names = sorted(
            name
            for name in os.listdir(FIXTURES)
            if os.path.isfile(
                os.path.join(FIXTURES, name, "reference_outputs.npz")
            )
            and not name.endswith("_preprocess")
        )
        self.assertNotEmpty(names)
        with self.assertRaisesRegex(
            ValueError, "is a TF Hub preprocessing model"
        ):
            _run(
                os.path.join(FIXTURES, "tfhub_bert_preprocess"),
                os.path.join(self.get_temp_dir(), "preprocess"),
            )
        for name in names:
            source = os.path.join(FIXTURES, name)
            reference = np.load(os.path.join(source, "reference_outputs.npz"))
            heads = "mlm_logits" in reference.files
            output_dir = os.path.join(self.get_temp_dir(), name)
            printed = _run(source, output_dir, with_mlm_head=heads)
            if name.startswith("tfhub"):
                # The SavedModel ran and agreed before anything was written.
                self.assertIn("Max abs difference of pooled_output", printed)
            encoder = keras_nlp_from_preset(output_dir)
            inputs = {
                key: reference[key]
                for key in ("input_word_ids", "input_mask", "input_type_ids")
            }
            outputs = encoder(inputs, training=False)
            real = reference["input_mask"].astype(bool)
            self.assertAllClose(
                np.asarray(outputs["sequence_output"])[real],
                reference["sequence_output"][real],
                atol=1e-5,
                rtol=0,
                msg=name,
            )
            self.assertAllClose(
                outputs["pooled_output"],
                reference["pooled_output"],
                atol=1e-5,
                rtol=0,
                msg=name,
            )


def keras_nlp_from_preset(path):
    import keras_nlp

    return keras_nlp.encoders.from_preset(path)
