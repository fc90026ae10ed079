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

"""Tiny encoders, inputs and NumPy references for the task model tests."""

import numpy as np

from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.testing import numpy_bert

VOCAB_SIZE = 30
HIDDEN_SIZE = 8
EMBEDDING_WIDTH = 4  # ALBERT's factorized embeddings.
NUM_HEADS = 2
SEQUENCE_LENGTH = 6


def tiny_encoder(kind="bert", dropout=0.0):
    """A 2-layer BERT (or ALBERT) encoder with hidden size 8."""
    kwargs = {
        "vocab_size": VOCAB_SIZE,
        "hidden_size": HIDDEN_SIZE,
        "num_layers": 2,
        "num_attention_heads": NUM_HEADS,
        "inner_dim": 16,
        "max_sequence_length": 8,
        "type_vocab_size": 2,
        "output_dropout": dropout,
        "attention_dropout": dropout,
    }
    if kind == "albert":
        return AlbertEncoder(embedding_width=EMBEDDING_WIDTH, **kwargs)
    return BertEncoder(**kwargs)


def encoder_inputs(batch_size=2, seed=0):
    """A batch of encoder inputs; the second example has 2 padding tokens."""
    rng = np.random.default_rng(seed)
    word_ids = rng.integers(1, VOCAB_SIZE, size=(batch_size, SEQUENCE_LENGTH))
    mask = np.ones((batch_size, SEQUENCE_LENGTH), dtype="int32")
    mask[1:, -2:] = 0
    type_ids = np.zeros((batch_size, SEQUENCE_LENGTH), dtype="int32")
    type_ids[:, SEQUENCE_LENGTH // 2 :] = 1
    return {
        "input_word_ids": (word_ids * mask).astype("int32"),
        "input_mask": mask,
        "input_type_ids": type_ids * mask,
    }


def numpy_encoder_outputs(encoder, inputs):
    """The encoder's outputs computed by the NumPy BERT (float64)."""
    return numpy_bert.bert_forward(
        numpy_bert.weights_from_keras_encoder(encoder),
        inputs["input_word_ids"],
        inputs["input_mask"],
        inputs["input_type_ids"],
        num_heads=NUM_HEADS,
        activation="gelu",
        num_layers=encoder.num_layers,
    )


def numpy_dense(x, layer):
    """`x @ kernel + bias` of a Keras `Dense` layer, in float64."""
    kernel = np.asarray(layer.kernel.numpy(), "float64")
    bias = np.asarray(layer.bias.numpy(), "float64")
    return x @ kernel + bias
