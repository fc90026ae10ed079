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

"""Tests for reading TF Hub BERT and ALBERT encoder SavedModels.

The SavedModels written by TF Model Garden's own exporter are tested in
`tests/upstream_fixtures_test.py`. Here each test writes the cases a real
exporter cannot make (a missing, extra or mis-shaped variable, a function
that must not run): a `tf.Module` whose variables carry the Model Garden
names and shapes
(`transformer/layer_0/self_attention/query/kernel` `[H, N, D]`, ...), a
`__call__` that runs BERT in plain TensorFlow ops (written here, sharing
nothing with keras_nlp), a `vocab_file` or `sp_model_file` asset and a
`do_lower_case` variable.
"""

import hashlib
import math
import os
import shutil
from unittest import mock

import numpy as np
import sentencepiece
import tensorflow as tf

from keras_nlp.conversion import loading
from keras_nlp.conversion.loading import convert_to_preset
from keras_nlp.conversion.loading import load_checkpoint
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing import checkpoints
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.bert_preprocessor import BertPreprocessor
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

VOCAB_SIZE = 30
HIDDEN_SIZE = 8
NUM_HEADS = 2
INNER_DIM = 16
MAX_LENGTH = 16
TYPE_VOCAB_SIZE = 2
VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world"]
VOCABULARY += [f"token{i}" for i in range(VOCAB_SIZE - len(VOCABULARY))]

INPUTS = {
    "input_word_ids": np.array(
        [[2, 5, 6, 9, 3, 0], [2, 7, 8, 11, 29, 3]], dtype="int32"
    ),
    "input_mask": np.array(
        [[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]], dtype="int32"
    ),
    "input_type_ids": np.array(
        [[0, 0, 0, 1, 1, 0], [0, 0, 1, 1, 1, 1]], dtype="int32"
    ),
}


def hub_arrays(rng, num_blocks, embedding_width=None, albert=False):
    """Random weights with TF Hub names and shapes, scaled to matter."""
    width = embedding_width or HIDDEN_SIZE
    head_dim = HIDDEN_SIZE // NUM_HEADS

    def normal(*shape):
        return rng.normal(scale=0.4, size=shape).astype("float32")

    arrays = {
        "word_embeddings/embeddings": normal(VOCAB_SIZE, width),
        "position_embedding/embeddings": normal(MAX_LENGTH, width),
        "type_embeddings/embeddings": normal(TYPE_VOCAB_SIZE, width),
        "embeddings/layer_norm/gamma": 1.0 + normal(width),
        "embeddings/layer_norm/beta": normal(width),
        "pooler_transform/kernel": normal(HIDDEN_SIZE, HIDDEN_SIZE),
        "pooler_transform/bias": normal(HIDDEN_SIZE),
    }
    if width != HIDDEN_SIZE or albert:
        arrays["embedding_projection/kernel"] = normal(width, HIDDEN_SIZE)
        arrays["embedding_projection/bias"] = normal(HIDDEN_SIZE)
    prefixes = (
        ["transformer"]
        if albert
        else [f"transformer/layer_{i}" for i in range(num_blocks)]
    )
    for prefix in prefixes:
        for name in ("query", "key", "value"):
            arrays[f"{prefix}/self_attention/{name}/kernel"] = normal(
                HIDDEN_SIZE, NUM_HEADS, head_dim
            )
            arrays[f"{prefix}/self_attention/{name}/bias"] = normal(
                NUM_HEADS, head_dim
            )
        arrays[f"{prefix}/self_attention/attention_output/kernel"] = normal(
            NUM_HEADS, head_dim, HIDDEN_SIZE
        )
        arrays[f"{prefix}/self_attention/attention_output/bias"] = normal(
            HIDDEN_SIZE
        )
        for norm in ("self_attention_layer_norm", "output_layer_norm"):
            arrays[f"{prefix}/{norm}/gamma"] = 1.0 + normal(HIDDEN_SIZE)
            arrays[f"{prefix}/{norm}/beta"] = normal(HIDDEN_SIZE)
        arrays[f"{prefix}/intermediate/kernel"] = normal(HIDDEN_SIZE, INNER_DIM)
        arrays[f"{prefix}/intermediate/bias"] = normal(INNER_DIM)
        arrays[f"{prefix}/output/kernel"] = normal(INNER_DIM, HIDDEN_SIZE)
        arrays[f"{prefix}/output/bias"] = normal(HIDDEN_SIZE)
    return arrays


def add_masked_lm_head(rng, arrays):
    """Returns `arrays` plus a TF Model Garden masked LM head (BERT)."""
    width = arrays["word_embeddings/embeddings"].shape[1]

    def normal(*shape):
        return rng.normal(scale=0.4, size=shape).astype("float32")

    return {
        **arrays,
        "cls/predictions/transform/dense/kernel": normal(HIDDEN_SIZE, width),
        "cls/predictions/transform/dense/bias": normal(width),
        "cls/predictions/transform/LayerNorm/gamma": 1.0 + normal(width),
        "cls/predictions/transform/LayerNorm/beta": normal(width),
        "cls/predictions/output_bias/bias": normal(VOCAB_SIZE),
    }


def _layer_norm(x, gamma, beta):
    mean, variance = tf.nn.moments(x, axes=[-1], keepdims=True)
    return (x - mean) * tf.math.rsqrt(variance + 1e-12) * gamma + beta


def _gelu_tanh(x):
    cube = 0.044715 * tf.pow(x, 3)
    return 0.5 * x * (1.0 + tf.tanh(math.sqrt(2.0 / math.pi) * (x + cube)))


class HubStyleEncoder(tf.Module):
    """A TF Hub-style BERT/ALBERT encoder in plain TensorFlow ops."""

    def __init__(self, arrays, num_layers, albert, callable_model=True):
        super().__init__()
        self.all_variables = [
            tf.Variable(value, name=name) for name, value in arrays.items()
        ]
        self._by_name = {
            name: variable for name, variable in zip(arrays, self.all_variables)
        }
        self._num_layers = num_layers
        self._albert = albert
        if callable_model:
            spec = tf.TensorSpec([None, None], tf.int32)
            self.__call__ = tf.function(
                self._forward,
                input_signature=[
                    {
                        "input_word_ids": spec,
                        "input_mask": spec,
                        "input_type_ids": spec,
                    }
                ],
            )
            if "cls/predictions/output_bias/bias" in arrays:
                self.mlm = tf.function(
                    self._mlm,
                    input_signature=[
                        {
                            "input_word_ids": spec,
                            "input_mask": spec,
                            "input_type_ids": spec,
                            "masked_lm_positions": spec,
                        }
                    ],
                )

    def _mlm(self, inputs):
        w = self._by_name
        p = "cls/predictions/"
        sequence = self._forward(inputs)["sequence_output"]
        gathered = tf.gather(
            sequence, inputs["masked_lm_positions"], batch_dims=1
        )
        hidden = _gelu_tanh(
            tf.einsum("bph,hw->bpw", gathered, w[p + "transform/dense/kernel"])
            + w[p + "transform/dense/bias"]
        )
        hidden = _layer_norm(
            hidden,
            w[p + "transform/LayerNorm/gamma"],
            w[p + "transform/LayerNorm/beta"],
        )
        logits = (
            tf.einsum("bpw,vw->bpv", hidden, w["word_embeddings/embeddings"])
            + w[p + "output_bias/bias"]
        )
        return {"mlm_logits": logits}

    def _forward(self, inputs):
        w = self._by_name
        length = tf.shape(inputs["input_word_ids"])[1]
        x = (
            tf.gather(w["word_embeddings/embeddings"], inputs["input_word_ids"])
            + w["position_embedding/embeddings"][None, :length]
            + tf.gather(
                w["type_embeddings/embeddings"], inputs["input_type_ids"]
            )
        )
        x = _layer_norm(
            x, w["embeddings/layer_norm/gamma"], w["embeddings/layer_norm/beta"]
        )
        if "embedding_projection/kernel" in w:
            x = (
                tf.einsum("bsx,xy->bsy", x, w["embedding_projection/kernel"])
                + w["embedding_projection/bias"]
            )
        mask = tf.cast(inputs["input_mask"], tf.float32)
        adder = (1.0 - mask[:, None, None, :]) * -1e9
        encoder_outputs = []
        for index in range(self._num_layers):
            p = (
                "transformer/"
                if self._albert
                else f"transformer/layer_{index}/"
            )

            def project(name, x=x, p=p):
                kernel = w[f"{p}self_attention/{name}/kernel"]
                bias = w[f"{p}self_attention/{name}/bias"]
                return tf.einsum("bsh,hnd->bsnd", x, kernel) + bias

            query, key, value = (
                project("query"),
                project("key"),
                project("value"),
            )
            head_dim = float(HIDDEN_SIZE // NUM_HEADS)
            scores = tf.einsum("bqnd,bknd->bnqk", query, key)
            probs = tf.nn.softmax(scores / math.sqrt(head_dim) + adder, -1)
            context = tf.einsum("bnqk,bknd->bqnd", probs, value)
            attention = (
                tf.einsum(
                    "bqnd,ndh->bqh",
                    context,
                    w[f"{p}self_attention/attention_output/kernel"],
                )
                + w[f"{p}self_attention/attention_output/bias"]
            )
            x = _layer_norm(
                x + attention,
                w[f"{p}self_attention_layer_norm/gamma"],
                w[f"{p}self_attention_layer_norm/beta"],
            )
            inner = _gelu_tanh(
                tf.einsum("bsh,hi->bsi", x, w[f"{p}intermediate/kernel"])
                + w[f"{p}intermediate/bias"]
            )
            output = (
                tf.einsum("bsi,ih->bsh", inner, w[f"{p}output/kernel"])
                + w[f"{p}output/bias"]
            )
            x = _layer_norm(
                x + output,
                w[f"{p}output_layer_norm/gamma"],
                w[f"{p}output_layer_norm/beta"],
            )
            encoder_outputs.append(x)
        pooled = tf.tanh(
            tf.matmul(x[:, 0], w["pooler_transform/kernel"])
            + w["pooler_transform/bias"]
        )
        return {
            "sequence_output": x,
            "pooled_output": pooled,
            "encoder_outputs": encoder_outputs,
            "default": pooled,
        }


def write_saved_model(
    directory,
    arrays,
    num_layers,
    albert=False,
    vocab_path=None,
    sp_model_path=None,
    do_lower_case=True,
    callable_model=True,
):
    module = HubStyleEncoder(arrays, num_layers, albert, callable_model)
    if vocab_path:
        module.vocab_file = tf.saved_model.Asset(vocab_path)
    if sp_model_path:
        module.sp_model_file = tf.saved_model.Asset(sp_model_path)
    if do_lower_case is not None:
        module.do_lower_case = tf.Variable(
            do_lower_case, trainable=False, name="do_lower_case"
        )
    tf.saved_model.save(module, directory)
    return directory


def reference_weights(arrays, albert=False):
    """The TF Hub arrays in `numpy_bert`'s flat layout."""
    hidden = HIDDEN_SIZE
    weights = {
        "word_embeddings": arrays["word_embeddings/embeddings"],
        "position_embeddings": arrays["position_embedding/embeddings"],
        "type_embeddings": arrays["type_embeddings/embeddings"],
        "embeddings_gamma": arrays["embeddings/layer_norm/gamma"],
        "embeddings_beta": arrays["embeddings/layer_norm/beta"],
        "pooler_kernel": arrays["pooler_transform/kernel"],
        "pooler_bias": arrays["pooler_transform/bias"],
        "layers": [],
    }
    if "embedding_projection/kernel" in arrays:
        weights["projection_kernel"] = arrays["embedding_projection/kernel"]
        weights["projection_bias"] = arrays["embedding_projection/bias"]
    if albert:
        prefixes = ["transformer/"]
    else:
        count = len(
            {k.split("/")[1] for k in arrays if k.startswith("transformer/")}
        )
        prefixes = [f"transformer/layer_{i}/" for i in range(count)]
    for p in prefixes:
        layer = {}
        for name in ("query", "key", "value"):
            kernel = arrays[f"{p}self_attention/{name}/kernel"]
            layer[f"{name}_kernel"] = kernel.reshape(hidden, hidden)
            layer[f"{name}_bias"] = arrays[
                f"{p}self_attention/{name}/bias"
            ].reshape(hidden)
        layer["attention_output_kernel"] = arrays[
            f"{p}self_attention/attention_output/kernel"
        ].reshape(hidden, hidden)
        layer["attention_output_bias"] = arrays[
            f"{p}self_attention/attention_output/bias"
        ]
        layer["attention_gamma"] = arrays[f"{p}self_attention_layer_norm/gamma"]
        layer["attention_beta"] = arrays[f"{p}self_attention_layer_norm/beta"]
        layer["intermediate_kernel"] = arrays[f"{p}intermediate/kernel"]
        layer["intermediate_bias"] = arrays[f"{p}intermediate/bias"]
        layer["output_kernel"] = arrays[f"{p}output/kernel"]
        layer["output_bias"] = arrays[f"{p}output/bias"]
        layer["output_gamma"] = arrays[f"{p}output_layer_norm/gamma"]
        layer["output_beta"] = arrays[f"{p}output_layer_norm/beta"]
        weights["layers"].append(layer)
    return weights


def small_bert(**kwargs):
    config = dict(
        vocab_size=VOCAB_SIZE,
        hidden_size=HIDDEN_SIZE,
        num_layers=2,
        num_attention_heads=NUM_HEADS,
        max_sequence_length=MAX_LENGTH,
        type_vocab_size=TYPE_VOCAB_SIZE,
        inner_dim=INNER_DIM,
        inner_activation="keras_nlp>gelu_approximate",
    )
    config.update(kwargs)
    return BertEncoder(**config)


class TfhubSavedModelTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = os.path.join(
            os.environ.get("TMPDIR", "/tmp"),
            f"keras_nlp_tfhub_test_{os.getpid()}",
        )
        shutil.rmtree(cls.root, ignore_errors=True)
        os.makedirs(cls.root)
        cls.vocab_path = os.path.join(cls.root, "vocab.txt")
        with open(cls.vocab_path, "w", encoding="utf-8") as vocab_file:
            vocab_file.write("\n".join(VOCABULARY) + "\n")
        cls.sp_model_path = os.path.join(cls.root, "spm.model")
        with open(cls.sp_model_path, "wb") as model_file:
            model_file.write(checkpoints.sentence_piece_model(VOCAB_SIZE))
        rng = np.random.default_rng(7)
        cls.bert_arrays = hub_arrays(rng, num_blocks=2)
        cls.bert_dir = write_saved_model(
            os.path.join(cls.root, "bert"),
            cls.bert_arrays,
            num_layers=2,
            vocab_path=cls.vocab_path,
        )
        cls.albert_arrays = hub_arrays(
            rng, num_blocks=1, embedding_width=4, albert=True
        )
        cls.albert_dir = write_saved_model(
            os.path.join(cls.root, "albert"),
            cls.albert_arrays,
            num_layers=3,
            albert=True,
            sp_model_path=cls.sp_model_path,
            do_lower_case=None,
        )

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def _variant(self, name, arrays, **kwargs):
        kwargs.setdefault("num_layers", 2)
        kwargs.setdefault("callable_model", False)
        return write_saved_model(
            os.path.join(self.get_temp_dir(), name), arrays, **kwargs
        )

    def _assert_matches_reference(
        self, encoder, arrays, albert=False, num_layers=None
    ):
        expected = numpy_bert.bert_forward(
            reference_weights(arrays, albert=albert),
            INPUTS["input_word_ids"],
            INPUTS["input_mask"],
            INPUTS["input_type_ids"],
            num_heads=NUM_HEADS,
            activation="gelu_approximate",
            num_layers=num_layers,
        )
        actual = encoder(INPUTS, training=False)
        self.assertAllClose(actual, expected, atol=1e-5, rtol=1e-5)

    def test_bert_from_preset_matches_numpy_reference(self):
        encoder = BertEncoder.from_preset(self.bert_dir)
        self.assertIsInstance(encoder, BertEncoder)
        self.assertEqual(encoder.vocab_size, VOCAB_SIZE)
        self.assertEqual(encoder.hidden_size, HIDDEN_SIZE)
        self.assertEqual(encoder.num_layers, 2)
        self.assertEqual(encoder.num_attention_heads, NUM_HEADS)
        self.assertEqual(encoder.inner_dim, INNER_DIM)
        self.assertEqual(encoder.max_sequence_length, MAX_LENGTH)
        self.assertEqual(encoder.type_vocab_size, TYPE_VOCAB_SIZE)
        self.assertIsNone(encoder.embedding_width)
        self._assert_matches_reference(encoder, self.bert_arrays)

    def test_factorized_bert_embeddings(self):
        arrays = hub_arrays(
            np.random.default_rng(3), num_blocks=1, embedding_width=4
        )
        path = self._variant("factorized", arrays, num_layers=1)
        encoder = load_checkpoint(path).encoder
        self.assertEqual(encoder.embedding_width, 4)
        self.assertEqual(encoder.num_layers, 1)
        self._assert_matches_reference(encoder, arrays)

    def test_albert_depth_from_the_recorded_signature(self):
        encoder = AlbertEncoder.from_preset(self.albert_dir)
        self.assertIsInstance(encoder, AlbertEncoder)
        self.assertEqual(encoder.num_layers, 3)
        self.assertEqual(encoder.embedding_width, 4)
        self._assert_matches_reference(
            encoder, self.albert_arrays, albert=True, num_layers=3
        )
        # Without functions, the depth must be given.
        path = self._variant(
            "albert_plain", self.albert_arrays, albert=True, num_layers=3
        )
        with self.assertRaisesRegex(ValueError, "records no `encoder_outputs`"):
            load_checkpoint(path)
        loaded = load_checkpoint(path, config_overrides={"num_layers": 3})
        self._assert_matches_reference(
            loaded.encoder, self.albert_arrays, albert=True, num_layers=3
        )

    def test_loading_never_runs_the_saved_model(self):
        # The SavedModel's function writes a file when run: loading reads
        # its variables only; `verify=True` runs it, as documented.
        path = os.path.join(self.get_temp_dir(), "side_effect")
        marker = os.path.join(self.get_temp_dir(), "ran.txt")
        module = HubStyleEncoder(self.bert_arrays, 2, albert=False)
        forward = module._forward
        spec = tf.TensorSpec([None, None], tf.int32)

        def call(inputs):
            with tf.control_dependencies([tf.io.write_file(marker, "ran")]):
                return {
                    k: tf.identity(v) if k != "encoder_outputs" else v
                    for k, v in forward(inputs).items()
                }

        module.__call__ = tf.function(
            call, input_signature=[{n: spec for n in INPUTS}]
        )
        tf.saved_model.save(module, path)
        loaded = load_checkpoint(path)
        BertEncoder.from_preset(path)
        self.assertFalse(os.path.exists(marker))
        self._assert_matches_reference(loaded.encoder, self.bert_arrays)
        verified = load_checkpoint(path, verify=True)
        self.assertTrue(os.path.exists(marker))
        self.assertLess(max(verified.differences.values()), 1e-4)

    def test_wrong_encoder_class(self):
        with self.assertRaisesRegex(
            ValueError, "loads into an AlbertEncoder, not a BertEncoder"
        ):
            BertEncoder.from_preset(self.albert_dir)
        with self.assertRaisesRegex(
            ValueError, "loads into a BertEncoder, not an AlbertEncoder"
        ):
            load_checkpoint(self.bert_dir, cls=AlbertEncoder)

    def test_weight_errors_name_the_variable(self):
        cases = []
        arrays = dict(self.bert_arrays)
        del arrays["transformer/layer_1/output/bias"]
        cases.append(
            (
                arrays,
                r"(?s)Nothing was loaded.*Missing arrays.*"
                r"`transformer/layer_1/output/bias`.*\[8\]",
            )
        )
        arrays = dict(self.bert_arrays, **{"adapter/kernel": np.ones((8, 8))})
        cases.append(
            (
                arrays,
                r"(?s)neither loaded nor skipped.*`adapter/kernel` \[8, 8\]",
            )
        )
        arrays = dict(self.bert_arrays)
        arrays["pooler_transform/bias"] = np.ones((7,), "float32")
        cases.append(
            (
                arrays,
                r"`pooler_transform/bias` has shape \[7\], but the weight "
                r"`pooler_transform/bias` \[8\] needs \[8\]",
            )
        )
        arrays = dict(self.bert_arrays)
        arrays["pooler_transform/bias"] = np.ones((8,), "int32")
        cases.append((arrays, r"`pooler_transform/bias` is a int32 array"))
        for index, (arrays, message) in enumerate(cases):
            path = self._variant(f"case_{index}", arrays)
            with self.assertRaisesRegex(ValueError, message):
                load_checkpoint(path)

    def test_masked_lm_head(self):
        arrays = add_masked_lm_head(np.random.default_rng(3), self.bert_arrays)
        path = write_saved_model(
            os.path.join(self.get_temp_dir(), "bert_mlm"),
            arrays,
            num_layers=2,
            vocab_path=self.vocab_path,
        )
        skipped = load_checkpoint(path)
        self.assertEqual(
            skipped.summary["skipped"]["pretraining head not requested"], 5
        )
        loaded = load_checkpoint(path, with_mlm_head=True, verify=True)
        self.assertIn("mlm_logits", loaded.differences)
        encoder, head = loaded.encoder, loaded.masked_lm
        self.assertEqual(loaded.summary["loaded"], len(encoder.weights) + 5)
        self.assertIsNone(loaded.next_sentence)
        self.assertIs(head.embedding_table, encoder.get_embedding_table())

        positions = np.array([[1, 3, 0], [5, 2, 2]], dtype="int32")
        sequence = numpy_bert.bert_forward(
            reference_weights(arrays),
            INPUTS["input_word_ids"],
            INPUTS["input_mask"],
            INPUTS["input_type_ids"],
            num_heads=NUM_HEADS,
            activation="gelu_approximate",
        )["sequence_output"]
        p = "cls/predictions/"
        gathered = np.take_along_axis(sequence, positions[..., None], axis=1)
        x = gathered @ arrays[p + "transform/dense/kernel"]
        x = x + arrays[p + "transform/dense/bias"]
        x = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
        mean = x.mean(-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(-1, keepdims=True)
        x = (x - mean) / np.sqrt(variance + 1e-12)
        x = x * arrays[p + "transform/LayerNorm/gamma"]
        x = x + arrays[p + "transform/LayerNorm/beta"]
        expected = x @ arrays["word_embeddings/embeddings"].T
        expected = expected + arrays[p + "output_bias/bias"]
        actual = head(
            encoder(INPUTS, training=False)["sequence_output"],
            masked_positions=positions,
        )
        self.assertEqual(tuple(actual.shape), (2, 3, VOCAB_SIZE))
        self.assertAllClose(actual, expected, atol=1e-5, rtol=1e-5)

        # The head survives the conversion to a preset.
        preset = os.path.join(self.get_temp_dir(), "mlm_preset")
        convert_to_preset(path, preset, with_mlm_head=True)
        restored = load_checkpoint(preset, with_mlm_head=True)
        restored_logits = restored.masked_lm(
            restored.encoder(INPUTS, training=False)["sequence_output"],
            masked_positions=positions,
        )
        self.assertAllClose(restored_logits, expected, atol=1e-5, rtol=1e-5)
        with self.assertRaisesRegex(ValueError, "has no masked LM head"):
            load_checkpoint(self.bert_dir, with_mlm_head=True)

    def test_verification_catches_another_activation(self):
        with self.assertRaisesRegex(
            ValueError,
            r"does not reproduce.*inner_activation='relu'.*config_overrides",
        ):
            load_checkpoint(
                self.bert_dir,
                config_overrides={"inner_activation": "relu"},
                verify=True,
            )
        # Unverified, the same weights load.
        loaded = load_checkpoint(
            self.bert_dir, config_overrides={"inner_activation": "relu"}
        )
        self.assertIsNone(loaded.differences)

    def test_not_an_encoder(self):
        path = os.path.join(self.get_temp_dir(), "other")
        module = tf.Module()
        module.weights = [tf.Variable(tf.ones([3]), name="dense/kernel")]
        tf.saved_model.save(module, path)
        with self.assertRaisesRegex(
            ValueError, r"not a TF Hub BERT or ALBERT encoder.*'dense/kernel'"
        ):
            BertEncoder.from_preset(path)
        # A preprocessing model is named as such.
        path = os.path.join(self.get_temp_dir(), "preprocess")
        module = tf.Module()
        module.tokenize = tf.Module()
        module.bert_pack_inputs = tf.Module()
        module.vocab = tf.Variable(tf.ones([3]))
        tf.saved_model.save(module, path)
        with self.assertRaisesRegex(ValueError, "is a TF Hub preprocessing"):
            BertEncoder.from_preset(path)

    def test_layer_gap_and_heads(self):
        arrays = {
            key.replace("layer_1/", "layer_2/"): value
            for key, value in self.bert_arrays.items()
        }
        with self.assertRaisesRegex(ValueError, r"without gaps.*\[0, 2\]"):
            load_checkpoint(self._variant("gap", arrays))
        arrays = dict(self.bert_arrays)
        arrays["transformer/layer_0/self_attention/query/kernel"] = np.ones(
            (8, 3, 2), "float32"
        )
        with self.assertRaisesRegex(ValueError, "do not split the hidden"):
            load_checkpoint(self._variant("heads", arrays))
        arrays = dict(self.bert_arrays)
        del arrays["position_embedding/embeddings"]
        with self.assertRaisesRegex(
            ValueError, "has no variable `position_embedding/embeddings`"
        ):
            load_checkpoint(self._variant("no_position", arrays))

    def test_duplicate_variable_names(self):
        path = os.path.join(self.get_temp_dir(), "duplicates")
        module = tf.Module()
        module.weights = [
            tf.Variable(tf.ones([3]), name="pooler_transform/bias"),
            tf.Variable(tf.ones([4]), name="pooler_transform/bias"),
        ]
        tf.saved_model.save(module, path)
        with self.assertRaisesRegex(
            ValueError, r"two variables named `pooler_transform/bias`"
        ):
            load_checkpoint(path)

    def test_corrupted_files_are_named(self):
        path = os.path.join(self.get_temp_dir(), "corrupted")
        shutil.copytree(self.bert_dir, path)
        data = os.path.join(path, "variables", "variables.data-00000-of-00001")
        with open(data, "r+b") as file:
            file.truncate(100)
        with self.assertRaisesRegex(
            ValueError, r"Cannot read the SavedModel's variables.*corrupted"
        ):
            load_checkpoint(path)
        with open(os.path.join(path, "saved_model.pb"), "wb") as file:
            file.write(b"\x12\xff not a proto")
        with self.assertRaisesRegex(
            ValueError, r"Cannot parse .*saved_model\.pb.*corrupted"
        ):
            load_checkpoint(path)

    def test_tokenizer_settings(self):
        preprocessor = BertPreprocessor.from_preset(
            self.bert_dir, sequence_length=4
        )
        self.assertIsInstance(preprocessor.tokenizer, WordPieceTokenizer)
        self.assertTrue(preprocessor.tokenizer.lowercase)
        self.assertAllEqual(
            preprocessor(["Hello World"])["input_word_ids"], [[2, 5, 6, 3]]
        )
        cased_dir = self._variant(
            "cased",
            self.bert_arrays,
            vocab_path=self.vocab_path,
            do_lower_case=False,
        )
        cased = WordPieceTokenizer.from_preset(cased_dir)
        self.assertFalse(cased.lowercase)
        self.assertAllEqual(cased("Hello world"), [1, 6])
        # ALBERT SavedModels without `do_lower_case` lower-case and strip
        # accents, the TF Hub convention.
        reference = sentencepiece.SentencePieceProcessor(
            model_file=self.sp_model_path
        )
        tokenizer = SentencePieceTokenizer.from_preset(self.albert_dir)
        self.assertTrue(tokenizer.lowercase)
        self.assertTrue(tokenizer.strip_accents)
        self.assertAllEqual(
            tokenizer("Hello  WÖRLD"), reference.encode("hello world")
        )
        no_vocab = self._variant("no_vocab", self.bert_arrays)
        with self.assertRaisesRegex(ValueError, "has no vocabulary file"):
            BertPreprocessor.from_preset(no_vocab)

    def test_handle_resolution(self):
        encoder = BertEncoder.from_preset("file://" + self.bert_dir)
        self.assertEqual(encoder.num_layers, 2)
        # A TF Hub handle found in a pre-populated TFHUB_CACHE_DIR (where
        # tensorflow_hub.resolve downloads to): no network access.
        handle = "https://tfhub.dev/tensorflow/small_bert/bert_en_uncased/1"
        cache_dir = self.get_temp_dir()
        shutil.copytree(
            self.bert_dir,
            os.path.join(cache_dir, hashlib.sha1(handle.encode()).hexdigest()),
        )
        with mock.patch.dict(os.environ, {"TFHUB_CACHE_DIR": cache_dir}):
            self.assertEqual(loading.detect_format(handle), "tfhub_saved_model")
            encoder = BertEncoder.from_preset(handle)
            tokenizer = WordPieceTokenizer.from_preset(handle)
        self.assertAllClose(
            encoder(INPUTS)["pooled_output"],
            BertEncoder.from_preset(self.bert_dir)(INPUTS)["pooled_output"],
        )
        self.assertTrue(tokenizer.lowercase)

    def test_convert_to_preset(self):
        loaded = load_checkpoint(self.bert_dir)
        self.assertEqual(loaded.source_format, "tfhub_saved_model")
        self.assertEqual(loaded.summary["loaded"], len(loaded.encoder.weights))
        self.assertEqual(
            loaded.summary["skipped"], {"tokenizer setting (do_lower_case)": 1}
        )
        self.assertEqual(
            loaded.tokenizer_settings,
            {"lowercase": True, "strip_accents": None},
        )
        albert = load_checkpoint(self.albert_dir)
        self.assertEqual(
            albert.tokenizer_settings,
            {"lowercase": True, "strip_accents": True},
        )
        preset = os.path.join(self.get_temp_dir(), "preset")
        convert_to_preset(self.bert_dir, preset)
        restored = BertEncoder.from_preset(preset)
        self.assertAllClose(
            restored(INPUTS, training=False),
            loaded.encoder(INPUTS, training=False),
        )
        preprocessor = BertPreprocessor.from_preset(preset, sequence_length=4)
        self.assertAllEqual(
            preprocessor(["Hello World"])["input_word_ids"], [[2, 5, 6, 3]]
        )
