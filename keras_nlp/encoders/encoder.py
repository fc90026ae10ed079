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

"""The base class of the BERT-family functional encoders."""

import keras

from keras_nlp.encoders import input_checks
from keras_nlp.encoders import preset_utils
from keras_nlp.encoders.inputs import INPUT_NAMES


class Encoder(keras.Model):
    """Base class of keras_nlp's functional encoders (internal).

    Subclasses create their layers, wire them into a functional graph of the
    three `INPUT_NAMES` inputs and keep their word embedding
    layer as `self.word_embeddings`. This class adds what every encoder
    shares: input checking and dict/list inputs in `__call__`, the same
    checks on the data of `fit`, `evaluate` and `predict`,
    `get_embedding_table()` for weight tying, `from_config`, and the preset
    directory readers and writers.
    """

    def __setattr__(self, name, value):
        # On the torch backend a Keras model is a `torch.nn.Module`, which
        # refuses sublayers assigned before its `__init__`. Encoders create
        # their layers before calling the functional constructor, which
        # tracks them through the graph, so those early attributes are set
        # plainly.
        if (
            keras.config.backend() == "torch"
            and "_modules" not in self.__dict__
        ):
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    def __call__(self, inputs, *args, **kwargs):
        inputs = input_checks.standardize_encoder_inputs(inputs, self)
        return super().__call__(inputs, *args, **kwargs)

    def fit(self, x=None, *args, **kwargs):
        self._check_data(x)
        validation_data = kwargs.get("validation_data")
        if isinstance(validation_data, tuple):
            # `(x, y)` or `(x, y, sample_weight)`.
            self._check_data(validation_data[0])
        return super().fit(x, *args, **kwargs)

    def evaluate(self, x=None, *args, **kwargs):
        self._check_data(x)
        return super().evaluate(x, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        self._check_data(x)
        return super().predict(x, *args, **kwargs)

    def get_embedding_table(self):
        """Returns the word embedding variable, for weight tying.

        Pass it to `keras_nlp.layers.MaskedLM(embedding_table=...)` so that
        the masked-LM head predicts tokens with the encoder's own table.
        """
        return self.word_embeddings.embeddings

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _check_data(self, data):
        """Checks in-memory `fit`/`evaluate`/`predict` inputs up front.

        A compiled step cannot raise on tensor values, so arrays are checked
        here, once, before any step runs. Datasets and generators are
        checked batch by batch only where the step runs eagerly.
        """
        if isinstance(data, dict) or (
            isinstance(data, (list, tuple)) and len(data) == len(INPUT_NAMES)
        ):
            input_checks.standardize_encoder_inputs(data, self)

    @classmethod
    def from_preset(cls, path, dtype=None):
        """Builds the encoder and loads pretrained weights from `path`.

        `path` may be a keras_nlp preset directory (written by
        `save_to_preset` or `tools/checkpoint_conversion`), or, once
        `keras_nlp.conversion` is imported (`import keras_nlp` does it), a
        source the converters read directly: an original google-research
        BERT or ALBERT checkpoint directory, a TF Hub BERT/ALBERT
        SavedModel (directory or handle) or a Hugging Face BERT/ALBERT
        directory with `model.safetensors`. The format is recognized from
        the files present. Every source variable is mapped to exactly one
        weight (or skipped by a named rule, such as optimizer slots) and
        shapes are checked before anything is assigned.

        Presets do not pin a dtype policy: the encoder is built under the
        global policy (`keras.config.set_dtype_policy`), or under `dtype`.

        Args:
            path: str. The preset directory, source directory or TF Hub
                handle.
            dtype: optional dtype policy (such as `"mixed_bfloat16"`) to
                build the encoder with. Defaults to the global policy.

        Returns:
            The encoder with the preset's weights.

        Raises:
            ValueError: if `path` holds nothing recognized (the message
                lists what was found and the accepted layouts), a model of
                another encoder class, or weights that do not fit its
                config.
        """
        encoder = preset_utils.load_encoder(cls, path)
        if dtype is None:
            return encoder
        policy = keras.dtype_policies.get(dtype)
        if policy.name == encoder.dtype_policy.name:
            return encoder
        config = encoder.get_config()
        config["dtype"] = keras.dtype_policies.serialize(policy)
        rebuilt = cls.from_config(config)
        rebuilt.set_weights(encoder.get_weights())
        return rebuilt

    def save_to_preset(self, path, tokenizer=None, overwrite=False):
        """Writes the encoder (and a tokenizer's vocabulary) to a preset.

        Args:
            path: str. The directory to write; created if missing. It must
                be empty unless `overwrite=True`.
            tokenizer: optional keras_nlp tokenizer whose vocabulary and
                settings are written beside the weights, so that
                `keras_nlp.tokenizers.BertPreprocessor.from_preset(path)`
                rebuilds it.
            overwrite: bool. Whether to replace an existing preset.
                Defaults to `False`.
        """
        preset_utils.save_encoder(self, path, tokenizer, overwrite)
