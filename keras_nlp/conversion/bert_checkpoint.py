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

"""Original google-research BERT and ALBERT TensorFlow 1 checkpoints.

The variable names are those written by `modeling.py` of
github.com/google-research/bert and github.com/google-research/albert:
`bert/embeddings/*`, `bert/encoder/layer_<k>/*` (BERT) or the shared
`bert/encoder/transformer/group_0/inner_group_0/*` (ALBERT), `bert/pooler/*`
and the pretraining heads under `cls/`. Kernels are stored `[in, out]`, as in
Keras; the attention matrices are flat `[hidden, hidden]`.
"""

import collections.abc
import glob
import os
import re

import tensorflow as tf

from keras_nlp.conversion import encoder_mapping
from keras_nlp.conversion.encoder_mapping import ALBERT
from keras_nlp.conversion.encoder_mapping import BERT
from keras_nlp.conversion.encoder_mapping import GELU_APPROXIMATE
from keras_nlp.conversion.loaded_checkpoint import load_into_encoder
from keras_nlp.encoders import preset_utils

BERT_FORMAT = "bert_checkpoint"
ALBERT_FORMAT = "albert_checkpoint"
CONFIG_FILES = {BERT: "bert_config.json", ALBERT: "albert_config.json"}
BERT_DESCRIPTION = (
    "an original google-research BERT checkpoint directory "
    "(`bert_config.json`, `bert_model.ckpt.index` and "
    "`bert_model.ckpt.data-*`, `vocab.txt`)"
)
ALBERT_DESCRIPTION = (
    "an original google-research ALBERT checkpoint directory "
    "(`albert_config.json`, `model.ckpt-<step>.index` and `.data-*` or "
    "`model.ckpt.*`, `30k-clean.model`)"
)

# Roles outside the Transformer blocks (see encoder_mapping).
_COMMON_NAMES = {
    "embeddings/word": "bert/embeddings/word_embeddings",
    "embeddings/position": "bert/embeddings/position_embeddings",
    "embeddings/type": "bert/embeddings/token_type_embeddings",
    "embeddings/norm/gamma": "bert/embeddings/LayerNorm/gamma",
    "embeddings/norm/beta": "bert/embeddings/LayerNorm/beta",
    "embeddings/projection/kernel": (
        "bert/encoder/embedding_hidden_mapping_in/kernel"
    ),
    "embeddings/projection/bias": (
        "bert/encoder/embedding_hidden_mapping_in/bias"
    ),
    "pooler/kernel": "bert/pooler/dense/kernel",
    "pooler/bias": "bert/pooler/dense/bias",
    "masked_lm/dense/kernel": "cls/predictions/transform/dense/kernel",
    "masked_lm/dense/bias": "cls/predictions/transform/dense/bias",
    "masked_lm/norm/gamma": "cls/predictions/transform/LayerNorm/gamma",
    "masked_lm/norm/beta": "cls/predictions/transform/LayerNorm/beta",
    "masked_lm/output_bias": "cls/predictions/output_bias",
    # Stored [2, hidden]: transposed into the Dense kernel [hidden, 2].
    "next_sentence/kernel": "cls/seq_relationship/output_weights",
    "next_sentence/bias": "cls/seq_relationship/output_bias",
}
_TRANSPOSED_ROLES = ("next_sentence/kernel",)

# Block roles -> names under `bert/encoder/layer_<k>/`.
_BERT_BLOCK_NAMES = {
    "query": "attention/self/query",
    "key": "attention/self/key",
    "value": "attention/self/value",
    "attention_output": "attention/output/dense",
    "attention_norm": "attention/output/LayerNorm",
    "intermediate": "intermediate/dense",
    "output": "output/dense",
    "output_norm": "output/LayerNorm",
}
# Block roles -> names under the shared ALBERT block.
_ALBERT_BLOCK = "bert/encoder/transformer/group_0/inner_group_0"
_ALBERT_BLOCK_NAMES = {
    "query": "attention_1/self/query",
    "key": "attention_1/self/key",
    "value": "attention_1/self/value",
    "attention_output": "attention_1/output/dense",
    "attention_norm": "LayerNorm",
    "intermediate": "ffn_1/intermediate/dense",
    "output": "ffn_1/intermediate/output/dense",
    "output_norm": "LayerNorm_1",
}

# Source variables that are not model weights, skipped by these rules.
TRAINING_STATE_RULES = [
    (
        r"/(adam_m|adam_v|Adam|Adam_1|Momentum|lamb_m|lamb_v|LAMB|LAMB_1)$",
        "optimizer slot",
    ),
    (r"^global_step$", "training step counter"),
    (r"^(loss_scale|good_steps|current_loss_scale)$", "loss scale state"),
    (
        r"^(output_weights|output_bias|cls/squad/.*|loss/.*)$",
        "fine-tuning task head",
    ),
]
HEAD_RULE = (r"^cls/", "pretraining head not requested (with_mlm_head)")

# Defaults of the original code for entries a config file may omit.
CONFIG_DEFAULTS = {
    "type_vocab_size": 2,
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "initializer_range": 0.02,
}

# Activation names of the original code -> keras_nlp activations. The
# original `gelu` is the tanh approximation.
ACTIVATIONS = {
    "gelu": GELU_APPROXIMATE,
    "relu": "relu",
    "tanh": "tanh",
    "linear": "linear",
}


def names_for(family):
    """The naming scheme `role -> (source_name, transposed)` of `family`."""

    def names(role):
        head, _, rest = role.partition("/")
        if head == "layer" or head.startswith("layer_"):
            block, _, variable = rest.rpartition("/")
            if family == ALBERT:
                name = f"{_ALBERT_BLOCK}/{_ALBERT_BLOCK_NAMES[block]}"
            else:
                name = f"bert/encoder/{head}/{_BERT_BLOCK_NAMES[block]}"
            return f"{name}/{variable}", False
        return _COMMON_NAMES[role], role in _TRANSPOSED_ROLES

    return names


class CheckpointArrays(collections.abc.Mapping):
    """The variables of a TF checkpoint as a read-on-access mapping."""

    def __init__(self, prefix):
        self.prefix = prefix
        self._reader = tf.train.load_checkpoint(prefix)
        self._shapes = self._reader.get_variable_to_shape_map()

    def __getitem__(self, name):
        if name not in self._shapes:
            raise KeyError(name)
        return self._reader.get_tensor(name)

    def __iter__(self):
        return iter(sorted(self._shapes))

    def __len__(self):
        return len(self._shapes)

    def shape(self, name):
        """The shape of `name` (without reading it), or None if absent."""
        shape = self._shapes.get(name)
        return None if shape is None else tuple(shape)


def find_checkpoint_prefix(path):
    """The checkpoint prefix in directory `path`, or None if it has none.

    A `checkpoint` state file picks the prefix when present; otherwise a
    single `*.index` file with its data shards, or else the one with the
    highest step number (`model.ckpt-<step>`).

    Raises:
        ValueError: if several checkpoints are present and none is preferred.
    """
    path = os.fspath(path)
    if not os.path.isdir(path):
        return None
    prefixes = sorted(
        index[: -len(".index")]
        for index in glob.glob(os.path.join(glob.escape(path), "*.index"))
        if glob.glob(glob.escape(index[: -len(".index")]) + ".data-*")
    )
    if not prefixes:
        return None
    if len(prefixes) == 1:
        return prefixes[0]
    if os.path.isfile(os.path.join(path, "checkpoint")):
        latest = tf.train.latest_checkpoint(path)
        if latest in prefixes:
            return latest
    steps = [re.search(r"-(\d+)$", prefix) for prefix in prefixes]
    if all(steps):
        return max(zip((int(s.group(1)) for s in steps), prefixes))[1]
    raise ValueError(
        f"{path!r} holds several checkpoints and none is marked as the "
        f"latest. Received: {[os.path.basename(p) for p in prefixes]}. Keep "
        "one checkpoint in the directory, or add a `checkpoint` state file."
    )


def checkpoint_family(path):
    """`"bert"`, `"albert"` or None: which original checkpoint `path` holds.

    Decided by the config file (`bert_config.json` or `albert_config.json`)
    or, without one, by the variable names. Never raises.
    """
    try:
        prefix = find_checkpoint_prefix(path)
    except ValueError:
        # Several checkpoints: still this format; loading explains.
        prefix = ""
    if prefix is None:
        return None
    for family, config_file in CONFIG_FILES.items():
        if os.path.isfile(os.path.join(path, config_file)):
            return family
    if not prefix:
        return None
    try:
        names = [name for name, _ in tf.train.list_variables(prefix)]
    except (tf.errors.OpError, ValueError):
        return None
    if any(name.startswith("bert/encoder/transformer/") for name in names):
        return ALBERT
    if any(name.startswith("bert/encoder/layer_") for name in names):
        return BERT
    return None


def is_bert_checkpoint(path):
    """Whether `path` is an original BERT checkpoint directory."""
    return checkpoint_family(path) == BERT


def is_albert_checkpoint(path):
    """Whether `path` is an original ALBERT checkpoint directory."""
    return checkpoint_family(path) == ALBERT


def read_config(path, family):
    """Encoder arguments from the directory's config file, or None.

    Raises:
        ValueError: if the file is malformed, lacks a needed entry, or
            describes an architecture keras_nlp does not implement.
    """
    config_path = os.path.join(path, CONFIG_FILES[family])
    if not os.path.isfile(config_path):
        return None
    source = preset_utils.read_json(
        config_path,
        fix="Fix the file, or remove it to infer the config from the weights.",
    )
    return config_from_source(source, family, config_path)


def config_from_source(source, family, config_path):
    """Translates a `bert_config.json`/`albert_config.json` dict."""

    def get(key):
        if key in source:
            return source[key]
        if key not in CONFIG_DEFAULTS:
            raise ValueError(
                f"{config_path!r} lacks the entry `{key}`. Received: the "
                f"entries {sorted(source)}. Use the config file released "
                "with the checkpoint."
            )
        return CONFIG_DEFAULTS[key]

    if family == ALBERT:
        for key, supported in (
            ("num_hidden_groups", 1),
            ("inner_group_num", 1),
            ("net_structure_type", 0),
            ("down_scale_factor", 1),
        ):
            if source.get(key, supported) != supported:
                raise ValueError(
                    f"`{key}` must be {supported} for keras_nlp's "
                    "AlbertEncoder (one shared Transformer block). Received: "
                    f"{key}={source[key]!r} in {config_path!r}. This ALBERT "
                    "variant is not supported."
                )
        if source.get("layers_to_keep"):
            raise ValueError(
                "`layers_to_keep` is not supported by AlbertEncoder. "
                f"Received: layers_to_keep={source['layers_to_keep']!r} in "
                f"{config_path!r}."
            )
    return encoder_mapping.encoder_config(get, ACTIVATIONS, config_path, family)


def load_checkpoint(
    path, cls=None, with_mlm_head=False, config_overrides=None, family=None
):
    """Loads an original BERT or ALBERT checkpoint directory.

    Args:
        path: str. The checkpoint directory.
        cls: the encoder class requested, or None for the checkpoint's own.
        with_mlm_head: bool. Whether to load the masked LM (and, if present,
            next-sentence) heads from `cls/`; otherwise they are skipped.
        config_overrides: dict of encoder arguments that replace those read
            from the config file or inferred from the weights.
        family: `"bert"` or `"albert"`, or None to detect it.

    Returns:
        A `keras_nlp.conversion.LoadedCheckpoint`.

    Raises:
        ValueError: if `path` holds no such checkpoint, its config is
            unusable, `cls` is the wrong encoder class, or any weight is
            missing, unaccounted for or of the wrong shape.
    """
    path = os.fspath(path)
    family = family or checkpoint_family(path)
    prefix = find_checkpoint_prefix(path)
    if family is None or prefix is None:
        found = sorted(os.listdir(path)) if os.path.isdir(path) else []
        raise ValueError(
            f"{path!r} is not an original BERT or ALBERT checkpoint "
            f"directory. Expected {BERT_DESCRIPTION} or "
            f"{ALBERT_DESCRIPTION}. Received: a directory holding {found}."
        )
    sources = CheckpointArrays(prefix)
    names = names_for(family)
    notes = []
    config = read_config(path, family)
    config_origin = CONFIG_FILES[family]
    if config is None:
        config_origin = "the weight shapes (no config file)"
        config, notes = encoder_mapping.infer_config(
            family,
            encoder_mapping.source_shapes(names, sources),
            config_overrides,
        )
    skip_rules = list(TRAINING_STATE_RULES)
    if not with_mlm_head:
        skip_rules.append(HEAD_RULE)
    label = "ALBERT" if family == ALBERT else "BERT"
    return load_into_encoder(
        path=path,
        source_format=ALBERT_FORMAT if family == ALBERT else BERT_FORMAT,
        source_description=f"the original {label} checkpoint {prefix!r}",
        family=family,
        sources=sources,
        names=names,
        config=config,
        config_origin=config_origin,
        config_overrides=config_overrides,
        skip_rules=skip_rules,
        with_mlm_head=with_mlm_head,
        cls=cls,
        notes=notes,
    )
