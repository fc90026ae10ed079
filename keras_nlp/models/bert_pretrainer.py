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

"""Masked-LM (and next-sentence) pretraining model on an encoder."""

import os

import keras

from keras_nlp.encoders import argument_checks
from keras_nlp.encoders import preset
from keras_nlp.layers import layer_utils
from keras_nlp.layers.masked_lm import MaskedLM
from keras_nlp.models import task
from keras_nlp.models.task import Task


@keras.saving.register_keras_serializable(package="keras_nlp")
class BertPretrainer(Task):
    """BERT's pretraining model: masked-LM and next-sentence heads.

    The masked-LM head (`keras_nlp.layers.MaskedLM`) gathers the encoder's
    `sequence_output` at `masked_lm_positions` and scores the vocabulary
    with the encoder's own word embedding table
    (`encoder.get_embedding_table()`): the decoder is that one variable,
    not a copy. The model owns this tie: its config holds the encoder and
    its own arguments, so a `.keras` file reloads with the head tied to the
    reloaded encoder's table, and continued pretraining keeps training a
    single table. With `next_sentence=True` a 2-way dense layer on
    `pooled_output` scores whether the second segment follows the first
    (BERT) or is in order (ALBERT's sentence-order prediction).

    Pass `masked_lm_weights` as the `sample_weight` of `mlm_logits` (and
    ones for `next_sentence_logits`: Keras takes one weight per output) so
    that the default masked-LM loss of `compile()` averages over the real
    predictions only. The heads compute in float32 unless `dtype` says
    otherwise.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805), BERT:
      Pre-training of Deep Bidirectional Transformers for Language
      Understanding.

    Args:
        encoder: a keras_nlp encoder with `get_embedding_table()` and the
            outputs `sequence_output` and `pooled_output`.
        next_sentence: bool. Whether to add the next-sentence head.
            Defaults to `True`.
        activation: The activation of the masked-LM head's dense
            transform. Defaults to `None`: the encoder's `inner_activation`
            (as in BERT, where both are the model's hidden activation).
        initializer: Initializer of the heads' kernels. Defaults to
            `keras.initializers.TruncatedNormal(stddev=0.02)`.
        **kwargs: Base model arguments, such as `name`, or `dtype` (the
            heads' policy; defaults to `"float32"`).

    Call arguments:
        inputs: a dict with the encoder inputs `input_word_ids`,
            `input_mask` and `input_type_ids`, each
            `(batch_size, sequence_length)`, and `masked_lm_positions`
            `(batch_size, num_predictions)`, integers.
        training: bool. Whether dropout is active.

    Output shape:
        A dict with `mlm_logits` `(batch_size, num_predictions,
        vocab_size)` and, with `next_sentence=True`,
        `next_sentence_logits` `(batch_size, 2)`.

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
    pretrainer = keras_nlp.models.BertPretrainer(encoder)
    inputs = {
        "input_word_ids": np.array([[2, 7, 4, 3, 9, 3]]),
        "input_mask": np.ones((1, 6), dtype="int32"),
        "input_type_ids": np.array([[0, 0, 0, 0, 1, 1]]),
        "masked_lm_positions": np.array([[2, 0]]),
    }
    outputs = pretrainer(inputs)
    assert outputs["mlm_logits"].shape == (1, 2, 100)
    assert pretrainer.masked_lm.embedding_table is encoder.get_embedding_table()
    pretrainer.compile()
    pretrainer.fit(
        inputs,
        {
            "mlm_logits": np.array([[8, 0]]),
            "next_sentence_logits": np.array([1]),
        },
        sample_weight={
            "mlm_logits": np.array([[1.0, 0.0]]),
            "next_sentence_logits": np.ones((1,)),
        },
        verbose=0,
    )
    ```
    """

    def __init__(
        self,
        encoder,
        next_sentence=True,
        activation=None,
        initializer=None,
        **kwargs,
    ):
        if not isinstance(next_sentence, bool):
            raise ValueError(
                "`next_sentence` must be a bool (whether to add the "
                f"next-sentence head). Received: next_sentence="
                f"{next_sentence!r}"
            )
        if not callable(getattr(encoder, "get_embedding_table", None)):
            raise ValueError(
                "`BertPretrainer` ties its masked-LM head to the encoder's "
                "word embeddings and needs `encoder.get_embedding_table()`. "
                f"Received: encoder={encoder!r}. Use a keras_nlp encoder "
                "such as `keras_nlp.encoders.BertEncoder`."
            )
        if activation is None:
            activation = getattr(encoder, "inner_activation", "gelu")
        activation = layer_utils.get_activation("activation", activation)
        if initializer is None:
            initializer = keras.initializers.TruncatedNormal(stddev=0.02)
        initializer = layer_utils.get_keras_object(
            keras.initializers.get, "initializer", "initializer", initializer
        )
        argument_checks.check_unknown_arguments(BertPretrainer, kwargs)
        dtype = task.head_dtype(kwargs.pop("dtype", None))

        # === Layers ===
        self.encoder = encoder
        self.masked_lm = MaskedLM(
            embedding_table=encoder.get_embedding_table(),
            activation=activation,
            initializer=layer_utils.clone_initializer(initializer),
            dtype=dtype,
            name="masked_lm",
        )
        self.next_sentence_dense = None
        if next_sentence:
            self.next_sentence_dense = keras.layers.Dense(
                2,
                kernel_initializer=layer_utils.clone_initializer(initializer),
                dtype=dtype,
                name="next_sentence",
            )

        # === Functional model ===
        inputs = task.encoder_inputs()
        encoder_inputs = dict(inputs)
        inputs["masked_lm_positions"] = keras.Input(
            shape=(None,), dtype="int32", name="masked_lm_positions"
        )
        required = ["sequence_output"] + ["pooled_output"] * next_sentence
        outputs = task.encoder_outputs(
            encoder, encoder_inputs, required, "BertPretrainer"
        )
        logits = {
            "mlm_logits": self.masked_lm(
                outputs["sequence_output"],
                masked_positions=inputs["masked_lm_positions"],
            )
        }
        if next_sentence:
            logits["next_sentence_logits"] = self.next_sentence_dense(
                outputs["pooled_output"]
            )
        super().__init__(inputs=inputs, outputs=logits, **kwargs)
        self.dtype_policy = dtype

        # === Config ===
        self.next_sentence = next_sentence
        self.activation = activation
        self.initializer = initializer

    @classmethod
    def from_preset(cls, path, dtype=None, **kwargs):
        """Builds the pretrainer on a pretrained encoder from `path`.

        The encoder is loaded as by `keras_nlp.models.BertClassifier.
        from_preset`, and the masked-LM head is tied to its table. If the
        preset also holds pretraining heads (converted with
        `with_mlm_head=True`), their weights and activation are loaded
        into the heads, for continued pretraining; otherwise the heads are
        freshly initialized.

        Args:
            path: str. A preset directory, or any source
                `keras_nlp.encoders.BertEncoder.from_preset` accepts.
            dtype: optional dtype policy of the encoder. Defaults to the
                global policy.
            **kwargs: the other constructor arguments, such as
                `next_sentence`.

        Returns:
            The `BertPretrainer`.
        """
        encoder = task.load_encoder(path, dtype=dtype)
        from keras_nlp.conversion import pretraining_heads
        from keras_nlp.presets import resolve_preset

        path = resolve_preset(path)
        metadata = None
        if os.path.isdir(path):
            metadata = preset.read_preset_config(path)
        if not metadata or pretraining_heads.HEADS_KEY not in metadata:
            return cls(encoder, **kwargs)
        masked_lm, next_sentence = pretraining_heads.load(path, encoder)
        if masked_lm is not None:
            kwargs.setdefault("activation", masked_lm.activation)
        model = cls(encoder, **kwargs)
        if masked_lm is not None:
            for source, target in (
                (masked_lm.dense, model.masked_lm.dense),
                (masked_lm.layer_norm, model.masked_lm.layer_norm),
            ):
                target.set_weights(source.get_weights())
            model.masked_lm.output_bias.assign(masked_lm.output_bias)
        if next_sentence is not None and model.next_sentence_dense:
            model.next_sentence_dense.set_weights(next_sentence.get_weights())
        return model

    def save_to_preset(self, path, tokenizer=None, overwrite=False):
        """Writes the encoder and both pretraining heads to a preset.

        The preset is the encoder's (see
        `keras_nlp.encoders.BertEncoder.save_to_preset`) plus the heads in
        `pretraining_heads.npz`, the file the checkpoint converters write,
        so that `BertPretrainer.from_preset(path)` continues pretraining
        with the trained heads, and every encoder or task-model
        `from_preset` loads the encoder alone.

        Args:
            path: str. The directory to write; created if missing. It must
                be empty unless `overwrite=True`.
            tokenizer: optional keras_nlp tokenizer whose vocabulary and
                settings are written beside the weights.
            overwrite: bool. Whether to replace an existing preset, as a
                whole. Defaults to `False`.
        """
        from keras_nlp.conversion import pretraining_heads

        def heads(directory):
            entry = pretraining_heads.save(
                directory, self.masked_lm, self.next_sentence_dense
            )
            return {pretraining_heads.HEADS_KEY: entry}

        preset.save_preset(
            self.encoder, path, tokenizer, overwrite, extras=heads
        )

    def compile(
        self,
        optimizer="auto",
        loss="auto",
        weighted_metrics="auto",
        **kwargs,
    ):
        """Configures training; `"auto"` picks BERT's pretraining defaults.

        Defaults: `keras.optimizers.AdamW` with learning rate `1e-4` (BERT's
        pretraining rate) and weight decay `0.01` (none on biases and layer
        norms); sparse categorical cross-entropy on logits for each head,
        the masked-LM one averaged over the weight of the real predictions
        (pass `masked_lm_weights` as its `sample_weight`); and the accuracy
        of each head as a weighted metric. Other arguments go to
        `keras.Model.compile`.
        """
        names = list(self.output)
        if optimizer == "auto":
            optimizer = task.default_optimizer(1e-4)
        if loss == "auto":
            loss = {
                "mlm_logits": keras.losses.SparseCategoricalCrossentropy(
                    from_logits=True, reduction="mean_with_sample_weight"
                )
            }
            if "next_sentence_logits" in names:
                loss["next_sentence_logits"] = (
                    keras.losses.SparseCategoricalCrossentropy(from_logits=True)
                )
        if weighted_metrics == "auto":
            weighted_metrics = {
                name: [keras.metrics.SparseCategoricalAccuracy()]
                for name in names
            }
        super().compile(
            optimizer=optimizer,
            loss=loss,
            weighted_metrics=weighted_metrics,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "next_sentence": self.next_sentence,
                "activation": keras.activations.serialize(self.activation),
                "initializer": keras.initializers.serialize(self.initializer),
            }
        )
        return config

    def _can_quantize(self, layer):
        # The word embedding table is also the masked-LM decoder, which
        # reads it as a float matrix: it keeps its float weights.
        table = self.encoder.get_embedding_table()
        return not any(weight is table for weight in layer.weights)
