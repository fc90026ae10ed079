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

"""ALBERT: a BERT encoder with factorized embeddings and shared layers."""

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
class AlbertEncoder(Encoder):
    """ALBERT encoder: factorized embeddings, one layer shared across depth.

    ALBERT cuts BERT's parameter count in two ways. The word embeddings are
    `embedding_width` wide (much smaller than `hidden_size`) and projected to
    `hidden_size`, and a single `keras_nlp.layers.TransformerEncoder` is
    applied `num_layers` times, so the parameter count does not grow with
    depth. Inputs and outputs are those of `keras_nlp.encoders.BertEncoder`.
    `input_mask` marks real tokens with 1 and padding with 0. Ids and
    constructor arguments are checked as `keras_nlp.encoders.BertEncoder`
    documents: out-of-range ids raise a `ValueError` wherever they have
    values and give NaN outputs inside compiled steps.

    Reference:
        - [Lan et al., 2019](https://arxiv.org/abs/1909.11942)

    Args:
        vocab_size: int. The size of the token vocabulary.
        embedding_width: int. The width of the word embeddings. Defaults to
            `128`.
        hidden_size: int. The size of the Transformer hidden layers.
            Defaults to `768`.
        num_layers: int. How many times the shared Transformer layer is
            applied. Defaults to `12`.
        num_attention_heads: int. The number of attention heads; it must
            divide `hidden_size`. Defaults to `12`.
        max_sequence_length: int. The longest sequence the encoder takes.
            Defaults to `512`.
        type_vocab_size: int. The number of values `input_type_ids` can
            take. Defaults to `16`.
        inner_dim: int. The output size of the first dense layer of the
            feed-forward network. Defaults to `3072`.
        inner_activation: The activation of that layer. Defaults to
            `"gelu"` (exact); original ALBERT checkpoints use
            `"keras_nlp>gelu_approximate"`.
        output_dropout: float. Dropout rate of the embeddings and of the
            attention and feed-forward outputs. Defaults to `0.1`.
        attention_dropout: float. Dropout rate of the attention
            probabilities. Defaults to `0.1`.
        initializer: Initializer of every weight matrix. Defaults to
            `keras.initializers.TruncatedNormal(stddev=0.02)`.
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
        hidden_size)`, `pooled_output` `(batch_size, hidden_size)` and
        `encoder_outputs`, the list of the `num_layers` outputs of the shared
        layer. Outputs are in the compute dtype of the model's policy.

    Example:

    ```python
    encoder = keras_nlp.encoders.AlbertEncoder(
        vocab_size=100,
        embedding_width=4,
        hidden_size=16,
        num_layers=3,
        num_attention_heads=2,
        inner_dim=32,
        max_sequence_length=8,
        type_vocab_size=2,
    )
    outputs = encoder(
        {
            "input_word_ids": np.array([[2, 7, 9, 3, 0]]),
            "input_mask": np.array([[1, 1, 1, 1, 0]]),
            "input_type_ids": np.zeros((1, 5), dtype="int32"),
        }
    )
    assert outputs["pooled_output"].shape == (1, 16)
    assert len(outputs["encoder_outputs"]) == 3
    ```
    """

    def __init__(
        self,
        vocab_size,
        embedding_width=128,
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
        norm_epsilon=1e-12,
        lora_rank=None,
        **kwargs,
    ):
        argument_checks.check_unknown_arguments(AlbertEncoder, kwargs)
        initializer = argument_checks.check_encoder_arguments(
            sizes={
                "vocab_size": vocab_size,
                "embedding_width": embedding_width,
                "hidden_size": hidden_size,
                "num_layers": num_layers,
                "num_attention_heads": num_attention_heads,
                "max_sequence_length": max_sequence_length,
                "type_vocab_size": type_vocab_size,
                "inner_dim": inner_dim,
                "lora_rank": lora_rank,
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

        # === Layers ===
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
        self.embeddings_layer_norm = LayerNormalization(
            epsilon=norm_epsilon, dtype=dtype, name="embeddings_layer_norm"
        )
        self.embeddings_dropout = Dropout(
            output_dropout, dtype=dtype, name="embeddings_dropout"
        )
        # ALBERT checkpoints always hold the projection, even when
        # `embedding_width == hidden_size`.
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
        # One block, applied `num_layers` times.
        self.transformer_layer = TransformerEncoder(
            num_attention_heads=num_attention_heads,
            inner_dim=inner_dim,
            inner_activation=inner_activation,
            kernel_initializer=layer_utils.clone_initializer(initializer),
            norm_epsilon=norm_epsilon,
            output_dropout=output_dropout,
            attention_dropout=attention_dropout,
            dtype=dtype,
            name="transformer_layer",
        )
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
        x = self.embedding_projection(x)
        attention_mask = self.self_attention_mask(x, input_mask)
        encoder_outputs = []
        for _ in range(num_layers):
            x = self.transformer_layer(x, attention_mask=attention_mask)
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
        self.embedding_width = embedding_width
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
            "embedding_width": self.embedding_width,
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
            "norm_epsilon": self.norm_epsilon,
        }
        if self.lora_rank is not None:
            # As in Keras' own layers, only an adapted encoder records its
            # rank: configs of encoders without LoRA stay as they were.
            config["lora_rank"] = self.lora_rank
        return config
