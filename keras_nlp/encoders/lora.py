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

"""Low-rank adaptation (LoRA) of an encoder's attention projections."""

from keras_nlp.layers import layer_utils

# The projections LoRA adapts, as in Hu et al. (2021): query and value.
TARGET_LAYER_NAMES = ("query_dense", "value_dense")


def enable_lora(encoder, rank):
    """Freezes `encoder` and adds LoRA adapters to query and value.

    Every `query_dense` and `value_dense` projection of the encoder's
    Transformer layers gets a trainable low-rank update `A @ B` of rank
    `rank` through Keras' own `EinsumDense.enable_lora` (`B` starts at zero,
    so the outputs do not change until training). Every other weight of the
    encoder, the projections' own kernels and biases included, is frozen;
    layers attached to the encoder (a task head) stay trainable.

    Saving merges the adapters into the kernels (Keras' behaviour): a
    `.keras` file reloads as a plain encoder with the adapted weights, and
    `save_weights` files load into encoders with or without LoRA enabled.

    Reference:
    - [Hu et al., 2021](https://arxiv.org/abs/2106.09685), LoRA: Low-Rank
      Adaptation of Large Language Models.

    Args:
        encoder: a built keras_nlp encoder, such as
            `keras_nlp.encoders.BertEncoder`.
        rank: int. The rank of the adapters, for example 4 or 8.

    Returns:
        The list of adapted layers.

    Raises:
        ValueError: if `rank` is not a positive integer, LoRA is already
            enabled, or the encoder has no `query_dense`/`value_dense`
            layers.

    Example:

    ```python
    encoder = keras_nlp.encoders.BertEncoder(
        vocab_size=100,
        hidden_size=16,
        num_layers=2,
        num_attention_heads=2,
        inner_dim=32,
        max_sequence_length=8,
    )
    encoder.enable_lora(rank=4)
    # Two layers, query and value: an A and a B matrix each.
    assert len(encoder.trainable_weights) == 8
    ```
    """
    layer_utils.check_positive_int("rank", rank)
    targets = []
    others = []
    for layer in encoder._flatten_layers(include_self=False):
        if list(layer._flatten_layers(include_self=False)):
            continue  # A container; its leaves are visited on their own.
        if layer.name in TARGET_LAYER_NAMES:
            targets.append(layer)
        else:
            others.append(layer)
    if not targets:
        raise ValueError(
            "`enable_lora` found no attention projections named "
            f"{list(TARGET_LAYER_NAMES)} in the encoder "
            f"{encoder.name!r}. Received: an encoder of class "
            f"{encoder.__class__.__name__}. Use a keras_nlp encoder built "
            "from `keras_nlp.layers.TransformerEncoder` layers."
        )
    if any(getattr(layer, "lora_enabled", False) for layer in targets):
        raise ValueError(
            f"LoRA is already enabled on the encoder {encoder.name!r}. "
            f"Received: rank={rank!r}. Call `enable_lora` once per encoder."
        )
    for layer in others:
        layer.trainable = False
    for layer in targets:
        layer.enable_lora(rank)
        # Keras freezes the kernel; the bias is frozen too, so that only the
        # adapters train.
        if layer.bias is not None:
            layer.bias.trainable = False
    return targets
