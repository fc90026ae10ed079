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

from keras_nlp.encoders import input_checks
from keras_nlp.encoders.functional_model import FunctionalModel


class Encoder(FunctionalModel):
    """Base class of keras_nlp's functional encoders (internal).

    Subclasses create their layers, wire them into a functional graph of the
    three `INPUT_NAMES` inputs and keep their word embedding
    layer as `self.word_embeddings`. This class adds what every encoder
    shares: input checking and dict/list inputs in `__call__`, the same
    checks on the data of `fit`, `evaluate` and `predict`,
    `get_embedding_table()` for weight tying, `from_config`, and the preset
    directory readers and writers.
    """

    def __call__(self, inputs, *args, **kwargs):
        inputs = input_checks.standardize_encoder_inputs(inputs, self)
        return super().__call__(inputs, *args, **kwargs)

    def get_embedding_table(self):
        """Returns the word embedding variable, for weight tying.

        Pass it to `keras_nlp.layers.MaskedLM(embedding_table=...)` so that
        the masked-LM head predicts tokens with the encoder's own table.
        """
        return self.word_embeddings.embeddings

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _checked_encoder(self):
        return self

    @classmethod
    def from_preset(cls, path, dtype=None):
        """Builds the encoder and loads pretrained weights from `path`.

        `path` may be a keras_nlp preset directory (written by
        `save_to_preset` or `tools/checkpoint_conversion`) or a source that
        `keras_nlp.conversion.load_checkpoint` reads: an original
        google-research BERT or ALBERT checkpoint (directory or
        `bert_model.ckpt` prefix), a TF Hub BERT/ALBERT SavedModel or a
        Hugging Face BERT/ALBERT directory with `model.safetensors`. The
        format is recognized from the files present. Every source variable
        is mapped to exactly one weight (or skipped by a named rule, such
        as optimizer slots), with shapes and dtypes checked before anything
        is assigned. Loading reads weights only; it never runs the
        source's code. `keras_nlp.encoders.from_preset(path)` returns the
        class the source holds.

        Presets do not pin a dtype policy: the encoder is built under the
        global policy (`keras.config.set_dtype_policy`), or under `dtype`.

        Args:
            path: str. The preset directory or checkpoint source.
            dtype: optional dtype policy (such as `"mixed_bfloat16"`) to
                build the encoder with. Defaults to the global policy.

        Returns:
            The encoder with the preset's weights.

        Raises:
            ValueError: if `path` holds nothing recognized (the message
                lists what was found and the accepted layouts), a model of
                another encoder class, a vocabulary whose size is not the
                encoder's `vocab_size`, or weights that do not fit its
                config.
        """
        from keras_nlp.encoders import preset

        return preset.load_encoder(path, cls=cls, dtype=dtype)

    def save_to_preset(self, path, tokenizer=None, overwrite=False):
        """Writes the encoder (and a tokenizer's vocabulary) to a preset.

        Args:
            path: str. The directory to write; created if missing. It must
                be empty unless `overwrite=True`.
            tokenizer: optional keras_nlp tokenizer whose vocabulary and
                settings are written beside the weights, so that
                `keras_nlp.tokenizers.BertPreprocessor.from_preset(path)`
                rebuilds it.
            overwrite: bool. Whether to replace an existing preset. The
                whole directory is replaced at once: no file of the
                previous preset remains. Defaults to `False`.
        """
        from keras_nlp.encoders import preset

        preset.save_preset(self, path, tokenizer, overwrite)

    def enable_lora(self, rank):
        """Freezes the encoder and adds LoRA adapters to query and value.

        The config records `rank` (`lora_rank`), and the adapters are
        saved as they are: a `.keras` file reloads with LoRA enabled, the
        same trainable weights and the same outputs. See
        `keras_nlp.encoders.lora.enable_lora`.
        """
        from keras_nlp.encoders import lora

        lora.enable_lora(self, rank)

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantizes the weights (e.g. `"int8"`); `.keras` files reload.

        See `keras_nlp.encoders.quantization.quantize`.
        """
        from keras_nlp.encoders import quantization

        quantization.quantize(self, mode, config, filters, **kwargs)
