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

"""Reader of Hugging Face BERT and ALBERT directories (safetensors only).

The names are those of `transformers`' `BertModel`/`BertForPreTraining` and
`AlbertModel`/`AlbertForPreTraining` state dicts, with or without the
`bert.`/`albert.` prefix. Linear weights are PyTorch's `[out, in]`. Only
`safetensors` files are read: a pickled `pytorch_model.bin` is never loaded.
"""

import os
import re

import numpy as np

from keras_nlp.conversion import tokenizer_settings
from keras_nlp.conversion import weight_mapping
from keras_nlp.conversion.weight_mapping import GELU_APPROXIMATE
from keras_nlp.conversion.weight_mapping import TORCH
from keras_nlp.encoders import preset

SAFETENSORS_FILE = "model.safetensors"
SAFETENSORS_INDEX_FILE = "model.safetensors.index.json"
DESCRIPTION = (
    "a Hugging Face BERT or ALBERT directory (`config.json`, "
    "`model.safetensors` or `model.safetensors.index.json` with its shards)"
)
# Weight files of other frameworks, recognized only to explain the fix.
UNSUPPORTED_WEIGHT_FILES = (
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
    "tf_model.h5",
    "flax_model.msgpack",
)
# `transformers` activation names: "gelu" is the exact GELU there.
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
# `transformers` defaults for entries a config.json may omit.
CONFIG_DEFAULTS = {
    "bert": {
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
    },
    "albert": {
        "hidden_act": "gelu_new",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
    },
}
_BERT_BLOCK = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "attention_output": "attention.output.dense",
    "attention_norm": "attention.output.LayerNorm",
    "intermediate": "intermediate.dense",
    "output": "output.dense",
    "output_norm": "output.LayerNorm",
}
_ALBERT_PREFIX = "encoder.albert_layer_groups.0.albert_layers.0"
_ALBERT_BLOCK = {
    "query": "attention.query",
    "key": "attention.key",
    "value": "attention.value",
    "attention_output": "attention.dense",
    "attention_norm": "attention.LayerNorm",
    "intermediate": "ffn",
    "output": "ffn_output",
    "output_norm": "full_layer_layer_norm",
}
_HEADS = {
    "bert": {
        "masked_lm/dense": "cls.predictions.transform.dense",
        "masked_lm/norm": "cls.predictions.transform.LayerNorm",
        "masked_lm/output_bias": "cls.predictions.bias",
        "next_sentence": "cls.seq_relationship",
        "decoder": "cls.predictions.decoder",
    },
    "albert": {
        "masked_lm/dense": "predictions.dense",
        "masked_lm/norm": "predictions.LayerNorm",
        "masked_lm/output_bias": "predictions.bias",
        "next_sentence": "sop_classifier.classifier",
        "decoder": "predictions.decoder",
    },
}
# Keras variable -> PyTorch parameter names (layer norms use either).
_PARAMETERS = {
    "kernel": ("weight",),
    "bias": ("bias",),
    "gamma": ("weight", "gamma"),
    "beta": ("bias", "beta"),
}
SKIP_RULES = [
    (r"embeddings\.(position_ids|token_type_ids)$", "non-trainable buffer"),
    (r"^(classifier|qa_outputs)\.", "fine-tuning task head"),
]
HEAD_RULE = (
    r"^(cls|predictions|sop_classifier)\.",
    "pretraining head not requested",
)


def weight_files(path):
    """The safetensors files of a Hugging Face directory.

    Raises:
        ValueError: if it has only other frameworks' weights (such as a
            pickled `pytorch_model.bin`) or a broken shard index.
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
        "`pytorch_model.bin`, which can run arbitrary code). Received: a "
        f"directory holding {others}. Convert it with `transformers`: "
        "`AutoModel.from_pretrained(path).save_pretrained(path, "
        "safe_serialization=True)`."
    )


def read(path, config_overrides=None):
    """Reads a Hugging Face directory into a `SourceRecord` (no array read).

    Raises:
        ValueError: if the directory has no safetensors weights, a file is
            truncated or corrupted, the model is neither BERT nor ALBERT, or
            its config describes an unsupported variant.
    """
    arrays = _safetensors_arrays(weight_files(path))
    source_config = {}
    if os.path.isfile(os.path.join(path, "config.json")):
        source_config = _read_json(os.path.join(path, "config.json"))
    family = _family(source_config, arrays)
    prefix = next(
        (
            p
            for p in (f"{family}.", "")
            if f"{p}embeddings.word_embeddings.weight" in arrays
        ),
        None,
    )
    if prefix is None:
        raise ValueError(
            f"The safetensors weights of {path!r} hold no {family.upper()} "
            f"word embeddings (`{family}.embeddings.word_embeddings.weight`)."
            f" Received: keys such as {sorted(arrays)[:8]}. Check that this "
            f"is a {family.upper()} model."
        )
    names = _name_table(family, prefix, arrays)
    notes = []
    if source_config:
        config = _config_from_source(
            source_config, family, os.path.join(path, "config.json")
        )
        config.update(config_overrides or {})
        config_origin = "config.json"
    else:
        config, notes = weight_mapping.infer_config(
            family, names, arrays, config_overrides
        )
        default = CONFIG_DEFAULTS[family]["hidden_act"]
        config["inner_activation"] = ACTIVATIONS[default]
        notes[0] = (
            f"inner_activation: assumed the transformers default {default!r}"
        )
        config_origin = "the weight shapes (no config.json)"
    # The decoder repeats the word embeddings and the output bias: skipped
    # only when an exact copy, as the tied keras_nlp head reproduces it.
    decoder = _HEADS[family]["decoder"]
    decoder_rules = [
        (f"^{re.escape(decoder)}\\.weight$", "tied to the word embeddings"),
        (f"^{re.escape(decoder)}\\.bias$", "duplicate of the output bias"),
    ]
    settings, origin = tokenizer_settings.read_settings(path)
    if settings:
        notes.append(f"tokenizer settings {settings} from {origin}")
    return weight_mapping.SourceRecord(
        source_format="huggingface",
        family=family,
        path=path,
        description=f"the Hugging Face {family.upper()} weights of {path!r}",
        arrays=arrays,
        names=names,
        config=config,
        config_origin=config_origin,
        skip_rules=SKIP_RULES,
        head_rule=HEAD_RULE,
        head_skip_rules=decoder_rules,
        vocabulary_file=tokenizer_settings.find_vocabulary(path)[0],
        tokenizer_settings=settings,
        notes=notes,
        check_heads=lambda: _check_tied(arrays, family, names, path),
    )


def _safetensors_arrays(files):
    try:
        import safetensors
    except ImportError:
        raise ImportError(
            "Reading Hugging Face checkpoints requires safetensors. Install "
            "it with: pip install safetensors"
        ) from None
    shapes, dtypes, handles = {}, {}, {}
    for file in files:
        try:
            handle = safetensors.safe_open(file, framework="numpy")
            for key in handle.keys():
                tensor = handle.get_slice(key)
                shapes[key] = tuple(tensor.get_shape())
                dtypes[key] = _DTYPES.get(
                    tensor.get_dtype(), tensor.get_dtype()
                )
                handles[key] = (handle, file)
        except Exception as error:  # safetensors raises SafetensorError.
            raise _corrupted(file, error) from None

    def read_array(name):
        handle, file = handles[name]
        try:
            array = handle.get_tensor(name)
        except Exception as error:
            raise _corrupted(file, error) from None
        return array.astype(np.float32) if array.dtype == np.float16 else array

    return weight_mapping.SourceArrays(shapes, dtypes, read_array)


_DTYPES = {
    "F64": "float64",
    "F32": "float32",
    "F16": "float16",
    "BF16": "bfloat16",
    "I64": "int64",
    "I32": "int32",
    "I16": "int16",
    "I8": "int8",
    "U8": "uint8",
    "BOOL": "bool",
}


def _family(config, arrays):
    model_type = config.get("model_type")
    if model_type in ("bert", "albert"):
        return model_type
    if model_type is None:
        if any("albert_layer_groups" in name for name in arrays):
            return "albert"
        if any(".attention.self.query." in name for name in arrays):
            return "bert"
    raise ValueError(
        "keras_nlp loads Hugging Face BERT and ALBERT models only. Received: "
        f"model_type={model_type!r}, architectures="
        f"{config.get('architectures') or []}. Convert a `bert` or `albert` "
        "model."
    )


def _name_table(family, prefix, arrays):
    def parameter(module, variable):
        candidates = [f"{module}.{name}" for name in _PARAMETERS[variable]]
        found = [c for c in candidates if c in arrays]
        return (found or candidates)[0], TORCH

    embeddings = {
        "word": "word_embeddings",
        "position": "position_embeddings",
        "type": "token_type_embeddings",
    }
    heads = _HEADS[family]

    def names(role):
        parts = role.split("/")
        if parts[0] == "embeddings":
            if parts[1] in embeddings:
                name = f"{prefix}embeddings.{embeddings[parts[1]]}.weight"
                return name, TORCH
            if parts[1] == "norm":
                return parameter(f"{prefix}embeddings.LayerNorm", parts[2])
            module = f"{prefix}encoder.embedding_hidden_mapping_in"
            return parameter(module, parts[2])
        if parts[0] == "layer":
            module = f"{prefix}{_ALBERT_PREFIX}.{_ALBERT_BLOCK[parts[1]]}"
            return parameter(module, parts[2])
        if parts[0].startswith("layer_"):
            index = parts[0][len("layer_") :]
            module = f"{prefix}encoder.layer.{index}.{_BERT_BLOCK[parts[1]]}"
            return parameter(module, parts[2])
        if parts[0] == "pooler":
            module = f"{prefix}pooler" + (".dense" if family == "bert" else "")
            return parameter(module, parts[1])
        if role == "masked_lm/output_bias":
            return heads[role], TORCH
        return parameter(heads["/".join(parts[:-1])], parts[-1])

    return names


def _check_tied(arrays, family, names, path):
    """Refuses a masked LM head whose decoder is not tied (a real copy)."""
    decoder = _HEADS[family]["decoder"]
    for name, original in (
        (f"{decoder}.weight", names("embeddings/word")[0]),
        (f"{decoder}.bias", _HEADS[family]["masked_lm/output_bias"]),
    ):
        if name not in arrays or original not in arrays:
            continue
        if arrays.shape(name) != arrays.shape(original) or not np.array_equal(
            arrays[name], arrays[original]
        ):
            raise ValueError(
                f"`{name}` in {path!r} differs from `{original}`. keras_nlp's"
                " MaskedLM ties its output projection to the word embeddings"
                " (and its bias to the output bias), as BERT does; this model"
                " unties them. Load it without the masked LM head."
            )


def _config_from_source(source, family, config_path):
    defaults = CONFIG_DEFAULTS[family]

    def get(key):
        if key in source:
            return source[key]
        if key not in defaults:
            raise ValueError(
                f"{config_path!r} lacks the entry `{key}`. Received: the "
                f"entries {sorted(source)}. Use the model's own config.json."
            )
        return defaults[key]

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
    config = weight_mapping.encoder_config(
        get, ACTIVATIONS, config_path, family
    )
    config["norm_epsilon"] = get("layer_norm_eps")
    return config


def _read_json(path):
    data = preset.read_json(path, fix="Fix or re-download the file.")
    return data if isinstance(data, dict) else {}


def _corrupted(file, error):
    message = str(error).strip().splitlines()[0][:300] if str(error) else ""
    return ValueError(
        f"Cannot read the safetensors file {file!r}: "
        f"{type(error).__name__}: {message}. It is probably truncated or "
        "corrupted; download it again."
    )
