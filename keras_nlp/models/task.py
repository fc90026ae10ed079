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

"""The base class of keras_nlp's task models."""

import keras

from keras_nlp.encoders import preset
from keras_nlp.encoders import quantization
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.encoders.functional_model import FunctionalModel
from keras_nlp.encoders.inputs import INPUT_NAMES

# The encoder classes a preset's `config.json` may name.
ENCODER_CLASSES = {"AlbertEncoder": AlbertEncoder, "BertEncoder": BertEncoder}
# Head layers compute in float32 unless a `dtype` is passed: logits (and
# the losses computed from them) stay precise under mixed precision.
HEAD_DTYPE = "float32"


class Task(FunctionalModel):
    """Base class of keras_nlp's task models (internal).

    A task model is a functional `keras.Model` made of an encoder and a
    head. Subclasses build it in `__init__` from `encoder_inputs()` and
    `encoder_outputs(...)`, set `self.dtype_policy` to the heads' policy,
    and store their constructor arguments. This class adds what every task
    shares: `get_config` with the serialized encoder, `from_config`,
    `from_preset`, int8 `quantize` that survives `.keras` saving, and the
    default optimizer of `compile`.
    """

    def __call__(self, inputs, *args, **kwargs):
        # The functional inputs would cast float ids to int silently.
        self._check_data(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def _checked_encoder(self):
        return self.encoder

    def get_config(self):
        # The constructor arguments; `keras.Model.get_config` (the graph) is
        # deliberately not used: `from_config` rebuilds the graph, so that
        # the masked-LM head is tied again to the reloaded encoder.
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "encoder": keras.layers.serialize(self.encoder),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.layers.deserialize(config["encoder"])
        # `keras.Model(trainable=True)` sets every sublayer trainable (on
        # JAX and torch), which would unfreeze an encoder that is loaded
        # with LoRA enabled: the flag is applied only when it freezes.
        trainable = config.pop("trainable", True)
        model = cls(**config)
        if not trainable:
            model.trainable = False
        return model

    @classmethod
    def from_preset(cls, path, dtype=None, **kwargs):
        """Builds the task model on a pretrained encoder from `path`.

        The encoder is built and loaded by its class's `from_preset` (the
        class named in a keras_nlp preset's `config.json`; `BertEncoder`
        for the other sources `from_preset` reads, such as original BERT
        checkpoints). The head is freshly initialized.

        Args:
            path: str. A preset directory, or any source
                `keras_nlp.encoders.BertEncoder.from_preset` accepts.
            dtype: optional dtype policy of the encoder (such as
                `"mixed_bfloat16"`). Defaults to the global policy.
            **kwargs: the task model's other constructor arguments, such as
                `num_classes`.

        Returns:
            The task model.
        """
        encoder = load_encoder(path, dtype=dtype)
        return cls(encoder, **kwargs)

    def compile_from_config(self, config):
        # `keras.Model.compile_from_config` skips models with their own
        # `compile`; the saved config holds the resolved arguments.
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantizes the weights (e.g. `"int8"`); `.keras` files reload.

        See `keras_nlp.encoders.quantization.quantize`. Layers without
        weights to quantize are skipped without warnings.
        """

        def should_quantize(layer):
            if not self._can_quantize(layer):
                return False
            return quantization._matches(layer, filters)

        quantization.quantize(self, mode, config, should_quantize, **kwargs)
        quantization.record_policy_map(
            self,
            quantization.quantized_policy_map(
                self,
                default_policy=quantization.base_policy(self),
                exclude=[self.encoder],
            ),
        )

    def _can_quantize(self, layer):
        """Whether `quantize` may quantize `layer`; subclasses refine it."""
        return True


def encoder_inputs():
    """The encoder's input dict: three named int32 `keras.Input`s."""
    return {
        name: keras.Input(shape=(None,), dtype="int32", name=name)
        for name in INPUT_NAMES
    }


def encoder_outputs(encoder, inputs, required, task_name):
    """Calls `encoder` on `inputs` and checks it returns `required` keys.

    Raises:
        ValueError: if `encoder` is not a `keras.Model` or its outputs are
            not a dict holding every key of `required`.
    """
    if not isinstance(encoder, keras.Model):
        raise ValueError(
            f"`encoder` must be a keras_nlp encoder (a `keras.Model`, such "
            f"as `keras_nlp.encoders.BertEncoder`). Received: "
            f"encoder={encoder!r}. Build one, or load it with "
            "`BertEncoder.from_preset(path)`."
        )
    outputs = encoder(inputs)
    if not isinstance(outputs, dict) or not set(required) <= set(outputs):
        received = (
            sorted(outputs) if isinstance(outputs, dict) else type(outputs)
        )
        raise ValueError(
            f"{task_name} needs an encoder whose outputs are a dict with "
            f"the keys {list(required)}. Received: outputs {received} from "
            f"encoder {encoder.name!r}. Use a keras_nlp encoder such as "
            "`keras_nlp.encoders.BertEncoder`."
        )
    return outputs


def head_dtype(dtype):
    """The dtype policy of the head layers: `dtype`, or float32."""
    return keras.dtype_policies.get(HEAD_DTYPE if dtype is None else dtype)


def default_optimizer(learning_rate):
    """AdamW as BERT fine-tunes: no weight decay on biases and norms."""
    optimizer = keras.optimizers.AdamW(
        learning_rate=learning_rate, weight_decay=0.01
    )
    optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    return optimizer


def load_encoder(path, dtype=None):
    """The encoder of `path`, of the class the preset or source holds."""
    from keras_nlp.presets import resolve_preset

    encoder = preset.from_preset(resolve_preset(path), dtype=dtype)
    if encoder.__class__.__name__ not in ENCODER_CLASSES:
        raise ValueError(
            f"The preset at {path!r} holds a {encoder.__class__.__name__}, "
            "which is not an encoder task models accept. Expected one of "
            f"{sorted(ENCODER_CLASSES)}."
        )
    return encoder
