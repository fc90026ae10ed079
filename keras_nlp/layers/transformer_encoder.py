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

"""The Transformer encoder block: self-attention plus feed-forward network."""

import math

import keras
from keras import ops

from keras_nlp.layers import layer_utils
from keras_nlp.layers.dropout import Dropout
from keras_nlp.layers.layer_normalization import LayerNormalization

# Score given to masked-out keys before the softmax. Far below any real
# score, yet finite in float16 (whose largest magnitude is 65504).
_LARGE_NEGATIVE = -3.0e4


@keras.saving.register_keras_serializable(package="keras_nlp")
class TransformerEncoder(keras.layers.Layer):
    """One Transformer encoder block: self-attention and feed-forward.

    This is the layer that BERT and ALBERT stack (or, for ALBERT, apply
    repeatedly) to encode a sequence. It runs multi-head scaled dot-product
    self-attention over the sequence, then a two-layer position-wise
    feed-forward network, each wrapped in a residual connection and a layer
    normalization. By default the normalization follows each residual sum
    ("post-norm", as in BERT):

    ```
    x = self_attention_layer_norm(inputs + dropout(attention(inputs)))
    outputs = output_layer_norm(x + dropout(ffn(x)))
    ```

    With `norm_first=True` it precedes each sublayer instead ("pre-norm"):
    `x = inputs + dropout(attention(self_attention_layer_norm(inputs)))`,
    `outputs = x + dropout(ffn(output_layer_norm(x)))`. The feed-forward
    network is `output_dense(inner_dropout(inner_activation(
    intermediate_dense(x))))`.

    The hidden size is the last dimension of the input and must be
    divisible by `num_attention_heads`; each head has size
    `hidden_size // num_attention_heads`. The weights are created on the
    first call, and later calls of the same instance reuse them, which is
    how ALBERT shares one block across its depth. The public sublayers
    `query_dense`, `key_dense`, `value_dense`, `attention_output_dense`,
    `self_attention_layer_norm`, `intermediate_dense`, `output_dense` and
    `output_layer_norm` hold the weights under those names.

    Masking: the optional `attention_mask` of shape
    `(batch_size, sequence_length, sequence_length)` says which keys
    (last axis) each query (middle axis) may attend to, 1 (or any nonzero
    value) for allowed and 0 for masked. Build it from a padding mask with
    `keras_nlp.layers.SelfAttentionMask`. Masked keys get no attention
    weight, and a key that no query may attend to (a padded token) is
    zeroed before the key and value projections, so the outputs at the
    other positions do not depend on the values of padded tokens, even NaN
    or infinite ones. (A key masked for some queries only, as in a causal
    mask, is still weighted by zero for those queries, so a NaN in it
    reaches them.) Without a mask
    every position attends to every position. The layer does not consume
    Keras' implicit masks.

    Under a mixed precision policy (`"mixed_float16"`, `"mixed_bfloat16"`)
    the matrix multiplications run in the compute dtype while the softmax
    and the layer normalizations compute in float32; the output has the
    compute dtype.

    Every projection runs as one 2D matrix multiplication over all
    positions, `(batch_size * sequence_length, hidden_size)`, with its bias
    (and for the first feed-forward layer, its activation) right after it,
    which TensorFlow fuses into one oneDNN kernel. The sublayers' weights
    are used directly, LoRA updates included; quantized sublayers are
    called as layers.

    Reference:
    - [Vaswani et al., 2017](https://arxiv.org/abs/1706.03762)
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805)

    Args:
        num_attention_heads: int. The number of attention heads. Must divide
            the hidden size of the input.
        inner_dim: int. The output size of the first dense layer of the
            feed-forward network.
        inner_activation: The activation of the first dense layer of the
            feed-forward network: a name (`"relu"`, or a registered name
            such as `"keras_nlp>gelu_approximate"`, the tanh approximation
            of the original BERT) or a callable. Defaults to `"gelu"` (the
            exact GELU).
        output_range: int or `None`. If set, only the first `output_range`
            positions are computed and returned (they still attend to the
            whole sequence). BERT uses `output_range=1` in its last layer
            when only the `[CLS]` output is needed. Defaults to `None` (all
            positions).
        kernel_initializer: Initializer for the kernels of the dense
            layers. Defaults to `"glorot_uniform"`.
        bias_initializer: Initializer for the biases of the dense layers.
            Defaults to `"zeros"`.
        kernel_regularizer: Regularizer for the kernels of all dense layers.
            Defaults to `None`.
        bias_regularizer: Regularizer for the biases of all dense layers.
            Defaults to `None`.
        activity_regularizer: Regularizer for the output of the layer.
            Defaults to `None`.
        kernel_constraint: Constraint for the kernels of all dense layers.
            Defaults to `None`.
        bias_constraint: Constraint for the biases of all dense layers.
            Defaults to `None`.
        use_bias: bool. Whether the query, key, value and attention output
            projections have biases (the feed-forward layers always do).
            Defaults to `True`.
        norm_first: bool. Whether to normalize the inputs of the attention
            and feed-forward sublayers (pre-norm) instead of their residual
            sums (post-norm, as BERT). Defaults to `False`.
        norm_epsilon: float. The epsilon of both layer normalizations.
            Defaults to `1e-12`.
        output_dropout: float in `[0, 1)`. The dropout rate applied to the
            output of the attention and of the feed-forward network, before
            each residual sum. Defaults to `0.0`.
        attention_dropout: float in `[0, 1)`. The dropout rate applied to
            the attention probabilities. Defaults to `0.0`.
        inner_dropout: float in `[0, 1)`. The dropout rate applied after
            `inner_activation`. Defaults to `0.0`.
        attention_initializer: Initializer for the kernels of the query,
            key, value and attention output projections. Defaults to `None`,
            which uses `kernel_initializer`.
        **kwargs: Base layer arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: The sequence, a tensor of shape
            `(batch_size, sequence_length, hidden_size)`, or a list
            `[inputs, attention_mask]`.
        attention_mask: Optional tensor of shape
            `(batch_size, sequence_length, sequence_length)`, 1 where a
            query may attend to a key and 0 where it may not. Pass it here
            or in the `inputs` list, not both. Defaults to `None` (no
            masking).
        training: bool. Whether dropout is active. Defaults to `None`, which
            follows the Keras training phase.

    Input shape:
        `(batch_size, sequence_length, hidden_size)`, and optionally the
        attention mask `(batch_size, sequence_length, sequence_length)`.

    Output shape:
        `(batch_size, sequence_length, hidden_size)`, or
        `(batch_size, min(output_range, sequence_length), hidden_size)` if
        `output_range` is set.

    Example:

    ```python
    embeddings = np.random.uniform(size=(2, 4, 8)).astype("float32")
    input_mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]])
    attention_mask = keras_nlp.layers.SelfAttentionMask()(
        [embeddings, input_mask]
    )
    encoder = keras_nlp.layers.TransformerEncoder(
        num_attention_heads=2, inner_dim=16
    )
    outputs = encoder([embeddings, attention_mask])  # (2, 4, 8)

    # ALBERT-style sharing: one block applied three times, one set of
    # weights.
    shared = keras_nlp.layers.TransformerEncoder(2, 16, norm_first=True)
    x = embeddings
    for _ in range(3):
        x = shared(x, attention_mask=attention_mask)

    # Only the first position, as BERT's last layer for the [CLS] output.
    cls_encoder = keras_nlp.layers.TransformerEncoder(2, 16, output_range=1)
    cls_output = cls_encoder([embeddings, attention_mask])  # (2, 1, 8)
    ```
    """

    def __init__(
        self,
        num_attention_heads,
        inner_dim,
        inner_activation="gelu",
        output_range=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_bias=True,
        norm_first=False,
        norm_epsilon=1e-12,
        output_dropout=0.0,
        attention_dropout=0.0,
        inner_dropout=0.0,
        attention_initializer=None,
        **kwargs,
    ):
        layer_utils.check_unknown_arguments(TransformerEncoder, kwargs)
        super().__init__(**kwargs)
        layer_utils.check_positive_int(
            "num_attention_heads", num_attention_heads
        )
        layer_utils.check_positive_int("inner_dim", inner_dim)
        if output_range is not None:
            layer_utils.check_positive_int("output_range", output_range)
        layer_utils.check_rate("output_dropout", output_dropout)
        layer_utils.check_rate("attention_dropout", attention_dropout)
        layer_utils.check_rate("inner_dropout", inner_dropout)
        if (
            isinstance(norm_epsilon, bool)
            or not isinstance(norm_epsilon, (int, float))
            or norm_epsilon <= 0
        ):
            raise ValueError(
                "`norm_epsilon` must be a positive number. "
                f"Received: norm_epsilon={norm_epsilon!r}. Use a small "
                "value such as 1e-12 (BERT) or 1e-6."
            )

        self.num_attention_heads = num_attention_heads
        self.inner_dim = inner_dim
        self.inner_activation = layer_utils.get_activation(
            "inner_activation", inner_activation
        )
        self.output_range = output_range
        lookups = (
            ("kernel_initializer", kernel_initializer, "initializer"),
            ("bias_initializer", bias_initializer, "initializer"),
            ("attention_initializer", attention_initializer, "initializer"),
            ("kernel_regularizer", kernel_regularizer, "regularizer"),
            ("bias_regularizer", bias_regularizer, "regularizer"),
            ("activity_regularizer", activity_regularizer, "regularizer"),
            ("kernel_constraint", kernel_constraint, "constraint"),
            ("bias_constraint", bias_constraint, "constraint"),
        )
        getters = {
            "initializer": keras.initializers.get,
            "regularizer": keras.regularizers.get,
            "constraint": keras.constraints.get,
        }
        for name, value, kind in lookups:
            value = layer_utils.get_keras_object(
                getters[kind], kind, name, value
            )
            setattr(self, name, value)
        self.use_bias = use_bias
        self.norm_first = norm_first
        self.norm_epsilon = norm_epsilon
        self.output_dropout = output_dropout
        self.attention_dropout = attention_dropout
        self.inner_dropout = inner_dropout

    def build(self, inputs_shape, attention_mask_shape=None):
        data_shape, mask_shape = _split(inputs_shape, attention_mask_shape)
        data_shape = tuple(data_shape)
        if len(data_shape) != 3:
            raise ValueError(
                "The input of `TransformerEncoder` must have rank 3, "
                "`(batch_size, sequence_length, hidden_size)`. "
                f"Received: inputs.shape={data_shape}. Embed token ids "
                "(e.g. with `keras_nlp.layers.OnDeviceEmbedding`) and pass "
                "the embeddings."
            )
        batch_size, sequence_length, hidden_size = data_shape
        if hidden_size is None:
            raise ValueError(
                "The last dimension of the input of `TransformerEncoder` "
                "(the hidden size) must be known when the layer is built. "
                f"Received: inputs.shape={data_shape}. Give `keras.Input` a "
                "static last dimension, e.g. `shape=(None, hidden_size)`."
            )
        if hidden_size % self.num_attention_heads != 0:
            raise ValueError(
                f"The last dimension of `inputs` ({hidden_size}) must be "
                "divisible by `num_attention_heads` "
                f"({self.num_attention_heads}). "
                f"Received: inputs.shape={data_shape}. Choose a "
                "`num_attention_heads` that divides the hidden size."
            )
        if mask_shape is not None:
            _check_mask_shape(data_shape, mask_shape)

        num_heads = self.num_attention_heads
        head_dim = hidden_size // num_heads
        self._head_dim = head_dim
        attention_initializer = self.attention_initializer
        if attention_initializer is None:
            attention_initializer = self.kernel_initializer
        projection_bias_axes = "de" if self.use_bias else None

        # Self-attention projections, kernels (hidden, heads, head_dim).
        def head_projection(name):
            projection = keras.layers.EinsumDense(
                "abc,cde->abde",
                output_shape=(None, num_heads, head_dim),
                bias_axes=projection_bias_axes,
                name=name,
                **self._dense_arguments(attention_initializer),
            )
            projection.build(data_shape)
            return projection

        self.query_dense = head_projection("query_dense")
        self.key_dense = head_projection("key_dense")
        self.value_dense = head_projection("value_dense")
        # Merges the heads back: kernel (heads, head_dim, hidden).
        self.attention_output_dense = keras.layers.EinsumDense(
            "abcd,cde->abe",
            output_shape=(None, hidden_size),
            bias_axes="e" if self.use_bias else None,
            name="attention_output_dense",
            **self._dense_arguments(attention_initializer),
        )
        self.attention_output_dense.build(
            (batch_size, sequence_length, num_heads, head_dim)
        )
        self._attention_probabilities_dropout = Dropout(
            self.attention_dropout,
            dtype=self.dtype_policy,
            name="attention_probabilities_dropout",
        )
        self._self_attention_dropout = Dropout(
            self.output_dropout,
            dtype=self.dtype_policy,
            name="self_attention_dropout",
        )
        # The layer normalizations compute in float32 under mixed
        # precision and return the compute dtype.
        self.self_attention_layer_norm = LayerNormalization(
            epsilon=self.norm_epsilon,
            dtype=self.dtype_policy,
            name="self_attention_layer_norm",
        )
        self.self_attention_layer_norm.build(data_shape)

        # Position-wise feed-forward network.
        self.intermediate_dense = keras.layers.Dense(
            self.inner_dim,
            name="intermediate_dense",
            **self._dense_arguments(self.kernel_initializer),
        )
        self.intermediate_dense.build(data_shape)
        self._inner_dropout_layer = Dropout(
            self.inner_dropout,
            dtype=self.dtype_policy,
            name="inner_dropout",
        )
        self.output_dense = keras.layers.Dense(
            hidden_size,
            name="output_dense",
            **self._dense_arguments(self.kernel_initializer),
        )
        self.output_dense.build((batch_size, sequence_length, self.inner_dim))
        self._output_dropout_layer = Dropout(
            self.output_dropout,
            dtype=self.dtype_policy,
            name="output_dropout",
        )
        self.output_layer_norm = LayerNormalization(
            epsilon=self.norm_epsilon,
            dtype=self.dtype_policy,
            name="output_layer_norm",
        )
        self.output_layer_norm.build(data_shape)

    def call(self, inputs, attention_mask=None, training=None):
        inputs, attention_mask = _split(inputs, attention_mask)
        residual = inputs
        if self.norm_first:
            inputs = self.self_attention_layer_norm(inputs)
        queries = inputs
        if self.output_range is not None:
            # Only the first positions are queried; keys see everything.
            queries = queries[:, : self.output_range, :]
            residual = residual[:, : self.output_range, :]
            if attention_mask is not None:
                attention_mask = attention_mask[:, : self.output_range, :]

        attention_output = self._self_attention(
            queries, inputs, attention_mask, training
        )
        attention_output = self._self_attention_dropout(
            attention_output, training=training
        )
        attention_output = residual + attention_output
        if not self.norm_first:
            attention_output = self.self_attention_layer_norm(attention_output)

        # The feed-forward network is position-wise, so it runs on the
        # `(batch_size * length, hidden_size)` matrix of all positions. On
        # TensorFlow this lets the graph optimizer fuse each matmul with its
        # bias and activation into one oneDNN kernel, which it cannot do
        # across the reshapes of a dense layer applied to a 3D tensor (the
        # first dense layer with its GELU ran 2.4x faster under
        # `mixed_bfloat16`, one BERT-Base layer on one thread).
        output_shape = ops.shape(attention_output)
        attention_output = ops.reshape(attention_output, (-1, output_shape[-1]))
        residual = attention_output
        if self.norm_first:
            attention_output = self.output_layer_norm(attention_output)
        inner_output = self.intermediate_dense(attention_output)
        inner_output = self._activate(inner_output, training)
        inner_output = self._inner_dropout_layer(
            inner_output, training=training
        )
        layer_output = self.output_dense(inner_output)
        layer_output = self._output_dropout_layer(
            layer_output, training=training
        )
        layer_output = residual + layer_output
        if not self.norm_first:
            layer_output = self.output_layer_norm(layer_output)
        return ops.reshape(layer_output, output_shape)

    def compute_output_shape(self, inputs_shape, attention_mask_shape=None):
        data_shape, _ = _split(inputs_shape, attention_mask_shape)
        batch_size, sequence_length, hidden_size = data_shape
        if self.output_range is not None and sequence_length is not None:
            sequence_length = min(sequence_length, self.output_range)
        elif self.output_range is not None:
            sequence_length = None
        return (batch_size, sequence_length, hidden_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_attention_heads": self.num_attention_heads,
                "inner_dim": self.inner_dim,
                "inner_activation": keras.activations.serialize(
                    self.inner_activation
                ),
                "output_range": self.output_range,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
                "bias_initializer": keras.initializers.serialize(
                    self.bias_initializer
                ),
                "kernel_regularizer": keras.regularizers.serialize(
                    self.kernel_regularizer
                ),
                "bias_regularizer": keras.regularizers.serialize(
                    self.bias_regularizer
                ),
                "activity_regularizer": keras.regularizers.serialize(
                    self.activity_regularizer
                ),
                "kernel_constraint": keras.constraints.serialize(
                    self.kernel_constraint
                ),
                "bias_constraint": keras.constraints.serialize(
                    self.bias_constraint
                ),
                "use_bias": self.use_bias,
                "norm_first": self.norm_first,
                "norm_epsilon": self.norm_epsilon,
                "output_dropout": self.output_dropout,
                "attention_dropout": self.attention_dropout,
                "inner_dropout": self.inner_dropout,
                "attention_initializer": (
                    None
                    if self.attention_initializer is None
                    else keras.initializers.serialize(
                        self.attention_initializer
                    )
                ),
            }
        )
        return config

    def _activate(self, inner_output, training):
        """The inner activation; an exact GELU computes in float32 when
        training in half precision.

        A GELU is a chain of element-wise operations, each several times
        slower on bfloat16 tensors than on float32 ones with TensorFlow's
        CPU kernels (at inference it is fused with its matmul instead).
        Computed in float32, with the gradient written out, a
        `mixed_bfloat16` training step at BERT-Base width took 9% less
        time (4 layers, one thread), and the activation is more precise.
        """
        if (
            training
            and self.compute_dtype in ("bfloat16", "float16")
            and self.inner_activation is keras.activations.gelu
            and keras.config.backend() != "torch"
        ):
            return _gelu_in_float32(inner_output)
        return self.inner_activation(inner_output)

    def _dense_arguments(self, kernel_initializer):
        """Arguments shared by every dense sublayer."""
        return {
            "kernel_initializer": layer_utils.clone_initializer(
                kernel_initializer
            ),
            "bias_initializer": layer_utils.clone_initializer(
                self.bias_initializer
            ),
            "kernel_regularizer": self.kernel_regularizer,
            "bias_regularizer": self.bias_regularizer,
            "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
            "dtype": self.dtype_policy,
        }

    def _self_attention(self, queries, inputs, attention_mask, training):
        """Multi-head scaled dot-product attention of queries over inputs."""
        num_heads, head_dim = self.num_attention_heads, self._head_dim
        if attention_mask is not None:
            allowed = ops.cast(attention_mask, "bool")
            # A key that no query may attend to (a padded token) gets
            # probability 0 everywhere, but 0 * NaN is NaN and inf plus the
            # mask's bias is still inf: zero its inputs before projecting
            # keys and values, so that nothing of it reaches the outputs.
            attended = ops.any(allowed, axis=1)
            inputs = ops.where(
                attended[:, :, None], inputs, ops.cast(0, inputs.dtype)
            )
        # (batch, length, heads, head_dim)
        # The query is scaled by 1/sqrt(head_dim) before the scores (which
        # keeps float16 scores in range), through its kernel and bias: a
        # multiplication of the weights instead of the activations.
        query = _project_heads(
            self.query_dense,
            queries,
            num_heads,
            head_dim,
            scale=1.0 / math.sqrt(head_dim),
        )
        key = _project_heads(self.key_dense, inputs, num_heads, head_dim)
        value = _project_heads(self.value_dense, inputs, num_heads, head_dim)
        # (batch, heads, query_length, key_length)
        attention_scores = ops.einsum("abcd,aecd->acbe", query, key)
        attention_scores = ops.cast(attention_scores, "float32")
        if attention_mask is not None:
            # An additive bias of shape (batch, 1, query, key): built from
            # the mask alone, so every layer that gets the same mask shares
            # it (the graph compilers of TensorFlow and XLA merge identical
            # computations), and broadcast over the heads.
            bias = ops.where(allowed, 0.0, _LARGE_NEGATIVE)
            attention_scores = attention_scores + ops.expand_dims(bias, 1)
        attention_probabilities = ops.softmax(attention_scores, axis=-1)
        attention_probabilities = ops.cast(
            attention_probabilities, self.compute_dtype
        )
        attention_probabilities = self._attention_probabilities_dropout(
            attention_probabilities, training=training
        )
        # (batch, query_length, heads, head_dim)
        context = ops.einsum("acbe,aecd->abcd", attention_probabilities, value)
        return _merge_heads(self.attention_output_dense, context)


def _gelu_in_float32(inputs):
    """The exact GELU of a half-precision tensor, computed in float32.

    `gelu(x) = x * cdf(x)`, with `cdf(x) = erfc(-x / sqrt(2)) / 2`, the
    standard normal distribution function, and the derivative
    `cdf(x) + x * exp(-x**2 / 2) / sqrt(2 * pi)`. Only the inputs and
    `cdf(x)` are kept for the gradient, in the inputs' dtype, so training
    holds no more memory than in half precision.
    """

    @ops.custom_gradient
    def forward(x):
        x32 = ops.cast(x, "float32")
        cdf = 0.5 * ops.erfc(x32 * -math.sqrt(0.5))
        outputs = ops.cast(x32 * cdf, x.dtype)
        cdf = ops.cast(cdf, x.dtype)

        def backward(*args, upstream=None):
            upstream = layer_utils.upstream_gradient(args, upstream)
            x32 = ops.cast(x, "float32")
            density = ops.exp(ops.square(x32) * -0.5) / math.sqrt(2 * math.pi)
            derivative = ops.cast(cdf, "float32") + x32 * density
            gradient = ops.cast(upstream, "float32") * derivative
            return ops.cast(gradient, x.dtype)

        return outputs, backward

    return forward(inputs)


def _project_heads(layer, inputs, num_heads, head_dim, scale=None):
    """`layer(inputs)` (times `scale`, if given) for an `"abc,cde->abde"`
    head projection.

    Computed as one 2D matmul of all positions with the kernel flattened
    to `(hidden, heads * head_dim)` plus the bias, which TensorFlow fuses
    into one oneDNN kernel (`EinsumDense` runs an einsum and a separate
    bias addition). `ops.add` (not `+`) adds the bias, so that TensorFlow
    gets a `BiasAdd`, whose gradient is a fast row sum. `scale` multiplies
    the kernel and bias, not the larger outputs. `layer.kernel` includes a
    LoRA update when one is enabled; a quantized layer is simply called.
    """
    if layer.quantization_mode is not None:
        outputs = layer(inputs)
        if scale is not None:
            outputs = ops.multiply(outputs, ops.cast(scale, outputs.dtype))
        return outputs
    shape = ops.shape(inputs)
    kernel = ops.cast(layer.kernel, layer.compute_dtype)
    kernel = ops.reshape(kernel, (-1, num_heads * head_dim))
    if scale is not None:
        kernel = ops.multiply(kernel, ops.cast(scale, kernel.dtype))
    outputs = ops.matmul(ops.reshape(inputs, (-1, shape[-1])), kernel)
    if layer.bias is not None:
        bias = ops.reshape(ops.cast(layer.bias, layer.compute_dtype), (-1,))
        if scale is not None:
            bias = ops.multiply(bias, ops.cast(scale, bias.dtype))
        outputs = ops.add(outputs, bias)
    return ops.reshape(outputs, (shape[0], shape[1], num_heads, head_dim))


def _merge_heads(layer, context):
    """`layer(context)` for the `"abcd,cde->abe"` output projection, as
    one 2D matmul (see `_project_heads`)."""
    if layer.quantization_mode is not None:
        return layer(context)
    shape = ops.shape(context)
    kernel = ops.cast(layer.kernel, layer.compute_dtype)
    hidden_size = kernel.shape[-1]
    kernel = ops.reshape(kernel, (-1, hidden_size))
    outputs = ops.matmul(
        ops.reshape(context, (-1, shape[2] * shape[3])), kernel
    )
    if layer.bias is not None:
        outputs = ops.add(outputs, ops.cast(layer.bias, layer.compute_dtype))
    return ops.reshape(outputs, (shape[0], shape[1], hidden_size))


def _split(inputs, attention_mask):
    return layer_utils.split_mask_argument(
        "TransformerEncoder", "attention_mask", inputs, attention_mask
    )


def _check_mask_shape(data_shape, mask_shape):
    mask_shape = tuple(mask_shape)
    batch_size, sequence_length, _ = data_shape
    compatible = len(mask_shape) == 3
    if compatible:
        expected = (batch_size, sequence_length, sequence_length)
        for expected_dim, dim in zip(expected, mask_shape):
            if expected_dim is not None and dim is not None:
                compatible = compatible and expected_dim == dim
    if not compatible:
        raise ValueError(
            "`attention_mask` must have shape "
            "`(batch_size, sequence_length, sequence_length)` matching the "
            f"inputs. Received: inputs.shape={data_shape}, "
            f"attention_mask.shape={mask_shape}. Build the mask from the "
            "2D padding mask with `keras_nlp.layers.SelfAttentionMask`."
        )
