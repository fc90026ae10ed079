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

"""Builds a small BERT-style encoder from keras_nlp layers and trains it.

The encoder is assembled with the functional API from
`keras_nlp.layers` (embeddings, attention mask, Transformer blocks), then
trained for a few epochs on a toy task that needs attention across the
sequence: is the first real token repeated later in the sequence? It prints
the model summary, the loss per epoch and the held-out accuracy.

Usage:

```shell
python examples/quickstart.py --epochs=5
```
"""

import os
import sys

if not __package__:
    # Run as a script (python examples/quickstart.py): make the repository
    # root importable, for examples.common.
    sys.path.insert(
        0, os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    )

from examples.common import cli  # noqa: E402

cli.quiet_tensorflow()

import keras  # noqa: E402
import numpy as np  # noqa: E402
from absl import flags  # noqa: E402

import keras_nlp  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer("epochs", 10, "Training epochs.")
flags.DEFINE_integer("num_layers", 2, "Transformer blocks.")
flags.DEFINE_integer("hidden_size", 64, "Hidden size.")
flags.DEFINE_integer("sequence_length", 16, "Tokens per sequence.")
flags.DEFINE_integer("num_examples", 8192, "Training examples.")
flags.DEFINE_integer("seed", 0, "Random seed.")

VOCAB_SIZE = 32


def build_encoder(vocab_size, sequence_length, hidden_size, num_layers):
    """A BERT-style encoder made of keras_nlp layers (functional API)."""
    word_ids = keras.Input(shape=(None,), dtype="int32", name="input_word_ids")
    mask = keras.Input(shape=(None,), dtype="int32", name="input_mask")
    embeddings = keras_nlp.layers.OnDeviceEmbedding(
        vocab_size, hidden_size, name="word_embeddings"
    )(word_ids)
    positions = keras_nlp.layers.PositionEmbedding(
        sequence_length, name="position_embedding"
    )(embeddings)
    data = keras.layers.LayerNormalization()(embeddings + positions)
    attention_mask = keras_nlp.layers.SelfAttentionMask()([data, mask])
    for index in range(num_layers):
        data = keras_nlp.layers.TransformerEncoder(
            num_attention_heads=4,
            inner_dim=4 * hidden_size,
            name=f"transformer_layer_{index}",
        )(data, attention_mask=attention_mask)
    pooled = keras.layers.Dense(hidden_size, activation="tanh")(data[:, 0, :])
    logits = keras.layers.Dense(2, name="classifier")(pooled)
    return keras.Model([word_ids, mask], logits, name="quickstart_encoder")


def make_data(num_examples, sequence_length, rng):
    """Token sequences labelled by whether token 1 reappears later."""
    lengths = rng.integers(
        sequence_length // 2, sequence_length + 1, num_examples
    )
    mask = (np.arange(sequence_length)[None] < lengths[:, None]).astype("int32")
    ids = rng.integers(2, VOCAB_SIZE, (num_examples, sequence_length))
    labels = rng.integers(0, 2, num_examples)
    for row, (label, length) in enumerate(zip(labels, lengths)):
        later = ids[row, 2:length]
        later[later == ids[row, 1]] = (ids[row, 1] + 1 - 2) % (
            VOCAB_SIZE - 2
        ) + 2
        if label:
            later[rng.integers(0, length - 2)] = ids[row, 1]
    ids[:, 0] = 1  # The [CLS] token.
    return [(ids * mask).astype("int32"), mask], labels.astype("int32")


def main(_):
    keras.utils.set_random_seed(FLAGS.seed)
    rng = np.random.default_rng(FLAGS.seed)
    model = build_encoder(
        VOCAB_SIZE, FLAGS.sequence_length, FLAGS.hidden_size, FLAGS.num_layers
    )
    model.summary()
    train_x, train_y = make_data(FLAGS.num_examples, FLAGS.sequence_length, rng)
    test_x, test_y = make_data(1024, FLAGS.sequence_length, rng)
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        jit_compile=True,
    )
    model.fit(train_x, train_y, batch_size=64, epochs=FLAGS.epochs, verbose=2)
    _, accuracy = model.evaluate(test_x, test_y, verbose=0)
    print(f"Held-out accuracy: {accuracy:.3f} (chance: 0.5)")


if __name__ == "__main__":
    cli.run(main)
