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

"""Reader of original google-research BERT and ALBERT TF1 checkpoints.

The names are those `modeling.py` of github.com/google-research/bert and
github.com/google-research/albert writes: `bert/embeddings/*`,
`bert/encoder/layer_<k>/*` (BERT) or the shared
`bert/encoder/transformer/group_0/inner_group_0/*` (ALBERT), `bert/pooler/*`
and the pretraining heads under `cls/`. Kernels are `[in, out]`; the
attention matrices are flat `[hidden, hidden]`.
"""

import glob
import os
import re

import tensorflow as tf

from keras_nlp.conversion import tokenizer_settings
from keras_nlp.conversion import weight_mapping
from keras_nlp.conversion.weight_mapping import FLAT
from keras_nlp.encoders import preset

CONFIG_FILES = {"bert": "bert_config.json", "albert": "albert_config.json"}
DESCRIPTION = (
    "an original google-research BERT or ALBERT checkpoint: a directory "
    "holding `bert_model.ckpt.index` and `.data-*` (or `model.ckpt-<step>.*`)"
    " with `bert_config.json`/`albert_config.json`, or the checkpoint prefix "
    "itself"
)

_NAMES = {
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
    # Stored `[2, hidden]`, as a PyTorch kernel is.
    "next_sentence/kernel": "cls/seq_relationship/output_weights",
    "next_sentence/bias": "cls/seq_relationship/output_bias",
}
_BERT_BLOCK = {
    "query": "attention/self/query",
    "key": "attention/self/key",
    "value": "attention/self/value",
    "attention_output": "attention/output/dense",
    "attention_norm": "attention/output/LayerNorm",
    "intermediate": "intermediate/dense",
    "output": "output/dense",
    "output_norm": "output/LayerNorm",
}
_ALBERT_PREFIX = "bert/encoder/transformer/group_0/inner_group_0"
_ALBERT_BLOCK = {
    "query": "attention_1/self/query",
    "key": "attention_1/self/key",
    "value": "attention_1/self/value",
    "attention_output": "attention_1/output/dense",
    "attention_norm": "LayerNorm",
    "intermediate": "ffn_1/intermediate/dense",
    "output": "ffn_1/intermediate/output/dense",
    "output_norm": "LayerNorm_1",
}
SKIP_RULES = [
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
HEAD_RULE = (r"^cls/", "pretraining head not requested")
CONFIG_DEFAULTS = {
    "type_vocab_size": 2,
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "initializer_range": 0.02,
}
# The original `gelu` is the tanh approximation.
ACTIVATIONS = {
    "gelu": weight_mapping.GELU_APPROXIMATE,
    "relu": "relu",
    "tanh": "tanh",
    "linear": "linear",
}


def find_prefix(path):
    """The checkpoint prefix at `path` (a directory or a prefix), or None.

    In a directory: the one `*.index` with its data shards, the one a
    `checkpoint` state file names, or the highest `model.ckpt-<step>`.

    Raises:
        ValueError: if a directory holds several checkpoints and none is
            preferred.
    """
    path = os.fspath(path)
    if not os.path.isdir(path):
        return path if os.path.isfile(path + ".index") else None
    prefixes = sorted(
        index[: -len(".index")]
        for index in glob.glob(os.path.join(glob.escape(path), "*.index"))
    )
    if len(prefixes) <= 1:
        return prefixes[0] if prefixes else None
    if os.path.isfile(os.path.join(path, "checkpoint")):
        latest = tf.train.latest_checkpoint(path)
        if latest in prefixes:
            return latest
    steps = [re.search(r"-(\d+)$", prefix) for prefix in prefixes]
    if all(steps):
        return max(zip((int(s.group(1)) for s in steps), prefixes))[1]
    raise ValueError(
        f"{path!r} holds several checkpoints and none is marked as the "
        f"latest. Received: {[os.path.basename(p) for p in prefixes]}. Pass "
        "the prefix of one (e.g. `.../bert_model.ckpt`), or add a "
        "`checkpoint` state file."
    )


def read(path, config_overrides=None):
    """Reads an original checkpoint into a `SourceRecord` (reads no array).

    Raises:
        ValueError: if the checkpoint files are unreadable (truncated or
            corrupted), hold neither a BERT nor an ALBERT encoder, or the
            config file is malformed or describes an unsupported variant.
    """
    prefix = find_prefix(path)
    directory = path if os.path.isdir(path) else os.path.dirname(path)
    try:
        reader = tf.train.load_checkpoint(prefix)
        shapes = reader.get_variable_to_shape_map()
        dtypes = {
            name: dtype.as_numpy_dtype
            for name, dtype in reader.get_variable_to_dtype_map().items()
        }
    except (tf.errors.OpError, ValueError, IndexError, OSError) as error:
        raise _corrupted(prefix, error) from None

    def read_array(name):
        try:
            return reader.get_tensor(name)
        except (tf.errors.OpError, ValueError, IndexError, OSError) as error:
            raise _corrupted(prefix, error) from None

    arrays = weight_mapping.SourceArrays(shapes, dtypes, read_array)
    if any(name.startswith("bert/encoder/transformer/") for name in shapes):
        family = "albert"
    elif any(name.startswith("bert/encoder/layer_") for name in shapes):
        family = "bert"
    else:
        raise ValueError(
            f"The checkpoint {prefix!r} holds no BERT or ALBERT encoder (no "
            "`bert/encoder/layer_<k>/` or `bert/encoder/transformer/` "
            f"variables). Received: variables such as {sorted(shapes)[:8]}. "
            "Pass an original google-research BERT or ALBERT checkpoint."
        )
    names = _name_table(family)
    config_path = os.path.join(directory, CONFIG_FILES[family])
    other = CONFIG_FILES["bert" if family == "albert" else "albert"]
    if not os.path.isfile(config_path) and os.path.isfile(
        os.path.join(directory, other)
    ):
        raise ValueError(
            f"The checkpoint {prefix!r} holds {family.upper()} variables, but "
            f"its directory has `{other}` instead of `{CONFIG_FILES[family]}`."
            " Received: the config of another model family. Put the "
            "checkpoint beside its own config file."
        )
    notes = []
    if os.path.isfile(config_path):
        source = preset.read_json(
            config_path,
            fix="Fix it, or remove it to infer the config from the weights.",
        )
        config = _config_from_source(source, family, config_path)
        config.update(config_overrides or {})
        config_origin = CONFIG_FILES[family]
    else:
        config, notes = weight_mapping.infer_config(
            family, names, arrays, config_overrides
        )
        config_origin = "the weight shapes (no config file)"
    settings, origin = tokenizer_settings.read_settings(directory)
    if settings:
        notes.append(f"tokenizer settings {settings} from {origin}")
    label = family.upper()
    return weight_mapping.SourceRecord(
        source_format="tf1_checkpoint",
        family=family,
        path=path,
        description=f"the original {label} checkpoint {prefix!r}",
        arrays=arrays,
        names=names,
        config=config,
        config_origin=config_origin,
        skip_rules=SKIP_RULES,
        head_rule=HEAD_RULE,
        vocabulary_file=tokenizer_settings.find_vocabulary(directory)[0],
        tokenizer_settings=settings,
        notes=notes,
    )


def _name_table(family):
    def names(role):
        head, _, rest = role.partition("/")
        if head == "layer" or head.startswith("layer_"):
            block, _, variable = rest.rpartition("/")
            if family == "albert":
                name = f"{_ALBERT_PREFIX}/{_ALBERT_BLOCK[block]}"
            else:
                name = f"bert/encoder/{head}/{_BERT_BLOCK[block]}"
            return f"{name}/{variable}", FLAT
        if role == "next_sentence/kernel":
            return _NAMES[role], weight_mapping.TORCH
        return _NAMES[role], FLAT

    return names


def _config_from_source(source, family, config_path):
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

    if family == "albert":
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
    return weight_mapping.encoder_config(get, ACTIVATIONS, config_path, family)


def _corrupted(prefix, error):
    message = str(error).strip().splitlines()[0][:300]
    return ValueError(
        f"Cannot read the TF checkpoint {prefix!r} (its `.index` and "
        f"`.data-*` files): {message}. The files are probably truncated or "
        "corrupted; download or copy the checkpoint again."
    )
