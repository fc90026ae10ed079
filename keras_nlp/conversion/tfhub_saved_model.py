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

"""Reading TF Hub BERT and ALBERT encoder SavedModels into keras_nlp.

TF Hub's BERT-family encoders (exported by the TF Model Garden) are
SavedModels whose variables carry the Model Garden layer names, e.g.
`transformer/layer_3/self_attention/query/kernel` of shape
`[hidden_size, num_heads, head_dim]`, and whose assets hold the WordPiece
vocabulary (`vocab_file`, with the `do_lower_case` variable) or the ALBERT
SentencePiece model (`sp_model_file`). TF Model Garden BERT pretraining
exports also hold the masked LM head (`cls/predictions/...`), which loads
into a `keras_nlp.layers.MaskedLM` on request. They are read here with
`tf.saved_model.load` alone: `hub.KerasLayer` does not work with Keras 3.
"""

import os
import re

import numpy as np
import tensorflow as tf

from keras_nlp.conversion import encoder_mapping
from keras_nlp.conversion import pretraining_heads
from keras_nlp.conversion.formats import register_format
from keras_nlp.conversion.loaded_checkpoint import LoadedCheckpoint
from keras_nlp.conversion.weight_plan import WeightPlan
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.encoders.encoder import Encoder
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

try:
    # Registers the string ops of TF Hub preprocessing SavedModels, so that
    # one passed by mistake loads and is reported as such.
    import tensorflow_text  # noqa: F401
except ImportError:
    pass

FORMAT = "tfhub_saved_model"
DESCRIPTION = (
    "a TF Hub BERT or ALBERT encoder SavedModel: a directory holding "
    "`saved_model.pb` with TF Model Garden variable names (e.g. "
    "`transformer/layer_0/self_attention/query/kernel`), or a TF Hub handle "
    "(https:// or gs://) resolved with `tensorflow_hub.resolve`"
)

# The activation of the TF Model Garden BERT and ALBERT encoders: GELU in
# its tanh approximation.
DEFAULT_INNER_ACTIVATION = "keras_nlp>gelu_approximate"

# Variables of a TF Hub encoder SavedModel that are not encoder weights,
# as (regex, rule name) pairs for `WeightPlan.skip_matching`.
SKIPPED_VARIABLES = (
    (r"^do_lower_case$", "tokenizer setting"),
    (r"^cls/predictions/", "masked LM head (not part of the encoder)"),
    (r"^dropout/seed_generator_state_\d+$", "dropout random state"),
)
_HEAD_RULE = SKIPPED_VARIABLES[1]

# The masked LM head of TF Model Garden BERT pretraining exports (the
# `MaskedLM` layer named `cls/predictions` of `BertPretrainerV2`), by the
# role of the matching `keras_nlp.layers.MaskedLM` weight. Its embedding
# table is the encoder's `word_embeddings/embeddings`.
MASKED_LM_VARIABLES = {
    "masked_lm/dense/kernel": "cls/predictions/transform/dense/kernel",
    "masked_lm/dense/bias": "cls/predictions/transform/dense/bias",
    "masked_lm/norm/gamma": "cls/predictions/transform/LayerNorm/gamma",
    "masked_lm/norm/beta": "cls/predictions/transform/LayerNorm/beta",
    "masked_lm/output_bias": "cls/predictions/output_bias/bias",
}

# Probe inputs that compare a loaded encoder with its SavedModel.
_PROBE_BATCH_SIZE = 2
_PROBE_SEQUENCE_LENGTH = 8
_PROBE_ATOL = 2e-4
_PROBE_RTOL = 2e-4

_REMOTE_PREFIXES = ("http://", "https://", "gs://")
_FILE_SCHEME = "file://"
_BERT_LAYER = re.compile(r"^transformer/layer_(\d+)/")
# Roles outside the Transformer blocks (see encoder_mapping) -> TF Hub names.
_COMMON_NAMES = {
    "embeddings/word": "word_embeddings/embeddings",
    "embeddings/position": "position_embedding/embeddings",
    "embeddings/type": "type_embeddings/embeddings",
    "embeddings/norm/gamma": "embeddings/layer_norm/gamma",
    "embeddings/norm/beta": "embeddings/layer_norm/beta",
    "embeddings/projection/kernel": "embedding_projection/kernel",
    "embeddings/projection/bias": "embedding_projection/bias",
    "pooler/kernel": "pooler_transform/kernel",
    "pooler/bias": "pooler_transform/bias",
}
# Block roles (see `encoder_mapping.BLOCK_ROLES`) -> TF Hub names in a block.
_BLOCK_NAMES = {
    "query": "self_attention/query",
    "key": "self_attention/key",
    "value": "self_attention/value",
    "attention_output": "self_attention/attention_output",
    "attention_norm": "self_attention_layer_norm",
    "intermediate": "intermediate",
    "output": "output",
    "output_norm": "output_layer_norm",
}


def load_tfhub_encoder(handle, cls=None, config_overrides=None, verify=True):
    """Builds a keras_nlp encoder from a TF Hub BERT or ALBERT SavedModel.

    The SavedModel is read with `tf.saved_model.load` (never through
    `hub.KerasLayer`, which Keras 3 cannot use). The encoder's config is
    inferred from the variable shapes: the vocabulary size and embedding
    width from `word_embeddings/embeddings`, the maximum sequence length and
    the number of token types from the position and type embeddings, the
    hidden size and the number of attention heads from the `[hidden_size,
    num_heads, head_dim]` query kernel, the inner dimension from
    `intermediate/kernel` and the depth from the `transformer/layer_<k>`
    blocks (for ALBERT, whose single `transformer` block is shared, from the
    number of `encoder_outputs` the SavedModel returns). The activation,
    which no variable records, is the tanh-approximate GELU of the TF Model
    Garden exports. Every variable is then mapped to exactly one encoder
    weight with a `keras_nlp.conversion.WeightPlan`: a missing, extra or
    mis-shaped variable raises before anything is loaded. With
    `verify=True`, both models then run on the same probe inputs and must
    agree, which also checks the assumed activation.

    `BertEncoder.from_preset(handle)`, `AlbertEncoder.from_preset(handle)`
    and `keras_nlp.conversion.load_checkpoint(handle)` use this reader for
    TF Hub SavedModels and handles.

    Args:
        handle: str. A SavedModel directory, a `file://` path, or a TF Hub
            handle (such as
            `"https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4"`)
            that `tensorflow_hub.resolve` downloads into (or finds in)
            `TFHUB_CACHE_DIR`.
        cls: `keras_nlp.encoders.BertEncoder`,
            `keras_nlp.encoders.AlbertEncoder` (or a subclass) or `None`,
            which picks the class the variables describe. Defaults to
            `None`.
        config_overrides: dict or `None`. Encoder arguments that replace
            the inferred ones, e.g. `{"inner_activation": "gelu"}` for a
            model trained with the exact GELU, or other dropout rates.
            Defaults to `None`.
        verify: bool. Whether to check that the encoder reproduces the
            SavedModel's `sequence_output` and `pooled_output` on probe
            inputs. Defaults to `True`.

    Returns:
        A `BertEncoder` or `AlbertEncoder` holding the SavedModel's weights.

    Raises:
        ValueError: if the handle cannot be resolved or loaded, the
            SavedModel is not a TF Hub BERT or ALBERT encoder (or holds
            another class than `cls`), its variables do not correspond one
            to one to the encoder's weights, or the verified outputs differ.
    """
    return _read_tfhub(handle, cls, config_overrides, verify)["encoder"]


def load_tfhub_weights(encoder, handle, verify=True):
    """Loads a TF Hub BERT or ALBERT SavedModel into an existing encoder.

    Use it when the encoder was built by hand (e.g. with other dropout
    rates); `load_tfhub_encoder` infers the config instead. The SavedModel's
    variables must correspond one to one to the encoder's weights, with the
    same shapes. On any error, nothing is loaded and the encoder keeps its
    weights, including when the verified outputs differ.

    Args:
        encoder: a `keras_nlp.encoders.BertEncoder` or
            `keras_nlp.encoders.AlbertEncoder`.
        handle: str. A SavedModel directory or TF Hub handle, as for
            `load_tfhub_encoder`.
        verify: bool. Whether to check that the encoder then reproduces the
            SavedModel's outputs on probe inputs. Defaults to `True`.

    Returns:
        The counts of the loaded and skipped variables, as a dict
        `{"loaded": int, "skipped": {rule: int}}`.

    Raises:
        ValueError: if the handle cannot be resolved or loaded, the model
            families differ, the variables do not fit the encoder's weights,
            or the verified outputs differ.
    """
    if not isinstance(encoder, (BertEncoder, AlbertEncoder)):
        raise ValueError(
            "`encoder` must be a keras_nlp `BertEncoder` or `AlbertEncoder`."
            f" Received: encoder of type {type(encoder).__name__}."
        )
    path, loaded, variables, family = _open_encoder(handle)
    expected = "albert" if isinstance(encoder, AlbertEncoder) else "bert"
    if family != expected:
        cls = AlbertEncoder if family == "albert" else BertEncoder
        raise ValueError(
            f"The SavedModel at {path!r} holds a TF Hub {family.upper()} "
            f"encoder, which cannot load into a {type(encoder).__name__}. "
            f"Received: encoder of type {type(encoder).__name__}. Build a "
            f"`keras_nlp.encoders.{cls.__name__}` instead (or use "
            "`load_tfhub_encoder`)."
        )
    return _load_weights(encoder, loaded, variables, path, verify).summary()


def load_tfhub_tokenizer(handle, lowercase=None):
    """Builds the tokenizer of a TF Hub BERT or ALBERT encoder SavedModel.

    TF Hub encoders ship their vocabulary as the asset `vocab_file`
    (WordPiece, with the boolean variable `do_lower_case`) or
    `sp_model_file` (SentencePiece; without `do_lower_case`, the TF Hub
    convention is that the text is lower-cased). A SentencePiece tokenizer
    that lower-cases also strips accents, as ALBERT's preprocessing does.

    Args:
        handle: str. A SavedModel directory or TF Hub handle, as for
            `load_tfhub_encoder`.
        lowercase: bool or `None`. Whether the tokenizer lower-cases text.
            `None` follows the SavedModel's `do_lower_case`. Defaults to
            `None`.

    Returns:
        A `keras_nlp.tokenizers.WordPieceTokenizer` or
        `keras_nlp.tokenizers.SentencePieceTokenizer`.

    Raises:
        ValueError: if the SavedModel has neither asset, or a WordPiece
            model has no `do_lower_case` and `lowercase` is `None`.
    """
    if lowercase is not None and not isinstance(lowercase, bool):
        raise ValueError(
            "`lowercase` must be a bool or None (follow the SavedModel). "
            f"Received: lowercase={lowercase!r}"
        )
    path = resolve_tfhub_handle(handle)
    loaded = _load_saved_model(path)
    vocabulary_file, settings = _tokenizer_files(loaded)
    if lowercase is None:
        lowercase = settings.get("lowercase")
    if getattr(loaded, "vocab_file", None) is not None:
        if lowercase is None:
            raise ValueError(
                f"The SavedModel at {path!r} has a `vocab_file` but no "
                "`do_lower_case` variable, so whether its WordPiece "
                "tokenizer lower-cases is unknown. Received: lowercase=None."
                " Pass `lowercase=True` for an uncased model, `False` for a "
                "cased one."
            )
        return WordPieceTokenizer(vocabulary_file, lowercase=lowercase)
    if vocabulary_file is not None:
        return SentencePieceTokenizer(
            vocabulary_file,
            lowercase=lowercase,
            strip_accents=lowercase,
        )
    raise ValueError(
        f"The SavedModel at {path!r} has neither a `vocab_file` nor an "
        "`sp_model_file` asset. Received: a SavedModel without a vocabulary."
        " Pass the TF Hub encoder SavedModel, which carries its tokenizer's "
        "vocabulary."
    )


def resolve_tfhub_handle(handle):
    """Returns the local SavedModel directory of a path or TF Hub handle.

    A local directory (or `file://` path) is returned as is; anything else
    goes through `tensorflow_hub.resolve`, which downloads a handle into
    `TFHUB_CACHE_DIR` unless it is already cached there.

    Raises:
        ValueError: if the handle cannot be resolved.
        ImportError: if a remote handle is given and `tensorflow_hub` is not
            installed.
    """
    if not isinstance(handle, (str, os.PathLike)):
        raise ValueError(
            "`handle` must be a SavedModel directory or a TF Hub handle "
            f"string. Received: handle of type {type(handle).__name__}."
        )
    handle = os.fspath(handle)
    local = _strip_file_scheme(handle)
    if os.path.isdir(local):
        return local
    if not handle.startswith(_REMOTE_PREFIXES):
        raise ValueError(
            "`handle` must be a SavedModel directory or a TF Hub handle "
            f"(an https:// or gs:// address). Received: handle={handle!r}, "
            "which is not a directory. Check the path."
        )
    try:
        # Imported here: tensorflow_hub loads tf_keras, which only remote
        # handles need.
        import tensorflow_hub
    except ImportError:
        raise ImportError(
            "Resolving a TF Hub handle requires tensorflow-hub. Install it "
            "with: pip install tensorflow-hub"
        ) from None
    try:
        path = tensorflow_hub.resolve(handle)
    except (OSError, ValueError, tf.errors.OpError) as error:
        raise ValueError(
            f"Cannot resolve the TF Hub handle {handle!r}: {error}. "
            "Check the handle and the network, or download the model and "
            "pass its directory (tensorflow_hub caches downloads in "
            "`TFHUB_CACHE_DIR`)."
        ) from None
    return _strip_file_scheme(path)


def is_tfhub_saved_model(path):
    """Whether `path` looks like a TF Hub SavedModel directory or handle.

    True for remote handles (`https://`, `http://`, `gs://`) and for
    directories holding `saved_model.pb`. Never raises.
    """
    try:
        path = os.fspath(path)
    except TypeError:
        return False
    if not isinstance(path, str):
        return False
    if path.startswith(_REMOTE_PREFIXES):
        return True
    local = _strip_file_scheme(path)
    return os.path.isdir(local) and any(
        os.path.isfile(os.path.join(local, name))
        for name in ("saved_model.pb", "saved_model.pbtxt")
    )


def tfhub_variable_names(encoder):
    """Pairs every weight of a keras_nlp encoder with its TF Hub name.

    The names are those of the TF Model Garden `BertEncoder` and
    `AlbertEncoder` exports, without the `:0` suffix. The layouts are the
    same on both sides (`[hidden_size, num_heads, head_dim]` query, key and
    value kernels, `[num_heads, head_dim]` biases, `[num_heads, head_dim,
    hidden_size]` attention output kernel), so no weight is reshaped.

    Args:
        encoder: a `keras_nlp.encoders.BertEncoder` or
            `keras_nlp.encoders.AlbertEncoder`.

    Returns:
        A list of `(tfhub_name, keras_variable)` pairs, one per weight.
    """
    return [
        (_tfhub_name(role), variable)
        for role, variable, _ in encoder_mapping.encoder_slots(encoder)
    ]


def _tfhub_name(role):
    """The TF Hub variable name of an `encoder_mapping` role."""
    head, _, rest = role.partition("/")
    if head == "layer" or head.startswith("layer_"):
        block, _, variable = rest.rpartition("/")
        prefix = "transformer" if head == "layer" else f"transformer/{head}"
        return f"{prefix}/{_BLOCK_NAMES[block]}/{variable}"
    return _COMMON_NAMES[role]


def _read_tfhub(handle, cls, config_overrides, verify, with_mlm_head=False):
    """Resolves, loads, infers the config, builds and loads the encoder.

    With `with_mlm_head`, also builds and loads a `MaskedLM` head tied to
    the encoder's word embeddings (under the key `"masked_lm"`).
    """
    if config_overrides is not None and not isinstance(config_overrides, dict):
        raise ValueError(
            "`config_overrides` must be a dict of encoder arguments or None. "
            f"Received: config_overrides={config_overrides!r}"
        )
    path, loaded, variables, family = _open_encoder(handle)
    encoder_class = AlbertEncoder if family == "albert" else BertEncoder
    if cls is not None and cls is not Encoder:
        name = getattr(cls, "__name__", repr(cls))
        if not (isinstance(cls, type) and issubclass(cls, encoder_class)):
            raise ValueError(
                f"The SavedModel at {path!r} holds a TF Hub "
                f"{family.upper()} encoder, which loads as a "
                f"{encoder_class.__name__}, not a {name}. Received: "
                f"cls={name}. Load it with `keras_nlp.encoders."
                f"{encoder_class.__name__}.from_preset(...)`."
            )
        encoder_class = cls
    if with_mlm_head:
        _check_masked_lm_variables(variables, path)
    config = _infer_config(variables, family, loaded, path)
    config["inner_activation"] = DEFAULT_INNER_ACTIVATION
    notes = [
        "inner_activation: assumed the tanh-approximate GELU of the TF "
        "Model Garden exports"
        + (", verified on probe inputs" if verify else "")
    ]
    config.update(config_overrides or {})
    try:
        encoder = encoder_class(**config)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"The config inferred from the SavedModel at {path!r} (with "
            f"`config_overrides`) does not describe a valid "
            f"{encoder_class.__name__}: {error} Received: config={config}."
        ) from None
    masked_lm = None
    if with_mlm_head:
        masked_lm = pretraining_heads.build_masked_lm(
            encoder, config["inner_activation"]
        )
        notes.append(
            "masked LM head activation: the encoder's inner_activation "
            f"{config['inner_activation']!r}"
        )
    plan = _load_weights(encoder, loaded, variables, path, verify, masked_lm)
    return {
        "encoder": encoder,
        "masked_lm": masked_lm,
        "path": path,
        "loaded": loaded,
        "plan": plan,
        "notes": notes,
    }


def _load_checkpoint(
    path, cls=None, with_mlm_head=False, config_overrides=None
):
    """The `keras_nlp.conversion.formats` reader: a `LoadedCheckpoint`.

    With `with_mlm_head`, the SavedModel must hold the masked LM head of a
    TF Model Garden BERT pretraining export (`cls/predictions/...`).
    """
    result = _read_tfhub(
        path, cls, config_overrides, verify=True, with_mlm_head=with_mlm_head
    )
    vocabulary_file, settings = _tokenizer_files(result["loaded"])
    notes = list(result["notes"])
    if settings:
        notes.append(f"tokenizer settings {settings} from `do_lower_case`")
    plan = result["plan"]
    return LoadedCheckpoint(
        encoder=result["encoder"],
        source_format=FORMAT,
        path=result["path"],
        summary=plan.summary(),
        summary_text=plan.summary_text(),
        vocabulary_file=vocabulary_file,
        tokenizer_settings=settings,
        masked_lm=result["masked_lm"],
        notes=notes,
    )


def _check_masked_lm_variables(variables, path):
    """Raises `ValueError` unless the SavedModel holds the masked LM head."""
    missing = [
        name for name in MASKED_LM_VARIABLES.values() if name not in variables
    ]
    if not missing:
        return
    raise ValueError(
        f"The SavedModel at {path!r} has no complete masked LM head: it "
        f"lacks {', '.join(f'`{name}`' for name in missing)}. Expected the "
        "`cls/predictions/...` variables of a TF Model Garden BERT "
        "pretraining export. Received: with_mlm_head=True and variables "
        f"{_some_names(variables)}. Load it with `with_mlm_head=False`, or "
        "use a SavedModel exported with its masked LM head."
    )


def _tokenizer_files(loaded):
    """The vocabulary asset path and tokenizer settings of a SavedModel.

    Returns `(None, {})` without a vocabulary asset. The settings follow the
    TF Hub convention: `do_lower_case` when present; for an
    `sp_model_file` without it, lower-casing and accent stripping.
    """
    do_lower_case = _do_lower_case(loaded)
    vocab_file = getattr(loaded, "vocab_file", None)
    if vocab_file is not None:
        settings = {}
        if do_lower_case is not None:
            settings = {"lowercase": do_lower_case, "strip_accents": None}
        return _asset_path(vocab_file), settings
    sp_model_file = getattr(loaded, "sp_model_file", None)
    if sp_model_file is not None:
        lowercase = True if do_lower_case is None else do_lower_case
        settings = {"lowercase": lowercase, "strip_accents": lowercase}
        return _asset_path(sp_model_file), settings
    return None, {}


def _do_lower_case(loaded):
    value = getattr(loaded, "do_lower_case", None)
    return None if value is None else bool(np.asarray(value))


def _load_weights(encoder, loaded, variables, path, verify, masked_lm=None):
    """Plans, checks and assigns; undoes the assignment if `verify` fails.

    With a `masked_lm` head, its weights are planned too, from the
    `MASKED_LM_VARIABLES`. Returns the `WeightPlan`.
    """
    slots = pretraining_heads.head_slots(masked_lm)
    targets = list(encoder.weights) + [variable for _, variable, _ in slots]
    plan = WeightPlan(
        sources=variables,
        targets=targets,
        source_description=f"the TF Hub SavedModel at {path!r}",
        target_description=type(encoder).__name__
        + (" with its masked LM head" if masked_lm is not None else ""),
    )
    for name, weight in tfhub_variable_names(encoder):
        plan.map(name, weight)
    encoder_mapping.plan_weights(
        plan, slots, lambda role: (MASKED_LM_VARIABLES[role], False)
    )
    for pattern, rule in SKIPPED_VARIABLES:
        if masked_lm is None or (pattern, rule) != _HEAD_RULE:
            plan.skip_matching(pattern, rule)
    plan.validate()
    if not verify:
        plan.assign()
        return plan
    previous = [np.array(weight.numpy()) for weight in targets]
    plan.assign()
    try:
        inputs = _probe_inputs(
            encoder.vocab_size,
            encoder.type_vocab_size,
            encoder.max_sequence_length,
        )
        outputs = _check_outputs(loaded, encoder, inputs, path)
        if masked_lm is not None:
            _check_masked_lm(
                loaded, masked_lm, inputs, outputs["sequence_output"], path
            )
    except ValueError:
        for weight, value in zip(targets, previous):
            weight.assign(value)
        raise
    return plan


def _check_outputs(loaded, encoder, inputs, path):
    """Raises `ValueError` unless `encoder` reproduces the SavedModel.

    Returns the encoder's outputs on `inputs`.
    """
    expected = _call_saved_model(loaded, inputs, path)
    actual = encoder(inputs, training=False)
    for key in ("sequence_output", "pooled_output"):
        want = np.asarray(expected[key], dtype="float64")
        got = np.asarray(actual[key], dtype="float64")
        if key == "sequence_output":
            # An encoder built with `output_range` returns fewer positions.
            want = want[:, : got.shape[1]]
        if want.shape != got.shape:
            raise ValueError(
                f"The SavedModel at {path!r} returns `{key}` of shape "
                f"{list(want.shape)} on the probe inputs, but the loaded "
                f"{type(encoder).__name__} returns {list(got.shape)}. "
                "Check that the SavedModel is a TF Hub BERT or ALBERT encoder."
            )
        if not np.allclose(got, want, atol=_PROBE_ATOL, rtol=_PROBE_RTOL):
            difference = float(np.max(np.abs(got - want)))
            activation = _activation_name(encoder.inner_activation)
            raise ValueError(
                f"The weights of the SavedModel at {path!r} were mapped "
                f"completely, but the {type(encoder).__name__} does not "
                f"reproduce its `{key}`: they differ by up to "
                f"{difference:.3g} on probe inputs (tolerance "
                f"{_PROBE_ATOL}). The SavedModel computes something else "
                "than the encoder, most likely with another activation. "
                f"Received: inner_activation={activation!r}. Pass the "
                "activation the model was trained with, e.g. "
                "`config_overrides={'inner_activation': 'gelu'}` (TF Model "
                "Garden exports use the default, "
                '"keras_nlp>gelu_approximate"), or `verify=False` to skip '
                "the check. Nothing was loaded."
            )
    return actual


def _check_masked_lm(loaded, masked_lm, inputs, sequence_output, path):
    """Compares the head with the SavedModel's `mlm` function, if it has one.

    TF Hub BERT exports with a masked LM head expose it as `loaded.mlm`,
    called on the encoder inputs plus `masked_lm_positions` and returning
    `mlm_logits`. Without it, the head is loaded unverified.
    """
    mlm = getattr(loaded, "mlm", None)
    if not callable(mlm):
        return
    length = inputs["input_word_ids"].shape[1]
    positions = np.stack([np.arange(length)[::-1], np.arange(length)])
    positions = positions[:, : min(3, length)].astype("int32")
    tensors = {key: tf.constant(value) for key, value in inputs.items()}
    tensors["masked_lm_positions"] = tf.constant(positions)
    try:
        expected = mlm(tensors)["mlm_logits"]
    except (KeyError, TypeError, ValueError, tf.errors.OpError) as error:
        raise ValueError(
            f"Calling the `mlm` function of the SavedModel at {path!r} on the "
            "encoder inputs and `masked_lm_positions` did not return "
            f"`mlm_logits`: {error!r}. Received: a SavedModel whose `mlm` "
            "is not a TF Hub masked LM. Pass `verify=False` to load the "
            "head unverified."
        ) from None
    actual = masked_lm(sequence_output, masked_positions=positions)
    want = np.asarray(expected, dtype="float64")
    got = np.asarray(actual, dtype="float64")
    if want.shape != got.shape or not np.allclose(
        got, want, atol=_PROBE_ATOL, rtol=_PROBE_RTOL
    ):
        difference = (
            float(np.max(np.abs(got - want)))
            if want.shape == got.shape
            else float("nan")
        )
        raise ValueError(
            f"The masked LM head loaded from the SavedModel at {path!r} does "
            f"not reproduce its `mlm_logits`: shapes {list(want.shape)} and "
            f"{list(got.shape)}, difference up to {difference:.3g} "
            f"(tolerance {_PROBE_ATOL}). Received: head activation "
            f"{_activation_name(masked_lm.activation)!r}. Pass the "
            "activation the head was trained with as "
            "`config_overrides={'inner_activation': ...}`. Nothing was "
            "loaded."
        )


def _activation_name(activation):
    return getattr(activation, "__name__", activation)


def _call_saved_model(loaded, inputs, path):
    if not callable(loaded):
        raise ValueError(
            f"The SavedModel at {path!r} cannot be called, so the loaded "
            "weights cannot be verified. Received: a SavedModel without "
            "`__call__`. Pass `verify=False` to `load_tfhub_encoder` or "
            "`load_tfhub_weights` to load it unverified."
        )
    tensors = {key: tf.constant(value) for key, value in inputs.items()}
    try:
        outputs = loaded(tensors)
    except (TypeError, ValueError, tf.errors.OpError) as error:
        raise ValueError(
            f"Calling the SavedModel at {path!r} on a dict of "
            "`input_word_ids`, `input_mask` and `input_type_ids` (int32, "
            f"shape [{_PROBE_BATCH_SIZE}, sequence_length]) failed: "
            f"{error}. Pass `verify=False` to load it unverified."
        ) from None
    if not isinstance(outputs, dict) or not {
        "sequence_output",
        "pooled_output",
    } <= set(outputs):
        raise ValueError(
            f"The SavedModel at {path!r} does not return a dict with "
            "`sequence_output` and `pooled_output`, as TF Hub BERT encoders "
            f"do. Received: outputs of type {type(outputs).__name__}"
            + (
                f" with keys {sorted(outputs)}"
                if isinstance(outputs, dict)
                else ""
            )
            + ". Pass `verify=False` to load it unverified."
        )
    return outputs


def _probe_inputs(vocab_size, type_vocab_size, max_sequence_length):
    """Deterministic encoder inputs: varied ids and types, one padded row."""
    length = min(_PROBE_SEQUENCE_LENGTH, max_sequence_length)
    positions = np.arange(_PROBE_BATCH_SIZE * length).reshape(
        _PROBE_BATCH_SIZE, length
    )
    word_ids = (positions * 7 + 3) % vocab_size
    mask = np.ones_like(positions)
    mask[1, max(1, length // 2) :] = 0
    type_ids = np.zeros_like(positions)
    type_ids[:, length // 2 :] = min(1, type_vocab_size - 1)
    return {
        "input_word_ids": word_ids.astype("int32"),
        "input_mask": mask.astype("int32"),
        "input_type_ids": type_ids.astype("int32"),
    }


def _infer_config(variables, family, loaded, path):
    """The encoder's constructor arguments, from the variable shapes."""

    def shape(name, rank):
        if name not in variables:
            raise ValueError(
                f"The SavedModel at {path!r} has no variable `{name}`, "
                f"which every TF Hub {family.upper()} encoder has. Received: "
                f"variables {_some_names(variables)}. Pass an unmodified TF "
                "Hub encoder SavedModel."
            )
        value = tuple(variables[name].shape)
        if len(value) != rank:
            raise ValueError(
                f"The variable `{name}` of the SavedModel at {path!r} must "
                f"have rank {rank}. Received: shape {list(value)}. This is "
                "not the layout of a TF Model Garden encoder export."
            )
        return value

    vocab_size, embedding_width = shape("word_embeddings/embeddings", 2)
    max_sequence_length = shape("position_embedding/embeddings", 2)[0]
    type_vocab_size = shape("type_embeddings/embeddings", 2)[0]
    prefix = "transformer/" if family == "albert" else "transformer/layer_0/"
    hidden_size, num_heads, head_dim = shape(
        prefix + "self_attention/query/kernel", 3
    )
    if num_heads * head_dim != hidden_size:
        raise ValueError(
            f"The attention heads of the SavedModel at {path!r} do not "
            f"split the hidden size: the query kernel has shape "
            f"{[hidden_size, num_heads, head_dim]}, and {num_heads} x "
            f"{head_dim} != {hidden_size}. Received: a head size keras_nlp's "
            "TransformerEncoder cannot represent (it uses hidden_size // "
            "num_attention_heads)."
        )
    inner_dim = shape(prefix + "intermediate/kernel", 2)[1]
    config = {
        "vocab_size": vocab_size,
        "hidden_size": hidden_size,
        "num_attention_heads": num_heads,
        "max_sequence_length": max_sequence_length,
        "type_vocab_size": type_vocab_size,
        "inner_dim": inner_dim,
    }
    if family == "albert":
        config["embedding_width"] = embedding_width
        if "embedding_projection/kernel" not in variables:
            raise ValueError(
                f"The ALBERT SavedModel at {path!r} has no "
                "`embedding_projection` (its embedding width equals its "
                f"hidden size, {hidden_size}), but keras_nlp's AlbertEncoder "
                "always projects the embeddings. Received: variables "
                f"{_some_names(variables)}. This layout is not supported."
            )
        config["num_layers"] = _num_encoder_outputs(loaded, config, path)
    else:
        if embedding_width != hidden_size:
            config["embedding_width"] = embedding_width
        indices = sorted(
            {
                int(match.group(1))
                for match in map(_BERT_LAYER.match, variables)
                if match
            }
        )
        if indices != list(range(len(indices))):
            missing = sorted(set(range(indices[-1] + 1)) - set(indices))
            raise ValueError(
                f"The Transformer layers of the SavedModel at {path!r} must "
                "be numbered 0, 1, ... without gaps. Received: layers "
                f"{indices}, missing {missing}. The SavedModel is "
                "incomplete; download it again."
            )
        config["num_layers"] = len(indices)
    return config


def _num_encoder_outputs(loaded, config, path):
    """How many times ALBERT's shared block runs: len(encoder_outputs)."""
    call = getattr(loaded, "__call__", None)
    for function in getattr(call, "concrete_functions", None) or []:
        outputs = function.structured_outputs
        if isinstance(outputs, dict) and isinstance(
            outputs.get("encoder_outputs"), (list, tuple)
        ):
            return len(outputs["encoder_outputs"])
    inputs = _probe_inputs(
        config["vocab_size"],
        config["type_vocab_size"],
        config["max_sequence_length"],
    )
    outputs = _call_saved_model(loaded, inputs, path)
    encoder_outputs = outputs.get("encoder_outputs")
    if not isinstance(encoder_outputs, (list, tuple)) or not encoder_outputs:
        raise ValueError(
            f"The ALBERT SavedModel at {path!r} does not return the list "
            "`encoder_outputs`, from which the number of layers of its "
            f"shared block is read. Received: outputs {sorted(outputs)}. "
            "Build a `keras_nlp.encoders.AlbertEncoder` with the right "
            "`num_layers` and use `load_tfhub_weights`."
        )
    return len(encoder_outputs)


def _encoder_family(variables, path):
    """`"bert"` or `"albert"`, from the names of the Transformer blocks."""
    if "transformer/self_attention/query/kernel" in variables:
        return "albert"
    if any(_BERT_LAYER.match(name) for name in variables):
        return "bert"
    hint = ""
    if os.path.isfile(os.path.join(path, "tfhub_module.pb")):
        hint = (
            " It is in the TF1 Hub format (`tfhub_module.pb`), which is not "
            "supported: use a TF2 SavedModel of the model (TF Hub versions "
            "3 and later), or convert the original BERT checkpoint."
        )
    raise ValueError(
        f"The SavedModel at {path!r} is not a TF Hub BERT or ALBERT encoder: "
        "it has no `transformer/layer_<k>/...` (BERT) or `transformer/...` "
        "(ALBERT) variables. Received: variables "
        f"{_some_names(variables)}. Pass the encoder SavedModel (not the "
        f"preprocessing one).{hint}"
    )


def _open_encoder(handle):
    """Resolves and loads `handle`: `(path, loaded, variables, family)`."""
    path = resolve_tfhub_handle(handle)
    loaded = _load_saved_model(path)
    variables = _named_variables(loaded)
    return path, loaded, variables, _encoder_family(variables, path)


def _load_saved_model(path):
    try:
        return tf.saved_model.load(path)
    except (OSError, ValueError, tf.errors.OpError) as error:
        raise ValueError(
            f"Cannot load the SavedModel at {path!r}: {error}. Pass a "
            "directory holding `saved_model.pb` and `variables/` (a TF Hub "
            "encoder)."
        ) from None


def _named_variables(loaded):
    """Every variable of a loaded SavedModel, by name without `:0`."""
    variables = {}
    seen = set()
    for trackable in tf.train.TrackableView(loaded).descendants():
        if not isinstance(trackable, tf.Variable) or id(trackable) in seen:
            continue
        seen.add(id(trackable))
        name = re.sub(r":\d+$", "", trackable.name)
        if name in variables:
            raise ValueError(
                f"The SavedModel holds two different variables named "
                f"`{name}`, so its weights cannot be mapped by name. "
                f"Received: shapes {list(variables[name].shape)} and "
                f"{list(trackable.shape)}. Re-export the model with unique "
                "variable names."
            )
        variables[name] = trackable
    return variables


def _asset_path(asset):
    path = asset.asset_path
    if hasattr(path, "numpy"):
        path = path.numpy()
    if isinstance(path, bytes):
        path = path.decode("utf-8")
    return _strip_file_scheme(path)


def _strip_file_scheme(path):
    if path.startswith(_FILE_SCHEME):
        return path[len(_FILE_SCHEME) :]
    return path


def _some_names(variables, limit=8):
    names = sorted(variables)
    listed = ", ".join(f"`{name}`" for name in names[:limit])
    more = len(names) - limit
    return f"[{listed}{f', ... and {more} more' if more > 0 else ''}]"


register_format(FORMAT, is_tfhub_saved_model, _load_checkpoint, DESCRIPTION)
