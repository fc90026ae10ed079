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

"""BERT: a bi-directional Transformer encoder network."""

import keras

from keras_nlp.encoders import argument_checks
from keras_nlp.encoders.encoder import Encoder
from keras_nlp.layers import layer_utils
from keras_nlp.layers.dropout import Dropout
from keras_nlp.layers.layer_normalization import LayerNormalization
from keras_nlp.layers.on_device_embedding import OnDeviceEmbedding
from keras_nlp.layers.position_embedding import PositionEmbedding
from keras_nlp.layers.self_attention_mask import SelfAttentionMask
from keras_nlp.layers.transformer_encoder import TransformerEncoder


@keras.saving.register_keras_serializable(package="keras_nlp")
class BertEncoder(Encoder):
    """Bi-directional Transformer encoder network, as in BERT.

    This network implements the encoder of BERT: word, position and type
    embeddings, summed and normalized, followed by a stack of
    `keras_nlp.layers.TransformerEncoder` blocks and a pooler (a dense layer
    with tanh on the first token). It includes no task head: attach a
    `keras.layers.Dense` to `pooled_output` to classify, or a
    `keras_nlp.layers.MaskedLM` tied to `get_embedding_table()` to pretrain.
    The defaults are those of BERT-Base.

    The network is a functional `keras.Model`: it can be summarized, plotted,
    saved to `.keras`, compiled with XLA (`jit_compile=True`) and built
    inside any `tf.distribute` strategy scope. `input_mask` marks real tokens
    with 1 and padding with 0; padded positions are never attended to.

    Ids are checked wherever they have values. `input_word_ids` must lie in
    `[0, vocab_size)` and `input_type_ids` in `[0, type_vocab_size)`; an id
    outside raises a `ValueError` naming the input, the id, its position
    and the valid range when the encoder is called on NumPy arrays or eager
    tensors (of any backend, which includes every step of a model that
    runs eagerly, such as `fit` on PyTorch or `run_eagerly=True`), and when
    the in-memory arrays given to the encoder's own `fit`, `evaluate` or
    `predict` are checked, once, before the first step. Inside a traced or
    compiled function (`tf.function`, the TensorFlow and JAX `fit` and
    `predict` steps with or without `jit_compile=True`, a TPU step, and so
    any model that contains the encoder and is fed a `tf.data.Dataset`) no
    check can raise on tensor values: there an out-of-range id gets a NaN
    embedding, so every output that depends on it, and the loss, is NaN,
    never a plausible value (`keras.callbacks.TerminateOnNaN` stops such a
    run). A misspelled constructor argument raises a `TypeError` naming the
    closest valid one.

    Under a mixed precision policy (`"mixed_float16"`, `"mixed_bfloat16"`)
    every output is in the compute dtype (float16 or bfloat16); layer norms
    and the attention softmax compute in float32 internally.

    Reference:
        - [Devlin et al., 2018](https://arxiv.org/abs/1810.04805)

    Args:
        vocab_size: int. The size of the token vocabulary.
        hidden_size: int. The size of the Transformer hidden layers.
            Defaults to `768`.
        num_layers: int. The number of Transformer layers. Defaults to `12`.
        num_attention_heads: int. The number of attention heads of each
            Transformer layer; it must divide `hidden_size`. Defaults to
            `12`.
        max_sequence_length: int. The longest sequence the encoder takes;
            the size of the position embedding table. Defaults to `512`.
        type_vocab_size: int. The number of values `input_type_ids` can
            take. Defaults to `16`.
        inner_dim: int. The output size of the first dense layer of each
            feed-forward network. Defaults to `3072`.
        inner_activation: The activation of that layer. Defaults to
            `"gelu"` (exact); original BERT checkpoints use
            `"keras_nlp>gelu_approximate"`.
        output_dropout: float. Dropout rate of the embeddings and of the
            attention and feed-forward outputs. Defaults to `0.1`.
        attention_dropout: float. Dropout rate of the attention
            probabilities. Defaults to `0.1`.
        initializer: Initializer of every weight matrix. Defaults to
            `keras.initializers.TruncatedNormal(stddev=0.02)`.
        output_range: int or `None`. If set, the last Transformer layer only
            computes the first `output_range` positions (all positions are
            still attended to), so `sequence_output` has `output_range`
            positions. Use `1` when only `pooled_output` is needed. Defaults
            to `None`.
        embedding_width: int or `None`. The width of the word embeddings.
            When it differs from `hidden_size` the embeddings are factorized
            into a `(vocab_size, embedding_width)` table and a projection to
            `hidden_size`, as in ALBERT. Defaults to `None` (`hidden_size`).
        norm_epsilon: float. Epsilon of every layer normalization. Defaults
            to `1e-12`.
        lora_rank: int or `None`. If set, the encoder is built with LoRA
            adapters of this rank on the attention query and value
            projections and everything else frozen, as
            `enable_lora(lora_rank)` does; `enable_lora` sets it.
            Defaults to `None` (no LoRA).
        **kwargs: Base model arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: a dict with the keys `input_word_ids`, `input_mask` and
            `input_type_ids`, or a list of those three tensors in that
            order; each of shape `(batch_size, sequence_length)` and integer
            dtype, with `sequence_length <= max_sequence_length`.
        training: bool. Whether dropout is active.

    Output shape:
        A dict with `sequence_output` `(batch_size, sequence_length,
        hidden_size)` (`sequence_length` is `output_range` when set),
        `pooled_output` `(batch_size, hidden_size)` and `encoder_outputs`, the
        list of every Transformer layer's output.

    Example:

    ```python
    encoder = keras_nlp.encoders.BertEncoder(
        vocab_size=100,
        hidden_size=16,
        num_layers=2,
        num_attention_heads=2,
        inner_dim=32,
        max_sequence_length=8,
        type_vocab_size=2,
    )
    inputs = {
        "input_word_ids": np.array([[2, 7, 9, 3, 0, 0]]),
        "input_mask": np.array([[1, 1, 1, 1, 0, 0]]),
        "input_type_ids": np.zeros((1, 6), dtype="int32"),
    }
    outputs = encoder(inputs)
    assert outputs["sequence_output"].shape == (1, 6, 16)
    assert outputs["pooled_output"].shape == (1, 16)
    assert len(outputs["encoder_outputs"]) == 2
    ```
    """

    def __init__(
        self,
        vocab_size,
        hidden_size=768,
        num_layers=12,
        num_attention_heads=12,
        max_sequence_length=512,
        type_vocab_size=16,
        inner_dim=3072,
        inner_activation="gelu",
        output_dropout=0.1,
        attention_dropout=0.1,
        initializer=None,
        output_range=None,
        embedding_width=None,
        norm_epsilon=1e-12,
        lora_rank=None,
        **kwargs,
    ):
        argument_checks.check_unknown_arguments(BertEncoder, kwargs)
        initializer = argument_checks.check_encoder_arguments(
            sizes={
                "vocab_size": vocab_size,
                "hidden_size": hidden_size,
                "num_layers": num_layers,
                "num_attention_heads": num_attention_heads,
                "max_sequence_length": max_sequence_length,
                "type_vocab_size": type_vocab_size,
                "inner_dim": inner_dim,
                "lora_rank": lora_rank,
                "embedding_width": embedding_width,
                "output_range": output_range,
            },
            rates={
                "output_dropout": output_dropout,
                "attention_dropout": attention_dropout,
            },
            hidden_size=hidden_size,
            num_attention_heads=num_attention_heads,
            initializer=initializer,
        )
        dtype = kwargs.pop("dtype", None)
        width = embedding_width or hidden_size

        # === Layers ===
        self.word_embeddings = OnDeviceEmbedding(
            vocab_size=vocab_size,
            embedding_width=width,
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
            embedding_width=width,
            initializer=layer_utils.clone_initializer(initializer),
            use_one_hot=True,
            dtype=dtype,
            name="type_embeddings",
        )
        self.embeddings_layer_norm = LayerNormalization(
            epsilon=norm_epsilon, dtype=dtype, name="embeddings_layer_norm"
        )
        self.embeddings_dropout = Dropout(
            output_dropout, dtype=dtype, name="embeddings_dropout"
        )
        self.embedding_projection = None
        if width != hidden_size:
            # Factorized embeddings, as in ALBERT.
            self.embedding_projection = keras.layers.EinsumDense(
                "...x,xy->...y",
                output_shape=hidden_size,
                bias_axes="y",
                kernel_initializer=layer_utils.clone_initializer(initializer),
                dtype=dtype,
                name="embedding_projection",
            )
        self.self_attention_mask = SelfAttentionMask(
            dtype=dtype, name="self_attention_mask"
        )
        self.transformer_layers = []
        for index in range(num_layers):
            is_last = index == num_layers - 1
            layer = TransformerEncoder(
                num_attention_heads=num_attention_heads,
                inner_dim=inner_dim,
                inner_activation=inner_activation,
                output_range=output_range if is_last else None,
                kernel_initializer=layer_utils.clone_initializer(initializer),
                norm_epsilon=norm_epsilon,
                output_dropout=output_dropout,
                attention_dropout=attention_dropout,
                dtype=dtype,
                name=f"transformer_layer_{index}",
            )
            self.transformer_layers.append(layer)
        self.pooler = keras.layers.Dense(
            hidden_size,
            activation="tanh",
            kernel_initializer=layer_utils.clone_initializer(initializer),
            dtype=dtype,
            name="pooler_transform",
        )

        # === Functional model ===
        word_ids = keras.Input(
            shape=(None,), dtype="int32", name="input_word_ids"
        )
        input_mask = keras.Input(
            shape=(None,), dtype="int32", name="input_mask"
        )
        type_ids = keras.Input(
            shape=(None,), dtype="int32", name="input_type_ids"
        )
        word_embeddings = self.word_embeddings(word_ids)
        x = (
            word_embeddings
            + self.position_embedding(word_embeddings)
            + self.type_embeddings(type_ids)
        )
        x = self.embeddings_dropout(self.embeddings_layer_norm(x))
        if self.embedding_projection is not None:
            x = self.embedding_projection(x)
        attention_mask = self.self_attention_mask(x, input_mask)
        encoder_outputs = []
        for layer in self.transformer_layers:
            x = layer(x, attention_mask=attention_mask)
            encoder_outputs.append(x)
        super().__init__(
            inputs=[word_ids, input_mask, type_ids],
            outputs={
                "sequence_output": x,
                "pooled_output": self.pooler(x[:, 0, :]),
                "encoder_outputs": encoder_outputs,
            },
            **kwargs,
        )
        # Functional models ignore `dtype`; report the layers' policy.
        self.dtype_policy = self.word_embeddings.dtype_policy

        # === Config ===
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_attention_heads = num_attention_heads
        self.max_sequence_length = max_sequence_length
        self.type_vocab_size = type_vocab_size
        self.inner_dim = inner_dim
        self.inner_activation = layer_utils.get_activation(
            "inner_activation", inner_activation
        )
        self.output_dropout = output_dropout
        self.attention_dropout = attention_dropout
        self.initializer = initializer
        self.output_range = output_range
        self.embedding_width = embedding_width
        self.norm_epsilon = norm_epsilon
        self.lora_rank = None  # Set by `enable_lora`.
        if lora_rank is not None:
            self.enable_lora(lora_rank)

    def get_config(self):
        # The constructor arguments; `keras.Model.get_config` (the graph)
        # is deliberately not used.
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "num_attention_heads": self.num_attention_heads,
            "max_sequence_length": self.max_sequence_length,
            "type_vocab_size": self.type_vocab_size,
            "inner_dim": self.inner_dim,
            "inner_activation": keras.activations.serialize(
                self.inner_activation
            ),
            "output_dropout": self.output_dropout,
            "attention_dropout": self.attention_dropout,
            "initializer": keras.initializers.serialize(self.initializer),
            "output_range": self.output_range,
            "embedding_width": self.embedding_width,
            "norm_epsilon": self.norm_epsilon,
        }
        if self.lora_rank is not None:
            # As in Keras' own layers, only an adapted encoder records its
            # rank: configs of encoders without LoRA stay as they were.
            config["lora_rank"] = self.lora_rank
        return config
