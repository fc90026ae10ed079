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

import keras
import numpy as np

from keras_nlp.layers import layer_utils

# The projections LoRA adapts, as in Hu et al. (2021): query and value.
TARGET_LAYER_NAMES = ("query_dense", "value_dense")
# The encoder attribute holding the `LoraState` of an adapted encoder.
STATE_ATTRIBUTE = "_lora_state"


def enable_lora(encoder, rank):
    """Freezes `encoder` and adds LoRA adapters to query and value.

    Every `query_dense` and `value_dense` projection of the encoder's
    Transformer layers gets a trainable low-rank update `A @ B` of rank
    `rank` through Keras' own `EinsumDense.enable_lora` (`A` starts
    He-uniform and `B` at zero, so the outputs do not change until
    training). Every other weight of the encoder, the projections' own
    kernels and biases included, is frozen; layers attached to the encoder
    (a task head) stay trainable. The encoder's config records the rank
    (`lora_rank`).

    Saving keeps the adapters. A `.keras` file (of the encoder or of a task
    model over it) reloads with LoRA enabled: the same rank, the same
    frozen and trainable weights, the adapters and the frozen kernels with
    the values they had, and so the same outputs; with the compiled
    optimizer's state, training continues where it stopped. Weights files
    (`save_weights`, and presets, whose `config.json` also records the
    rank) load into encoders with or without LoRA:

    - into an encoder without LoRA, as the merged kernels `W + A @ B`
      (Keras stores those in each projection's own entry), with the same
      outputs;
    - into an encoder with LoRA of the same rank, as the frozen kernels and
      the adapters, exactly (keras_nlp stores those beside, at the cost of
      a second copy of the query and value kernels);
    - into an encoder with LoRA from a file without adapters (a model
      saved without LoRA, such as a pretrained preset), as the kernels,
      with fresh adapters: `A` He-uniform, `B` zero. (Keras alone would set
      both to zero, which stops their gradients: LoRA would never train.)

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
    assert encoder.get_config()["lora_rank"] == 4
    encoder.save("adapted.keras")
    restored = keras.models.load_model("adapted.keras")
    assert len(restored.trainable_weights) == 8
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
    # Keras' saving visits this attribute after the encoder's graph layers,
    # both when saving and when loading (see `LoraState`). It is set
    # untracked: it is no sublayer (and a quantized model is locked).
    object.__setattr__(
        encoder, STATE_ATTRIBUTE, LoraState(targets, name="lora_state")
    )
    encoder.lora_rank = rank
    return targets


class LoraState(keras.layers.Layer):
    """Saves and restores the LoRA state of an encoder (internal).

    Keras saves an adapted `EinsumDense` with the adapters merged into its
    kernel, and loading into an adapted `EinsumDense` sets both adapter
    matrices to zero. This weightless layer, set by `enable_lora` as an
    attribute of the encoder (untracked, so no sublayer of it), saves every
    variable of each adapted projection as it is (frozen kernel, bias, `A`,
    `B`; with int8, the kernel scale too) in its own entry of the file.
    Keras' saving visits a functional model's graph layers first and its
    other attributes after, so on loading this layer runs after the
    projections have loaded the merged kernels, and puts the saved values
    back. From a file without its entry it keeps the merged kernels and
    gives each projection fresh adapters (`A` He-uniform, `B` zero), as
    `enable_lora` does.

    Args:
        targets: the adapted `EinsumDense` layers, in a fixed order. They
            belong to their Transformer layers; they are held here without
            being tracked.
        **kwargs: Base layer arguments, such as `name`.
    """

    def __init__(self, targets, **kwargs):
        super().__init__(trainable=False, **kwargs)
        # `object.__setattr__` keeps Keras (and torch) from tracking the
        # projections a second time, as sublayers of this layer.
        object.__setattr__(self, "_targets", tuple(targets))
        self.built = True

    def save_own_variables(self, store):
        index = 0
        for layer in self._targets:
            for variable in layer.variables:
                store[str(index)] = keras.ops.convert_to_numpy(variable)
                index += 1

    def load_own_variables(self, store):
        variables = [v for layer in self._targets for v in layer.variables]
        if not len(store.keys()):
            # Saved without LoRA: the projections loaded the kernels and
            # Keras set both adapters to zero, which would stop their
            # gradients. `A` starts afresh, as in `EinsumDense.enable_lora`.
            for layer in self._targets:
                a = layer.lora_kernel_a
                # One initializer per layer: an unseeded instance repeats.
                initializer = keras.initializers.HeUniform()
                a.assign(initializer(tuple(a.shape), dtype=a.dtype))
            return
        if len(store.keys()) != len(variables):
            raise ValueError(
                f"The LoRA entry of the file holds {len(store.keys())} "
                f"arrays, but the adapted layers of this model have "
                f"{len(variables)} variables. Received: a file saved from a "
                "model with another architecture. Load it into the model "
                "it was saved from."
            )
        for index, variable in enumerate(variables):
            value = np.asarray(store[str(index)])
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"The file holds LoRA weights of another shape for "
                    f"{variable.path!r}: {tuple(value.shape)}, where this "
                    f"model has {tuple(variable.shape)} (LoRA rank "
                    f"{self._targets[0].lora_rank}). Received: a file saved "
                    "with another `lora_rank` or architecture. Enable LoRA "
                    "with the rank it was saved with, or load it into an "
                    "encoder without LoRA (which receives the merged "
                    "kernels)."
                )
            variable.assign(value)
