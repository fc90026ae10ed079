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

"""The tanh approximation of GELU used by the original BERT."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_nlp")
def gelu_approximate(x):
    """Applies the tanh approximation of the Gaussian error linear unit.

    Computes `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))`,
    the activation of the feed-forward networks in the original BERT and
    ALBERT checkpoints. Use it as `inner_activation` when loading those
    weights so that the outputs match the original implementation; Keras'
    built-in `"gelu"` is the exact GELU, `x * Phi(x)`, which differs from it
    by up to about `5e-4`.

    The function is registered as a Keras serializable object named
    `"keras_nlp>gelu_approximate"`: layers that use it survive
    `get_config()` and `.keras` saving, and
    `keras.activations.deserialize("keras_nlp>gelu_approximate")` returns
    it. The `inner_activation` argument of
    `keras_nlp.layers.TransformerEncoder` accepts that name too. Keras' own
    `keras.activations.get()` only resolves built-in names from strings,
    so pass the function itself to Keras layers.

    Reference:
    - [Hendrycks and Gimpel, 2016](https://arxiv.org/abs/1606.08415)

    Args:
        x: Floating point tensor.

    Returns:
        A tensor of the same shape and dtype as `x`.

    Example:

    ```python
    x = np.array([-1.0, 0.0, 1.0], dtype="float32")
    y = keras_nlp.layers.gelu_approximate(x)
    activation = keras_nlp.layers.gelu_approximate
    dense = keras.layers.Dense(4, activation=activation)
    outputs = dense(np.ones((2, 3), dtype="float32"))
    encoder = keras_nlp.layers.TransformerEncoder(
        num_attention_heads=2,
        inner_dim=16,
        inner_activation="keras_nlp>gelu_approximate",
    )
    ```
    """
    x = ops.convert_to_tensor(x)
    if "float" not in str(x.dtype):
        raise ValueError(
            "`x` must be a floating point tensor, such as a layer's "
            f"pre-activation outputs. Received: x with dtype {x.dtype}. Cast "
            "it with `keras.ops.cast(x, 'float32')`."
        )
    return ops.gelu(x, approximate=True)
