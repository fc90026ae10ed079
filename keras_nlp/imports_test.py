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

"""Tests of the package's imports: modeling code needs no TensorFlow."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import pytest
from absl.testing import parameterized

from keras_nlp.testing.test_case import TestCase

ROOT = os.path.dirname(os.path.dirname(__file__))

# Makes every `import tensorflow` (and tensorflow_text) fail, as if neither
# were installed, then uses the modeling API and the TensorFlow-only one.
_WITHOUT_TENSORFLOW = textwrap.dedent("""
    import sys

    for name in ("tensorflow", "tensorflow_text"):
        sys.modules[name] = None

    import numpy as np

    import keras_nlp
    import keras_nlp.encoders
    import keras_nlp.layers

    encoder = keras_nlp.encoders.BertEncoder(
        vocab_size=10, hidden_size=8, num_layers=1, num_attention_heads=2,
        inner_dim=8, max_sequence_length=4,
    )
    outputs = encoder(
        {
            "input_word_ids": np.array([[1, 2, 0]]),
            "input_mask": np.array([[1, 1, 0]]),
            "input_type_ids": np.zeros((1, 3), "int32"),
        }
    )
    assert tuple(outputs["pooled_output"].shape) == (1, 8)
    try:
        keras_nlp.conversion
    except ImportError as error:
        print(error)
    else:
        raise AssertionError("keras_nlp.conversion imported without TF")
    # The tokenizers import (saved models name their modules), and refuse
    # to be built.
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"]
    try:
        keras_nlp.tokenizers.WordPieceTokenizer(vocabulary)
    except ImportError as error:
        print(error)
    else:
        raise AssertionError("a WordPieceTokenizer was built without TF")
    """)

# With TensorFlow installed: `import keras_nlp` leaves the TensorFlow
# subpackages alone until they are used.
_LAZY = textwrap.dedent("""
    import json
    import sys

    import keras

    import keras_nlp

    assert "keras_nlp.tokenizers" not in sys.modules
    assert "keras_nlp.conversion" not in sys.modules
    assert "tensorflow_text" not in sys.modules
    # Keras imports the module a saved keras_nlp layer names, so `.keras`
    # files with tokenizer layers load without importing them first.
    packer = keras.saving.deserialize_keras_object(json.loads(sys.argv[1]))
    assert type(packer).__name__ == "BertPacker"
    assert keras_nlp.tokenizers.WordPieceTokenizer.__name__
    assert "tokenizers" in dir(keras_nlp)
    print("lazy")
    """)


def _run(script, backend, *args):
    environment = dict(
        os.environ,
        KERAS_BACKEND=backend,
        PYTHONPATH=ROOT,
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


class ImportsTest(TestCase):
    @parameterized.named_parameters(("jax", "jax"), ("torch", "torch"))
    @pytest.mark.large
    def test_modeling_works_without_tensorflow(self, backend):
        result = _run(_WITHOUT_TENSORFLOW, backend)
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        messages = result.stdout.strip().splitlines()
        self.assertLen(messages, 2)
        self.assertRegex(
            messages[0],
            r"`keras_nlp\.conversion` needs TensorFlow and tensorflow-text"
            r".*`tensorflow` could not be imported.*Install them with "
            r'`pip install "tensorflow==',
        )
        self.assertRegex(
            messages[1], r"WordPieceTokenizer.*pip install .*tensorflow"
        )

    @pytest.mark.large
    def test_tensorflow_subpackages_load_on_first_use(self):
        from keras_nlp.tokenizers.bert_packer import BertPacker

        packer = keras.saving.serialize_keras_object(BertPacker(8, 2, 3, 0))
        result = _run(_LAZY, "tensorflow", json.dumps(packer))
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        self.assertEqual(result.stdout.strip(), "lazy")

    def test_unknown_attribute(self):
        import keras_nlp

        with self.assertRaisesRegex(AttributeError, "no attribute 'nope'"):
            keras_nlp.nope
