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

"""Token embedding lookup by gather or by one-hot matmul."""

import keras
import numpy as np
from keras import ops

from keras_nlp.layers import layer_utils


@keras.saving.register_keras_serializable(package="keras_nlp")
class OnDeviceEmbedding(keras.layers.Layer):
    """Maps integer token ids to learned embedding vectors.

    This is the token (and token type) embedding of BERT-family encoders.
    Each id selects one row of a `(vocab_size, embedding_width)` table. By
    default the row is read with a gather (`keras.ops.take`). With
    `use_one_hot=True` the ids are turned into one-hot vectors and multiplied
    with the table instead: this is often faster on TPUs for small
    vocabularies (such as the token type vocabulary), at the cost of memory
    proportional to `vocab_size`. Both paths give the same result.

    Ids must lie in `[0, vocab_size)`. The layer makes no Python decisions
    on tensor values (it compiles with XLA), so it cannot raise on an
    out-of-range id; instead such an id (negative, or `>= vocab_size`) gets
    a row of NaN on every backend, device and lookup path, never another
    token's row or zeros, so that a wrong id can never give a plausible
    output. The encoders raise a `ValueError` for such ids before they get
    here wherever the ids have values (see `keras_nlp.encoders.BertEncoder`).
    The layer does not produce a Keras mask. The output is in the layer's
    compute dtype, so it follows a mixed precision policy.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805), BERT:
      Pre-training of Deep Bidirectional Transformers for Language
      Understanding.

    Args:
        vocab_size: int. The number of distinct ids, the number of rows of
            the table.
        embedding_width: int. The size of each embedding vector.
        initializer: str or `keras.initializers.Initializer`. Initializer of
            the table. Defaults to `"glorot_uniform"`.
        use_one_hot: bool. Whether to look ids up by a one-hot matmul instead
            of a gather. Defaults to `False`.
        scale_factor: float, optional. If set, the embeddings are multiplied
            by this value (e.g. `embedding_width ** 0.5`). Defaults to `None`
            (no scaling).
        **kwargs: Base layer arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: integer tensor of token ids, of any rank.

    Input shape:
        Any integer shape, typically `(batch_size, sequence_length)`.

    Output shape:
        The input shape plus one axis: typically
        `(batch_size, sequence_length, embedding_width)`.

    Example:

    ```python
    layer = keras_nlp.layers.OnDeviceEmbedding(vocab_size=10, embedding_width=4)
    token_ids = np.array([[1, 2, 3], [4, 5, 0]], dtype="int32")
    embeddings = layer(token_ids)  # Shape (2, 3, 4).
    table = keras.ops.convert_to_numpy(layer.embeddings)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(embeddings), table[token_ids]
    )
    ```
    """

    def __init__(
        self,
        vocab_size,
        embedding_width,
        initializer="glorot_uniform",
        use_one_hot=False,
        scale_factor=None,
        **kwargs,
    ):
        layer_utils.check_unknown_arguments(OnDeviceEmbedding, kwargs)
        super().__init__(**kwargs)
        layer_utils.check_positive_int("vocab_size", vocab_size)
        layer_utils.check_positive_int("embedding_width", embedding_width)
        if scale_factor is not None and not isinstance(
            scale_factor, (int, float, np.number)
        ):
            raise ValueError(
                "`scale_factor` must be a number or `None` (no scaling). "
                f"Received: scale_factor={scale_factor!r}"
            )
        initializer = layer_utils.get_keras_object(
            keras.initializers.get, "initializer", "initializer", initializer
        )
        self.vocab_size = int(vocab_size)
        self.embedding_width = int(embedding_width)
        self.initializer = initializer
        self.use_one_hot = bool(use_one_hot)
        self.scale_factor = (
            None if scale_factor is None else float(scale_factor)
        )
        # `call` casts what it reads from the table itself (as
        # `keras.layers.Embedding` does).
        self.autocast = False

    def build(self, inputs_shape):
        if self.quantization_mode is not None:
            self.quantized_build(inputs_shape, self.quantization_mode)
            return
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.vocab_size, self.embedding_width),
            initializer=self.initializer,
        )

    def call(self, inputs):
        _check_dtype(inputs.dtype)
        layer_utils.check_index_range(
            "inputs",
            inputs,
            self.vocab_size,
            "`vocab_size`",
            self.__class__.__name__,
            "Ids come from a tokenizer whose vocabulary must match the "
            "table; fix the ids or build the layer with a larger "
            "`vocab_size`.",
        )
        ids, valid = _valid_ids(inputs, self.vocab_size)
        if self.use_one_hot:
            one_hot = ops.one_hot(
                ids, self.vocab_size, dtype=self.compute_dtype
            )
            table = ops.cast(self.embeddings, self.compute_dtype)
            outputs = ops.matmul(one_hot, table)
        else:
            # The rows are looked up in the float32 table and then cast,
            # rather than the whole table cast first (`autocast` is off):
            # the same values, from a cast of batch x length rows instead
            # of the vocabulary's (30,522 for BERT) each step.
            outputs = ops.take(self.embeddings, ids, axis=0)
            outputs = ops.cast(outputs, self.compute_dtype)
        outputs = _nan_where_invalid(outputs, valid)
        if self.scale_factor is not None:
            outputs = outputs * ops.cast(self.scale_factor, self.compute_dtype)
        return outputs

    def compute_output_shape(self, inputs_shape):
        return tuple(inputs_shape) + (self.embedding_width,)

    def compute_output_spec(self, inputs):
        # Symbolic calls skip `call()`: check the dtype here as well.
        _check_dtype(inputs.dtype)
        return keras.KerasTensor(
            self.compute_output_shape(inputs.shape), dtype=self.compute_dtype
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocab_size": self.vocab_size,
                "embedding_width": self.embedding_width,
                "initializer": keras.initializers.serialize(self.initializer),
                "use_one_hot": self.use_one_hot,
                "scale_factor": self.scale_factor,
            }
        )
        return config

    # Quantization (`keras.Model.quantize("int8")`): the table becomes int8
    # with one float scale per row, as in `keras.layers.Embedding`.

    def quantize(self, mode=None, type_check=True, config=None):
        if mode != "int8":
            raise NotImplementedError(
                f"`OnDeviceEmbedding` supports quantization mode 'int8' "
                f"only. Received: mode={mode!r}"
            )
        quantizer = keras.quantizers.AbsMaxQuantizer(axis=-1)
        if config is not None and config.weight_quantizer is not None:
            quantizer = config.weight_quantizer
        values, scale = quantizer(self.embeddings, to_numpy=True)
        del self.embeddings
        self.quantized_build(None, mode)
        self.embeddings.assign(values)
        self.embeddings_scale.assign(ops.squeeze(scale, axis=-1))
        self.dtype_policy = keras.dtype_policies.get(
            f"{mode}_from_{self.dtype_policy.name}"
        )

    def quantized_build(self, inputs_shape, mode, config=None):
        if mode != "int8":
            raise NotImplementedError(
                f"`OnDeviceEmbedding` supports quantization mode 'int8' "
                f"only. Received: mode={mode!r}"
            )
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.vocab_size, self.embedding_width),
            initializer="zeros",
            dtype="int8",
            trainable=False,
        )
        self.embeddings_scale = self.add_weight(
            name="embeddings_scale",
            shape=(self.vocab_size,),
            initializer="ones",
            trainable=False,
        )
        self._is_quantized = True

    def _int8_call(self, inputs):
        _check_dtype(inputs.dtype)
        layer_utils.check_index_range(
            "inputs",
            inputs,
            self.vocab_size,
            "`vocab_size`",
            self.__class__.__name__,
            "Fix the ids or build the layer with a larger `vocab_size`.",
        )
        ids, valid = _valid_ids(inputs, self.vocab_size)
        if self.use_one_hot:
            table = ops.divide(
                ops.cast(self.embeddings, self.compute_dtype),
                ops.expand_dims(
                    ops.cast(self.embeddings_scale, self.compute_dtype), -1
                ),
            )
            one_hot = ops.one_hot(
                ids, self.vocab_size, dtype=self.compute_dtype
            )
            outputs = ops.matmul(one_hot, table)
        else:
            rows = ops.cast(
                ops.take(self.embeddings, ids, axis=0), self.compute_dtype
            )
            scale = ops.take(self.embeddings_scale, ids, axis=0)
            scale = ops.expand_dims(ops.cast(scale, self.compute_dtype), -1)
            outputs = ops.divide(rows, scale)
        outputs = _nan_where_invalid(outputs, valid)
        if self.scale_factor is not None:
            outputs = outputs * ops.cast(self.scale_factor, self.compute_dtype)
        return outputs


def _check_dtype(dtype):
    layer_utils.check_integer_dtype(
        "inputs", dtype, "integer token ids (for `OnDeviceEmbedding`)"
    )


def _valid_ids(inputs, vocab_size):
    """`(ids, valid)`: ids with 0 in place of those outside the vocabulary.

    Gathers would wrap negative ids and clamp (XLA) or fault (TensorFlow on
    CPU) on large ones, and one-hot gives zeros: row 0 is looked up
    instead, and `_nan_where_invalid` then replaces it.
    """
    valid = ops.logical_and(
        ops.greater_equal(inputs, 0), ops.less(inputs, vocab_size)
    )
    return ops.where(valid, inputs, ops.zeros_like(inputs)), valid


def _nan_where_invalid(outputs, valid):
    """NaN rows for the invalid ids, so that none gives a plausible row."""
    return ops.where(
        ops.expand_dims(valid, -1),
        outputs,
        ops.cast(float("nan"), outputs.dtype),
    )
