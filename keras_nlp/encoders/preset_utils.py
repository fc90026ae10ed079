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
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(
            f"A preset is a directory, but `path` is a file. Received: "
            f"path={path!r}. Choose a new directory name."
        )
    if os.path.isdir(path) and os.listdir(path) and not overwrite:
        raise ValueError(
            f"The preset directory is not empty. Received: path={path!r} "
            f"holding {sorted(os.listdir(path))}. Choose an empty or new "
            "directory, or pass `overwrite=True` to replace the preset."
        )
    os.makedirs(path, exist_ok=True)
    metadata = {
        "class_name": encoder.__class__.__name__,
        "config": encoder.get_config(),
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


def load_encoder(cls, path):
    """Builds a `cls` encoder from the preset `path` and loads its weights.

    Raises:
        ValueError: if `path` is not a preset directory, holds another class
            of encoder, or its weights do not fit the config.
    """
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise ValueError(
            f"`path` must be a preset directory. Received: path={path!r}, "
            "which does not exist or is not a directory."
        )
    metadata = read_preset_config(path)
    if metadata is None:
        found = sorted(os.listdir(path))
        raise ValueError(
            f"No keras_nlp preset found in {path!r}. Expected a directory "
            f"holding `{CONFIG_FILE}` (with `class_name` and `config`) and "
            f"`{WEIGHTS_FILE}`, as written by `save_to_preset`. "
            f"Received: a directory holding {found}."
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


def read_preset_config(path):
    """The parsed `config.json` of a keras_nlp preset, or None if absent."""
    config_path = os.path.join(path, CONFIG_FILE)
    if not os.path.isfile(config_path):
        return None
    with open(config_path, encoding="utf-8") as file:
        try:
            metadata = json.load(file)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{config_path!r} is not valid JSON ({error}). Rewrite the "
                "preset with `save_to_preset`."
            ) from None
    if not isinstance(metadata, dict) or not {"class_name", "config"} <= set(
        metadata
    ):
        return None
    return metadata


def _write_json(path, data):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=2, sort_keys=True)
        file.write("\n")
    os.replace(temporary, path)


def _package_version():
    import keras_nlp

    return getattr(keras_nlp, "__version__", "unknown")
