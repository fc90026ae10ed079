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

"""Per-token classification (NER, POS tagging) on an encoder."""

import keras

from keras_nlp.encoders import argument_checks
from keras_nlp.layers import layer_utils
from keras_nlp.layers.dropout import Dropout
from keras_nlp.models import task
from keras_nlp.models.task import Task


@keras.saving.register_keras_serializable(package="keras_nlp")
class BertTokenClassifier(Task):
    """Classifies every token of a sequence from the encoder's output.

    The token classifier of BERT fine-tuning for tagging tasks (named
    entities, parts of speech): each position of `sequence_output` goes
    through dropout and a dense layer to `num_classes` logits. Padding
    positions get logits too; exclude them from the loss and metrics by
    passing `input_mask` as `sample_weight` to `fit` and `evaluate` (the
    default accuracy is a weighted metric for that reason).
    The encoder's pooler is not used by this head, so it gets no gradients
    (Keras says so once, when training starts) and keeps its weights.

    The model takes the encoder's input dict, works over any keras_nlp
    encoder, saves to `.keras`, and `compile()` with no arguments picks
    BERT's fine-tuning defaults. The head computes in float32 unless
    `dtype` says otherwise.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805), BERT:
      Pre-training of Deep Bidirectional Transformers for Language
      Understanding (section 5.3).

    Args:
        encoder: a keras_nlp encoder whose outputs include
            `sequence_output`.
        num_classes: int. The number of tags.
        dropout: float. Dropout rate applied to `sequence_output`. Defaults
            to `0.1`.
        initializer: Initializer of the output kernel. Defaults to
            `keras.initializers.TruncatedNormal(stddev=0.02)`.
        **kwargs: Base model arguments, such as `name`, or `dtype` (the
            head's policy; defaults to `"float32"`).

    Call arguments:
        inputs: a dict with the keys `input_word_ids`, `input_mask` and
            `input_type_ids`, each `(batch_size, sequence_length)` integers.
        training: bool. Whether dropout is active.

    Output shape:
        Logits `(batch_size, sequence_length, num_classes)`.

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
    tagger = keras_nlp.models.BertTokenClassifier(encoder, num_classes=5)
    inputs = {
        "input_word_ids": np.array([[2, 7, 9, 3, 0, 0]]),
        "input_mask": np.array([[1, 1, 1, 1, 0, 0]]),
        "input_type_ids": np.zeros((1, 6), dtype="int32"),
    }
    assert tagger(inputs).shape == (1, 6, 5)
    tagger.compile()
    tagger.fit(
        inputs,
        np.array([[0, 1, 2, 0, 0, 0]]),
        sample_weight=inputs["input_mask"],
        verbose=0,
    )
    ```
    """

    def __init__(
        self,
        encoder,
        num_classes,
        dropout=0.1,
        initializer=None,
        **kwargs,
    ):
        layer_utils.check_positive_int("num_classes", num_classes)
        layer_utils.check_rate("dropout", dropout)
        if initializer is None:
            initializer = keras.initializers.TruncatedNormal(stddev=0.02)
        initializer = layer_utils.get_keras_object(
            keras.initializers.get, "initializer", "initializer", initializer
        )
        argument_checks.check_unknown_arguments(BertTokenClassifier, kwargs)
        dtype = task.head_dtype(kwargs.pop("dtype", None))

        # === Layers ===
        self.encoder = encoder
        self.output_dropout = Dropout(
            dropout, dtype=dtype, name="output_dropout"
        )
        self.output_dense = keras.layers.Dense(
            num_classes,
            kernel_initializer=layer_utils.clone_initializer(initializer),
            dtype=dtype,
            name="logits",
        )

        # === Functional model ===
        inputs = task.encoder_inputs()
        outputs = task.encoder_outputs(
            encoder, inputs, ["sequence_output"], "BertTokenClassifier"
        )
        logits = self.output_dense(
            self.output_dropout(outputs["sequence_output"])
        )
        super().__init__(inputs=inputs, outputs=logits, **kwargs)
        self.dtype_policy = dtype

        # === Config ===
        self.num_classes = num_classes
        self.dropout = dropout
        self.initializer = initializer

    def compile(
        self,
        optimizer="auto",
        loss="auto",
        weighted_metrics="auto",
        **kwargs,
    ):
        """Configures training; `"auto"` picks BERT's fine-tuning defaults.

        Defaults: `keras.optimizers.AdamW` with learning rate `2e-5` and
        weight decay `0.01` (none on biases and layer norms), sparse
        categorical cross-entropy on logits, and accuracy as a weighted
        metric (pass `input_mask` as `sample_weight` to skip padding).
        Other arguments go to `keras.Model.compile`.
        """
        if optimizer == "auto":
            optimizer = task.default_optimizer(2e-5)
        if loss == "auto":
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if weighted_metrics == "auto":
            weighted_metrics = [keras.metrics.SparseCategoricalAccuracy()]
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
                "num_classes": self.num_classes,
                "dropout": self.dropout,
                "initializer": keras.initializers.serialize(self.initializer),
            }
        )
        return config
