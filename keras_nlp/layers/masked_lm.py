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

"""The BERT masked language model head, tied to the embedding table."""

import keras
from keras import ops

from keras_nlp.layers import layer_utils
from keras_nlp.layers.layer_normalization import LayerNormalization

OUTPUTS = ("logits", "predictions")


@keras.saving.register_keras_serializable(package="keras_nlp")
class MaskedLM(keras.layers.Layer):
    """Predicts the original tokens at the masked positions of a sequence.

    This is the masked language modelling head of BERT pretraining. It gathers
    the encoder's `sequence_output` at `masked_positions`, transforms each
    gathered vector with a dense layer (hidden size -> `embedding_width`, with
    `activation`) and a layer normalization (epsilon `1e-12`), then scores
    every vocabulary entry by a dot product with the word embedding table plus
    a learned per-token `output_bias`. It returns logits, or with
    `output="predictions"` their softmax, computed in float32 under mixed
    precision. Logits are in the layer's compute dtype. Keras masks are
    ignored: padded predictions are excluded by the loss weights
    (`masked_lm_weights`).

    The output projection is tied to the encoder's embeddings: pass the
    encoder's table variable as `embedding_table` (for example
    `encoder.get_embedding_table()` or the `embeddings` of a built
    `keras_nlp.layers.OnDeviceEmbedding`). The head then reads that variable
    itself, not a copy: its gradients update the table, and the table is
    listed once in a model's `trainable_weights`. The table stays the
    embedding layer's weight: it is not among this layer's own `weights`
    (so it is saved once, with the encoder, and `trainable=False` on the
    head does not freeze it).

    A variable cannot be stored in a config. `get_config()` of a tied head
    records that it is tied, and `from_config` of such a config raises a
    `ValueError` instead of silently creating a separate table (a model
    loaded that way would stop sharing the encoder's embeddings as soon as
    it trained). Models that own the tie rebuild it when they are loaded:
    use `keras_nlp.models.BertPretrainer`, whose `.keras` files reload with
    the head tied to the reloaded encoder's table.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805), BERT:
      Pre-training of Deep Bidirectional Transformers for Language
      Understanding.

    Args:
        embedding_table: `keras.Variable` of shape
            `(vocab_size, embedding_width)`, or `None`. The encoder's word
            embedding table to tie the output projection to. If `None`, the
            layer creates its own table from `vocab_size` and
            `embedding_width`. Defaults to `None`.
        activation: str or callable, optional. Activation of the dense
            transform; BERT uses `keras_nlp.layers.gelu_approximate` (also
            accepted by its name `"keras_nlp>gelu_approximate"`). Defaults to
            `None` (linear).
        initializer: str or `keras.initializers.Initializer`. Initializer of
            the dense kernel (and of the layer's own table, if any). Defaults
            to `"glorot_uniform"`.
        output: str. `"logits"` or `"predictions"` (softmax probabilities).
            Defaults to `"logits"`.
        vocab_size: int, optional. The number of rows of the table. Required
            when `embedding_table` is `None`; otherwise taken from the table
            (and checked against it if given).
        embedding_width: int, optional. The number of columns of the table,
            the output size of the dense transform. Required when
            `embedding_table` is `None`; otherwise taken from the table (and
            checked against it if given).
        **kwargs: Base layer arguments, such as `name` and `dtype`.

    Call arguments:
        sequence_output: float tensor, the encoder's output sequence.
        masked_positions: integer tensor, the positions (indices into the
            sequence axis) to predict, one row per example.

    Input shape:
        sequence_output: `(batch_size, sequence_length, hidden_size)`.
        masked_positions: `(batch_size, num_predictions)`.

    Output shape:
        `(batch_size, num_predictions, vocab_size)`.

    Example:

    ```python
    token_ids = keras.Input(shape=(None,), dtype="int32")
    masked_positions = keras.Input(shape=(None,), dtype="int32")
    embedding = keras_nlp.layers.OnDeviceEmbedding(
        vocab_size=20, embedding_width=8
    )
    sequence_output = keras.layers.Dense(8)(embedding(token_ids))
    masked_lm = keras_nlp.layers.MaskedLM(embedding_table=embedding.embeddings)
    logits = masked_lm(sequence_output, masked_positions=masked_positions)
    model = keras.Model([token_ids, masked_positions], logits)
    outputs = model.predict(
        [np.array([[3, 5, 7, 2]]), np.array([[1, 2]])], verbose=0
    )  # Shape (1, 2, 20).

    # The table is shared, not copied.
    assert masked_lm.embedding_table is embedding.embeddings
    assert masked_lm.tied
    ```
    """

    def __init__(
        self,
        embedding_table=None,
        activation=None,
        initializer="glorot_uniform",
        output="logits",
        vocab_size=None,
        embedding_width=None,
        **kwargs,
    ):
        layer_utils.check_unknown_arguments(MaskedLM, kwargs)
        super().__init__(**kwargs)
        if embedding_table is not None:
            if not isinstance(embedding_table, keras.Variable):
                raise ValueError(
                    "`embedding_table` must be a `keras.Variable`, such as "
                    "`encoder.get_embedding_table()` or the `embeddings` of "
                    "a built `OnDeviceEmbedding`, so that the head shares it. "
                    f"Received: embedding_table={embedding_table!r}"
                )
            table_shape = tuple(embedding_table.shape)
            if len(table_shape) != 2:
                raise ValueError(
                    "`embedding_table` must have rank 2, "
                    "`(vocab_size, embedding_width)`. Received: "
                    f"embedding_table.shape={table_shape}"
                )
            for name, value, table_value in (
                ("vocab_size", vocab_size, table_shape[0]),
                ("embedding_width", embedding_width, table_shape[1]),
            ):
                if value is not None and value != table_value:
                    raise ValueError(
                        f"`{name}` must match `embedding_table` when both are "
                        f"given. Received: {name}={value!r} and "
                        f"embedding_table.shape={table_shape}. Omit `{name}`."
                    )
            vocab_size, embedding_width = table_shape
        elif vocab_size is None or embedding_width is None:
            raise ValueError(
                "Pass either `embedding_table` (to tie the head to the "
                "encoder's embeddings) or both `vocab_size` and "
                "`embedding_width` (for a head with its own table). "
                f"Received: embedding_table=None, vocab_size={vocab_size!r}, "
                f"embedding_width={embedding_width!r}"
            )
        layer_utils.check_positive_int("vocab_size", vocab_size)
        layer_utils.check_positive_int("embedding_width", embedding_width)
        if output not in OUTPUTS:
            raise ValueError(
                f"`output` must be one of {OUTPUTS}. "
                f"Received: output={output!r}"
            )
        resolved = layer_utils.get_activation("activation", activation)
        initializer = layer_utils.get_keras_object(
            keras.initializers.get, "initializer", "initializer", initializer
        )
        # The shared table is held outside Keras' attribute tracking, so
        # that it remains only the embedding layer's weight.
        self._shared_table = (
            None if embedding_table is None else _SharedTable(embedding_table)
        )
        self._own_table = None
        self.activation = resolved
        self.initializer = initializer
        # `Layer.output` is a read-only Keras property (a functional layer's
        # output tensor), hence the attribute name.
        self.output_type = output
        self.vocab_size = int(vocab_size)
        self.embedding_width = int(embedding_width)

    def build(self, sequence_output_shape, masked_positions_shape=None):
        if len(sequence_output_shape) != 3 or sequence_output_shape[-1] is None:
            raise ValueError(
                "`sequence_output` must have rank 3, "
                "`(batch_size, sequence_length, hidden_size)`, with a known "
                "`hidden_size`. Received: "
                f"sequence_output.shape={tuple(sequence_output_shape)}"
            )
        if masked_positions_shape is not None and (
            len(masked_positions_shape) != 2
        ):
            raise ValueError(
                "`masked_positions` must have rank 2, "
                "`(batch_size, num_predictions)`. Received: "
                f"masked_positions.shape={tuple(masked_positions_shape)}"
            )
        if self._shared_table is None:
            self._own_table = self.add_weight(
                name="embedding_table",
                shape=(self.vocab_size, self.embedding_width),
                initializer=self.initializer.clone(),
            )
        self.dense = keras.layers.Dense(
            self.embedding_width,
            activation=self.activation,
            kernel_initializer=self.initializer.clone(),
            dtype=self.dtype_policy,
            name="dense",
        )
        self.dense.build(sequence_output_shape)
        self.layer_norm = LayerNormalization(
            epsilon=1e-12, dtype=self.dtype_policy, name="layer_norm"
        )
        self.layer_norm.build(
            tuple(sequence_output_shape[:-1]) + (self.embedding_width,)
        )
        self.output_bias = self.add_weight(
            name="output_bias", shape=(self.vocab_size,), initializer="zeros"
        )

    def call(self, sequence_output, masked_positions):
        _check_dtype(masked_positions.dtype)
        layer_utils.check_index_range(
            "masked_positions",
            masked_positions,
            ops.shape(sequence_output)[1],
            "sequence length",
            self.__class__.__name__,
            "Positions index the tokens of `sequence_output`; build them "
            "with the same `sequence_length` as the inputs.",
        )
        gathered = ops.take_along_axis(
            sequence_output, ops.expand_dims(masked_positions, -1), axis=1
        )
        hidden = self.layer_norm(self.dense(gathered))
        table = ops.cast(self.embedding_table, self.compute_dtype)
        logits = ops.matmul(hidden, ops.transpose(table))
        logits = logits + ops.cast(self.output_bias, self.compute_dtype)
        if self.output_type == "predictions":
            return ops.softmax(ops.cast(logits, "float32"), axis=-1)
        return logits

    def compute_output_shape(
        self, sequence_output_shape, masked_positions_shape
    ):
        return (
            sequence_output_shape[0],
            masked_positions_shape[1],
            self.vocab_size,
        )

    def compute_output_spec(self, sequence_output, masked_positions):
        # Symbolic calls skip `call()`: check the dtype here as well, and
        # report the float32 dtype of predictions under mixed precision.
        _check_dtype(masked_positions.dtype)
        shape = self.compute_output_shape(
            sequence_output.shape, masked_positions.shape
        )
        if self.output_type == "predictions":
            return keras.KerasTensor(shape, dtype="float32")
        return keras.KerasTensor(shape, dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        if self.tied:
            config["tied"] = True
        config.update(
            {
                "activation": keras.activations.serialize(self.activation),
                "initializer": keras.initializers.serialize(self.initializer),
                "output": self.output_type,
                "vocab_size": self.vocab_size,
                "embedding_width": self.embedding_width,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.pop("tied", False) and "embedding_table" not in config:
            raise ValueError(
                "This `MaskedLM` head was tied to an encoder's word embedding "
                "table, which a config cannot hold, so it cannot be rebuilt "
                "from its config alone: a head with a table of its own "
                "would silently stop sharing the encoder's embeddings. "
                f"Received: a config of layer {config.get('name')!r} without "
                "`embedding_table`. Build pretraining models with "
                "`keras_nlp.models.BertPretrainer`, whose `.keras` files "
                "reload tied, or pass `embedding_table=` (e.g. "
                "`encoder.get_embedding_table()`) when rebuilding the head."
            )
        return cls(**config)

    @property
    def embedding_table(self):
        """The table scored against: the shared variable, or the layer's own.

        `None` for an untied layer that is not built yet.
        """
        if self._shared_table is not None:
            return self._shared_table.variable
        return self._own_table

    @property
    def tied(self):
        """Whether the head shares a table passed as `embedding_table`."""
        return self._shared_table is not None


class _SharedTable:
    """Holds a variable another layer owns, out of Keras' weight tracking."""

    def __init__(self, variable):
        self.variable = variable


def _check_dtype(dtype):
    layer_utils.check_integer_dtype(
        "masked_positions", dtype, "an integer tensor of positions"
    )
