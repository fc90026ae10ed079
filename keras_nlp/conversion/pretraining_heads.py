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

A converted preset stores their weights in `pretraining_heads.npz` (one
array per `weight_mapping` role, keras_nlp layouts), described under the
`"pretraining_heads"` key of `config.json`. The encoder's loader ignores
both, so a preset with heads is still an ordinary encoder preset.
"""

import os

import keras
import numpy as np

from keras_nlp.conversion import weight_mapping
from keras_nlp.encoders import preset
from keras_nlp.layers.masked_lm import MaskedLM

HEADS_FILE = "pretraining_heads.npz"
HEADS_KEY = "pretraining_heads"


def build_masked_lm(encoder, activation):
    """A built `MaskedLM` head tied to `encoder`'s word embeddings."""
    head = MaskedLM(
        embedding_table=encoder.get_embedding_table(),
        activation=activation,
        dtype=encoder.dtype_policy,
        name="masked_lm",
    )
    head.build((None, None, encoder.hidden_size), (None, None))
    return head


def build_next_sentence(encoder):
    """A built 2-way `Dense` on `pooled_output` (NSP, or ALBERT's SOP)."""
    head = keras.layers.Dense(
        2, dtype=encoder.dtype_policy, name="next_sentence"
    )
    head.build((None, encoder.hidden_size))
    return head


def save(directory, masked_lm=None, next_sentence=None):
    """Writes the heads to `directory/pretraining_heads.npz`.

    Returns:
        The entry to store under `"pretraining_heads"` in `config.json`.
    """
    arrays = {
        role: keras.ops.convert_to_numpy(variable)
        for role, variable, _ in weight_mapping.head_slots(
            masked_lm, next_sentence
        )
    }
    with open(os.path.join(directory, HEADS_FILE), "wb") as file:
        np.savez(file, **arrays)
    entry = {"weights": HEADS_FILE, "next_sentence": next_sentence is not None}
    if masked_lm is not None:
        activation = keras.activations.serialize(masked_lm.activation)
        entry["masked_lm"] = {"activation": activation}
    return entry


def load(path, encoder):
    """Loads the pretraining heads of a converted preset directory.

    Args:
        path: str. A preset written by
            `keras_nlp.conversion.convert_to_preset(..., with_mlm_head=True)`.
        encoder: the encoder loaded from the same preset; the masked LM is
            tied to its word embeddings.

    Returns:
        `(masked_lm, next_sentence)`, each None if the preset lacks it.

    Raises:
        ValueError: if the preset holds no heads, or they do not fit.
    """
    path = os.fspath(path)
    entry = (preset.read_preset_config(path) or {}).get(HEADS_KEY) or {}
    weights_path = preset.file_in_preset(
        path, entry.get("weights", HEADS_FILE), key=f"{HEADS_KEY}.weights"
    )
    if not entry or not os.path.isfile(weights_path):
        found = sorted(os.listdir(path)) if os.path.isdir(path) else []
        raise ValueError(
            f"The preset at {path!r} holds no pretraining heads. Expected "
            f'`{HEADS_FILE}` and a "{HEADS_KEY}" entry in `config.json`. '
            f"Received: a directory holding {found}. Convert the checkpoint "
            "again with `--with_mlm_head` (or `with_mlm_head=True`)."
        )
    masked_lm = next_sentence = None
    if "masked_lm" in entry:
        activation = entry["masked_lm"].get("activation")
        masked_lm = build_masked_lm(encoder, activation)
    if entry.get("next_sentence"):
        next_sentence = build_next_sentence(encoder)
    try:
        with np.load(weights_path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
    except (OSError, ValueError) as error:
        raise ValueError(
            f"Cannot read {weights_path!r} ({error}); it is probably "
            "truncated or corrupted. Convert the checkpoint again."
        ) from None
    weight_mapping.assign_weights(
        arrays,
        lambda role: (role, weight_mapping.KERAS),
        weight_mapping.head_slots(masked_lm, next_sentence),
        [],
        f"the pretraining heads in {weights_path!r}",
        "the pretraining heads",
    )
    return masked_lm, next_sentence
