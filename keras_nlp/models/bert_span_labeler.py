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

"""Answer-span extraction (SQuAD) on an encoder."""

import keras

from keras_nlp.encoders import argument_checks
from keras_nlp.layers import layer_utils
from keras_nlp.models import task
from keras_nlp.models.task import Task


@keras.saving.register_keras_serializable(package="keras_nlp")
class BertSpanLabeler(Task):
    """Predicts where an answer span starts and ends in a sequence.

    The span labeler of BERT's SQuAD fine-tuning: a dense layer maps each
    position of `sequence_output` to two logits, the score of the position
    being the first and the last token of the answer. Train with the start
    and end token positions as labels, `{"start_logits": start_positions,
    "end_logits": end_positions}`; predict a span with the argmax of each
    (or the best `start <= end` pair). Padding positions are scored too:
    mask them (with `input_mask`) before taking the argmax.
    The encoder's pooler is not used by this head, so it gets no gradients
    (Keras says so once, when training starts) and keeps its weights.

    The model takes the encoder's input dict, works over any keras_nlp
    encoder, saves to `.keras`, and `compile()` with no arguments picks
    BERT's fine-tuning defaults. The head computes in float32 unless
    `dtype` says otherwise.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805), BERT:
      Pre-training of Deep Bidirectional Transformers for Language
      Understanding (section 4.2).

    Args:
        encoder: a keras_nlp encoder whose outputs include
            `sequence_output`.
        initializer: Initializer of the output kernel. Defaults to
            `keras.initializers.TruncatedNormal(stddev=0.02)`.
        **kwargs: Base model arguments, such as `name`, or `dtype` (the
            head's policy; defaults to `"float32"`).

    Call arguments:
        inputs: a dict with the keys `input_word_ids`, `input_mask` and
            `input_type_ids`, each `(batch_size, sequence_length)` integers.
        training: bool. Whether dropout is active in the encoder.

    Output shape:
        A dict with `start_logits` and `end_logits`, each
        `(batch_size, sequence_length)`.

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
    labeler = keras_nlp.models.BertSpanLabeler(encoder)
    inputs = {
        "input_word_ids": np.array([[2, 7, 9, 3, 5, 3]]),
        "input_mask": np.ones((1, 6), dtype="int32"),
        "input_type_ids": np.array([[0, 0, 0, 0, 1, 1]]),
    }
    outputs = labeler(inputs)
    assert outputs["start_logits"].shape == (1, 6)
    labeler.compile()
    labeler.fit(
        inputs,
        {"start_logits": np.array([4]), "end_logits": np.array([4])},
        verbose=0,
    )
    ```
    """

    def __init__(self, encoder, initializer=None, **kwargs):
        if initializer is None:
            initializer = keras.initializers.TruncatedNormal(stddev=0.02)
        initializer = layer_utils.get_keras_object(
            keras.initializers.get, "initializer", "initializer", initializer
        )
        argument_checks.check_unknown_arguments(BertSpanLabeler, kwargs)
        dtype = task.head_dtype(kwargs.pop("dtype", None))

        # === Layers ===
        self.encoder = encoder
        self.span_dense = keras.layers.Dense(
            2,
            kernel_initializer=layer_utils.clone_initializer(initializer),
            dtype=dtype,
            name="span_logits",
        )

        # === Functional model ===
        inputs = task.encoder_inputs()
        outputs = task.encoder_outputs(
            encoder, inputs, ["sequence_output"], "BertSpanLabeler"
        )
        logits = self.span_dense(outputs["sequence_output"])
        outputs = {
            "start_logits": logits[:, :, 0],
            "end_logits": logits[:, :, 1],
        }
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.dtype_policy = dtype

        # === Config ===
        self.initializer = initializer

    def compile(
        self,
        optimizer="auto",
        loss="auto",
        metrics="auto",
        **kwargs,
    ):
        """Configures training; `"auto"` picks BERT's fine-tuning defaults.

        Defaults: `keras.optimizers.AdamW` with learning rate `5e-5` (BERT's
        SQuAD rate) and weight decay `0.01` (none on biases and layer
        norms); sparse categorical cross-entropy on the logits of each of
        `start_logits` and `end_logits` (summed), and their accuracy.
        Other arguments go to `keras.Model.compile`.
        """
        if optimizer == "auto":
            optimizer = task.default_optimizer(5e-5)
        if loss == "auto":
            loss = {
                name: keras.losses.SparseCategoricalCrossentropy(
                    from_logits=True
                )
                for name in ("start_logits", "end_logits")
            }
        if metrics == "auto":
            metrics = {
                name: [keras.metrics.SparseCategoricalAccuracy()]
                for name in ("start_logits", "end_logits")
            }
        super().compile(
            optimizer=optimizer, loss=loss, metrics=metrics, **kwargs
        )

    def get_config(self):
        config = super().get_config()
        config["initializer"] = keras.initializers.serialize(self.initializer)
        return config
