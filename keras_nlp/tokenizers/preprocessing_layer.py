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

"""Private base class of the TensorFlow text layers, for any Keras backend."""

import functools
import threading

import keras
import numpy as np

from keras_nlp.layers import layer_utils

try:
    import tensorflow as tf
    import tensorflow_text as tf_text
except ImportError:  # Reported when a layer is built: see `require_tf_text`.
    tf = None
    tf_text = None

# How many `PreprocessingLayer` calls are running in this thread: the layers
# called inside another one exchange TensorFlow tensors.
_CALL_DEPTH = threading.local()


def require_tf_text(class_name):
    """Raises an `ImportError` naming the install command if TF is missing."""
    if tf is None or tf_text is None:
        raise ImportError(
            f"{class_name} runs on TensorFlow and tensorflow-text, which "
            "are not installed. Install them with "
            "`pip install tensorflow tensorflow-text` (any Keras backend "
            "can then use the text layers in `tf.data`)."
        )


class PreprocessingLayer(keras.layers.Layer):
    """Base class of the text layers: TensorFlow inside, any Keras backend.

    The tokenizers, `BertPacker`, `BertPreprocessor` and
    `MaskedLMMaskGenerator` compute with TensorFlow and tensorflow-text
    whatever the Keras backend is, so that they run in `tf.data.Dataset.map`
    under JAX and PyTorch too: there, and inside any `tf.function`, inputs
    and outputs are TensorFlow tensors. Called eagerly on another backend,
    the layer accepts that backend's arrays (and NumPy arrays, Python lists
    and strings) and returns its dense integer and float outputs as that
    backend's arrays (`jax.Array`, `torch.Tensor`), ready for a model;
    ragged outputs stay `tf.RaggedTensor` (no backend has a ragged array:
    pack them, or call `.to_list()`), and strings stay string `tf.Tensor`s.
    On the TensorFlow backend, every output is a TensorFlow tensor, and
    the layer can also be called on `keras.Input`s.
    """

    def __init__(self, **kwargs):
        require_tf_text(self.__class__.__name__)
        # A misspelled argument of any text layer names the closest one.
        layer_utils.check_unknown_arguments(type(self), kwargs)
        super().__init__(**kwargs)
        # Strings and ragged tensors are not backend arrays: Keras must not
        # convert or reject them.
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        if not args and not kwargs and _is_concrete_eager_call(inputs):
            # An eager call on concrete data, the common case of a layer
            # used as a function (batch by batch, in a Python loop): Keras'
            # `Layer.__call__` would only add masking, autocasting and
            # build steps that these layers do not use, at a cost close to
            # that of tokenizing a small batch.
            self._called = True
            return exchange_backend_arrays(self.call, inputs)
        return exchange_backend_arrays(
            super().__call__, inputs, *args, **kwargs
        )


def _is_concrete_eager_call(inputs):
    """Whether `inputs` is concrete data in an eager context.

    False for symbolic inputs (`keras.Input`, tensors of a `tf.function` or
    `tf.data` graph), which go through Keras' `Layer.__call__`.
    """
    if not tf.executing_eagerly():
        return False
    if isinstance(inputs, (tf.Tensor, tf.RaggedTensor)):
        return True
    return not any(
        isinstance(x, keras.KerasTensor) for x in keras.tree.flatten(inputs)
    )


def backend_arrays(method):
    """Decorates a public method to take and return backend arrays eagerly.

    See `PreprocessingLayer`: the outermost eager call on a backend other
    than TensorFlow converts its inputs to TensorFlow tensors and its dense
    numeric outputs to backend arrays; calls made inside it (or in a graph)
    exchange TensorFlow tensors.
    """

    @functools.wraps(method)
    def wrapper(self, inputs, *args, **kwargs):
        return exchange_backend_arrays(
            lambda *a, **k: method(self, *a, **k), inputs, *args, **kwargs
        )

    return wrapper


def exchange_backend_arrays(function, inputs, *args, **kwargs):
    """`function(inputs, ...)`, converting as `backend_arrays` describes."""
    depth = getattr(_CALL_DEPTH, "value", 0)
    converts = depth == 0 and needs_conversion()
    if converts:
        inputs = keras.tree.map_structure(to_tensorflow, inputs)
    _CALL_DEPTH.value = depth + 1
    try:
        outputs = function(inputs, *args, **kwargs)
    finally:
        _CALL_DEPTH.value = depth
    if converts:
        outputs = keras.tree.map_structure(to_backend, outputs)
    return outputs


def needs_conversion():
    """Whether this call exchanges backend arrays (not TensorFlow tensors).

    True for eager calls on a backend other than TensorFlow; False in
    `tf.data` and `tf.function` graphs, and on the TensorFlow backend.
    """
    return keras.backend.backend() != "tensorflow" and tf.executing_eagerly()


def to_tensorflow(value):
    """A backend array (JAX, PyTorch) as a `tf.Tensor`; others unchanged."""
    if isinstance(value, (tf.Tensor, tf.RaggedTensor, tf.SparseTensor)):
        return value
    if keras.ops.is_tensor(value):
        return tf.convert_to_tensor(keras.ops.convert_to_numpy(value))
    return value


def to_backend(value):
    """A dense numeric `tf.Tensor` as a backend array; others unchanged."""
    if isinstance(value, tf.Tensor) and value.dtype != tf.string:
        return keras.ops.convert_to_tensor(value.numpy())
    return value


def to_dense_or_ragged(inputs, empty_dtype, expected):
    """Python, NumPy and backend data as a `tf.Tensor` or `tf.RaggedTensor`.

    Nested lists whose rows differ in length become a `tf.RaggedTensor`;
    lists that hold no value at all (`[]`, `[[], []]`) get `empty_dtype`
    (TensorFlow alone would make them float32).

    Args:
        inputs: the data.
        empty_dtype: the `tf.DType` of empty lists.
        expected: str. What the caller takes, the start of the message of
            the `TypeError` raised for data TensorFlow cannot convert.
    """
    inputs = to_tensorflow(inputs)
    if isinstance(inputs, (tf.Tensor, tf.RaggedTensor, tf.SparseTensor)):
        return inputs
    try:
        if isinstance(inputs, (list, tuple)):
            if _holds_no_value(inputs):
                return tf.constant(inputs, dtype=empty_dtype)
            if _is_ragged_list(inputs):
                return tf.ragged.constant(inputs)
        if isinstance(inputs, (list, tuple, str, bytes, np.ndarray)):
            # The same conversion, several times faster on long lists.
            return tf.constant(inputs)
        return tf.convert_to_tensor(inputs)
    except (TypeError, ValueError):
        text = repr(inputs)
        text = text if len(text) <= 80 else text[:77] + "..."
        raise TypeError(
            f"{expected} Received: inputs={text} of type "
            f"{type(inputs).__name__}."
        ) from None


def _holds_no_value(values):
    """Whether a nested list is made only of (nested) empty lists."""
    return all(
        isinstance(x, (list, tuple)) and _holds_no_value(x) for x in values
    )


def _is_ragged_list(values):
    """Whether a nested list has rows of different lengths."""
    if not values or not all(isinstance(x, (list, tuple)) for x in values):
        return False
    lengths = {len(x) for x in values}
    return len(lengths) > 1 or any(_is_ragged_list(x) for x in values)


def check_id_range(ids, limit, message):
    """Checks that every id of `ids` is in `[0, limit)`; returns `ids`.

    Eagerly, out-of-range ids raise a `ValueError`: `message` followed by
    the offending ids. In a graph (`tf.data`, `tf.function`), the returned
    tensor depends on an assertion that fails the step with `message` (an
    `InvalidArgumentError`).

    Args:
        ids: an integer `tf.Tensor` or `tf.RaggedTensor`.
        limit: int. The exclusive upper bound.
        message: str. What is wrong and how to fix it.
    """
    values = ids.flat_values if isinstance(ids, tf.RaggedTensor) else ids
    if tf.executing_eagerly():
        values = values.numpy()
        bad = values[(values < 0) | (values >= limit)]
        if bad.size:
            shown = sorted(set(bad.tolist()))[:5]
            raise ValueError(f"{message} Received: out-of-range ids {shown}.")
        return ids
    checks = [
        tf.debugging.assert_greater_equal(
            values, tf.zeros([], values.dtype), message=message
        )
    ]
    if limit <= values.dtype.max:
        checks.append(
            tf.debugging.assert_less(
                values, tf.constant(limit, values.dtype), message=message
            )
        )
    with tf.control_dependencies(checks):
        values = tf.identity(values)
    if isinstance(ids, tf.RaggedTensor):
        return ids.with_flat_values(values)
    return values
