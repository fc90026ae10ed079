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

"""Reading and writing keras_nlp preset directories.

A preset directory holds `config.json` (`{"class_name": ..., "config": ...}`
plus metadata), `model.weights.h5` and, when a tokenizer was saved with the
encoder, its vocabulary (`vocab.txt` or `spm.model`) with its settings under
the `"preprocessor"` key of `config.json`.
"""

import json
import os

import keras

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
FORMAT_VERSION = 1


def save_encoder(encoder, path, tokenizer=None, overwrite=False):
    """Writes `encoder` (and `tokenizer`'s vocabulary) to the preset `path`.

    Raises:
        ValueError: if `path` is a non-empty directory and `overwrite` is
            False, or `path` is a file.
    """
    path = os.fspath(path)
    check_preset_directory(path, overwrite)
    os.makedirs(path, exist_ok=True)
    metadata = {
        "class_name": encoder.__class__.__name__,
        "config": _config_without_dtype(encoder),
        "keras_nlp_version": _package_version(),
        "keras_version": keras.__version__,
        "format_version": FORMAT_VERSION,
        "weights": WEIGHTS_FILE,
    }
    if tokenizer is not None:
        metadata["preprocessor"] = tokenizer.save_to_preset(path)
    encoder.save_weights(os.path.join(path, WEIGHTS_FILE))
    # The config goes last: a directory without it is not a valid preset,
    # so an interrupted save can never be loaded as a complete one.
    _write_json(os.path.join(path, CONFIG_FILE), metadata)


def check_preset_directory(path, overwrite=False, argument="path"):
    """Checks that a preset may be written to the directory `path`.

    Args:
        path: str. The directory to write; it may be absent or empty.
        overwrite: bool. Whether a non-empty directory may be replaced.
            Defaults to `False`.
        argument: str. The caller's name for `path`, used in the errors.
            Defaults to `"path"`.

    Raises:
        ValueError: if `path` is a file, or a non-empty directory and
            `overwrite` is False.
    """
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(
            f"`{argument}` must be a directory, but it is a file. Received: "
            f"{argument}={path!r}. Choose a new directory name."
        )
    if os.path.isdir(path) and os.listdir(path) and not overwrite:
        raise ValueError(
            f"`{argument}` is not empty. Received: {argument}={path!r} "
            f"holding {sorted(os.listdir(path))}. Choose an empty or new "
            "directory, or pass `overwrite=True` to replace it."
        )


def load_encoder(cls, path):
    """Builds a `cls` encoder from the preset `path` and loads its weights.

    A directory without a keras_nlp `config.json` is handed to the first
    registered source format (see `register_source_format`) whose detector
    recognizes it, such as an original BERT checkpoint.

    Raises:
        ValueError: if `path` is neither a preset directory nor a registered
            source format, holds another class of encoder, or its weights do
            not fit the config.
    """
    path = os.fspath(path)
    metadata = read_preset_config(path) if os.path.isdir(path) else None
    if metadata is None:
        source_format = find_source_format(path)
        if source_format is not None:
            return source_format.load_fn(cls, path)
        if not os.path.isdir(path):
            raise ValueError(
                f"`path` must be a preset directory. Received: path={path!r}, "
                "which does not exist or is not a directory. Accepted: "
                f"{accepted_layouts()}"
            )
        found = sorted(os.listdir(path))
        raise ValueError(
            f"No keras_nlp preset found in {path!r}, and no known "
            f"checkpoint layout either. Received: a directory holding "
            f"{found}. Accepted: {accepted_layouts()}"
        )
    class_name = metadata["class_name"]
    if class_name != cls.__name__:
        raise ValueError(
            f"The preset at {path!r} holds a {class_name}, not a "
            f"{cls.__name__}. Load it with "
            f"`keras_nlp.encoders.{class_name}.from_preset(path)`."
        )
    weights_path = os.path.join(path, metadata.get("weights", WEIGHTS_FILE))
    if not os.path.isfile(weights_path):
        raise ValueError(
            f"The preset at {path!r} has no weights file. Expected: "
            f"{weights_path!r}. Received: a directory holding "
            f"{sorted(os.listdir(path))}."
        )
    encoder = cls.from_config(metadata["config"])
    try:
        encoder.load_weights(weights_path)
    except ValueError as error:
        raise ValueError(
            f"The weights in {weights_path!r} do not fit the {class_name} "
            f"described by {CONFIG_FILE}: {error}"
        ) from None
    return encoder


class SourceFormat:
    """A registered checkpoint layout that `load_encoder` can read.

    Args:
        name: str. A short identifier, e.g. `"bert_checkpoint"`.
        detect_fn: callable `(path) -> bool`; must not raise for a path it
            does not recognize.
        load_fn: callable `(cls, path) -> encoder`; builds and loads the
            encoder, raising `ValueError` if `cls` is the wrong class.
        description: str. The layout, as listed in "nothing matches" errors.
    """

    def __init__(self, name, detect_fn, load_fn, description):
        self.name = name
        self.detect_fn = detect_fn
        self.load_fn = load_fn
        self.description = description


# Registered `SourceFormat`s, in the order they are tried.
_SOURCE_FORMATS = []


def register_source_format(name, detect_fn, load_fn, description):
    """Registers (or replaces, by `name`) a source format for `from_preset`.

    Packages that read foreign checkpoints (keras_nlp.conversion) register
    their layouts at import; `load_encoder` tries them, in registration
    order, on any path that is not a keras_nlp preset directory.
    """
    entry = SourceFormat(name, detect_fn, load_fn, description)
    for index, existing in enumerate(_SOURCE_FORMATS):
        if existing.name == name:
            _SOURCE_FORMATS[index] = entry
            return entry
    _SOURCE_FORMATS.append(entry)
    return entry


def source_formats():
    """The registered `SourceFormat`s, in the order they are tried."""
    return list(_SOURCE_FORMATS)


def find_source_format(path):
    """The first registered `SourceFormat` that recognizes `path`, or None."""
    for entry in _SOURCE_FORMATS:
        if entry.detect_fn(path):
            return entry
    return None


def accepted_layouts():
    """Describes every layout `load_encoder` accepts, for error messages."""
    layouts = [
        f"a keras_nlp preset directory (`{CONFIG_FILE}` with `class_name` "
        f"and `config`, `{WEIGHTS_FILE}`), as written by `save_to_preset`"
    ]
    layouts += [entry.description for entry in _SOURCE_FORMATS]
    return "; ".join(f"({i}) {text}" for i, text in enumerate(layouts, 1))


def read_preset_config(path):
    """The parsed `config.json` of a keras_nlp preset, or None if absent."""
    config_path = os.path.join(path, CONFIG_FILE)
    if not os.path.isfile(config_path):
        return None
    metadata = read_json(
        config_path, fix="Rewrite the preset with `save_to_preset`."
    )
    if not isinstance(metadata, dict) or not {"class_name", "config"} <= set(
        metadata
    ):
        return None
    return metadata


def read_json(path, fix):
    """Parses the JSON file `path`.

    Args:
        path: str. The file to read.
        fix: str. How to repair the file, the last sentence of the error.

    Returns:
        The parsed value (a dict for a JSON object).

    Raises:
        ValueError: if the file is not valid JSON.
    """
    with open(path, encoding="utf-8") as file:
        try:
            return json.load(file)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path!r} is not valid JSON ({error}). {fix}"
            ) from None


def _write_json(path, data):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=2, sort_keys=True)
        file.write("\n")
    os.replace(temporary, path)


def _package_version():
    import keras_nlp

    return getattr(keras_nlp, "__version__", "unknown")


def _config_without_dtype(encoder):
    """The encoder's config minus its dtype policy.

    A policy is a choice of the run (mixed precision on accelerators, float32
    on CPUs), not a property of the weights, so presets leave it to the
    loader's global policy or `from_preset(..., dtype=...)`.
    """
    config = encoder.get_config()
    config.pop("dtype", None)
    return config
