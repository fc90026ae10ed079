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

One test runs the script in a subprocess, as users run it; the others call
its `run()` in-process on small checkpoints the tests write. A stand-in for
`transformers` (built on the independent NumPy BERT) exercises the
comparison with a runnable source, since `transformers` is not installed.
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
import types
from unittest import mock

import numpy as np

from keras_nlp.conversion import testing_checkpoints as checkpoints
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import TestCase

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(
    REPO_ROOT, "tools", "checkpoint_conversion", "convert_checkpoint.py"
)


def _import_script():
    spec = importlib.util.spec_from_file_location("convert_checkpoint", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


convert_checkpoint = _import_script()


class _Tensor:
    def __init__(self, value):
        self.value = np.asarray(value)

    def long(self):
        return self

    def numpy(self):
        return self.value


def _fake_transformers(arrays, offset=0.0):
    """Modules standing in for `torch` and `transformers`.

    `AutoModel.from_pretrained` returns a model computing the NumPy reference
    BERT from the Hugging Face `arrays` (plus `offset`).
    """
    calls = []

    class Model:
        def eval(self):
            return self

        def __call__(self, input_ids, attention_mask, token_type_ids):
            config = checkpoints.TINY_BERT
            outputs = numpy_bert.bert_forward(
                checkpoints.reference_from_huggingface(
                    arrays, "bert", config["num_layers"]
                ),
                input_ids.numpy(),
                attention_mask.numpy(),
                token_type_ids.numpy(),
                num_heads=config["num_attention_heads"],
            )
            return types.SimpleNamespace(
                last_hidden_state=_Tensor(outputs["sequence_output"] + offset),
                pooler_output=_Tensor(outputs["pooled_output"]),
            )

    def from_pretrained(path, **kwargs):
        calls.append((path, kwargs))
        return Model()

    torch = types.SimpleNamespace(
        tensor=_Tensor, no_grad=contextlib.nullcontext
    )
    transformers = types.SimpleNamespace(
        AutoModel=types.SimpleNamespace(from_pretrained=from_pretrained)
    )
    return {"torch": torch, "transformers": transformers}, calls


def _run(*args, **kwargs):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        convert_checkpoint.run(*args, **kwargs)
    return output.getvalue()


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

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def test_command_line(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        result = subprocess.run(
            [
                sys.executable,
                SCRIPT,
                f"--source={self.bert_dir}",
                f"--output_dir={output_dir}",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=240,
        )
        self.assertEqual(result.returncode, 0, msg=result.stderr)
        self.assertIn("Format: bert_checkpoint", result.stdout)
        self.assertIn(
            "Loaded 39 source variables into 39 weights", result.stdout
        )
        self.assertIn("46  optimizer slot", result.stdout)
        self.assertIn("1  training step counter", result.stdout)
        self.assertIn("7  pretraining head not requested", result.stdout)
        self.assertIn("Skipping the comparison", result.stdout)
        encoder = BertEncoder.from_preset(output_dir)
        self.assertEqual(encoder.num_layers, 2)

        # A second run refuses the now non-empty directory.
        result = subprocess.run(
            [
                sys.executable,
                SCRIPT,
                f"--source={self.bert_dir}",
                f"--output_dir={output_dir}",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=240,
        )
        self.assertEqual(result.returncode, 1)
        self.assertIn("--output_dir is not empty", result.stderr)
        self.assertIn("--overwrite", result.stderr)

    def test_overwrite(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        os.makedirs(output_dir)
        with open(os.path.join(output_dir, "old.txt"), "w") as file:
            file.write("x")
        with mock.patch.object(
            convert_checkpoint.keras_nlp.conversion, "load_checkpoint"
        ) as load, self.assertRaisesRegex(
            ValueError, r"not empty.*\['old\.txt'\].*--overwrite"
        ):
            _run(self.albert_dir, output_dir)
        load.assert_not_called()
        printed = _run(
            self.albert_dir, output_dir, with_mlm_head=True, overwrite=True
        )
        self.assertIn("Model: AlbertEncoder", printed)
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

    def test_huggingface_without_transformers_skips_cleanly(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        with mock.patch.dict(sys.modules, {"transformers": None}):
            printed = _run(self.hf_dir, output_dir)
        self.assertIn(
            "Skipping the comparison with the source: `transformers` is not "
            "installed",
            printed,
        )
        with open(os.path.join(output_dir, "config.json")) as file:
            preprocessor = json.load(file)["preprocessor"]
        self.assertEqual(
            preprocessor, {"lowercase": True, "strip_accents": None}
        )

    def test_comparison_with_a_runnable_source(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        modules, calls = _fake_transformers(self.hf_arrays)
        with mock.patch.dict(sys.modules, modules):
            printed = _run(self.hf_dir, output_dir)
        self.assertEqual(calls, [(self.hf_dir, {"use_safetensors": True})])
        for name in ("sequence_output", "pooled_output"):
            line = next(
                line
                for line in printed.splitlines()
                if line.startswith(f"Max abs difference of {name}: ")
            )
            self.assertLess(float(line.split(": ")[1]), 1e-5)
        self.assertTrue(os.path.isfile(os.path.join(output_dir, "vocab.txt")))

    def test_mismatch_fails_and_writes_nothing(self):
        output_dir = os.path.join(self.get_temp_dir(), "preset")
        modules, _ = _fake_transformers(self.hf_arrays, offset=2e-4)
        with mock.patch.dict(sys.modules, modules), self.assertRaisesRegex(
            ValueError,
            r"does not match the source: a max abs difference of 0\.0002 "
            r"exceeds 0\.0001.*Nothing was written",
        ):
            _run(self.hf_dir, output_dir)
        self.assertFalse(os.path.exists(output_dir))

    def test_max_differences_ignore_padding(self):
        mask = np.array([[1, 1], [1, 0]])
        expected = {
            "sequence_output": np.zeros((2, 2, 3)),
            "pooled_output": np.zeros((2, 3)),
        }
        actual = {
            "sequence_output": np.zeros((2, 2, 3)),
            "pooled_output": np.full((2, 3), 0.5),
        }
        actual["sequence_output"][1, 1] = 100.0  # Padding.
        actual["sequence_output"][0, 1, 2] = -0.25
        self.assertEqual(
            convert_checkpoint.max_differences(actual, expected, mask),
            {"sequence_output": 0.25, "pooled_output": 0.5},
        )
