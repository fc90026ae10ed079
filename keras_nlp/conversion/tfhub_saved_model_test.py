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

Each test writes a tiny SavedModel the way TF Hub encoders are laid out: a
`tf.Module` whose variables carry the TF Model Garden names and shapes
(`transformer/layer_0/self_attention/query/kernel` `[H, N, D]`, ...), a
`__call__` that runs BERT in plain TensorFlow ops (written here, sharing
nothing with keras_nlp), a `vocab_file` or `sp_model_file` asset and a
`do_lower_case` variable.
"""

import hashlib
import io
import math
import os
import shutil
from unittest import mock

import numpy as np
import sentencepiece
import tensorflow as tf

from keras_nlp.conversion import tfhub_saved_model
from keras_nlp.conversion.formats import convert_to_preset
from keras_nlp.conversion.formats import load_checkpoint
from keras_nlp.conversion.tfhub_saved_model import load_tfhub_encoder
from keras_nlp.conversion.tfhub_saved_model import load_tfhub_tokenizer
from keras_nlp.conversion.tfhub_saved_model import load_tfhub_weights
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
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


def snapshot(encoder):
    return [np.array(weight.numpy()) for weight in encoder.weights]


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
            sp_model_path=cls._write_sp_model(),
            do_lower_case=None,
        )

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def _write_sp_model(cls):
        model = io.BytesIO()
        sentencepiece.SentencePieceTrainer.train(
            sentence_iterator=iter(["hello world", "the quick brown fox"] * 4),
            model_writer=model,
            vocab_size=VOCAB_SIZE,
            hard_vocab_limit=False,
            pad_id=0,
            unk_id=1,
            bos_id=-1,
            eos_id=-1,
            user_defined_symbols=["[CLS]", "[SEP]", "[MASK]"],
            minloglevel=2,
        )
        path = os.path.join(cls.root, "spm.model")
        with open(path, "wb") as model_file:
            model_file.write(model.getvalue())
        return path

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

    def _assert_load_fails_untouched(self, name, arrays, message):
        # Returns the SavedModel's path.
        path = self._variant(name, arrays)
        encoder = small_bert()
        before = snapshot(encoder)
        with self.assertRaisesRegex(ValueError, message):
            load_tfhub_weights(encoder, path)
        self.assertAllClose(snapshot(encoder), before)
        return path

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
        encoder = load_tfhub_encoder(path, verify=False)
        self.assertEqual(encoder.embedding_width, 4)
        self.assertEqual(encoder.num_layers, 1)
        self._assert_matches_reference(encoder, arrays)

    def test_albert_from_preset_matches_numpy_reference(self):
        encoder = AlbertEncoder.from_preset(self.albert_dir)
        self.assertIsInstance(encoder, AlbertEncoder)
        self.assertEqual(encoder.num_layers, 3)
        self.assertEqual(encoder.embedding_width, 4)
        self.assertEqual(encoder.hidden_size, HIDDEN_SIZE)
        self._assert_matches_reference(
            encoder, self.albert_arrays, albert=True, num_layers=3
        )

    def test_wrong_encoder_class(self):
        with self.assertRaisesRegex(
            ValueError, "ALBERT encoder.*AlbertEncoder"
        ):
            BertEncoder.from_preset(self.albert_dir)
        with self.assertRaisesRegex(ValueError, "BERT encoder.*BertEncoder"):
            load_tfhub_encoder(self.bert_dir, cls=AlbertEncoder)
        albert = AlbertEncoder(
            vocab_size=VOCAB_SIZE,
            embedding_width=4,
            hidden_size=HIDDEN_SIZE,
            num_layers=3,
            num_attention_heads=NUM_HEADS,
            max_sequence_length=MAX_LENGTH,
            type_vocab_size=TYPE_VOCAB_SIZE,
            inner_dim=INNER_DIM,
        )
        with self.assertRaisesRegex(ValueError, "cannot load into"):
            load_tfhub_weights(albert, self.bert_dir)
        with self.assertRaisesRegex(ValueError, "must be a keras_nlp"):
            load_tfhub_weights(object(), self.bert_dir)

    def test_load_weights_into_existing_encoder(self):
        encoder = small_bert(output_dropout=0.0)
        summary = load_tfhub_weights(encoder, self.bert_dir)
        self.assertEqual(summary["loaded"], len(encoder.weights))
        self.assertEqual(summary["skipped"], {"tokenizer setting": 1})
        reference = numpy_bert.weights_from_keras_encoder(encoder)
        expected = reference_weights(self.bert_arrays)
        self.assertAllClose(
            reference["layers"][1]["query_kernel"],
            expected["layers"][1]["query_kernel"],
        )

    def test_missing_variable_leaves_encoder_untouched(self):
        arrays = dict(self.bert_arrays)
        del arrays["transformer/layer_1/output/bias"]
        path = self._assert_load_fails_untouched(
            "missing",
            arrays,
            r"(?s)Nothing was loaded.*Missing weights.*"
            r"`transformer/layer_1/output/bias`.*\[8\]",
        )
        with self.assertRaisesRegex(
            ValueError, "`transformer/layer_1/output/bias`"
        ):
            load_tfhub_encoder(path)

    def test_extra_variable_leaves_encoder_untouched(self):
        arrays = dict(self.bert_arrays)
        arrays["adapter/kernel"] = np.ones((8, 8), "float32")
        self._assert_load_fails_untouched(
            "extra",
            arrays,
            r"(?s)Unmapped source variables.*`adapter/kernel` \[8, 8\]",
        )

    def test_wrong_shape_names_both_shapes(self):
        arrays = dict(self.bert_arrays)
        arrays["pooler_transform/bias"] = np.ones((7,), "float32")
        self._assert_load_fails_untouched(
            "shape",
            arrays,
            r"(?s)Shape mismatches.*`pooler_transform/bias` has shape \[7\].*"
            r"`pooler_transform/bias` has shape \[8\]",
        )

    def test_masked_lm_head_is_skipped(self):
        arrays = dict(self.bert_arrays)
        arrays["cls/predictions/output_bias/bias"] = np.zeros(30, "float32")
        arrays["cls/predictions/transform/dense/kernel"] = np.zeros(
            (8, 8), "float32"
        )
        path = self._variant("mlm", arrays)
        encoder = small_bert()
        summary = load_tfhub_weights(encoder, path, verify=False)
        self.assertEqual(
            summary["skipped"]["masked LM head (not part of the encoder)"], 2
        )

    def test_partial_masked_lm_head_is_an_error(self):
        arrays = dict(self.bert_arrays)
        arrays["cls/predictions/output_bias/bias"] = np.zeros(30, "float32")
        path = self._variant("partial_mlm", arrays)
        with self.assertRaisesRegex(
            ValueError,
            r"(?s)no complete masked LM head: it lacks "
            r"`cls/predictions/transform/dense/kernel`.*"
            r"`cls/predictions/transform/LayerNorm/beta`\. Expected",
        ):
            load_checkpoint(path, with_mlm_head=True)

    def test_masked_lm_head_matches_numpy_reference(self):
        arrays = add_masked_lm_head(np.random.default_rng(3), self.bert_arrays)
        path = write_saved_model(
            os.path.join(self.get_temp_dir(), "bert_mlm"),
            arrays,
            num_layers=2,
            vocab_path=self.vocab_path,
        )
        loaded = load_checkpoint(path, with_mlm_head=True)
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

        # A head that does not reproduce the SavedModel's `mlm` function is
        # rejected (here: gamma and beta swapped).
        swapped = dict(tfhub_saved_model.MASKED_LM_VARIABLES)
        swapped["masked_lm/norm/gamma"] = p + "transform/LayerNorm/beta"
        swapped["masked_lm/norm/beta"] = p + "transform/LayerNorm/gamma"
        with mock.patch.object(
            tfhub_saved_model, "MASKED_LM_VARIABLES", swapped
        ):
            with self.assertRaisesRegex(
                ValueError, r"does not reproduce its `mlm_logits`"
            ):
                load_checkpoint(path, with_mlm_head=True)

    def test_verification_catches_another_activation(self):
        with self.assertRaisesRegex(
            ValueError,
            r"does not reproduce.*inner_activation='relu'.*config_overrides",
        ):
            load_tfhub_encoder(
                self.bert_dir, config_overrides={"inner_activation": "relu"}
            )
        encoder = small_bert(inner_activation="relu")
        before = snapshot(encoder)
        with self.assertRaisesRegex(ValueError, "does not reproduce"):
            load_tfhub_weights(encoder, self.bert_dir)
        self.assertAllClose(snapshot(encoder), before)
        # Unverified, the weights load.
        load_tfhub_weights(encoder, self.bert_dir, verify=False)
        self.assertAllClose(
            encoder.get_layer("pooler_transform").bias,
            self.bert_arrays["pooler_transform/bias"],
        )

    def test_uncallable_saved_model_needs_verify_false(self):
        path = self._variant("uncallable", self.bert_arrays)
        with self.assertRaisesRegex(ValueError, "cannot be called.*verify"):
            load_tfhub_encoder(path)
        encoder = load_tfhub_encoder(path, verify=False)
        self.assertEqual(encoder.num_layers, 2)

    def test_not_an_encoder(self):
        path = os.path.join(self.get_temp_dir(), "other")
        module = tf.Module()
        module.weights = [tf.Variable(tf.ones([3]), name="dense/kernel")]
        tf.saved_model.save(module, path)
        with self.assertRaisesRegex(
            ValueError, r"not a TF Hub BERT or ALBERT encoder.*`dense/kernel`"
        ):
            BertEncoder.from_preset(path)

    def test_layer_gap(self):
        arrays = {
            key.replace("layer_1/", "layer_2/"): value
            for key, value in self.bert_arrays.items()
        }
        path = self._variant("gap", arrays)
        with self.assertRaisesRegex(ValueError, r"without gaps.*missing \[1\]"):
            load_tfhub_encoder(path)

    def test_heads_that_do_not_split_hidden_size(self):
        arrays = dict(self.bert_arrays)
        arrays["transformer/layer_0/self_attention/query/kernel"] = np.ones(
            (8, 3, 2), "float32"
        )
        path = self._variant("heads", arrays)
        with self.assertRaisesRegex(ValueError, "do not split the hidden"):
            load_tfhub_encoder(path)

    def test_malformed_variables(self):
        arrays = dict(self.bert_arrays)
        del arrays["position_embedding/embeddings"]
        path = self._variant("no_position", arrays)
        with self.assertRaisesRegex(
            ValueError, "has no variable `position_embedding/embeddings`"
        ):
            load_tfhub_encoder(path)
        arrays = dict(self.bert_arrays)
        arrays["transformer/layer_0/self_attention/query/kernel"] = np.ones(
            (8, 8), "float32"
        )
        path = self._variant("rank", arrays)
        with self.assertRaisesRegex(ValueError, r"must have rank 3.*\[8, 8\]"):
            load_tfhub_encoder(path)
        arrays = {
            key: value
            for key, value in self.albert_arrays.items()
            if not key.startswith("embedding_projection/")
        }
        path = self._variant("no_projection", arrays, albert=True)
        with self.assertRaisesRegex(
            ValueError, "has no `embedding_projection`"
        ):
            load_tfhub_encoder(path)

    def test_duplicate_variable_names(self):
        path = os.path.join(self.get_temp_dir(), "duplicates")
        module = tf.Module()
        module.weights = [
            tf.Variable(tf.ones([3]), name="pooler_transform/bias"),
            tf.Variable(tf.ones([4]), name="pooler_transform/bias"),
        ]
        tf.saved_model.save(module, path)
        with self.assertRaisesRegex(
            ValueError, r"two different variables named `pooler_transform"
        ):
            load_tfhub_encoder(path)

    def test_saved_model_with_other_outputs(self):
        path = os.path.join(self.get_temp_dir(), "other_outputs")
        module = HubStyleEncoder(self.bert_arrays, 2, albert=False)
        spec = tf.TensorSpec([None, None], tf.int32)
        module.__call__ = tf.function(
            lambda inputs: {"logits": tf.cast(inputs["input_mask"], "float32")},
            input_signature=[
                {
                    "input_word_ids": spec,
                    "input_mask": spec,
                    "input_type_ids": spec,
                }
            ],
        )
        tf.saved_model.save(module, path)
        with self.assertRaisesRegex(
            ValueError, r"does not return a dict.*\['logits'\]"
        ):
            load_tfhub_encoder(path)

    def test_lowercasing_is_picked_up(self):
        uncased = load_tfhub_tokenizer(self.bert_dir)
        self.assertIsInstance(uncased, WordPieceTokenizer)
        self.assertTrue(uncased.lowercase)
        self.assertAllEqual(uncased("Hello World"), [5, 6])
        cased_dir = self._variant(
            "cased",
            self.bert_arrays,
            vocab_path=self.vocab_path,
            do_lower_case=False,
        )
        cased = load_tfhub_tokenizer(cased_dir)
        self.assertFalse(cased.lowercase)
        self.assertAllEqual(cased("Hello world"), [1, 6])
        # An explicit setting overrides the SavedModel's.
        self.assertTrue(
            load_tfhub_tokenizer(cased_dir, lowercase=True).lowercase
        )

    def test_tokenizer_errors(self):
        no_flag = self._variant(
            "no_flag",
            self.bert_arrays,
            vocab_path=self.vocab_path,
            do_lower_case=None,
        )
        with self.assertRaisesRegex(ValueError, "no `do_lower_case`"):
            load_tfhub_tokenizer(no_flag)
        self.assertTrue(load_tfhub_tokenizer(no_flag, True).lowercase)
        no_vocab = self._variant("no_vocab", self.bert_arrays)
        with self.assertRaisesRegex(ValueError, "neither a `vocab_file`"):
            load_tfhub_tokenizer(no_vocab)
        with self.assertRaisesRegex(ValueError, "must be a bool"):
            load_tfhub_tokenizer(self.bert_dir, lowercase="yes")

    def test_sentence_piece_tokenizer(self):
        # ALBERT SavedModels without `do_lower_case` lower-case (and strip
        # accents) by the TF Hub convention.
        reference = sentencepiece.SentencePieceProcessor(
            model_file=os.path.join(self.root, "spm.model")
        )
        tokenizer = load_tfhub_tokenizer(self.albert_dir)
        self.assertIsInstance(tokenizer, SentencePieceTokenizer)
        self.assertTrue(tokenizer.lowercase)
        self.assertTrue(tokenizer.strip_accents)
        self.assertEqual(tokenizer.cls_token_id, 2)
        self.assertAllEqual(
            tokenizer("Hello  WÖRLD"), reference.encode("hello world")
        )
        # An explicit setting overrides the convention.
        tokenizer = load_tfhub_tokenizer(self.albert_dir, lowercase=False)
        self.assertFalse(tokenizer.lowercase)
        self.assertAllEqual(tokenizer("Hello"), reference.encode("Hello"))
        cased_dir = self._variant(
            "sp_cased",
            self.albert_arrays,
            albert=True,
            sp_model_path=os.path.join(self.root, "spm.model"),
            do_lower_case=False,
        )
        cased = load_tfhub_tokenizer(cased_dir)
        self.assertIsInstance(cased, SentencePieceTokenizer)
        self.assertFalse(cased.lowercase)
        self.assertFalse(cased.strip_accents)

    def test_preprocessor_from_saved_model(self):
        # `from_preset` reads the tokenizer of a SavedModel directly, with
        # the settings a converted preset gets.
        preprocessor = BertPreprocessor.from_preset(
            self.bert_dir, sequence_length=4
        )
        self.assertIsInstance(preprocessor.tokenizer, WordPieceTokenizer)
        self.assertTrue(preprocessor.tokenizer.lowercase)
        self.assertAllEqual(
            preprocessor(["Hello World"])["input_word_ids"], [[2, 5, 6, 3]]
        )
        preprocessor = BertPreprocessor.from_preset(
            self.albert_dir, sequence_length=16
        )
        tokenizer = preprocessor.tokenizer
        self.assertIsInstance(tokenizer, SentencePieceTokenizer)
        self.assertTrue(tokenizer.lowercase)
        self.assertTrue(tokenizer.strip_accents)
        reference = sentencepiece.SentencePieceProcessor(
            model_file=os.path.join(self.root, "spm.model")
        )
        expected = [2] + reference.encode("hello world") + [3]
        expected += [0] * (16 - len(expected))
        self.assertAllEqual(
            preprocessor(["HELLO Wörld"])["input_word_ids"], [expected]
        )
        self.assertTrue(
            SentencePieceTokenizer.from_preset(self.albert_dir).lowercase
        )
        no_vocab = self._variant("no_vocab_preset", self.bert_arrays)
        with self.assertRaisesRegex(ValueError, "neither a `vocab_file`"):
            BertPreprocessor.from_preset(no_vocab)

    def test_handle_resolution(self):
        # `file://` paths.
        encoder = BertEncoder.from_preset("file://" + self.bert_dir)
        self.assertEqual(encoder.num_layers, 2)
        # A TF Hub handle found in a pre-populated TFHUB_CACHE_DIR (this is
        # where tensorflow_hub.resolve downloads to): no network access.
        handle = "https://tfhub.dev/tensorflow/small_bert/bert_en_uncased/1"
        cache_dir = self.get_temp_dir()
        shutil.copytree(
            self.bert_dir,
            os.path.join(cache_dir, hashlib.sha1(handle.encode()).hexdigest()),
        )
        with mock.patch.dict(os.environ, {"TFHUB_CACHE_DIR": cache_dir}):
            encoder = BertEncoder.from_preset(handle)
            tokenizer = load_tfhub_tokenizer(handle)
        self.assertAllClose(
            encoder(INPUTS)["pooled_output"],
            BertEncoder.from_preset(self.bert_dir)(INPUTS)["pooled_output"],
        )
        self.assertTrue(tokenizer.lowercase)

    def test_resolution_errors(self):
        missing = os.path.join(self.get_temp_dir(), "missing")
        with self.assertRaisesRegex(ValueError, "is not a directory"):
            load_tfhub_encoder(missing)
        with self.assertRaisesRegex(ValueError, "must be a SavedModel"):
            load_tfhub_encoder(3)
        empty = self.get_temp_dir()
        with self.assertRaisesRegex(ValueError, "Cannot load the SavedModel"):
            load_tfhub_encoder(empty)
        with mock.patch(
            "tensorflow_hub.resolve", side_effect=OSError("no network")
        ):
            with self.assertRaisesRegex(ValueError, "Cannot resolve.*network"):
                load_tfhub_encoder("https://tfhub.dev/google/none/1")

    def test_detection(self):
        detect = tfhub_saved_model.is_tfhub_saved_model
        self.assertTrue(detect(self.bert_dir))
        self.assertTrue(detect("file://" + self.bert_dir))
        self.assertTrue(detect("https://tfhub.dev/google/x/1"))
        self.assertFalse(detect(self.root))
        self.assertFalse(detect(os.path.join(self.root, "missing")))
        self.assertFalse(detect(None))

    def test_config_overrides(self):
        encoder = load_tfhub_encoder(
            self.bert_dir, config_overrides={"output_dropout": 0.0}
        )
        self.assertEqual(encoder.output_dropout, 0.0)
        with self.assertRaisesRegex(ValueError, "does not describe a valid"):
            load_tfhub_encoder(
                self.bert_dir, config_overrides={"num_attention_heads": 3}
            )
        with self.assertRaisesRegex(ValueError, "must be a dict"):
            load_tfhub_encoder(self.bert_dir, config_overrides=["gelu"])

    def test_load_checkpoint_and_convert_to_preset(self):
        loaded = load_checkpoint(self.bert_dir)
        self.assertEqual(loaded.source_format, "tfhub_saved_model")
        self.assertEqual(loaded.summary["loaded"], len(loaded.encoder.weights))
        self.assertEqual(
            loaded.tokenizer_settings,
            {"lowercase": True, "strip_accents": None},
        )
        self.assertTrue(loaded.vocabulary_file.endswith("vocab.txt"))
        albert = load_checkpoint(self.albert_dir)
        self.assertEqual(
            albert.tokenizer_settings,
            {"lowercase": True, "strip_accents": True},
        )
        with self.assertRaisesRegex(
            ValueError,
            r"no complete masked LM head.*"
            r"`cls/predictions/transform/dense/kernel`.*"
            r"with_mlm_head=False",
        ):
            load_checkpoint(self.bert_dir, with_mlm_head=True)
        with self.assertRaisesRegex(ValueError, "no complete masked LM head"):
            convert_to_preset(
                self.bert_dir,
                os.path.join(self.get_temp_dir(), "no_head"),
                with_mlm_head=True,
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
