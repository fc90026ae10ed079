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

"""An independent NumPy forward pass of BERT and ALBERT, for tests only.

Written from the BERT paper and the original model's equations, in float64,
with no code shared with the package. Weights come as a plain dict of NumPy
arrays with flat matrices (`[hidden, hidden]` attention kernels), the layout
of the original BERT checkpoints:

```
word_embeddings [vocab, width]     position_embeddings [max_len, width]
type_embeddings [types, width]     embeddings_gamma/beta [width]
projection_kernel [width, hidden]  projection_bias [hidden]   (optional)
layers: list of dicts with
    query_kernel/key_kernel/value_kernel [hidden, hidden] (+ _bias [hidden])
    attention_output_kernel [hidden, hidden] (+ _bias)
    attention_gamma/beta [hidden]
    intermediate_kernel [hidden, inner] (+ _bias)
    output_kernel [inner, hidden] (+ _bias)
    output_gamma/beta [hidden]
pooler_kernel [hidden, hidden]     pooler_bias [hidden]
```
"""

import math

import numpy as np


def gelu(x, approximate=False):
    """GELU: exact (erf) or the tanh approximation of the original BERT."""
    if approximate:
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1.0 + np.tanh(inner))
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


ACTIVATIONS = {
    "gelu": gelu,
    "gelu_approximate": lambda x: gelu(x, approximate=True),
    "relu": lambda x: np.maximum(x, 0.0),
}


def layer_norm(x, gamma, beta, epsilon):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def self_attention(x, padding_mask, layer, num_heads):
    """Multi-head self-attention; `padding_mask` [batch, seq] (1 = real)."""
    batch, seq, hidden = x.shape
    head_dim = hidden // num_heads

    def heads(name):
        y = x @ layer[f"{name}_kernel"] + layer[f"{name}_bias"]
        return y.reshape(batch, seq, num_heads, head_dim).transpose(0, 2, 1, 3)

    q, k, v = heads("query"), heads("key"), heads("value")
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head_dim)
    # Keys at padded positions are excluded for every query.
    scores = np.where(padding_mask[:, None, None, :] > 0, scores, -1e30)
    context = softmax(scores) @ v
    context = context.transpose(0, 2, 1, 3).reshape(batch, seq, hidden)
    return (
        context @ layer["attention_output_kernel"]
        + layer["attention_output_bias"]
    )


def transformer_block(
    x, padding_mask, layer, num_heads, activation, eps, norm_first=False
):
    """One Transformer block: post-norm as in BERT, or pre-norm."""
    x = np.asarray(x, "float64")
    layer = {key: np.asarray(value, "float64") for key, value in layer.items()}

    def feed_forward(y):
        inner = ACTIVATIONS[activation](
            y @ layer["intermediate_kernel"] + layer["intermediate_bias"]
        )
        return inner @ layer["output_kernel"] + layer["output_bias"]

    attention_norm = (layer["attention_gamma"], layer["attention_beta"], eps)
    output_norm = (layer["output_gamma"], layer["output_beta"], eps)
    if norm_first:
        y = layer_norm(x, *attention_norm)
        x = x + self_attention(y, padding_mask, layer, num_heads)
        return x + feed_forward(layer_norm(x, *output_norm))
    x = layer_norm(
        x + self_attention(x, padding_mask, layer, num_heads), *attention_norm
    )
    return layer_norm(x + feed_forward(x), *output_norm)


def bert_forward(
    weights,
    word_ids,
    padding_mask,
    type_ids,
    num_heads,
    activation="gelu",
    eps=1e-12,
    num_layers=None,
):
    """Runs BERT (or ALBERT, when `weights["layers"]` has one shared layer).

    Args:
        weights: dict of arrays, see the module docstring.
        word_ids, padding_mask, type_ids: int arrays `[batch, seq]`.
        num_heads: int.
        activation: `"gelu"`, `"gelu_approximate"` or `"relu"`.
        eps: layer norm epsilon.
        num_layers: how many blocks to run; the layer list is cycled, so an
            ALBERT dict with one layer runs it `num_layers` times. Defaults to
            the number of layers in `weights`.

    Returns:
        dict with `sequence_output`, `pooled_output` and `encoder_outputs`
        (float64).
    """
    weights = {
        key: (
            [
                {k: np.asarray(v, "float64") for k, v in layer.items()}
                for layer in value
            ]
            if key == "layers"
            else np.asarray(value, "float64")
        )
        for key, value in weights.items()
    }
    word_ids = np.asarray(word_ids)
    padding_mask = np.asarray(padding_mask)
    seq = word_ids.shape[1]
    x = (
        weights["word_embeddings"][word_ids]
        + weights["position_embeddings"][:seq][None]
        + weights["type_embeddings"][np.asarray(type_ids)]
    )
    x = layer_norm(
        x, weights["embeddings_gamma"], weights["embeddings_beta"], eps
    )
    if "projection_kernel" in weights:
        x = x @ weights["projection_kernel"] + weights["projection_bias"]
    layers = weights["layers"]
    num_layers = num_layers or len(layers)
    encoder_outputs = []
    for index in range(num_layers):
        layer = layers[index % len(layers)]
        x = transformer_block(
            x, padding_mask, layer, num_heads, activation, eps
        )
        encoder_outputs.append(x)
    pooled = np.tanh(
        x[:, 0] @ weights["pooler_kernel"] + weights["pooler_bias"]
    )
    return {
        "sequence_output": x,
        "pooled_output": pooled,
        "encoder_outputs": encoder_outputs,
    }


def randomize_weights(model, seed=0, scale=0.3):
    """Sets every weight of `model` to random normal values.

    Fresh biases are zeros and layer norms identity; randomizing them makes
    a reference comparison check every weight, not just the kernels.
    """
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        value = rng.normal(scale=scale, size=tuple(weight.shape))
        weight.assign(value.astype(weight.dtype))


def _numpy(variable):
    return np.asarray(
        variable.numpy() if hasattr(variable, "numpy") else variable
    )


def _flat(kernel):
    kernel = _numpy(kernel)
    return kernel.reshape(kernel.shape[0], -1) if kernel.ndim == 3 else kernel


def weights_from_transformer_encoder(layer):
    """Reads a `TransformerEncoder`'s weights into the reference layout."""
    hidden = layer.query_dense.kernel.shape[0]
    return {
        "query_kernel": _flat(layer.query_dense.kernel),
        "query_bias": _numpy(layer.query_dense.bias).reshape(-1),
        "key_kernel": _flat(layer.key_dense.kernel),
        "key_bias": _numpy(layer.key_dense.bias).reshape(-1),
        "value_kernel": _flat(layer.value_dense.kernel),
        "value_bias": _numpy(layer.value_dense.bias).reshape(-1),
        "attention_output_kernel": _numpy(
            layer.attention_output_dense.kernel
        ).reshape(-1, hidden),
        "attention_output_bias": _numpy(layer.attention_output_dense.bias),
        "attention_gamma": _numpy(layer.self_attention_layer_norm.gamma),
        "attention_beta": _numpy(layer.self_attention_layer_norm.beta),
        "intermediate_kernel": _numpy(layer.intermediate_dense.kernel),
        "intermediate_bias": _numpy(layer.intermediate_dense.bias),
        "output_kernel": _numpy(layer.output_dense.kernel),
        "output_bias": _numpy(layer.output_dense.bias),
        "output_gamma": _numpy(layer.output_layer_norm.gamma),
        "output_beta": _numpy(layer.output_layer_norm.beta),
    }


def weights_from_keras_encoder(encoder):
    """Reads a keras_nlp encoder's weights into the reference layout."""
    layer_names = [layer.name for layer in encoder.layers]
    if "transformer_layer" in layer_names:
        blocks = [
            weights_from_transformer_encoder(
                encoder.get_layer("transformer_layer")
            )
        ]
    else:
        blocks = [
            weights_from_transformer_encoder(encoder.get_layer(name))
            for name in layer_names
            if name.startswith("transformer_layer_")
        ]
    weights = {
        "word_embeddings": _numpy(
            encoder.get_layer("word_embeddings").embeddings
        ),
        "position_embeddings": _numpy(
            encoder.get_layer("position_embedding").position_embeddings
        ),
        "type_embeddings": _numpy(
            encoder.get_layer("type_embeddings").embeddings
        ),
        "embeddings_gamma": _numpy(
            encoder.get_layer("embeddings_layer_norm").gamma
        ),
        "embeddings_beta": _numpy(
            encoder.get_layer("embeddings_layer_norm").beta
        ),
        "layers": blocks,
        "pooler_kernel": _numpy(encoder.get_layer("pooler_transform").kernel),
        "pooler_bias": _numpy(encoder.get_layer("pooler_transform").bias),
    }
    if "embedding_projection" in layer_names:
        projection = encoder.get_layer("embedding_projection")
        weights["projection_kernel"] = _numpy(projection.kernel)
        weights["projection_bias"] = _numpy(projection.bias)
    return weights
