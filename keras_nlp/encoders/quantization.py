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

"""Post-training weight quantization of encoders and task models."""

import re

import keras

from keras_nlp.encoders.encoder import Encoder


def quantize(model, mode, config=None, filters=None, **kwargs):
    """Quantizes `model`'s weights in place, so that `.keras` files reload.

    Runs `keras.Model.quantize` on the layers that can be quantized (Keras'
    `Dense`, `EinsumDense`, `Embedding` and keras_nlp's `OnDeviceEmbedding`),
    silently skipping those with nothing to quantize (layer norms, dropout,
    `SelfAttentionMask`, `PositionEmbedding`) and `EinsumDense` layers with
    a `...` equation, which Keras cannot quantize (ALBERT's embedding
    projection). An encoder rebuilds its layers from its
    constructor arguments when it is loaded, so the quantized layers' dtype
    policies would be lost; each encoder in `model` therefore records them
    in a `keras.dtype_policies.DTypePolicyMap` as its `dtype_policy`, which
    its config stores and its constructor hands back to every layer.

    Args:
        model: a built `keras.Model`, such as a keras_nlp encoder or task
            model.
        mode: str. The quantization mode; keras_nlp's own layers implement
            `"int8"`.
        config: optional `keras.quantizers.QuantizationConfig`.
        filters: optional regex string, list of them, or callable
            `(layer) -> bool`, as in `keras.Model.quantize`: only matching
            layers are quantized.

        **kwargs: `type_check`, accepted (and unused) for compatibility
            with `keras.Model.quantize`.

    Layers already quantized are left as they are, so that a model can be
    quantized in steps (with `filters`).

    Raises:
        ValueError: if every layer to quantize is already quantized, or an
            unknown keyword argument is passed.
    """
    kwargs.pop("type_check", None)
    if kwargs:
        raise ValueError(
            "`quantize` takes `mode`, `config` and `filters`. Received "
            f"unknown arguments: {sorted(kwargs)}. Remove them."
        )

    candidates = [
        layer
        for layer in model._flatten_layers(include_self=False)
        if len(list(layer._flatten_layers())) == 1  # Keras quantizes leaves.
        and _implements_quantize(layer)
        and not _has_ellipsis(layer)
        and _matches(layer, filters)
    ]
    remaining = [x for x in candidates if not getattr(x, "_is_quantized", 0)]
    if candidates and not remaining:
        raise ValueError(
            f"Every layer of {model.name!r} that `quantize` would quantize "
            f"is already quantized (for example {candidates[0].path!r}, "
            f"with mode {candidates[0].quantization_mode!r}). Received: "
            f"mode={mode!r}. Quantize a model once, from its float weights."
        )
    for layer in remaining:
        if isinstance(layer.dtype_policy, keras.dtype_policies.DTypePolicyMap):
            raise ValueError(
                f"{model.name!r} was loaded from a quantized file, and Keras "
                "cannot quantize its remaining float layers (such as "
                f"{layer.path!r}). Received: mode={mode!r}. Quantize the "
                "float model in one go (or in steps before saving it)."
            )
    selected = {id(layer) for layer in remaining}
    keras.Model.quantize(
        model, mode, config=config, filters=lambda x: id(x) in selected
    )
    for layer in [model] + list(model._flatten_layers(include_self=False)):
        if isinstance(layer, Encoder):
            record_policy_map(
                layer,
                quantized_policy_map(layer, default_policy=base_policy(layer)),
            )


def record_policy_map(model, policy_map):
    """Makes `policy_map` the `dtype_policy` that `model`'s config stores.

    A model loaded from a quantized config already holds a map (shared with
    its layers): it is updated in place rather than nested in itself.
    """
    current = model.dtype_policy
    if not isinstance(current, keras.dtype_policies.DTypePolicyMap):
        model.dtype_policy = policy_map
        return
    for key in list(current):
        del current[key]
    for key, policy in policy_map.items():
        current[key] = policy


def quantized_policy_map(model, default_policy, exclude=()):
    """A `DTypePolicyMap` of `model`'s quantized layers, keyed by path.

    Args:
        model: a `keras.Model` or layer.
        default_policy: the policy of every layer not in the map.
        exclude: layers to leave out of the map (with their sublayers),
            such as a nested encoder that records its own.

    Returns:
        A `keras.dtype_policies.DTypePolicyMap`, empty if nothing in
        `model` is quantized.
    """
    policy_map = keras.dtype_policies.DTypePolicyMap(
        default_policy=keras.dtype_policies.get(default_policy)
    )
    excluded = set()
    for layer in exclude:
        excluded.update(id(x) for x in layer._flatten_layers())
    for layer in model._flatten_layers(include_self=False):
        if id(layer) in excluded:
            continue
        if layer.quantization_mode is not None and layer.path:
            policy_map[layer.path] = _own_policy(layer)
    return policy_map


def base_policy(layer):
    """The float policy of `layer`: the default of a policy map, if any."""
    policy = layer.dtype_policy
    if isinstance(policy, keras.dtype_policies.DTypePolicyMap):
        return policy.default_policy
    return policy


def _own_policy(layer):
    policy = layer.dtype_policy
    if isinstance(policy, keras.dtype_policies.DTypePolicyMap):
        return policy[layer.path]
    return policy


def _implements_quantize(layer):
    """Whether `layer`'s class overrides `keras.layers.Layer.quantize`."""
    method = getattr(type(layer), "quantize", None)
    return method is not None and method is not keras.layers.Layer.quantize


def _has_ellipsis(layer):
    """Whether `layer` is an `EinsumDense` with a `...` equation.

    Keras 3.15 cannot quantize those (`EinsumDense.quantize` fails on the
    elided dimensions); in keras_nlp that is only ALBERT's small embedding
    projection, which stays float.
    """
    equation = getattr(layer, "equation", None)
    return isinstance(equation, str) and "..." in equation


def _matches(layer, filters):
    if filters is None:
        return True
    if isinstance(filters, str):
        return re.search(filters, layer.name) is not None
    if isinstance(filters, (list, tuple)):
        return any(re.search(pattern, layer.name) for pattern in filters)
    return bool(filters(layer))
