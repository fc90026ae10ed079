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

"""Argument checks and Keras object lookups shared by layers and encoders."""

import difflib
import inspect

import keras
import numpy as np

# The keyword arguments `keras.layers.Layer.__init__` takes, `input_dim`
# and `input_shape` (accepted with a warning) included.
LAYER_ARGUMENTS = tuple(
    name
    for name, parameter in inspect.signature(
        keras.layers.Layer.__init__
    ).parameters.items()
    if parameter.kind is parameter.KEYWORD_ONLY
) + ("input_dim", "input_shape")


def check_unknown_arguments(cls, kwargs, base_arguments=LAYER_ARGUMENTS):
    """Raises a `TypeError` for a keyword neither `cls` nor Keras takes.

    Call it with the `**kwargs` left for `super().__init__`, before that
    call: the error names the argument and the closest valid one
    (`max_len` -> `max_length`), where Keras would only list the
    unrecognized arguments, and a functional model would swallow them.

    Args:
        cls: the class whose constructor received `kwargs`; its named
            arguments are offered as corrections.
        kwargs: dict, the keyword arguments its own arguments left.
        base_arguments: the names the base class accepts. Defaults to the
            arguments of `keras.layers.Layer`.
    """
    parameters = inspect.signature(cls.__init__).parameters
    own = [
        name
        for name, parameter in parameters.items()
        if name != "self"
        and parameter.kind
        not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
    ]
    valid = own + [name for name in base_arguments if name not in own]
    for name in kwargs:
        if name in valid:
            continue
        close = difflib.get_close_matches(name, valid, n=1)
        hint = (
            f"Did you mean `{close[0]}`?"
            if close
            else f"Valid arguments: {', '.join(sorted(valid))}."
        )
        raise TypeError(
            f"{cls.__name__} got an unexpected keyword argument `{name}`. "
            f"{hint} Received: {name}={kwargs[name]!r}."
        )


def check_positive_int(name, value):
    """Raises a `ValueError` unless `value` is a positive integer."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < 1
    ):
        raise ValueError(
            f"`{name}` must be a positive integer. "
            f"Received: {name}={value!r}. Pass an int of at least 1."
        )


def check_rate(name, value):
    """Raises a `ValueError` unless `value` is a dropout rate in [0, 1)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.floating))
        or not 0 <= value < 1
    ):
        raise ValueError(
            f"`{name}` must be a dropout rate in [0, 1). "
            f"Received: {name}={value!r}. Pass a float such as 0.1, or 0.0 "
            "for no dropout."
        )


def get_keras_object(getter, kind, name, value):
    """`getter(value)` (e.g. `keras.initializers.get`), with a clear error.

    Args:
        getter: a Keras `get` function, such as `keras.initializers.get`.
        kind: str, what is looked up, such as `"initializer"`.
        name: str, the argument's name, for the message.
        value: the identifier the user passed.
    """
    try:
        return getter(value)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"`{name}` could not be interpreted as a Keras {kind}. Expected "
            f"the name of a built-in Keras {kind}, a {kind} instance or its "
            f"serialized config. Received: {name}={value!r}. Check the "
            f"spelling against the `keras.{kind}s` module."
        ) from error


def get_activation(name, identifier):
    """Resolves built-in and registered (`"package>name"`) activations.

    `keras.activations.get` only knows Keras' own names; registered names
    such as `"keras_nlp>gelu_approximate"` need `keras.activations.deserialize`.
    """
    activation = None
    try:
        if isinstance(identifier, str) and ">" in identifier:
            activation = keras.activations.deserialize(identifier)
        else:
            activation = keras.activations.get(identifier)
    except (ValueError, TypeError):
        pass
    if not callable(activation):
        raise ValueError(
            f"`{name}` could not be interpreted as an activation. Expected "
            'the name of a Keras activation (such as "gelu" or "relu"), a '
            'registered name (such as "keras_nlp>gelu_approximate"), a '
            f"callable or None. Received: {name}={identifier!r}. Check the "
            "spelling against the `keras.activations` module."
        )
    return activation


def clone_initializer(initializer):
    """A fresh copy, so that no two weights share an initializer's seed."""
    return initializer.__class__.from_config(initializer.get_config())


def check_integer_dtype(name, dtype, meaning):
    """Raises a `ValueError` unless `dtype` is an integer dtype.

    Args:
        name: str, the tensor's name in the message, such as `"inputs"`.
        dtype: the tensor's dtype.
        meaning: str, what the tensor must be, such as
            `"integer token ids"`.
    """
    dtype = keras.backend.standardize_dtype(dtype)
    if "int" not in dtype:
        raise ValueError(
            f"`{name}` must be {meaning}. Received: "
            f"{name}.dtype={dtype}. Cast it to an integer dtype such as "
            "`'int32'`."
        )


def split_mask_argument(layer_name, mask_name, inputs, mask, required=False):
    """Separates a layer's data from its mask, given in a list or keyword.

    The mask-taking layers accept `layer(inputs, mask_name=mask)`,
    `layer([inputs, mask])` and `layer([inputs])`. This works on tensors and
    on their shapes alike (in `build` and `compute_output_shape`).

    Args:
        layer_name: str, the layer's class name, for the messages.
        mask_name: str, the mask argument's name, such as `"to_mask"`.
        inputs: the data, or a list `[data]` or `[data, mask]` (tensors or
            shapes).
        mask: the mask passed by keyword, or `None`.
        required: bool. Whether a missing mask is an error.

    Returns:
        A tuple `(data, mask)`; `mask` may be `None` unless `required`.
    """
    if isinstance(inputs, (list, tuple)) and not _is_shape(inputs):
        if len(inputs) not in (1, 2) or (len(inputs) == 2 and mask is not None):
            raise ValueError(
                f"`{layer_name}` takes its inputs and `{mask_name}` either "
                f"as a list `[inputs, {mask_name}]` or as two arguments "
                f"`layer(inputs, {mask_name})`, the mask at most once. "
                f"Received: a list of {len(inputs)} inputs and "
                f"{mask_name}={'None' if mask is None else 'set'}. Pass the "
                f"mask either in the list or as `{mask_name}=`."
            )
        if len(inputs) == 2:
            inputs, mask = inputs
        else:
            inputs = inputs[0]
    if required and mask is None:
        raise ValueError(
            f"`{layer_name}` needs a `{mask_name}`. Received: "
            f"{mask_name}=None. Call `layer([inputs, {mask_name}])` or "
            f"`layer(inputs, {mask_name})`."
        )
    return inputs, mask


def upstream_gradient(args, upstream):
    """The output gradient given to an `ops.custom_gradient` backward
    function: TensorFlow and JAX pass it positionally, Keras' PyTorch
    backend as `upstream`."""
    return args[0] if upstream is None else upstream


def _is_shape(value):
    """Whether `value` is one shape (not a list of shapes or tensors)."""
    return all(dim is None or isinstance(dim, int) for dim in value)


def concrete_values(tensor):
    """`tensor`'s values as a NumPy array, or `None` if it has none yet.

    Symbolic tensors (`keras.Input`) and tensors traced by a compiler
    (`tf.function`, `jax.jit`, XLA) have no values; NumPy arrays and eager
    tensors of every backend do.
    """
    if isinstance(tensor, np.ndarray):
        return tensor
    if isinstance(tensor, keras.KerasTensor):
        return None
    try:
        return np.asarray(keras.ops.convert_to_numpy(tensor))
    except Exception:  # A traced tensor: its values exist only at run time.
        return None


def check_index_range(name, tensor, size, size_name, owner, fix):
    """Raises a `ValueError` if the concrete `tensor` has values outside
    `[0, size)`; symbolic and traced tensors are not checked.

    Args:
        name: str, the argument holding the indices, for the message.
        tensor: the indices.
        size: int, the exclusive upper bound.
        size_name: str, what `size` is, for the message.
        owner: str, the layer's class name, for the message.
        fix: str, how to fix it, for the message.
    """
    values = concrete_values(tensor)
    if values is None or values.size == 0:
        return
    bad = (values < 0) | (values >= size)
    if not bad.any():
        return
    position = tuple(int(i) for i in np.argwhere(bad)[0])
    raise ValueError(
        f"`{name}` holds {int(values[position])} at position {position}, "
        f"outside the valid range [0, {size}) of {owner}'s {size_name} "
        f"({size}). Received: {name} with min {int(values.min())} and max "
        f"{int(values.max())}. {fix}"
    )
