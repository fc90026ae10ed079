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

"""Keras building blocks for BERT-family Transformer encoders.

`keras_nlp.layers`, `keras_nlp.encoders` and `keras_nlp.models` run on any
Keras backend and are imported with the package, as is `keras_nlp.presets`.
`keras_nlp.tokenizers` and `keras_nlp.conversion` need TensorFlow and
tensorflow-text; they are imported on first use
(`keras_nlp.tokenizers.WordPieceTokenizer`), so that `import keras_nlp`
works without TensorFlow.
"""

import importlib

from keras_nlp import encoders
from keras_nlp import layers
from keras_nlp import models
from keras_nlp import presets

__version__ = "0.1.0.dev0"

# Subpackages imported on first attribute access, and why they need it.
_TENSORFLOW_SUBPACKAGES = ("conversion", "tokenizers")
_TENSORFLOW_MODULES = ("tensorflow", "tensorflow_text")
_INSTALL_COMMAND = 'pip install "tensorflow==2.21.0" "tensorflow-text==2.21.1"'


def __getattr__(name):
    if name not in _TENSORFLOW_SUBPACKAGES:
        raise AttributeError(f"module 'keras_nlp' has no attribute {name!r}")
    try:
        module = importlib.import_module(f"keras_nlp.{name}")
    except ImportError as error:
        missing = getattr(error, "name", None)
        if missing is None or missing.split(".")[0] not in _TENSORFLOW_MODULES:
            raise
        raise ImportError(
            f"`keras_nlp.{name}` needs TensorFlow and tensorflow-text, and "
            f"`{missing}` could not be imported ({error}). Install them "
            f"with `{_INSTALL_COMMAND}`. `keras_nlp.layers` and "
            "`keras_nlp.encoders` work without them, on any Keras backend."
        ) from error
    globals()[name] = module
    return module


def __dir__():
    return sorted(list(globals()) + list(_TENSORFLOW_SUBPACKAGES))
