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


"""The text layers under every Keras backend, in tf.data and eagerly."""

import json
import os
import subprocess
import sys
from unittest import mock

import numpy as np
import pytest
import tensorflow as tf
from absl.testing import parameterized

from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers import preprocessing_layer
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

# Runs in a fresh process with `KERAS_BACKEND` set: every text layer in
# `tf.data.Dataset.map` and eagerly; prints the results as JSON.
_BACKEND_SCRIPT = r"""
import json, sys
import keras
import numpy as np
import tensorflow as tf
import keras_nlp
from keras_nlp.testing import vocabularies

tokenizers = keras_nlp.tokenizers
word_piece = tokenizers.WordPieceTokenizer(vocabularies.TOY_VOCABULARY)
sentence_piece = tokenizers.SentencePieceTokenizer(
    vocabularies.train_sentence_piece()
)
packer = tokenizers.BertPacker(8, start_token_id=2, end_token_id=3,
                               pad_token_id=0)
preprocessor = tokenizers.BertPreprocessor(word_piece, sequence_length=8)
masker = tokenizers.MaskedLMMaskGenerator(
    vocab_size=len(vocabularies.TOY_VOCABULARY), mask_token_id=4,
    mask_selection_rate=0.5, max_selections=3,
    unselectable_token_ids=[0, 2, 3], seed=7,
)
texts = ["The quick fox jumped.", "unaffable café"]
native = type(keras.ops.zeros((1,)))
results = {}

def pipeline(text):
    outputs = preprocessor(text)
    masked = masker(outputs["input_word_ids"])
    outputs["masked_lm_weights"] = masked["masked_lm_weights"]
    pieces = sentence_piece(text)
    outputs["sentence_piece"] = packer(pieces)["input_word_ids"]
    outputs["word_piece"] = packer(word_piece(text))["input_word_ids"]
    return outputs

dataset = tf.data.Dataset.from_tensor_slices(texts).batch(2).map(pipeline)
batch = next(iter(dataset))
results["tf_data"] = {k: np.asarray(v).tolist() for k, v in batch.items()}

eager = preprocessor(texts)
masked = masker(eager["input_word_ids"])
ids = word_piece(texts)
single = word_piece("The fox")
results["eager_types_native"] = all(
    isinstance(v, native) for v in list(eager.values()) + list(masked.values())
)
results["packer_native"] = isinstance(packer(ids)["input_word_ids"], native)
results["single_native"] = isinstance(single, native)
results["ragged"] = isinstance(ids, tf.RaggedTensor)
offsets = word_piece.tokenize_with_offsets("The fox")
results["offsets_native"] = all(isinstance(x, native) for x in offsets)
results["offsets"] = [keras.ops.convert_to_numpy(x).tolist() for x in offsets]
results["eager"] = {k: keras.ops.convert_to_numpy(v).tolist()
                    for k, v in eager.items()}
results["masked_weights"] = keras.ops.convert_to_numpy(
    masked["masked_lm_weights"]).tolist()
results["sentence_piece"] = sentence_piece(texts).to_list()
# Backend arrays go in: ids of the backend's int dtype, detokenized.
results["detokenized"] = [
    x.decode() for x in word_piece.detokenize(eager["input_word_ids"]).numpy()
]
print("RESULTS " + json.dumps(results))
"""


# Runs in a fresh process on JAX in which TensorFlow cannot be imported:
# the text modules import, and each layer says how to install TensorFlow.
_NO_TENSORFLOW_SCRIPT = r"""
import importlib.abc, os, sys, types

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("tensorflow", "tensorflow_text"):
            raise ImportError(f"No module named {name!r}")

sys.meta_path.insert(0, Block())
# Only the tokenizers package (keras_nlp/__init__.py imports more).
package = types.ModuleType("keras_nlp")
package.__path__ = [os.path.join(sys.argv[1], "keras_nlp")]
sys.modules["keras_nlp"] = package
import keras_nlp.tokenizers as tokenizers

for build in (
    lambda: tokenizers.WordPieceTokenizer(["[UNK]"]),
    lambda: tokenizers.SentencePieceTokenizer(b"x"),
    lambda: tokenizers.BertPacker(8, 1, 2, 0),
    lambda: tokenizers.MaskedLMMaskGenerator(10, mask_token_id=1),
    lambda: tokenizers.compute_word_piece_vocabulary(["a"], 10),
):
    try:
        build()
    except ImportError as error:
        print("IMPORT_ERROR", error)
"""


class PreprocessingLayerTest(TestCase):
    @pytest.mark.large
    def test_without_tensorflow(self):
        root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
        env = dict(os.environ, KERAS_BACKEND="jax")
        process = subprocess.run(
            [sys.executable, "-c", _NO_TENSORFLOW_SCRIPT, root],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(process.returncode, 0, msg=process.stderr[-3000:])
        errors = [
            line
            for line in process.stdout.splitlines()
            if line.startswith("IMPORT_ERROR")
        ]
        self.assertLen(errors, 5)
        for line in errors:
            self.assertIn("pip install tensorflow tensorflow-text", line)

    @pytest.mark.large
    @parameterized.named_parameters(("jax", "jax"), ("torch", "torch"))
    def test_text_layers_on_backend(self, backend):
        root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        process = subprocess.run(
            [sys.executable, "-c", _BACKEND_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.assertEqual(process.returncode, 0, msg=process.stderr[-3000:])
        line = [x for x in process.stdout.splitlines() if x[:8] == "RESULTS "]
        results = json.loads(line[-1][8:])

        # The same ids as on TensorFlow (this process), hand-checked for
        # the toy vocabulary: "[CLS] the quick fox jump ##ed . [SEP]" and
        # "[CLS] un ##aff ##able cafe [SEP]".
        expected_ids = [
            [2, 5, 6, 8, 9, 10, 12, 3],
            [2, 13, 14, 15, 18, 3, 0, 0],
        ]
        for outputs in (results["tf_data"], results["eager"]):
            self.assertEqual(outputs["input_word_ids"], expected_ids)
            self.assertEqual(
                outputs["input_mask"],
                [[1] * 8, [1] * 6 + [0] * 2],
            )
            self.assertEqual(outputs["input_type_ids"], [[0] * 8] * 2)
        self.assertEqual(results["tf_data"]["word_piece"], expected_ids)
        # ceil(0.5 * 6) = 3 and ceil(0.5 * 4) = 2 masked tokens.
        expected_weights = [[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]]
        self.assertEqual(
            results["tf_data"]["masked_lm_weights"], expected_weights
        )
        self.assertEqual(results["masked_weights"], expected_weights)
        # SentencePiece ids packed: [CLS] ids[:6] [SEP], padded to 8.
        expected_pieces = [
            ([2] + row[:6] + [3] + [0] * 8)[:8]
            for row in results["sentence_piece"]
        ]
        self.assertEqual(results["tf_data"]["sentence_piece"], expected_pieces)
        self.assertTrue(results["eager_types_native"])
        self.assertTrue(results["packer_native"])
        self.assertTrue(results["single_native"])
        self.assertTrue(results["ragged"])
        self.assertTrue(results["offsets_native"])
        self.assertEqual(results["offsets"], [[5, 8], [0, 4], [3, 7]])
        self.assertEqual(
            results["detokenized"],
            [
                "[CLS] the quick fox jumped . [SEP]",
                "[CLS] unaffable cafe [SEP] [PAD] [PAD]",
            ],
        )

    def test_missing_tensorflow_text_raises_import_error(self):
        with mock.patch.object(preprocessing_layer, "tf_text", None):
            with self.assertRaisesRegex(
                ImportError, "pip install tensorflow tensorflow-text"
            ):
                WordPieceTokenizer(["[UNK]"])

    def test_tensorflow_backend_returns_tensorflow_tensors(self):
        tokenizer = WordPieceTokenizer(["[UNK]", "the", "fox"])
        self.assertIsInstance(tokenizer("the fox"), tf.Tensor)
        self.assertIsInstance(tokenizer(["the", "fox"]), tf.RaggedTensor)
        self.assertFalse(preprocessing_layer.needs_conversion())
        converted = preprocessing_layer.to_backend(tf.constant([1, 2]))
        self.assertAllEqual(converted, np.array([1, 2]))
