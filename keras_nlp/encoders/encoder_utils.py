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

"""Shared pieces of the BERT-family functional encoders."""

import keras
import numpy as np

from keras_nlp.layers import layer_utils
from keras_nlp.layers.on_device_embedding import OnDeviceEmbedding
from keras_nlp.layers.position_embedding import PositionEmbedding

INPUT_NAMES = ("input_word_ids", "input_mask", "input_type_ids")


def encoder_inputs():
    """The three named, int32 `keras.Input`s of a BERT-family encoder."""
    return [
        keras.Input(shape=(None,), dtype="int32", name=name)
        for name in INPUT_NAMES
    ]


def standardize_encoder_inputs(inputs, max_sequence_length, class_name):
    """Checks encoder inputs and returns them as a list in `INPUT_NAMES` order.

    Accepts a dict holding (at least) the three `INPUT_NAMES` keys, or a list
    or tuple of exactly three tensors in that order. Extra dict keys, such as
    the `masked_lm_*` features of a pretraining pipeline, are ignored.

    Raises:
        ValueError: if a key is missing, the number of inputs is not three, an
            input is not a 2D integer tensor, the inputs' static shapes differ,
            or a static sequence length exceeds `max_sequence_length`.
    """
    if isinstance(inputs, dict):
        missing = [name for name in INPUT_NAMES if name not in inputs]
        if missing:
            raise ValueError(
                f"{class_name} inputs are missing the keys {missing}. "
                f"Expected a dict with the keys {list(INPUT_NAMES)}. "
                f"Received: keys={sorted(inputs)}. Rename the features of "
                "your input pipeline, or pass a list of the three tensors "
                "in that order."
            )
        inputs = [inputs[name] for name in INPUT_NAMES]
    elif isinstance(inputs, (list, tuple)):
        if len(inputs) != len(INPUT_NAMES):
            raise ValueError(
                f"{class_name} takes exactly three inputs, "
                f"{list(INPUT_NAMES)}, as a dict or as a list in that order. "
                f"Received: a {type(inputs).__name__} of {len(inputs)} "
                "inputs."
            )
        inputs = list(inputs)
    else:
        raise ValueError(
            f"{class_name} takes a dict with the keys {list(INPUT_NAMES)} "
            "or a list of those three tensors in that order. Received: "
            f"inputs of type {type(inputs).__name__}."
        )

    standardized = []
    for name, value in zip(INPUT_NAMES, inputs):
        if not hasattr(value, "dtype") or not hasattr(value, "shape"):
            value = np.asarray(value)
        dtype = keras.backend.standardize_dtype(value.dtype)
        if "int" not in dtype:
            raise ValueError(
                f"`{name}` must hold integer ids. Received: "
                f"{name}.dtype={dtype}. Cast it with "
                f"`keras.ops.cast({name}, 'int32')` (or produce ids with a "
                "keras_nlp tokenizer)."
            )
        shape = tuple(value.shape)
        if len(shape) != 2:
            raise ValueError(
                f"`{name}` must have shape (batch_size, sequence_length). "
                f"Received: {name}.shape={shape}. Add a batch dimension with "
                "`keras.ops.expand_dims(x, 0)` for a single example."
            )
        length = shape[1]
        if (
            length is not None
            and max_sequence_length is not None
            and length > max_sequence_length
        ):
            raise ValueError(
                f"The sequence length of `{name}` ({length}) exceeds the "
                f"encoder's `max_sequence_length` ({max_sequence_length}). "
                f"Received: {name}.shape={shape}. Pack or truncate inputs to "
                f"at most {max_sequence_length} tokens, or build the encoder "
                "with a larger `max_sequence_length`."
            )
        standardized.append(value)

    shapes = [tuple(x.shape) for x in standardized]
    for axis in (0, 1):
        sizes = {s[axis] for s in shapes if s[axis] is not None}
        if len(sizes) > 1:
            raise ValueError(
                f"{class_name} inputs must all have the same shape. "
                f"Received: shapes {dict(zip(INPUT_NAMES, shapes))}."
            )
    return standardized


def check_divisible(hidden_size, num_attention_heads):
    """Raises a `ValueError` unless the heads split `hidden_size` evenly."""
    if hidden_size % num_attention_heads:
        raise ValueError(
            f"`hidden_size` ({hidden_size}) must be divisible by "
            f"`num_attention_heads` ({num_attention_heads}). Received: "
            f"hidden_size={hidden_size}, "
            f"num_attention_heads={num_attention_heads}. Choose a "
            "`num_attention_heads` that divides the hidden size."
        )


class EmbeddingStack:
    """The embedding layers shared by BERT and ALBERT encoders.

    Word, position and type embeddings are summed, normalized, dropped out
    and, when `embedding_width != hidden_size`, projected to `hidden_size`.
    ALBERT passes `always_project=True`: its checkpoints always hold the
    projection, even when the widths match. Each layer gets its own copy of
    `initializer` and the stable name the checkpoint converters rely on.
    """

    def __init__(
        self,
        vocab_size,
        type_vocab_size,
        max_sequence_length,
        embedding_width,
        hidden_size,
        output_dropout,
        norm_epsilon,
        initializer,
        dtype=None,
        always_project=False,
    ):
        self.word_embeddings = OnDeviceEmbedding(
            vocab_size=vocab_size,
            embedding_width=embedding_width,
            initializer=layer_utils.clone_initializer(initializer),
            dtype=dtype,
            name="word_embeddings",
        )
        self.position_embedding = PositionEmbedding(
            max_length=max_sequence_length,
            initializer=layer_utils.clone_initializer(initializer),
            dtype=dtype,
            name="position_embedding",
        )
        self.type_embeddings = OnDeviceEmbedding(
            vocab_size=type_vocab_size,
            embedding_width=embedding_width,
            initializer=layer_utils.clone_initializer(initializer),
            use_one_hot=True,
            dtype=dtype,
            name="type_embeddings",
        )
        self.layer_norm = keras.layers.LayerNormalization(
            axis=-1,
            epsilon=norm_epsilon,
            dtype=dtype,
            name="embeddings_layer_norm",
        )
        self.dropout = keras.layers.Dropout(
            rate=output_dropout, dtype=dtype, name="embeddings_dropout"
        )
        self.projection = None
        if always_project or embedding_width != hidden_size:
            self.projection = keras.layers.EinsumDense(
                "...x,xy->...y",
                output_shape=hidden_size,
                bias_axes="y",
                kernel_initializer=layer_utils.clone_initializer(initializer),
                dtype=dtype,
                name="embedding_projection",
            )

    def __call__(self, word_ids, type_ids):
        word_embeddings = self.word_embeddings(word_ids)
        embeddings = (
            word_embeddings
            + self.position_embedding(word_embeddings)
            + self.type_embeddings(type_ids)
        )
        embeddings = self.dropout(self.layer_norm(embeddings))
        if self.projection is not None:
            embeddings = self.projection(embeddings)
        return embeddings


def pooler_layer(hidden_size, initializer, dtype=None):
    """The BERT pooler: dense + tanh, applied to the first token."""
    return keras.layers.Dense(
        hidden_size,
        activation="tanh",
        kernel_initializer=layer_utils.clone_initializer(initializer),
        dtype=dtype,
        name="pooler_transform",
    )


def check_encoder_arguments(
    sizes, rates, hidden_size, num_attention_heads, initializer
):
    """Validates an encoder's arguments; returns the resolved initializer.

    Args:
        sizes: dict of the size arguments (name -> value) that must be
            positive integers; `None` values (optional sizes) are skipped.
        rates: dict of the dropout rates (name -> value).
        hidden_size: int.
        num_attention_heads: int, must divide `hidden_size`.
        initializer: an initializer identifier, or None for BERT's default
            truncated normal with standard deviation 0.02.
    """
    for name, value in sizes.items():
        if value is not None:
            layer_utils.check_positive_int(name, value)
    for name, value in rates.items():
        layer_utils.check_rate(name, value)
    check_divisible(hidden_size, num_attention_heads)
    if initializer is None:
        initializer = keras.initializers.TruncatedNormal(stddev=0.02)
    return layer_utils.get_keras_object(
        keras.initializers.get, "initializer", "initializer", initializer
    )


def encoder_graph(embedding_stack, self_attention_mask, blocks, pooler):
    """Wires the functional graph shared by BERT and ALBERT encoders.

    Args:
        embedding_stack: an `EmbeddingStack`.
        self_attention_mask: a `SelfAttentionMask` layer.
        blocks: the `TransformerEncoder` layers in the order they apply (the
            same layer repeated, for ALBERT).
        pooler: the pooler layer, applied to the first token.

    Returns:
        `(inputs, outputs)` for `keras.Model.__init__`.
    """
    word_ids, mask, type_ids = encoder_inputs()
    data = embedding_stack(word_ids, type_ids)
    attention_mask = self_attention_mask(data, mask)
    encoder_outputs = []
    for block in blocks:
        data = block(data, attention_mask=attention_mask)
        encoder_outputs.append(data)
    outputs = {
        "sequence_output": data,
        "pooled_output": pooler(data[:, 0, :]),
        "encoder_outputs": encoder_outputs,
    }
    return [word_ids, mask, type_ids], outputs
