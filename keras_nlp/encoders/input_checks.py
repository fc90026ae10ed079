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

"""The checks of the BERT-family encoders' inputs: structure, shapes, ids."""

import keras
import numpy as np

from keras_nlp.encoders.inputs import INPUT_NAMES
from keras_nlp.layers.layer_utils import concrete_values  # noqa: F401


def standardize_encoder_inputs(inputs, encoder):
    """Checks encoder inputs and returns them as a list in `INPUT_NAMES` order.

    Accepts a dict holding (at least) the three `INPUT_NAMES` keys, or a list
    or tuple of exactly three tensors in that order. Extra dict keys, such as
    the `masked_lm_*` features of a pretraining pipeline, are ignored. When
    the inputs hold values (NumPy arrays, eager tensors of any backend),
    their id ranges are checked with `check_id_ranges`; symbolic and traced
    tensors (`keras.Input`, `tf.function`, `jax.jit`) have no values yet and
    are only checked for dtype and shape.

    Args:
        inputs: the encoder's call inputs.
        encoder: the encoder, for its class name, `max_sequence_length`,
            `vocab_size` and `type_vocab_size`.

    Raises:
        ValueError: if a key is missing, the number of inputs is not three, an
            input is not a 2D integer tensor, the inputs' static shapes differ,
            a static sequence length exceeds `max_sequence_length`, or an id
            is out of range.
    """
    class_name = encoder.__class__.__name__
    if isinstance(inputs, dict):
        missing = [name for name in INPUT_NAMES if name not in inputs]
        if missing:
            raise ValueError(
                f"{class_name} inputs are missing the keys {missing}. "
                f"Expected a dict with the keys {list(INPUT_NAMES)}. "
                f"Received: keys={sorted(inputs)}. Rename the features of "
                "your input pipeline, or pass a list of the three tensors "
                "in that order."
            )
        inputs = [inputs[name] for name in INPUT_NAMES]
    elif isinstance(inputs, (list, tuple)):
        if len(inputs) != len(INPUT_NAMES):
            raise ValueError(
                f"{class_name} takes exactly three inputs, "
                f"{list(INPUT_NAMES)}, as a dict or as a list in that order. "
                f"Received: a {type(inputs).__name__} of {len(inputs)} "
                "inputs."
            )
        inputs = list(inputs)
    else:
        raise ValueError(
            f"{class_name} takes a dict with the keys {list(INPUT_NAMES)} "
            "or a list of those three tensors in that order. Received: "
            f"inputs of type {type(inputs).__name__}."
        )

    max_sequence_length = encoder.max_sequence_length
    standardized = []
    for name, value in zip(INPUT_NAMES, inputs):
        if not hasattr(value, "dtype") or not hasattr(value, "shape"):
            value = np.asarray(value)
        dtype = keras.backend.standardize_dtype(value.dtype)
        if "int" not in dtype:
            raise ValueError(
                f"`{name}` must hold integer ids. Received: "
                f"{name}.dtype={dtype}. Cast it with "
                f"`keras.ops.cast({name}, 'int32')` (or produce ids with a "
                "keras_nlp tokenizer)."
            )
        shape = tuple(value.shape)
        if len(shape) != 2:
            raise ValueError(
                f"`{name}` must have shape (batch_size, sequence_length). "
                f"Received: {name}.shape={shape}. Add a batch dimension with "
                "`keras.ops.expand_dims(x, 0)` for a single example."
            )
        length = shape[1]
        if length is not None and length > max_sequence_length:
            raise ValueError(
                f"The sequence length of `{name}` ({length}) exceeds the "
                f"encoder's `max_sequence_length` ({max_sequence_length}). "
                f"Received: {name}.shape={shape}. Pack or truncate inputs to "
                f"at most {max_sequence_length} tokens, or build the encoder "
                "with a larger `max_sequence_length`."
            )
        standardized.append(value)

    shapes = [tuple(x.shape) for x in standardized]
    for axis in (0, 1):
        sizes = {s[axis] for s in shapes if s[axis] is not None}
        if len(sizes) > 1:
            raise ValueError(
                f"{class_name} inputs must all have the same shape. "
                f"Received: shapes {dict(zip(INPUT_NAMES, shapes))}."
            )
    word_ids, _, type_ids = standardized
    check_id_ranges(
        concrete_values(word_ids),
        concrete_values(type_ids),
        encoder.vocab_size,
        encoder.type_vocab_size,
        class_name,
    )
    return standardized


def check_id_ranges(word_ids, type_ids, vocab_size, type_vocab_size, owner):
    """Raises a `ValueError` for an id outside `[0, vocab_size)`.

    Args:
        word_ids: NumPy array of `input_word_ids`, or `None` to skip.
        type_ids: NumPy array of `input_type_ids`, or `None` to skip.
        vocab_size: int, the number of word ids.
        type_vocab_size: int, the number of type ids.
        owner: str, the encoder's class name for the message.
    """
    checks = (
        ("input_word_ids", word_ids, vocab_size, "vocab_size"),
        ("input_type_ids", type_ids, type_vocab_size, "type_vocab_size"),
    )
    for name, ids, size, size_name in checks:
        if ids is None or ids.size == 0:
            continue
        bad = (ids < 0) | (ids >= size)
        if not bad.any():
            continue
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        value = int(ids[position])
        fix = (
            "Ids come from the tokenizer of the same preset as the encoder; "
            "check that the vocabulary matches"
            if name == "input_word_ids"
            else "Type ids are the segment index (0 for the first segment, "
            "1 for the second); pack fewer segments"
        )
        raise ValueError(
            f"`{name}` holds the id {value} at position {position}, outside "
            f"the valid range [0, {size}) of {owner}'s `{size_name}` "
            f"({size}). Received: {name} with min {int(ids.min())} and max "
            f"{int(ids.max())}. {fix}, or build the encoder with a larger "
            f"`{size_name}`."
        )
