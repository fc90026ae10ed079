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

"""The one step every reader's record goes through: map, check, assign.

A reader returns a `SourceRecord`: the source's arrays by name (shapes and
dtypes known before any array is read), the encoder config, the tokenizer
settings and a name table from the format-independent role of each keras_nlp
weight (such as `"layer_3/query/kernel"`, `"layer/query/kernel"` for
ALBERT's shared block) to the source name and its layout. `assign_weights`
then checks that every weight receives exactly one source array of the right
shape and a floating dtype, and that every source array is loaded or skipped
by a named rule, before it assigns anything.
"""

import collections.abc
import re

import keras
import numpy as np

# How a source stores a weight: as keras_nlp does; "flat", with the
# attention matrices as `[hidden, hidden]` (TF1 checkpoints); "torch", flat
# and with dense kernels as `[out, in]` (PyTorch `nn.Linear`).
KERAS = "keras"
FLAT = "flat"
TORCH = "torch"

# The kinds of weight, which decide the reshape from a flat layout.
SAME = "same"  # Embeddings, biases, layer norms.
KERNEL = "kernel"  # Dense kernel `[in, out]`.
HEADS_KERNEL = "heads_kernel"  # Query/key/value kernel `[H, N, D]`.
HEADS_BIAS = "heads_bias"  # Query/key/value bias `[N, D]`.
HEADS_OUTPUT_KERNEL = "heads_output_kernel"  # Attention output `[N, D, H]`.

# The original BERT activation "gelu" is the tanh approximation.
GELU_APPROXIMATE = "keras_nlp>gelu_approximate"
MAX_LISTED_PROBLEMS = 12


class SourceArrays(collections.abc.Mapping):
    """A source's arrays by name, read on access.

    Args:
        shapes: dict of name -> shape tuple.
        dtypes: dict of name -> `np.dtype` (or a dtype name).
        read: callable `name -> np.ndarray`.
    """

    def __init__(self, shapes, dtypes, read):
        self.shapes = {name: tuple(shape) for name, shape in shapes.items()}
        self.dtypes = {name: _dtype_name(d) for name, d in dtypes.items()}
        self._read = read

    def __getitem__(self, name):
        if name not in self.shapes:
            raise KeyError(name)
        return np.asarray(self._read(name))

    def __iter__(self):
        return iter(sorted(self.shapes))

    def __len__(self):
        return len(self.shapes)

    def shape(self, name):
        """The shape of `name`, or None if absent; reads nothing."""
        return self.shapes.get(name)


class SourceRecord:
    """What every reader returns, before anything is built or loaded.

    Args:
        source_format: str. `"bert_checkpoint"`, `"tfhub_saved_model"`, ...
        family: `"bert"` or `"albert"`.
        path: str. The source path.
        description: str. Names the source in errors.
        arrays: a `SourceArrays`.
        names: callable `role -> (source_name, layout)`.
        config: dict of encoder constructor arguments.
        config_origin: str. Where `config` came from, for errors.
        skip_rules: list of `(regex, rule)`: source arrays that are not
            weights (optimizer slots, counters, task heads).
        head_rule: `(regex, rule)` matching the pretraining heads, skipped
            unless they are loaded.
        head_skip_rules: list of `(regex, rule)` applied only when the
            heads are loaded (e.g. a decoder that copies a loaded weight).
        vocabulary_file: str or None. The vocabulary (`vocab.txt`) or
            SentencePiece model.
        tokenizer_settings: dict of tokenizer arguments, e.g.
            `{"lowercase": True}`.
        notes: list of str: assumptions made (an inferred config value).
        check_heads: optional callable run before the pretraining heads are
            loaded, raising `ValueError` when the source's heads cannot be
            (e.g. an untied decoder).
    """

    def __init__(
        self,
        *,
        source_format,
        family,
        path,
        description,
        arrays,
        names,
        config,
        config_origin,
        skip_rules=(),
        head_rule=None,
        head_skip_rules=(),
        vocabulary_file=None,
        tokenizer_settings=None,
        notes=(),
        check_heads=None,
    ):
        self.check_heads = check_heads or (lambda: None)
        self.source_format = source_format
        self.family = family
        self.path = path
        self.description = description
        self.arrays = arrays
        self.names = names
        self.config = config
        self.config_origin = config_origin
        self.skip_rules = list(skip_rules)
        self.head_rule = head_rule
        self.head_skip_rules = list(head_skip_rules)
        self.vocabulary_file = vocabulary_file
        self.tokenizer_settings = dict(tokenizer_settings or {})
        self.notes = list(notes)

    def has(self, role):
        """Whether the source holds the array of `role`."""
        try:
            name, _ = self.names(role)
        except KeyError:  # The format has no such role.
            return False
        return self.arrays.shape(name) is not None


def encoder_slots(encoder):
    """`(role, variable, kind)` for every weight of a keras_nlp encoder."""
    slots = [
        ("embeddings/word", encoder.get_layer("word_embeddings").embeddings),
        (
            "embeddings/position",
            encoder.get_layer("position_embedding").position_embeddings,
        ),
        ("embeddings/type", encoder.get_layer("type_embeddings").embeddings),
    ]
    norm = encoder.get_layer("embeddings_layer_norm")
    slots += [("embeddings/norm/gamma", norm.gamma)]
    slots += [("embeddings/norm/beta", norm.beta)]
    slots = [(role, variable, SAME) for role, variable in slots]
    if "embedding_projection" in [layer.name for layer in encoder.layers]:
        projection = encoder.get_layer("embedding_projection")
        slots += [
            ("embeddings/projection/kernel", projection.kernel, KERNEL),
            ("embeddings/projection/bias", projection.bias, SAME),
        ]
    if encoder.__class__.__name__ == "AlbertEncoder":
        blocks = [("layer", encoder.get_layer("transformer_layer"))]
    else:
        blocks = [
            (f"layer_{index}", encoder.get_layer(f"transformer_layer_{index}"))
            for index in range(encoder.num_layers)
        ]
    for prefix, block in blocks:
        for role, dense in (
            ("query", block.query_dense),
            ("key", block.key_dense),
            ("value", block.value_dense),
        ):
            slots.append(
                (f"{prefix}/{role}/kernel", dense.kernel, HEADS_KERNEL)
            )
            slots.append((f"{prefix}/{role}/bias", dense.bias, HEADS_BIAS))
        output = block.attention_output_dense
        slots += [
            (
                f"{prefix}/attention_output/kernel",
                output.kernel,
                HEADS_OUTPUT_KERNEL,
            ),
            (f"{prefix}/attention_output/bias", output.bias, SAME),
        ]
        for role, layer in (
            ("attention_norm", block.self_attention_layer_norm),
            ("intermediate", block.intermediate_dense),
            ("output", block.output_dense),
            ("output_norm", block.output_layer_norm),
        ):
            if role.endswith("norm"):
                slots.append((f"{prefix}/{role}/gamma", layer.gamma, SAME))
                slots.append((f"{prefix}/{role}/beta", layer.beta, SAME))
            else:
                slots.append((f"{prefix}/{role}/kernel", layer.kernel, KERNEL))
                slots.append((f"{prefix}/{role}/bias", layer.bias, SAME))
    pooler = encoder.get_layer("pooler_transform")
    slots.append(("pooler/kernel", pooler.kernel, KERNEL))
    slots.append(("pooler/bias", pooler.bias, SAME))
    return slots


def head_slots(masked_lm=None, next_sentence=None):
    """`(role, variable, kind)` of the pretraining heads that are not None.

    The masked LM's embedding table is the encoder's word embeddings and is
    filled through the encoder's `"embeddings/word"` role.
    """
    slots = []
    if masked_lm is not None:
        slots += [
            ("masked_lm/dense/kernel", masked_lm.dense.kernel, KERNEL),
            ("masked_lm/dense/bias", masked_lm.dense.bias, SAME),
            ("masked_lm/norm/gamma", masked_lm.layer_norm.gamma, SAME),
            ("masked_lm/norm/beta", masked_lm.layer_norm.beta, SAME),
            ("masked_lm/output_bias", masked_lm.output_bias, SAME),
        ]
    if next_sentence is not None:
        slots += [
            ("next_sentence/kernel", next_sentence.kernel, KERNEL),
            ("next_sentence/bias", next_sentence.bias, SAME),
        ]
    return slots


def source_shape(kind, layout, target_shape):
    """The shape a source array of `layout` must have for `target_shape`."""
    shape = tuple(target_shape)
    if layout == KERAS or kind == SAME:
        return shape
    if kind == HEADS_KERNEL:
        shape = (shape[0], shape[1] * shape[2])
    elif kind == HEADS_BIAS:
        return (shape[0] * shape[1],)
    elif kind == HEADS_OUTPUT_KERNEL:
        shape = (shape[0] * shape[1], shape[2])
    return shape[::-1] if layout == TORCH else shape


def to_keras(array, kind, layout, target_shape):
    """The source `array` (of `source_shape(...)`) in the target's layout."""
    if layout == TORCH and kind != SAME and kind != HEADS_BIAS:
        array = array.T
    return array.reshape(target_shape)


def assign_weights(
    arrays,
    names,
    slots,
    skip_rules,
    source_description,
    target_description,
):
    """Checks the whole correspondence, then assigns every weight.

    Each slot's source array must be present, of the shape `source_shape`
    gives and of a floating dtype (an integer or bool array is a counter or
    a flag, never a weight); every other source array must match one of
    `skip_rules`. All arrays are read and converted before the first
    assignment, so a failure (including a truncated file) leaves every
    weight unchanged.

    Args:
        arrays: a `SourceArrays` (or any mapping of name -> array).
        names: callable `role -> (source_name, layout)`.
        slots: `(role, variable, kind)` triples.
        skip_rules: list of `(regex, rule)` for arrays that are not loaded.
        source_description: str. Names the source in errors.
        target_description: str. Names the model in errors.

    Returns:
        A summary dict: `{"loaded": int, "skipped": {rule: int}}`.

    Raises:
        ValueError: listing every missing, unaccounted-for, mis-shaped or
            non-floating array; nothing is assigned then.
    """
    shape_of = getattr(arrays, "shape", lambda n: np.shape(arrays[n]))
    problems = {"shape": [], "dtype": [], "missing": [], "unmapped": []}
    planned = []
    used = set()
    for role, variable, kind in slots:
        name, layout = names(role)
        if name in used:
            raise ValueError(
                f"`{name}` is mapped twice. This is a bug in keras_nlp's "
                "name table; please report it."
            )
        used.add(name)
        if name not in arrays:
            problems["missing"].append(
                f"- `{name}` (for the weight `{variable.path}` "
                f"{list(variable.shape)}) is not in {source_description}."
            )
            continue
        expected = source_shape(kind, layout, variable.shape)
        shape = tuple(shape_of(name))
        if shape != expected:
            problems["shape"].append(
                f"- `{name}` has shape {list(shape)}, but the weight "
                f"`{variable.path}` {list(variable.shape)} needs "
                f"{list(expected)}."
            )
            continue
        dtype = _dtype_of(arrays, name)
        if dtype is not None and not _is_floating(dtype):
            problems["dtype"].append(
                f"- `{name}` is a {dtype} array, but the weight "
                f"`{variable.path}` is floating point."
            )
            continue
        planned.append((name, variable, kind, layout))
    skipped = {}
    for name in arrays:
        if name in used:
            continue
        rule = next((r for p, r in skip_rules if re.search(p, name)), None)
        if rule is None:
            problems["unmapped"].append(
                f"- `{name}` {list(shape_of(name))} {_dtype_of(arrays, name)}"
            )
        else:
            skipped[rule] = skipped.get(rule, 0) + 1
    if any(problems.values()):
        raise ValueError(
            _error_message(problems, source_description, target_description)
        )
    values = []
    for name, variable, kind, layout in planned:
        array = np.asarray(arrays[name])
        if not _is_floating(array.dtype):
            raise ValueError(
                f"`{name}` of {source_description} holds {array.dtype} "
                f"values, but `{variable.path}` is floating point. Nothing "
                "was loaded."
            )
        value = to_keras(array, kind, layout, tuple(variable.shape))
        values.append(
            value.astype(keras.backend.standardize_dtype(variable.dtype))
        )
    for value, (_, variable, _, _) in zip(values, planned):
        variable.assign(value)
    return {"loaded": len(planned), "skipped": skipped}


def encoder_config(get, activations, config_path, family):
    """Encoder arguments from a `bert_config.json`-style dict.

    The original `bert_config.json`/`albert_config.json` and `transformers`'
    `config.json` share these entries; they differ in defaults (applied by
    `get`) and activation names (`activations`).

    Raises:
        ValueError: for an activation keras_nlp does not implement.
    """
    activation = get("hidden_act")
    if activation not in activations:
        raise ValueError(
            f"Unsupported `hidden_act` in {config_path!r}. Expected one of "
            f"{sorted(activations)}. Received: hidden_act={activation!r}."
        )
    config = {
        "vocab_size": get("vocab_size"),
        "hidden_size": get("hidden_size"),
        "num_layers": get("num_hidden_layers"),
        "num_attention_heads": get("num_attention_heads"),
        "max_sequence_length": get("max_position_embeddings"),
        "type_vocab_size": get("type_vocab_size"),
        "inner_dim": get("intermediate_size"),
        "inner_activation": activations[activation],
        "output_dropout": get("hidden_dropout_prob"),
        "attention_dropout": get("attention_probs_dropout_prob"),
        "initializer": {
            "class_name": "TruncatedNormal",
            "config": {"stddev": get("initializer_range")},
        },
    }
    if family == "albert":
        config["embedding_width"] = get("embedding_size")
    return config


def infer_config(family, names, arrays, overrides=None):
    """Encoder arguments inferred from the source's shapes (no config file).

    ALBERT's `num_layers` (one shared block) and the head count (64-wide
    heads are assumed, as in every published BERT) cannot be seen in the
    shapes; `overrides` may give them.

    Returns:
        `(config, notes)`, `notes` describing the guesses.

    Raises:
        ValueError: if a needed array is absent or a value cannot be
            inferred.
    """
    overrides = overrides or {}

    def shape(role):
        name, layout = names(role)
        value = arrays.shape(name)
        if value is None:
            raise ValueError(
                f"Cannot infer the config: the source has no `{name}`. Add "
                "the source's config file (e.g. `bert_config.json`), or "
                f"check that this is a {family.upper()} checkpoint."
            )
        if layout == TORCH and role.endswith("kernel"):
            return value[::-1]
        return value

    vocab_size, embedding_width = shape("embeddings/word")
    block = "layer" if family == "albert" else "layer_0"
    hidden_size = shape(f"{block}/query/kernel")[-1]
    config = {
        "vocab_size": vocab_size,
        "hidden_size": hidden_size,
        "max_sequence_length": shape("embeddings/position")[0],
        "type_vocab_size": shape("embeddings/type")[0],
        "inner_dim": shape(f"{block}/intermediate/kernel")[-1],
        "inner_activation": GELU_APPROXIMATE,
    }
    notes = ["inner_activation: assumed the tanh-approximate GELU"]
    if family == "albert":
        if "num_layers" not in overrides:
            raise ValueError(
                "Cannot infer `num_layers` of an ALBERT checkpoint without "
                "its config file: the one shared block does not reveal how "
                "often it is applied. Add `albert_config.json` to the "
                "directory, or pass `config_overrides={'num_layers': ...}`."
            )
        config["embedding_width"] = embedding_width
    else:
        count = 0
        while arrays.shape(names(f"layer_{count}/query/kernel")[0]):
            count += 1
        config["num_layers"] = count
        if embedding_width != hidden_size:
            config["embedding_width"] = embedding_width
    if "num_attention_heads" not in overrides:
        if hidden_size % 64:
            raise ValueError(
                "Cannot infer `num_attention_heads` without a config file: "
                "the head count is not visible in the weight shapes, and "
                f"`hidden_size` ({hidden_size}) is not a multiple of 64 (the "
                "head width of every published BERT). Add the config file, "
                "or pass `config_overrides={'num_attention_heads': ...}`."
            )
        config["num_attention_heads"] = hidden_size // 64
        notes.append(
            "num_attention_heads: assumed heads of width 64, so "
            f"{hidden_size // 64} heads"
        )
    config.update(overrides)
    return config, notes


def _dtype_name(dtype):
    try:
        return np.dtype(dtype).name
    except TypeError:
        return str(getattr(dtype, "name", dtype))


def _dtype_of(arrays, name):
    dtypes = getattr(arrays, "dtypes", None)
    if dtypes is None:
        return np.asarray(arrays[name]).dtype.name
    return dtypes.get(name)


def _is_floating(dtype):
    name = getattr(dtype, "name", str(dtype))
    return name.startswith(("float", "bfloat"))


def _error_message(problems, source_description, target_description):
    sections = [
        f"Cannot load {source_description} into {target_description}: the "
        "arrays do not correspond one to one with its weights. Nothing was "
        "loaded."
    ]
    for key, title, cause in (
        (
            "shape",
            "Shape mismatches",
            "the config does not describe the source (check `vocab_size`, "
            "`hidden_size`, `num_attention_heads`, `inner_dim`, "
            "`max_sequence_length`, `type_vocab_size`, `embedding_width`).",
        ),
        (
            "dtype",
            "Non-floating arrays",
            "integer and bool arrays are counters or flags, not weights; the"
            " name table maps the wrong array.",
        ),
        (
            "missing",
            "Missing arrays",
            "the checkpoint is partial, the config describes a bigger model "
            "(e.g. too many `num_layers`), or it is another model family.",
        ),
        (
            "unmapped",
            "Arrays neither loaded nor skipped by a rule",
            "the config describes a smaller model (e.g. too few "
            "`num_layers`), the source belongs to another model family, or "
            "it holds parts keras_nlp does not load; remove them from the "
            "checkpoint or report the layout.",
        ),
    ):
        items = problems[key]
        if items:
            listed = items[:MAX_LISTED_PROBLEMS]
            more = len(items) - len(listed)
            sections.append(
                f"{title} ({len(items)}):\n"
                + "\n".join(listed)
                + (f"\n- ... and {more} more." if more else "")
                + f"\nLikely cause: {cause}"
            )
    return "\n".join(sections)
