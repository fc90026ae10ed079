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

"""Tests for `BertPretrainer`."""

import io
import json
import os
import zipfile

import h5py
import keras
import numpy as np
from absl.testing import parameterized

from keras_nlp.conversion import pretraining_heads
from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.models.bert_pretrainer import BertPretrainer
from keras_nlp.testing import numpy_bert
from keras_nlp.testing import task_models
from keras_nlp.testing.test_case import TestCase

POSITIONS = np.array([[1, 3, 0], [2, 0, 0]], dtype="int32")


def _inputs(batch_size=2):
    inputs = task_models.encoder_inputs(batch_size)
    inputs["masked_lm_positions"] = POSITIONS[:batch_size]
    return inputs


def _labels():
    return {
        "mlm_logits": np.array([[5, 9, 0], [7, 0, 0]], dtype="int32"),
        "next_sentence_logits": np.array([0, 1], dtype="int32"),
    }


def _sample_weight():
    return {
        "mlm_logits": np.array([[1, 1, 0], [1, 0, 0]], dtype="float32"),
        "next_sentence_logits": np.ones((2,), dtype="float32"),
    }


def _tables(model, width):
    """The model's `(vocab_size, width)` variables."""
    shape = (task_models.VOCAB_SIZE, width)
    return [weight for weight in model.weights if tuple(weight.shape) == shape]


def _numpy_masked_lm(model, sequence_output, positions):
    """Gather, dense + exact GELU, layer norm, tied table and bias."""
    head = model.masked_lm

    def value(weight):
        return np.asarray(weight.numpy(), "float64")

    gathered = np.take_along_axis(sequence_output, positions[..., None], 1)
    hidden = numpy_bert.gelu(task_models.numpy_dense(gathered, head.dense))
    hidden = numpy_bert.layer_norm(
        hidden, value(head.layer_norm.gamma), value(head.layer_norm.beta), 1e-12
    )
    table = value(model.encoder.get_embedding_table())
    return hidden @ table.T + value(head.output_bias)


def _stored_shapes(path):
    """The shapes of every array in a `.keras` file's weights."""
    shapes = []
    with zipfile.ZipFile(path) as archive:
        with archive.open("model.weights.h5") as file:
            with h5py.File(io.BytesIO(file.read()), "r") as weights:
                weights.visititems(
                    lambda name, item: (
                        shapes.append(tuple(item.shape))
                        if isinstance(item, h5py.Dataset)
                        else None
                    )
                )
    return shapes


class BertPretrainerTest(TestCase):
    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_outputs_match_numpy(self, kind):
        encoder = task_models.tiny_encoder(kind)
        model = BertPretrainer(encoder)
        numpy_bert.randomize_weights(model)
        inputs = _inputs()
        reference = task_models.numpy_encoder_outputs(encoder, inputs)
        outputs = model(inputs)
        self.assertEqual(
            sorted(outputs), ["mlm_logits", "next_sentence_logits"]
        )
        self.assertEqual(
            tuple(outputs["mlm_logits"].shape), (2, 3, task_models.VOCAB_SIZE)
        )
        self.assertAllClose(
            outputs["mlm_logits"],
            _numpy_masked_lm(model, reference["sequence_output"], POSITIONS),
            atol=1e-5,
            rtol=1e-5,
        )
        self.assertAllClose(
            outputs["next_sentence_logits"],
            task_models.numpy_dense(
                reference["pooled_output"], model.get_layer("next_sentence")
            ),
            atol=1e-5,
            rtol=1e-5,
        )

    def test_decoder_is_the_embedding_table(self):
        encoder = task_models.tiny_encoder()
        model = BertPretrainer(encoder)
        table = encoder.get_embedding_table()
        self.assertIs(model.masked_lm.embedding_table, table)
        self.assertEqual(_tables(model, task_models.HIDDEN_SIZE), [table])
        before = table.numpy()
        model.compile()
        model.fit(
            _inputs(), _labels(), sample_weight=_sample_weight(), verbose=0
        )
        # Token 9 only appears as a label: the decoder's gradient moved it.
        self.assertGreater(np.abs(table.numpy()[9] - before[9]).max(), 0)

    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_tie_survives_saving(self, kind):
        encoder = task_models.tiny_encoder(kind)
        width = getattr(encoder, "embedding_width", None) or encoder.hidden_size
        model = BertPretrainer(encoder)
        numpy_bert.randomize_weights(model)
        model.compile()
        model.fit(
            _inputs(), _labels(), sample_weight=_sample_weight(), verbose=0
        )
        restored = self.run_model_saving_test(model, _inputs())

        # One table, shared by the encoder and the decoder.
        table = restored.encoder.get_embedding_table()
        self.assertEqual(_tables(restored, width), [table])
        self.assertIs(restored.masked_lm.embedding_table, table)
        self.assertLen(restored.weights, len(model.weights))
        # The `.keras` file stores the table once, with the encoder.
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        self.assertEqual(
            _stored_shapes(path).count((task_models.VOCAB_SIZE, width)),
            1 + 2,  # The table and its two AdamW slots.
        )

        # Continued pretraining trains that one table, through both uses.
        before = table.numpy()
        restored.fit(
            _inputs(), _labels(), sample_weight=_sample_weight(), verbose=0
        )
        self.assertEqual(_tables(restored, width), [table])
        self.assertGreater(np.abs(table.numpy()[9] - before[9]).max(), 0)
        self.assertIs(restored.masked_lm.embedding_table, table)

    def test_from_preset_is_tied(self):
        encoder = task_models.tiny_encoder()
        numpy_bert.randomize_weights(encoder)
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        model = BertPretrainer.from_preset(path, next_sentence=False)
        table = model.encoder.get_embedding_table()
        self.assertIs(model.masked_lm.embedding_table, table)
        self.assertEqual(_tables(model, task_models.HIDDEN_SIZE), [table])
        self.assertAllClose(table, encoder.get_embedding_table(), atol=0)

    def test_from_preset_loads_converted_heads(self):
        encoder = task_models.tiny_encoder("albert")
        numpy_bert.randomize_weights(encoder, seed=1)
        masked_lm = pretraining_heads.build_masked_lm(
            encoder, "keras_nlp>gelu_approximate"
        )
        next_sentence = pretraining_heads.build_next_sentence(encoder)
        numpy_bert.randomize_weights(masked_lm, seed=2)
        numpy_bert.randomize_weights(next_sentence, seed=3)
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        metadata = pretraining_heads.save(path, masked_lm, next_sentence)
        config_path = os.path.join(path, "config.json")
        with open(config_path) as file:
            config = json.load(file)
        config[pretraining_heads.HEADS_KEY] = metadata
        with open(config_path, "w") as file:
            json.dump(config, file)

        model = BertPretrainer.from_preset(path)
        self.assertIs(model.masked_lm.activation, gelu_approximate)
        table = model.encoder.get_embedding_table()
        self.assertIs(model.masked_lm.embedding_table, table)
        inputs = _inputs()
        sequence_output = encoder(inputs)["sequence_output"]
        outputs = model(inputs)
        self.assertAllClose(
            outputs["mlm_logits"],
            masked_lm(sequence_output, masked_positions=POSITIONS),
            atol=1e-6,
        )
        self.assertAllClose(
            outputs["next_sentence_logits"],
            next_sentence(encoder(inputs)["pooled_output"]),
            atol=1e-6,
        )

    @parameterized.named_parameters(("bert", "bert"), ("albert", "albert"))
    def test_save_to_preset_round_trip(self, kind):
        model = BertPretrainer(task_models.tiny_encoder(kind))
        numpy_bert.randomize_weights(model, seed=4)
        path = os.path.join(self.get_temp_dir(), f"preset_{kind}")
        model.save_to_preset(path)
        restored = BertPretrainer.from_preset(path)
        inputs = _inputs()
        expected, actual = model(inputs), restored(inputs)
        for name in ("mlm_logits", "next_sentence_logits"):
            self.assertAllClose(actual[name], expected[name], atol=0)
        table = restored.encoder.get_embedding_table()
        self.assertIs(restored.masked_lm.embedding_table, table)
        # The encoder alone loads from the same preset.
        encoder = type(model.encoder).from_preset(path)
        self.assertAllClose(
            encoder(task_models.encoder_inputs(2))["pooled_output"],
            model.encoder(task_models.encoder_inputs(2))["pooled_output"],
            atol=0,
        )
        with self.assertRaisesRegex(ValueError, "overwrite=True"):
            model.save_to_preset(path)
        model.save_to_preset(path, overwrite=True)

    def test_without_next_sentence(self):
        model = BertPretrainer(task_models.tiny_encoder(), next_sentence=False)
        outputs = model(_inputs())
        self.assertEqual(sorted(outputs), ["mlm_logits"])
        model.compile()
        labels = {"mlm_logits": _labels()["mlm_logits"]}
        weights = {"mlm_logits": _sample_weight()["mlm_logits"]}
        history = model.fit(_inputs(), labels, sample_weight=weights, verbose=0)
        self.assertTrue(np.isfinite(history.history["loss"][0]))
        self.run_model_saving_test(model, _inputs())

    def test_masked_lm_loss_averages_real_predictions(self):
        model = BertPretrainer(task_models.tiny_encoder(), next_sentence=False)
        model.compile()
        labels = _labels()["mlm_logits"]
        weights = _sample_weight()["mlm_logits"]
        logits = keras.ops.convert_to_numpy(model(_inputs())["mlm_logits"])
        logits = logits.astype("float64")
        log_probs = logits - logits.max(-1, keepdims=True)
        log_probs -= np.log(np.exp(log_probs).sum(-1, keepdims=True))
        losses = -np.take_along_axis(log_probs, labels[..., None], -1)[..., 0]
        expected = (losses * weights).sum() / weights.sum()
        result = model.evaluate(
            _inputs(),
            {"mlm_logits": labels},
            sample_weight={"mlm_logits": weights},
            verbose=0,
            return_dict=True,
        )
        self.assertAllClose(result["loss"], expected, atol=1e-5, rtol=1e-5)

    def test_int8_quantization_keeps_the_tie(self):
        model = BertPretrainer(task_models.tiny_encoder())
        numpy_bert.randomize_weights(model)
        inputs = _inputs()
        expected = model(inputs)
        model.quantize("int8")
        # The decoder reads the table as floats: it is not quantized.
        table = model.encoder.get_embedding_table()
        self.assertEqual(table.dtype, "float32")
        self.assertIs(model.masked_lm.embedding_table, table)
        self.assertEqual(model.masked_lm.dense.quantization_mode, "int8")
        # Tolerance: see `BertClassifierTest.test_int8_quantization`.
        self.assertAllClose(model(inputs), expected, atol=0.03, rtol=0)
        restored = self.run_model_saving_test(model, inputs)
        self.assertEqual(restored.masked_lm.dense.quantization_mode, "int8")
        self.assertIs(
            restored.masked_lm.embedding_table,
            restored.encoder.get_embedding_table(),
        )

    def test_config(self):
        model = BertPretrainer(task_models.tiny_encoder(), next_sentence=False)
        restored = self.assertConfigRoundTrip(model)
        self.assertFalse(restored.next_sentence)

    def test_invalid_arguments(self):
        with self.assertRaisesRegex(
            ValueError, "`next_sentence` must be a bool.*next_sentence='yes'"
        ):
            BertPretrainer(task_models.tiny_encoder(), next_sentence="yes")
        inputs = {
            name: keras.Input(shape=(None,), dtype="int32", name=name)
            for name in ("input_word_ids", "input_mask", "input_type_ids")
        }
        embeddings = keras.layers.Embedding(10, 4)(inputs["input_word_ids"])
        untied = keras.Model(inputs, {"sequence_output": embeddings})
        with self.assertRaisesRegex(ValueError, "get_embedding_table"):
            BertPretrainer(untied)
