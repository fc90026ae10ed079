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

"""Hugging Face BERT and ALBERT directories, read from safetensors.

The weight names are those of `transformers`' `BertModel` /
`BertForPreTraining` and `AlbertModel` / `AlbertForPreTraining` state dicts,
with or without the `bert.` / `albert.` prefix. Linear weights are stored
PyTorch-style, `[out, in]`, and are transposed. Only `safetensors` files are
read: `pytorch_model.bin` is a pickle and is never loaded.
"""

import collections.abc
import os
import re

import numpy as np

from keras_nlp.conversion import encoder_mapping
from keras_nlp.conversion.encoder_mapping import ALBERT
from keras_nlp.conversion.encoder_mapping import BERT
from keras_nlp.conversion.encoder_mapping import GELU_APPROXIMATE
from keras_nlp.conversion.loaded_checkpoint import load_into_encoder
from keras_nlp.encoders import preset_utils

try:
    import safetensors
except ImportError:
    safetensors = None

FORMAT = "huggingface"
DESCRIPTION = (
    "a Hugging Face BERT or ALBERT directory (`config.json`, "
    "`model.safetensors` or `model.safetensors.index.json` with its shards, "
    "`vocab.txt` or `spiece.model`)"
)
SAFETENSORS_FILE = "model.safetensors"
SAFETENSORS_INDEX_FILE = "model.safetensors.index.json"
# Weight files of other frameworks, recognized only to explain the fix.
UNSUPPORTED_WEIGHT_FILES = (
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
    "tf_model.h5",
    "flax_model.msgpack",
)

# `transformers` activation names -> keras_nlp activations. "gelu" is the
# exact GELU there; the tanh approximation has several names.
ACTIVATIONS = {
    "gelu": "gelu",
    "gelu_python": "gelu",
    "gelu_new": GELU_APPROXIMATE,
    "gelu_pytorch_tanh": GELU_APPROXIMATE,
    "gelu_fast": GELU_APPROXIMATE,
    "relu": "relu",
    "tanh": "tanh",
    "linear": "linear",
    "silu": "silu",
    "swish": "silu",
}

# `transformers` config defaults, which a config.json may omit.
CONFIG_DEFAULTS = {
    BERT: {
        "vocab_size": 30522,
        "hidden_size": 768,
        "num_hidden_layers": 12,
        "num_attention_heads": 12,
        "intermediate_size": 3072,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 512,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
    },
    ALBERT: {
        "vocab_size": 30000,
        "embedding_size": 128,
        "hidden_size": 4096,
        "num_hidden_layers": 12,
        "num_attention_heads": 64,
        "intermediate_size": 16384,
        "hidden_act": "gelu_new",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": 512,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
    },
}

_BERT_BLOCK_NAMES = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "attention_output": "attention.output.dense",
    "attention_norm": "attention.output.LayerNorm",
    "intermediate": "intermediate.dense",
    "output": "output.dense",
    "output_norm": "output.LayerNorm",
}
_ALBERT_BLOCK = "encoder.albert_layer_groups.0.albert_layers.0"
_ALBERT_BLOCK_NAMES = {
    "query": "attention.query",
    "key": "attention.key",
    "value": "attention.value",
    "attention_output": "attention.dense",
    "attention_norm": "attention.LayerNorm",
    "intermediate": "ffn",
    "output": "ffn_output",
    "output_norm": "full_layer_layer_norm",
}
# Keras variable -> PyTorch parameter; layer norms may use either name.
_PARAMETERS = {
    "kernel": ("weight",),
    "bias": ("bias",),
    "gamma": ("weight", "gamma"),
    "beta": ("bias", "beta"),
}
_HEAD_NAMES = {
    BERT: {
        "masked_lm/dense": "cls.predictions.transform.dense",
        "masked_lm/norm": "cls.predictions.transform.LayerNorm",
        "masked_lm/output_bias": "cls.predictions.bias",
        "next_sentence": "cls.seq_relationship",
    },
    ALBERT: {
        "masked_lm/dense": "predictions.dense",
        "masked_lm/norm": "predictions.LayerNorm",
        "masked_lm/output_bias": "predictions.bias",
        "next_sentence": "sop_classifier.classifier",
    },
}
_DECODER = {BERT: "cls.predictions.decoder", ALBERT: "predictions.decoder"}

BUFFER_RULE = (
    r"embeddings\.(position_ids|token_type_ids)$",
    "non-trainable buffer",
)
TASK_HEAD_RULE = (r"^(classifier|qa_outputs)\.", "fine-tuning task head")
HEAD_RULE = (
    r"^(cls|predictions|sop_classifier)\.",
    "pretraining head not requested (with_mlm_head)",
)


class SafetensorsArrays(collections.abc.Mapping):
    """The tensors of one or more safetensors files, read on access."""

    def __init__(self, files):
        if safetensors is None:
            raise ImportError(
                "Reading Hugging Face checkpoints requires safetensors. "
                "Install it with: pip install safetensors"
            )
        self._handles = {}
        self._files = {}
        for file in files:
            handle = safetensors.safe_open(file, framework="numpy")
            for key in handle.keys():
                self._handles[key] = handle
                self._files[key] = file

    def __getitem__(self, name):
        if name not in self._handles:
            raise KeyError(name)
        array = self._handles[name].get_tensor(name)
        if array.dtype.kind == "f" and array.dtype != np.float64:
            # float16/bfloat16 weights are loaded in float32.
            array = array.astype(np.float32)
        return array

    def __iter__(self):
        return iter(sorted(self._handles))

    def __len__(self):
        return len(self._handles)

    def shape(self, name):
        """The shape of `name` (without reading it), or None if absent."""
        handle = self._handles.get(name)
        if handle is None:
            return None
        return tuple(handle.get_slice(name).get_shape())


def is_huggingface_directory(path):
    """Whether `path` looks like a Hugging Face model directory.

    True for a directory with a safetensors weight file, or with a
    `transformers` `config.json` (not a keras_nlp preset) and any weight file
    of another framework (loading then explains how to convert it).
    """
    path = os.fspath(path)
    if not os.path.isdir(path):
        return False
    files = set(os.listdir(path))
    if SAFETENSORS_FILE in files or SAFETENSORS_INDEX_FILE in files:
        return True
    if "config.json" not in files:
        return False
    try:
        if preset_utils.read_preset_config(path) is not None:
            return False
    except ValueError:
        return False
    return any(name in files for name in UNSUPPORTED_WEIGHT_FILES)


def weight_files(path):
    """The safetensors files of a Hugging Face directory.

    Raises:
        ValueError: if the directory has only weight files of other
            frameworks (such as a pickled `pytorch_model.bin`), or a
            broken shard index.
    """
    files = set(os.listdir(path))
    if SAFETENSORS_FILE in files:
        return [os.path.join(path, SAFETENSORS_FILE)]
    if SAFETENSORS_INDEX_FILE in files:
        index = _read_json(os.path.join(path, SAFETENSORS_INDEX_FILE))
        shards = sorted(set((index.get("weight_map") or {}).values()))
        missing = [name for name in shards if name not in files]
        if not shards or missing:
            raise ValueError(
                f"The shard index {SAFETENSORS_INDEX_FILE!r} in {path!r} "
                f"lists shards that are absent: {missing or 'none listed'}. "
                "Download every `model-*.safetensors` shard."
            )
        return [os.path.join(path, name) for name in shards]
    others = sorted(name for name in UNSUPPORTED_WEIGHT_FILES if name in files)
    raise ValueError(
        f"{path!r} has no safetensors weights. keras_nlp reads Hugging Face "
        f"weights only from `{SAFETENSORS_FILE}` (never a pickled "
        f"`pytorch_model.bin`, which can run arbitrary code). Received: a "
        f"directory holding {others}. Convert it with `transformers`: "
        "`AutoModel.from_pretrained(path).save_pretrained(path, "
        "safe_serialization=True)`, or download the `model.safetensors` "
        "file of the model."
    )


def detect_family(config, sources):
    """`"bert"` or `"albert"` from `config.json` or, failing that, the keys.

    Raises:
        ValueError: if the model is of another type, such as RoBERTa.
    """
    model_type = config.get("model_type")
    if model_type in (BERT, ALBERT):
        return model_type
    if model_type is None:
        if any("albert_layer_groups" in name for name in sources):
            return ALBERT
        if any(".attention.self.query." in name for name in sources):
            return BERT
    architectures = config.get("architectures") or []
    raise ValueError(
        "keras_nlp loads Hugging Face BERT and ALBERT models only. Received: "
        f"model_type={model_type!r}, architectures={architectures}. Convert "
        "a `bert` or `albert` model."
    )


def find_prefix(family, sources):
    """The key prefix (`"bert."`, `"albert."` or `""`) of the encoder."""
    for prefix in (f"{family}.", ""):
        if f"{prefix}embeddings.word_embeddings.weight" in sources:
            return prefix
    examples = sorted(sources)[:8]
    raise ValueError(
        f"The safetensors weights hold no {family.upper()} word embeddings "
        f"(`{family}.embeddings.word_embeddings.weight`). Received: keys "
        f"such as {examples}. Check that this is a {family.upper()} model."
    )


def names_for(family, prefix, sources):
    """The naming scheme `role -> (source_name, transposed)`."""

    def parameter(module, variable):
        candidates = [f"{module}.{name}" for name in _PARAMETERS[variable]]
        for candidate in candidates:
            if candidate in sources:
                return candidate
        return candidates[0]

    embeddings = {
        "word": "word_embeddings",
        "position": "position_embeddings",
        "type": "token_type_embeddings",
    }

    def names(role):
        parts = role.split("/")
        if parts[0] == "embeddings":
            if parts[1] in embeddings:
                name = f"{prefix}embeddings.{embeddings[parts[1]]}.weight"
                return name, False
            if parts[1] == "norm":
                module = f"{prefix}embeddings.LayerNorm"
            else:  # projection
                module = f"{prefix}encoder.embedding_hidden_mapping_in"
            return parameter(module, parts[2]), parts[2] == "kernel"
        if parts[0] == "layer" or parts[0].startswith("layer_"):
            block, variable = parts[1], parts[2]
            if family == ALBERT:
                module = f"{prefix}{_ALBERT_BLOCK}.{_ALBERT_BLOCK_NAMES[block]}"
            else:
                index = parts[0][len("layer_") :]
                module = (
                    f"{prefix}encoder.layer.{index}."
                    f"{_BERT_BLOCK_NAMES[block]}"
                )
            return parameter(module, variable), variable == "kernel"
        if parts[0] == "pooler":
            module = (
                f"{prefix}pooler.dense" if family == BERT else f"{prefix}pooler"
            )
            return parameter(module, parts[1]), parts[1] == "kernel"
        heads = _HEAD_NAMES[family]
        if role == "masked_lm/output_bias":
            return heads[role], False
        module = heads["/".join(parts[:-1])]
        return parameter(module, parts[-1]), parts[-1] == "kernel"

    return names


def read_config(path):
    """The `config.json` of a Hugging Face directory as a dict, or {}."""
    config_path = os.path.join(path, "config.json")
    if not os.path.isfile(config_path):
        return {}
    return _read_json(config_path)


def config_from_source(source, family, config_path):
    """Translates a `transformers` config dict to encoder arguments."""
    defaults = CONFIG_DEFAULTS[family]

    def get(key):
        return source.get(key, defaults.get(key))

    for key, supported in (
        ("position_embedding_type", "absolute"),
        ("is_decoder", False),
        ("add_cross_attention", False),
        ("num_hidden_groups", 1),
        ("inner_group_num", 1),
    ):
        if source.get(key, supported) != supported:
            raise ValueError(
                f"`{key}` must be {supported!r} for a keras_nlp encoder. "
                f"Received: {key}={source[key]!r} in {config_path!r}. This "
                "model variant is not supported."
            )
    config = encoder_mapping.encoder_config(
        get, ACTIVATIONS, config_path, family
    )
    config["norm_epsilon"] = get("layer_norm_eps")
    return config


def load_checkpoint(path, cls=None, with_mlm_head=False, config_overrides=None):
    """Loads a Hugging Face BERT or ALBERT directory (safetensors).

    Args:
        path: str. The model directory.
        cls: the encoder class requested, or None for the model's own.
        with_mlm_head: bool. Whether to load the masked LM (and, if present,
            next-sentence or sentence-order) heads; otherwise they are
            skipped.
        config_overrides: dict of encoder arguments that replace those read
            from `config.json` or inferred from the weights.

    Returns:
        A `keras_nlp.conversion.LoadedCheckpoint`.

    Raises:
        ValueError: if the directory has no safetensors weights, is not a
            BERT or ALBERT model, `cls` is the wrong encoder class, the
            config is unusable, or any weight is missing, unaccounted for or
            of the wrong shape.
    """
    path = os.fspath(path)
    files = weight_files(path)
    sources = SafetensorsArrays(files)
    source_config = read_config(path)
    family = detect_family(source_config, sources)
    prefix = find_prefix(family, sources)
    names = names_for(family, prefix, sources)
    notes = []
    if source_config:
        config_path = os.path.join(path, "config.json")
        config = config_from_source(source_config, family, config_path)
        config_origin = "config.json"
    else:
        config_origin = "the weight shapes (no config.json)"
        config, notes = encoder_mapping.infer_config(
            family,
            encoder_mapping.source_shapes(names, sources),
            config_overrides,
        )
        # Without config.json, assume the `transformers` default.
        config["inner_activation"] = ACTIVATIONS[
            CONFIG_DEFAULTS[family]["hidden_act"]
        ]
        notes[0] = (
            f"inner_activation: assumed the transformers default "
            f"{CONFIG_DEFAULTS[family]['hidden_act']!r}"
        )

    skip_rules = [BUFFER_RULE, TASK_HEAD_RULE]
    if with_mlm_head:
        # The decoder duplicates the word embeddings and the output bias;
        # skipping it is only safe when it is an exact copy.
        decoder = _DECODER[family]
        word_name, _ = names("embeddings/word")
        bias_name = _HEAD_NAMES[family]["masked_lm/output_bias"]
        for name, original, rule in (
            (f"{decoder}.weight", word_name, "tied to the word embeddings"),
            (f"{decoder}.bias", bias_name, "duplicate of the output bias"),
        ):
            if name in sources:
                _check_tied(sources, name, original, path)
                skip_rules.append(("^" + re.escape(name) + "$", rule))
    else:
        skip_rules.append(HEAD_RULE)
    label = family.upper()
    return load_into_encoder(
        path=path,
        source_format=FORMAT,
        source_description=(
            f"the Hugging Face {label} weights in "
            f"{[os.path.basename(f) for f in files]} of {path!r}"
        ),
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


def _check_tied(sources, name, original, path):
    if original not in sources:
        return  # Reported as a missing weight by the plan.
    if sources.shape(name) != sources.shape(original) or not np.array_equal(
        sources[name], sources[original]
    ):
        raise ValueError(
            f"`{name}` in {path!r} differs from `{original}`. keras_nlp's "
            "MaskedLM head ties its output projection to the word embeddings "
            "(and its bias to the output bias), as BERT does; this model "
            "unties them, so its head cannot be loaded without changing its "
            "predictions. Load without the masked LM head."
        )


def _read_json(path):
    data = preset_utils.read_json(path, fix="Fix or re-download the file.")
    return data if isinstance(data, dict) else {}
