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

"""The three end-to-end examples of the design proposal, as users write them.

The proposal (`keras-nlp-bert-encoder-rfc.md`) shows a sentiment classifier,
MLM + classification pretraining and an ALBERT encoder assembled by hand.
Each runs here on a small config and tiny random data, with the proposal's
typos fixed and `keras` in place of `tf.keras`.
"""

import keras
import numpy as np

import keras_nlp
from keras_nlp.testing.test_case import TestCase

SEQUENCE_LENGTH = 16


def _random_batch(num_examples, vocab_size, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(4, SEQUENCE_LENGTH + 1, num_examples)
    mask = (np.arange(SEQUENCE_LENGTH)[None] < lengths[:, None]).astype("int32")
    token_ids = rng.integers(5, vocab_size, (num_examples, SEQUENCE_LENGTH))
    return token_ids.astype("int32") * mask, mask, np.zeros_like(mask)


class RfcExamplesTest(TestCase):
    def test_sentiment_classification(self):
        encoder = keras_nlp.encoders.BertEncoder(
            vocab_size=30522,
            max_sequence_length=512,
            type_vocab_size=2,
            # A small config keeps the test fast; the call is the proposal's.
            hidden_size=16,
            num_layers=2,
            num_attention_heads=2,
            inner_dim=32,
        )
        token_ids = keras.layers.Input(
            shape=(SEQUENCE_LENGTH,), name="input_ids", dtype="int32"
        )
        input_mask = keras.layers.Input(
            shape=(SEQUENCE_LENGTH,), name="input_mask", dtype="int32"
        )
        type_ids = keras.layers.Input(
            shape=(SEQUENCE_LENGTH,), name="input_type_ids", dtype="int32"
        )
        x = encoder([token_ids, input_mask, type_ids])["pooled_output"]
        x = keras.layers.Dropout(rate=0.1)(x)
        output = keras.layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(
            inputs=[token_ids, input_mask, type_ids], outputs=output
        )
        # Keras 3's third positional `compile` argument is `loss_weights`,
        # so the proposal's positional metrics list is passed by keyword.
        model.compile("adam", "binary_crossentropy", metrics=["accuracy"])

        features = list(_random_batch(16, 30522))
        labels = (features[0][:, 1] % 2).astype("float32")
        history = model.fit(features, labels, epochs=2, batch_size=8, verbose=0)
        self.assertTrue(np.all(np.isfinite(history.history["loss"])))
        predictions = model.predict(features, verbose=0)
        self.assertEqual(predictions.shape, (16, 1))
        self.assertTrue(np.all((predictions >= 0) & (predictions <= 1)))

    def test_pretraining(self):
        vocab_size, num_classes, num_predictions = 50, 2, 3
        encoder = keras_nlp.encoders.BertEncoder(
            vocab_size,
            max_sequence_length=SEQUENCE_LENGTH,
            type_vocab_size=2,
            hidden_size=16,
            num_layers=2,
            num_attention_heads=2,
            inner_dim=32,
            output_dropout=0.0,
            attention_dropout=0.0,
        )
        token_ids = keras.layers.Input(
            shape=(SEQUENCE_LENGTH,), name="input_word_ids", dtype="int32"
        )
        input_mask = keras.layers.Input(
            shape=(SEQUENCE_LENGTH,), name="input_mask", dtype="int32"
        )
        type_ids = keras.layers.Input(
            shape=(SEQUENCE_LENGTH,), name="input_type_ids", dtype="int32"
        )
        masked_lm_positions = keras.layers.Input(
            shape=(None,), name="masked_lm_positions", dtype="int32"
        )
        outputs = encoder([token_ids, input_mask, type_ids])
        cls_output = outputs["pooled_output"]
        sequence_output = outputs["sequence_output"]
        masked_lm = keras_nlp.layers.MaskedLM(
            embedding_table=encoder.get_embedding_table()
        )
        lm_output = masked_lm(
            sequence_output, masked_positions=masked_lm_positions
        )
        cls_output = keras.layers.Dense(
            units=num_classes, activation="softmax"
        )(cls_output)
        model = keras.Model(
            inputs=[token_ids, input_mask, type_ids, masked_lm_positions],
            outputs={"lm_output": lm_output, "cls_output": cls_output},
        )
        model.compile(
            keras.optimizers.Adam(3e-3),
            {
                "lm_output": keras.losses.SparseCategoricalCrossentropy(
                    from_logits=True
                ),
                "cls_output": "sparse_categorical_crossentropy",
            },
        )

        word_ids, mask, segments = _random_batch(32, vocab_size, seed=1)
        rng = np.random.default_rng(2)
        positions = np.stack(
            [rng.choice(4, num_predictions, replace=False) for _ in range(32)]
        ).astype("int32")
        lm_labels = np.take_along_axis(word_ids, positions, axis=1)
        word_ids = word_ids.copy()
        np.put_along_axis(word_ids, positions, 4, axis=1)  # [MASK] id.
        cls_labels = (lm_labels[:, 0] % 2).astype("int32")
        history = model.fit(
            [word_ids, mask, segments, positions],
            {"lm_output": lm_labels, "cls_output": cls_labels},
            epochs=10,
            batch_size=16,
            verbose=0,
        )
        losses = history.history["loss"]
        self.assertTrue(np.all(np.isfinite(losses)))
        self.assertLess(losses[-1], 0.95 * losses[0])
        # The MLM head predicts with the encoder's own table.
        self.assertIs(masked_lm.embedding_table, encoder.get_embedding_table())

    def test_albert_built_by_hand(self):
        vocab_size, embedding_width, hidden_size = 40, 4, 16
        max_sequence_length, type_vocab_size = SEQUENCE_LENGTH, 2
        num_attention_heads, inner_dim, num_layers = 2, 32, 4
        dropout_rate = 0.1

        word_ids = keras.layers.Input(
            shape=(None,), dtype="int32", name="input_word_ids"
        )
        mask = keras.layers.Input(
            shape=(None,), dtype="int32", name="input_mask"
        )
        type_ids = keras.layers.Input(
            shape=(None,), dtype="int32", name="input_type_ids"
        )
        word_embeddings = keras_nlp.layers.OnDeviceEmbedding(
            vocab_size, embedding_width
        )(word_ids)
        position_embeddings = keras_nlp.layers.PositionEmbedding(
            max_sequence_length
        )(word_embeddings)
        type_embeddings = keras_nlp.layers.OnDeviceEmbedding(
            vocab_size=type_vocab_size,
            embedding_width=embedding_width,
            use_one_hot=True,
        )(type_ids)
        embeddings = keras.layers.Add()(
            [word_embeddings, position_embeddings, type_embeddings]
        )
        embeddings = keras.layers.LayerNormalization(axis=-1)(embeddings)
        embeddings = keras.layers.Dropout(rate=dropout_rate)(embeddings)
        embeddings = keras.layers.EinsumDense(
            "...x,xy->...y", output_shape=hidden_size, bias_axes="y"
        )(embeddings)
        data = embeddings
        attention_mask = keras_nlp.layers.SelfAttentionMask()([data, mask])
        shared_layer = keras_nlp.layers.TransformerEncoder(
            num_attention_heads, inner_dim
        )
        for _ in range(num_layers):
            data = shared_layer([data, attention_mask])
        first_token_tensor = data[:, 0, :]
        cls_output = keras.layers.Dense(units=hidden_size, activation="tanh")(
            first_token_tensor
        )
        outputs = dict(sequence_output=data, pooled_output=cls_output)
        model = keras.Model(inputs=[word_ids, mask, type_ids], outputs=outputs)

        # One Transformer layer's worth of weights, applied four times.
        transformer_weights = [
            w for w in model.weights if w.path.startswith(shared_layer.name)
        ]
        self.assertEqual(len(transformer_weights), len(shared_layer.weights))
        self.assertEqual(
            sum(np.prod(w.shape) for w in shared_layer.weights),
            # q, k, v, attention output; two layer norms; the feed-forward.
            4 * (hidden_size * hidden_size + hidden_size)
            + 2 * 2 * hidden_size
            + (hidden_size * inner_dim + inner_dim)
            + (inner_dim * hidden_size + hidden_size),
        )
        features = list(_random_batch(4, vocab_size))
        result = model(features)
        self.assertEqual(
            result["sequence_output"].shape, (4, SEQUENCE_LENGTH, hidden_size)
        )
        self.assertEqual(result["pooled_output"].shape, (4, hidden_size))
        self.run_model_saving_test(model, features)
