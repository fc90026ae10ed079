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

"""Learned absolute position embeddings."""

import keras
from keras import ops

from keras_nlp.layers import layer_utils


@keras.saving.register_keras_serializable(package="keras_nlp")
class PositionEmbedding(keras.layers.Layer):
    """Learns one embedding vector per sequence position.

    This is the absolute position embedding of BERT: a trainable
    `(max_length, width)` table whose row `i` encodes position `i`. Called on
    a `(batch_size, sequence_length, width)` tensor (usually the token
    embeddings), it returns the first `sequence_length` rows broadcast to that
    shape; the caller adds them to its embeddings. The input values are not
    used, only its shape, so the layer works for any sequence length up to
    `max_length`, including a dynamic one. It ignores Keras masks (padded
    positions get their embedding too, as in BERT).

    A static sequence length longer than `max_length` raises a `ValueError`;
    a longer dynamic length is only caught by the backend at run time.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805), BERT:
      Pre-training of Deep Bidirectional Transformers for Language
      Understanding.

    Args:
        max_length: int. The longest sequence the layer accepts, the number
            of rows of the table.
        initializer: str or `keras.initializers.Initializer`. Initializer of
            the table. Defaults to `"glorot_uniform"`.
        **kwargs: Base layer arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: float tensor whose shape the output takes.

    Input shape:
        `(batch_size, sequence_length, width)`.

    Output shape:
        `(batch_size, sequence_length, width)`, the same as the input.

    Example:

    ```python
    token_embeddings = np.random.uniform(size=(2, 5, 4)).astype("float32")
    layer = keras_nlp.layers.PositionEmbedding(max_length=16)
    position_embeddings = layer(token_embeddings)  # Shape (2, 5, 4).
    embeddings = token_embeddings + position_embeddings
    table = keras.ops.convert_to_numpy(layer.position_embeddings)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(position_embeddings[1]), table[:5]
    )
    ```
    """

    def __init__(self, max_length, initializer="glorot_uniform", **kwargs):
        layer_utils.check_unknown_arguments(PositionEmbedding, kwargs)
        super().__init__(**kwargs)
        layer_utils.check_positive_int("max_length", max_length)
        initializer = layer_utils.get_keras_object(
            keras.initializers.get, "initializer", "initializer", initializer
        )
        self.max_length = int(max_length)
        self.initializer = initializer

    def build(self, inputs_shape):
        self._check_inputs_shape(inputs_shape)
        if inputs_shape[-1] is None:
            raise ValueError(
                "The last dimension (the width) of `inputs` must be known "
                f"when `PositionEmbedding` is built. Received: "
                f"inputs.shape={tuple(inputs_shape)}. Give the input a static "
                "last dimension, e.g. `keras.Input(shape=(None, width))`."
            )
        self.position_embeddings = self.add_weight(
            name="position_embeddings",
            shape=(self.max_length, inputs_shape[-1]),
            initializer=self.initializer,
        )

    def call(self, inputs):
        self._check_inputs_shape(inputs.shape)
        shape = ops.shape(inputs)
        table = ops.cast(self.position_embeddings, self.compute_dtype)
        table = ops.slice(table, (0, 0), (shape[1], shape[2]))
        return ops.broadcast_to(table, shape)

    def compute_output_shape(self, inputs_shape):
        return tuple(inputs_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "max_length": self.max_length,
                "initializer": keras.initializers.serialize(self.initializer),
            }
        )
        return config

    def _check_inputs_shape(self, inputs_shape):
        if len(inputs_shape) != 3:
            raise ValueError(
                "`inputs` to `PositionEmbedding` must have rank 3, "
                "`(batch_size, sequence_length, width)`. Received: "
                f"inputs.shape={tuple(inputs_shape)}. Pass the token "
                "embeddings, not the token ids."
            )
        sequence_length = inputs_shape[1]
        if sequence_length is not None and sequence_length > self.max_length:
            raise ValueError(
                f"The sequence length of `inputs` ({sequence_length}) must "
                f"not exceed `max_length` ({self.max_length}). Received: "
                f"inputs.shape={tuple(inputs_shape)}. Truncate the sequences "
                "or build the layer with a larger `max_length`."
            )
