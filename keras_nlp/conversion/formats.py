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

"""Recognizes a checkpoint directory's format and loads or converts it.

The formats are registered with `keras_nlp.encoders.preset_utils`, so that
`BertEncoder.from_preset(path)` and `AlbertEncoder.from_preset(path)` read
them too. Another reader registers itself with `register_format`.
"""

import json
import os
import shutil
import tempfile

import keras
import numpy as np

from keras_nlp.conversion import bert_checkpoint
from keras_nlp.conversion import encoder_mapping
from keras_nlp.conversion import huggingface
from keras_nlp.conversion import pretraining_heads
from keras_nlp.conversion import tokenizer_settings
from keras_nlp.conversion.loaded_checkpoint import LoadedCheckpoint
from keras_nlp.encoders import preset_utils

PRESET_FORMAT = "keras_nlp_preset"

# Format name -> `load_fn(path, cls, with_mlm_head, config_overrides)`.
_LOADERS = {}


def register_format(name, detect_fn, load_fn, description):
    """Registers a checkpoint format for `load_checkpoint` and `from_preset`.

    Args:
        name: str. The format's identifier, e.g. `"bert_checkpoint"`.
        detect_fn: callable `(path) -> bool`. Must return False, never
            raise, for a path it does not recognize.
        load_fn: callable `(path, cls=None, with_mlm_head=False,
            config_overrides=None) -> LoadedCheckpoint`. Raises `ValueError`
            when `cls` is not the encoder class the checkpoint holds.
        description: str. The directory layout, listed when no format
            matches, e.g. "a TF Hub SavedModel (`saved_model.pb`,
            `variables/`)".
    """
    _LOADERS[name] = load_fn

    def load_encoder(cls, path):
        return load_fn(path, cls=cls).encoder

    preset_utils.register_source_format(
        name, detect_fn, load_encoder, description
    )


def detect_format(path):
    """The name of the format of the checkpoint at `path`.

    Args:
        path: str. A directory (or a handle a registered format accepts).

    Returns:
        `"keras_nlp_preset"` or a registered format name, such as
        `"bert_checkpoint"`, `"albert_checkpoint"` or `"huggingface"`.

    Raises:
        ValueError: if no format recognizes `path`; the message lists the
            files found and every accepted layout.
    """
    path = os.fspath(path)
    if os.path.isdir(path) and preset_utils.read_preset_config(path):
        return PRESET_FORMAT
    entry = preset_utils.find_source_format(path)
    if entry is not None:
        return entry.name
    if not os.path.isdir(path):
        raise ValueError(
            f"`path` must be a checkpoint directory. Received: path={path!r},"
            " which does not exist or is not a directory. Accepted: "
            f"{preset_utils.accepted_layouts()}"
        )
    raise ValueError(
        f"No known checkpoint layout in {path!r}. Received: a directory "
        f"holding {sorted(os.listdir(path))}. Accepted: "
        f"{preset_utils.accepted_layouts()}"
    )


def load_checkpoint(path, cls=None, with_mlm_head=False, config_overrides=None):
    """Loads a pretrained encoder from any supported checkpoint directory.

    The format is recognized from what the directory holds (see
    `detect_format`); the encoder's config comes from the source's config
    file, or is inferred from the weight shapes when there is none. Every
    source variable is loaded into exactly one weight or skipped by a named
    rule (optimizer slots, step counters, heads not asked for), and every
    weight receives exactly one source variable; otherwise nothing is loaded
    and a `ValueError` names the offending variables.

    Args:
        path: str. The checkpoint directory.
        cls: `keras_nlp.encoders.BertEncoder`, `AlbertEncoder` or None (the
            checkpoint's own class). A checkpoint of the other family raises.
        with_mlm_head: bool. Whether to also load the masked LM head (a
            `keras_nlp.layers.MaskedLM` tied to the encoder's embeddings)
            and, if the source has one, the next-sentence head. Defaults to
            `False`: the heads are skipped.
        config_overrides: dict or None. Encoder arguments that replace the
            source's (e.g. `{"num_attention_heads": 4}` for a checkpoint
            without a config file).

    Returns:
        A `keras_nlp.conversion.LoadedCheckpoint`.

    Raises:
        ValueError: if the format is not recognized or the weights do not
            correspond one to one with the model.
    """
    path = os.fspath(path)
    source_format = detect_format(path)
    if source_format == PRESET_FORMAT:
        return _load_preset(path, cls, with_mlm_head)
    if source_format in _LOADERS:
        return _LOADERS[source_format](
            path,
            cls=cls,
            with_mlm_head=with_mlm_head,
            config_overrides=config_overrides,
        )
    return _load_encoder_only(source_format, path, cls, with_mlm_head)


def write_preset(loaded, output_dir, overwrite=False):
    """Writes a `LoadedCheckpoint` as a keras_nlp preset directory.

    The directory gets `config.json` (with the tokenizer settings under
    `"preprocessor"` and the source under `"source"`), `model.weights.h5`,
    the vocabulary (`vocab.txt` or `spm.model`) and, if the heads were
    loaded, `pretraining_heads.npz`. Everything is first written to a
    temporary sibling directory and read back (every weight must round-trip
    exactly) before it replaces `output_dir`, so a failure leaves no
    half-written preset.

    Args:
        loaded: a `LoadedCheckpoint`.
        output_dir: str. The preset directory to create.
        overwrite: bool. Whether to replace a non-empty `output_dir`.
            Defaults to `False`.

    Raises:
        ValueError: if `output_dir` is a file, or a non-empty directory and
            `overwrite` is False.
    """
    output_dir = os.path.abspath(os.fspath(output_dir))
    preset_utils.check_preset_directory(
        output_dir, overwrite, argument="output_dir"
    )
    parent = os.path.dirname(output_dir)
    os.makedirs(parent, exist_ok=True)
    temporary = tempfile.mkdtemp(
        dir=parent, prefix=f".{os.path.basename(output_dir)}.tmp-"
    )
    try:
        preset_utils.save_encoder(loaded.encoder, temporary, overwrite=True)
        config_path = os.path.join(temporary, preset_utils.CONFIG_FILE)
        with open(config_path, encoding="utf-8") as file:
            metadata = json.load(file)
        if loaded.vocabulary_file is not None:
            _, preset_name = tokenizer_settings.find_vocabulary(
                os.path.dirname(loaded.vocabulary_file)
            )
            shutil.copyfile(
                loaded.vocabulary_file, os.path.join(temporary, preset_name)
            )
        if loaded.tokenizer_settings:
            metadata["preprocessor"] = dict(loaded.tokenizer_settings)
        if loaded.masked_lm is not None or loaded.next_sentence is not None:
            metadata[pretraining_heads.HEADS_KEY] = (
                pretraining_heads.save_pretraining_heads(
                    temporary, loaded.masked_lm, loaded.next_sentence
                )
            )
        metadata["source"] = {
            "format": loaded.source_format,
            "path": str(loaded.path),
            "summary": loaded.summary,
            "notes": loaded.notes,
        }
        with open(config_path, "w", encoding="utf-8") as file:
            json.dump(metadata, file, indent=2, sort_keys=True)
            file.write("\n")
        _check_round_trip(loaded.encoder, temporary)
        if os.path.isdir(output_dir):
            shutil.rmtree(output_dir)
        os.replace(temporary, output_dir)
    finally:
        if os.path.isdir(temporary):
            shutil.rmtree(temporary, ignore_errors=True)


def convert_to_preset(
    source,
    output_dir,
    with_mlm_head=False,
    overwrite=False,
    config_overrides=None,
):
    """Converts any supported checkpoint into a keras_nlp preset directory.

    `load_checkpoint(source, ...)` followed by `write_preset(...)`; the
    output directory is checked first, so nothing is loaded when it would
    be refused.

    Args:
        source: str. The checkpoint directory.
        output_dir: str. The preset directory to create.
        with_mlm_head: bool. Whether to convert the pretraining heads too.
            Defaults to `False`.
        overwrite: bool. Whether to replace a non-empty `output_dir`.
            Defaults to `False`.
        config_overrides: dict or None, as in `load_checkpoint`.

    Returns:
        The `LoadedCheckpoint` that was written.
    """
    preset_utils.check_preset_directory(
        os.path.abspath(os.fspath(output_dir)),
        overwrite,
        argument="output_dir",
    )
    loaded = load_checkpoint(
        source,
        with_mlm_head=with_mlm_head,
        config_overrides=config_overrides,
    )
    write_preset(loaded, output_dir, overwrite=overwrite)
    return loaded


def _load_preset(path, cls, with_mlm_head):
    metadata = preset_utils.read_preset_config(path)
    classes = {c.__name__: c for c in encoder_mapping.ENCODER_CLASSES.values()}
    preset_class = cls or classes.get(metadata["class_name"])
    if preset_class is None:
        raise ValueError(
            f"The preset at {path!r} holds a {metadata['class_name']}, "
            f"which is not one of {sorted(classes)}. Load it with its own "
            "class's `from_preset`."
        )
    encoder = preset_utils.load_encoder(preset_class, path)
    masked_lm = next_sentence = None
    if with_mlm_head:
        masked_lm, next_sentence = pretraining_heads.load_pretraining_heads(
            path, encoder
        )
    vocabulary_file, _ = tokenizer_settings.find_vocabulary(path)
    loaded_weights = len(encoder.weights)
    if masked_lm is not None:
        loaded_weights += len(masked_lm.weights) - 1  # The tied table.
    if next_sentence is not None:
        loaded_weights += len(next_sentence.weights)
    summary = {"loaded": loaded_weights, "skipped": {}}
    return LoadedCheckpoint(
        encoder=encoder,
        source_format=PRESET_FORMAT,
        path=path,
        summary=summary,
        summary_text=(
            f"Loaded {loaded_weights} weights from the keras_nlp preset."
        ),
        vocabulary_file=vocabulary_file,
        tokenizer_settings=metadata.get("preprocessor") or {},
        masked_lm=masked_lm,
        next_sentence=next_sentence,
    )


def _load_encoder_only(source_format, path, cls, with_mlm_head):
    """Loads a format registered only with `preset_utils` (encoder only)."""
    if with_mlm_head:
        raise ValueError(
            f"The `{source_format}` reader loads the encoder only, without "
            f"pretraining heads. Received: with_mlm_head=True for {path!r}. "
            "Load it without the masked LM head."
        )
    entry = preset_utils.find_source_format(path)
    encoder = entry.load_fn(cls or encoder_mapping.Encoder, path)
    settings = {}
    vocabulary_file = None
    if os.path.isdir(path):
        vocabulary_file, _ = tokenizer_settings.find_vocabulary(path)
        settings = tokenizer_settings.read_tokenizer_settings(path)
    count = len(encoder.weights)
    return LoadedCheckpoint(
        encoder=encoder,
        source_format=source_format,
        path=path,
        summary={"loaded": count, "skipped": {}},
        summary_text=(
            f"Loaded {count} weights with the `{source_format}` reader."
        ),
        vocabulary_file=vocabulary_file,
        tokenizer_settings=settings,
    )


def _check_round_trip(encoder, preset_dir):
    restored = preset_utils.load_encoder(encoder.__class__, preset_dir)
    expected = {w.path: w for w in encoder.weights}
    actual = {w.path: w for w in restored.weights}
    if sorted(expected) != sorted(actual) or not all(
        np.array_equal(
            keras.ops.convert_to_numpy(expected[name]),
            keras.ops.convert_to_numpy(actual[name]),
        )
        for name in expected
    ):
        raise ValueError(
            f"The preset written to {preset_dir!r} does not reload to the "
            "same weights. This is a bug; please report it."
        )


def _register_builtin_formats():
    register_format(
        bert_checkpoint.BERT_FORMAT,
        bert_checkpoint.is_bert_checkpoint,
        bert_checkpoint.load_checkpoint,
        bert_checkpoint.BERT_DESCRIPTION,
    )
    register_format(
        bert_checkpoint.ALBERT_FORMAT,
        bert_checkpoint.is_albert_checkpoint,
        bert_checkpoint.load_checkpoint,
        bert_checkpoint.ALBERT_DESCRIPTION,
    )
    register_format(
        huggingface.FORMAT,
        huggingface.is_huggingface_directory,
        huggingface.load_checkpoint,
        huggingface.DESCRIPTION,
    )


_register_builtin_formats()
