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

"""Tests for AlbertEncoder."""

import os

import keras
import numpy as np

from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import JIT_COMPILE
from keras_nlp.testing.test_case import TestCase

TINY = {
    "vocab_size": 30,
    "embedding_width": 4,
    "hidden_size": 8,
    "num_layers": 3,
    "num_attention_heads": 2,
    "max_sequence_length": 8,
    "type_vocab_size": 2,
    "inner_dim": 16,
}


def _inputs(batch_size=2, sequence_length=6):
    rng = np.random.default_rng(7)
    mask = np.ones((batch_size, sequence_length), dtype="int32")
    mask[0, -3:] = 0
    return {
        "input_word_ids": rng.integers(
            1, 30, (batch_size, sequence_length)
        ).astype("int32"),
        "input_mask": mask,
        "input_type_ids": rng.integers(
            0, 2, (batch_size, sequence_length)
        ).astype("int32"),
    }


class AlbertEncoderTest(TestCase):
    def test_matches_numpy_reference(self):
        encoder = AlbertEncoder(
            **TINY, inner_activation="keras_nlp>gelu_approximate"
        )
        numpy_bert.randomize_weights(encoder, seed=5)
        inputs = _inputs()
        outputs = encoder(inputs)
        weights = numpy_bert.weights_from_keras_encoder(encoder)
        self.assertLen(weights["layers"], 1)
        expected = numpy_bert.bert_forward(
            weights,
            inputs["input_word_ids"],
            inputs["input_mask"],
            inputs["input_type_ids"],
            num_heads=2,
            activation="gelu_approximate",
            num_layers=3,
        )
        self.assertAllClose(outputs, expected, atol=1e-5)

    def test_parameter_count_does_not_grow_with_depth(self):
        shallow = AlbertEncoder(**dict(TINY, num_layers=1))
        deep = AlbertEncoder(**dict(TINY, num_layers=6))
        self.assertEqual(deep.count_params(), shallow.count_params())
        self.assertEqual(len(deep.weights), len(shallow.weights))
        self.assertLen(deep(_inputs())["encoder_outputs"], 6)
        # The same-depth BERT pays for every layer.
        bert = BertEncoder(
            **{k: v for k, v in TINY.items() if k != "num_layers"},
            num_layers=6,
        )
        self.assertGreater(bert.count_params(), deep.count_params())

    def test_projection_exists_even_with_equal_widths(self):
        encoder = AlbertEncoder(**dict(TINY, embedding_width=8))
        kernel = encoder.get_layer("embedding_projection").kernel
        self.assertEqual(tuple(kernel.shape), (8, 8))

    def test_config_round_trip_saving_and_preset(self):
        encoder = AlbertEncoder(**TINY)
        numpy_bert.randomize_weights(encoder)
        self.assertConfigRoundTrip(encoder)
        self.run_model_saving_test(encoder, _inputs())
        path = os.path.join(self.get_temp_dir(), "albert")
        encoder.save_to_preset(path)
        restored = AlbertEncoder.from_preset(path)
        self.assertAllClose(restored(_inputs()), encoder(_inputs()), atol=0)

    def test_trains_with_xla(self):
        encoder = AlbertEncoder(**TINY, output_dropout=0.0)
        inputs = [
            keras.Input(shape=(None,), dtype="int32", name=name)
            for name in ("input_word_ids", "input_mask", "input_type_ids")
        ]
        logits = keras.layers.Dense(2)(encoder(inputs)["pooled_output"])
        model = keras.Model(inputs, logits)
        model.compile(
            optimizer=keras.optimizers.Adam(1e-2),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=JIT_COMPILE,
        )
        data = _inputs(batch_size=8)
        history = model.fit(
            [
                data[k]
                for k in ("input_word_ids", "input_mask", "input_type_ids")
            ],
            np.array([0, 1] * 4),
            epochs=8,
            verbose=0,
        )
        losses = history.history["loss"]
        self.assertLess(losses[-1], losses[0])

    def test_errors(self):
        with self.assertRaisesRegex(ValueError, "embedding_width"):
            AlbertEncoder(**dict(TINY, embedding_width=0))
        with self.assertRaisesRegex(ValueError, "must be divisible"):
            AlbertEncoder(**dict(TINY, num_attention_heads=3))
        encoder = AlbertEncoder(**TINY)
        with self.assertRaisesRegex(ValueError, "exceeds.*max_sequence_length"):
            encoder(_inputs(sequence_length=10))
        with self.assertRaisesRegex(ValueError, "must hold integer ids"):
            inputs = _inputs()
            encoder(dict(inputs, input_type_ids=inputs["input_type_ids"] * 1.0))
        inputs = _inputs()
        inputs["input_word_ids"][0, 1] = 30
        with self.assertRaisesRegex(
            ValueError,
            r"`input_word_ids` holds the id 30 at position \(0, 1\), "
            r"outside the valid range \[0, 30\) of AlbertEncoder's",
        ):
            encoder(inputs)
        with self.assertRaisesRegex(
            TypeError,
            "unexpected keyword argument `num_layer`. Did you mean "
            "`num_layers`",
        ):
            AlbertEncoder(**TINY, num_layer=1)
