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

"""The layer that turns a padding mask into a self-attention mask."""

import keras
from keras import ops

from keras_nlp.layers import layer_utils


@keras.saving.register_keras_serializable(package="keras_nlp")
class SelfAttentionMask(keras.layers.Layer):
    """Creates a 3D self-attention mask from a 2D padding mask.

    A BERT-style encoder receives an `input_mask` of shape
    `(batch_size, sequence_length)` with 1 for real tokens and 0 for
    padding. `keras_nlp.layers.TransformerEncoder` needs instead, for every
    query position, the key positions it may attend to. This layer
    broadcasts the padding mask over the query axis, so that every position
    (padding included) attends to exactly the real tokens of its sequence:
    `output[b, i, j] = to_mask[b, j]`.

    The query length is read from the second dimension of `from_tensor`,
    which can be the 2D token ids or the 3D embeddings of the sequence; its
    values are not used. Any nonzero value of `to_mask` counts as 1. The
    output has the layer's compute dtype (`float16` under the
    `"mixed_float16"` policy), ready to be passed as the `attention_mask`
    of `keras_nlp.layers.TransformerEncoder`. The layer has no weights and
    does not consume Keras' implicit masks.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805)

    Args:
        **kwargs: Base layer arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: The `from_tensor` of shape `(batch_size, from_length)` or
            `(batch_size, from_length, hidden_size)`, or a list
            `[from_tensor, to_mask]`.
        to_mask: Tensor of shape `(batch_size, to_length)`, 1 (or any
            nonzero value) for positions that may be attended to and 0 for
            padding. Required unless `inputs` is a list that holds it.

    Input shape:
        `from_tensor`: `(batch_size, from_length)` or
        `(batch_size, from_length, hidden_size)`.
        `to_mask`: `(batch_size, to_length)`.

    Output shape:
        `(batch_size, from_length, to_length)`.

    Example:

    ```python
    input_word_ids = np.array([[5, 6, 7, 0], [8, 9, 0, 0]])
    input_mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]])
    attention_mask = keras_nlp.layers.SelfAttentionMask()(
        [input_word_ids, input_mask]
    )
    # attention_mask.shape == (2, 4, 4); attention_mask[1, 3] == [1, 1, 0, 0]
    ```
    """

    def __init__(self, **kwargs):
        layer_utils.check_unknown_arguments(SelfAttentionMask, kwargs)
        super().__init__(**kwargs)

    def build(self, inputs_shape, to_mask_shape=None):
        from_shape, to_mask_shape = _split(inputs_shape, to_mask_shape)
        from_shape, to_mask_shape = tuple(from_shape), tuple(to_mask_shape)
        if len(from_shape) not in (2, 3):
            raise ValueError(
                "`from_tensor` (the first input of `SelfAttentionMask`) must "
                "have rank 2, `(batch_size, from_length)`, or rank 3, "
                "`(batch_size, from_length, hidden_size)`. "
                f"Received: from_tensor.shape={tuple(from_shape)}. Pass the "
                "token ids or the embeddings of the sequence."
            )
        if len(to_mask_shape) != 2:
            raise ValueError(
                "`to_mask` must have rank 2, `(batch_size, to_length)`. "
                f"Received: to_mask.shape={tuple(to_mask_shape)}. Pass the "
                "2D padding mask (such as `input_mask`), not an attention "
                "mask."
            )
        from_batch, to_batch = from_shape[0], to_mask_shape[0]
        if (
            from_batch is not None
            and to_batch is not None
            and from_batch != to_batch
        ):
            raise ValueError(
                "`from_tensor` and `to_mask` must have the same batch size. "
                f"Received: from_tensor.shape={tuple(from_shape)}, "
                f"to_mask.shape={tuple(to_mask_shape)}. Pass a mask with "
                "one row per sequence of `from_tensor`."
            )

    def call(self, inputs, to_mask=None):
        from_tensor, to_mask = _split(inputs, to_mask)
        batch_size = ops.shape(to_mask)[0]
        from_length = ops.shape(from_tensor)[1]
        to_mask = ops.cast(ops.cast(to_mask, "bool"), self.compute_dtype)
        to_mask = ops.expand_dims(to_mask, axis=1)
        # Broadcast over the query axis: every query sees the same keys.
        ones = ops.ones((batch_size, from_length, 1), dtype=self.compute_dtype)
        return ones * to_mask

    def compute_output_shape(self, inputs_shape, to_mask_shape=None):
        from_shape, to_mask_shape = _split(inputs_shape, to_mask_shape)
        from_shape, to_mask_shape = tuple(from_shape), tuple(to_mask_shape)
        batch_size = to_mask_shape[0]
        if batch_size is None:
            batch_size = from_shape[0]
        return (batch_size, from_shape[1], to_mask_shape[1])


def _split(inputs, to_mask):
    return layer_utils.split_mask_argument(
        "SelfAttentionMask", "to_mask", inputs, to_mask, required=True
    )
