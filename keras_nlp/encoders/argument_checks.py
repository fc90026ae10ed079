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

"""The constructor argument checks shared by the BERT-family encoders."""

import keras

from keras_nlp.layers import layer_utils

# The `keras.Model` arguments an encoder passes on through `**kwargs`.
MODEL_ARGUMENTS = ("name", "trainable", "dtype")


def check_unknown_arguments(cls, kwargs):
    """Raises a `TypeError` for a keyword neither `cls` nor Keras takes.

    A functional model would otherwise swallow a misspelled argument
    (`num_layer=1`) and build the default architecture. See
    `keras_nlp.layers.layer_utils.check_unknown_arguments`.
    """
    layer_utils.check_unknown_arguments(cls, kwargs, MODEL_ARGUMENTS)


def check_encoder_arguments(
    sizes, rates, hidden_size, num_attention_heads, initializer
):
    """Validates an encoder's arguments; returns the resolved initializer.

    Args:
        sizes: dict of the size arguments (name -> value) that must be
            positive integers; `None` values (optional sizes) are skipped.
        rates: dict of the dropout rates (name -> value).
        hidden_size: int.
        num_attention_heads: int, must divide `hidden_size`.
        initializer: an initializer identifier, or None for BERT's default
            truncated normal with standard deviation 0.02.
    """
    for name, value in sizes.items():
        if value is not None:
            layer_utils.check_positive_int(name, value)
    for name, value in rates.items():
        layer_utils.check_rate(name, value)
    if hidden_size % num_attention_heads:
        raise ValueError(
            f"`hidden_size` ({hidden_size}) must be divisible by "
            f"`num_attention_heads` ({num_attention_heads}). Received: "
            f"hidden_size={hidden_size}, "
            f"num_attention_heads={num_attention_heads}. Choose a "
            "`num_attention_heads` that divides the hidden size."
        )
    if initializer is None:
        initializer = keras.initializers.TruncatedNormal(stddev=0.02)
    return layer_utils.get_keras_object(
        keras.initializers.get, "initializer", "initializer", initializer
    )
