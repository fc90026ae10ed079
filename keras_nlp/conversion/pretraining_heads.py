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

"""The optional BERT pretraining heads: masked LM and next sentence.

A converted preset stores their weights beside the encoder's, in
`pretraining_heads.npz` (one array per role, Keras layouts), described under
the `"pretraining_heads"` key of `config.json`. The encoder's own loader
ignores both, so a preset with heads is still an ordinary encoder preset.
"""

import json
import os

import keras
import numpy as np

from keras_nlp.conversion import encoder_mapping
from keras_nlp.conversion.weight_plan import WeightPlan
from keras_nlp.layers.masked_lm import MaskedLM

HEADS_FILE = "pretraining_heads.npz"
HEADS_KEY = "pretraining_heads"


def build_masked_lm(encoder, activation):
    """A built `MaskedLM` head tied to `encoder`'s word embeddings.

    Args:
        encoder: a `BertEncoder` or `AlbertEncoder`.
        activation: the activation of the head's dense transform (the
            checkpoint's hidden activation).
    """
    head = MaskedLM(
        embedding_table=encoder.get_embedding_table(),
        activation=activation,
        dtype=encoder.dtype_policy,
        name="masked_lm",
    )
    head.build((None, None, encoder.hidden_size), (None, None))
    return head


def build_next_sentence(encoder):
    """A built 2-way `Dense` head on `pooled_output` (NSP or ALBERT's SOP)."""
    head = keras.layers.Dense(
        2, dtype=encoder.dtype_policy, name="next_sentence"
    )
    head.build((None, encoder.hidden_size))
    return head


def head_slots(masked_lm=None, next_sentence=None):
    """The `(role, variable, kind)` slots of the heads that are not None."""
    slots = []
    if masked_lm is not None:
        slots += encoder_mapping.masked_lm_slots(masked_lm)
    if next_sentence is not None:
        slots += encoder_mapping.next_sentence_slots(next_sentence)
    return slots


def save_pretraining_heads(path, masked_lm=None, next_sentence=None):
    """Writes the heads' weights to `path/pretraining_heads.npz`.

    Returns:
        The dict to store under `"pretraining_heads"` in `config.json`.
    """
    arrays = {
        role: keras.ops.convert_to_numpy(variable)
        for role, variable, _ in head_slots(masked_lm, next_sentence)
    }
    with open(os.path.join(path, HEADS_FILE), "wb") as file:
        np.savez(file, **arrays)
    metadata = {
        "weights": HEADS_FILE,
        "next_sentence": next_sentence is not None,
    }
    if masked_lm is not None:
        metadata["masked_lm"] = {
            "activation": keras.activations.serialize(masked_lm.activation)
        }
    return metadata


def load_pretraining_heads(path, encoder):
    """Loads the pretraining heads stored in a converted preset directory.

    Args:
        path: str. A preset directory written by
            `keras_nlp.conversion.convert_to_preset(..., with_mlm_head=True)`.
        encoder: the encoder loaded from the same preset (for example by
            `BertEncoder.from_preset(path)`); the masked-LM head is tied to
            its word embeddings.

    Returns:
        A tuple `(masked_lm, next_sentence)`: a `keras_nlp.layers.MaskedLM`
        and a 2-way `keras.layers.Dense` on `pooled_output`, each None if the
        preset has no such head.

    Raises:
        ValueError: if the preset holds no pretraining heads, or their
            weights do not fit the encoder.
    """
    path = os.fspath(path)
    config_path = os.path.join(path, "config.json")
    metadata = {}
    if os.path.isfile(config_path):
        with open(config_path, encoding="utf-8") as file:
            metadata = json.load(file).get(HEADS_KEY) or {}
    weights_path = os.path.join(path, metadata.get("weights", HEADS_FILE))
    if not metadata or not os.path.isfile(weights_path):
        found = sorted(os.listdir(path)) if os.path.isdir(path) else []
        raise ValueError(
            f"The preset at {path!r} holds no pretraining heads. Expected "
            f'`{HEADS_FILE}` and a "{HEADS_KEY}" entry in `config.json`. '
            f"Received: a directory holding {found}. Convert the checkpoint "
            "again with `--with_mlm_head` (or `with_mlm_head=True`)."
        )
    masked_lm = None
    if "masked_lm" in metadata:
        masked_lm = build_masked_lm(
            encoder, metadata["masked_lm"].get("activation")
        )
    next_sentence = None
    if metadata.get("next_sentence"):
        next_sentence = build_next_sentence(encoder)
    with np.load(weights_path, allow_pickle=False) as stored:
        sources = {name: stored[name] for name in stored.files}
    slots = head_slots(masked_lm, next_sentence)
    plan = WeightPlan(
        sources,
        [variable for _, variable, _ in slots],
        source_description=f"the pretraining heads in {weights_path!r}",
        target_description="the pretraining heads",
    )
    encoder_mapping.plan_weights(plan, slots, lambda role: (role, False))
    plan.assign()
    return masked_lm, next_sentence
