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

"""The keras_nlp preset directory: reading, writing and `from_preset`.

A preset is a directory holding `config.json` (`{"class_name": ...,
"config": ...}` plus metadata), `model.weights.h5` and, when a tokenizer was
saved with the encoder, its vocabulary (`vocab.txt` or `spm.model`) with its
settings under the `"preprocessor"` key of `config.json`. Any other source
(an original BERT checkpoint, a TF Hub SavedModel, a Hugging Face directory)
is handed to `keras_nlp.conversion`, imported inside the function that
needs it.
"""

import difflib
import glob
import json
import os
import shutil
import tempfile

import keras

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
FORMAT_VERSION = 1
VOCABULARY_FILES = ("vocab.txt", "spm.model")
# Every key a preset's `config.json` may hold.
CONFIG_KEYS = (
    "class_name",
    "config",
    "format_version",
    "keras_nlp_version",
    "keras_version",
    "preprocessor",
    "pretraining_heads",
    "source",
    "weights",
)


def from_preset(path, dtype=None):
    """Loads the pretrained encoder at `path`, of whichever class it holds.

    `path` may be a keras_nlp preset directory or any source
    `keras_nlp.conversion.load_checkpoint` reads: an original BERT or
    ALBERT checkpoint (its directory or its `bert_model.ckpt` prefix), a TF
    Hub BERT or ALBERT SavedModel or a Hugging Face directory with
    `model.safetensors`. The result is a `keras_nlp.encoders.BertEncoder`
    or `keras_nlp.encoders.AlbertEncoder`, as the source holds. Loading
    reads weights only; it never runs code from the source.

    Args:
        path: str. The preset or checkpoint.
        dtype: optional dtype policy (such as `"mixed_bfloat16"`) to build
            the encoder with. Defaults to the global policy.

    Returns:
        The encoder with the pretrained weights.

    Raises:
        ValueError: if `path` holds nothing recognized, or its weights do
            not fit its config.

    Example:

    ```python
    encoder = keras_nlp.encoders.AlbertEncoder(
        vocab_size=10,
        hidden_size=8,
        num_layers=2,
        num_attention_heads=2,
        inner_dim=16,
        max_sequence_length=8,
        embedding_width=4,
    )
    encoder.save_to_preset("tiny_albert", overwrite=True)
    restored = keras_nlp.encoders.from_preset("tiny_albert")
    assert isinstance(restored, keras_nlp.encoders.AlbertEncoder)
    ```
    """
    return load_encoder(path, cls=None, dtype=dtype)


def load_encoder(path, cls=None, dtype=None):
    """`from_preset` for the class `cls` (None: the class `path` holds)."""
    from keras_nlp.presets import resolve_preset

    path = os.fspath(
        resolve_preset(path, encoder=cls.__name__ if cls else None)
    )
    metadata = read_preset_config(path)
    if metadata is not None:
        encoder = _load_preset_encoder(path, metadata, cls)
    else:
        # Any other layout is a checkpoint of another format.
        from keras_nlp.conversion import loading

        encoder = loading.load_checkpoint(path, cls=cls).encoder
    if dtype is None:
        return encoder
    policy = keras.dtype_policies.get(dtype)
    if policy.name == encoder.dtype_policy.name:
        return encoder
    config = encoder.get_config()
    config["dtype"] = keras.dtype_policies.serialize(policy)
    rebuilt = encoder.__class__.from_config(config)
    rebuilt.set_weights(encoder.get_weights())
    return rebuilt


def save_preset(encoder, path, tokenizer=None, overwrite=False, extras=None):
    """Writes `encoder` (and `tokenizer`'s vocabulary) as the preset `path`.

    Everything is written into a temporary directory beside `path`, which
    then replaces `path` as a whole: no file of a previous preset survives
    an overwrite, and a failed save leaves `path` as it was. A temporary
    directory left by a killed save is removed by the next save.

    Args:
        encoder: the encoder to save.
        path: str. The preset directory.
        tokenizer: optional keras_nlp tokenizer to save beside it.
        overwrite: bool. Whether a non-empty `path` may be replaced.
        extras: optional callable `(directory) -> dict`, writing more files
            into the temporary directory and returning more `config.json`
            entries (such as `"pretraining_heads"`).

    Raises:
        ValueError: if `path` is a file, or a non-empty directory and
            `overwrite` is False.
    """
    path = os.path.abspath(os.fspath(path))
    check_preset_directory(path, overwrite)
    parent, name = os.path.split(path)
    os.makedirs(parent, exist_ok=True)
    for stale in glob.glob(os.path.join(glob.escape(parent), f".{name}.*-*")):
        shutil.rmtree(stale, ignore_errors=True)
    temporary = tempfile.mkdtemp(dir=parent, prefix=f".{name}.tmp-")
    try:
        metadata = {
            "class_name": encoder.__class__.__name__,
            "config": _config_without_dtype(encoder),
            "keras_nlp_version": _package_version(),
            "keras_version": keras.__version__,
            "format_version": FORMAT_VERSION,
            "weights": WEIGHTS_FILE,
        }
        if tokenizer is not None:
            metadata["preprocessor"] = tokenizer.save_to_preset(temporary)
        encoder.save_weights(os.path.join(temporary, WEIGHTS_FILE))
        if extras is not None:
            metadata.update(extras(temporary))
        write_json(os.path.join(temporary, CONFIG_FILE), metadata)
        if os.path.isdir(path):
            previous = tempfile.mkdtemp(dir=parent, prefix=f".{name}.old-")
            os.replace(path, os.path.join(previous, name))
            os.replace(temporary, path)
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(temporary, path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def check_preset_directory(path, overwrite=False, argument="path"):
    """Checks that a preset may be written to the directory `path`.

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


def read_preset_config(path):
    """The checked `config.json` of a keras_nlp preset, or None.

    None when `path` is not a directory whose `config.json` holds
    `"class_name"` and `"config"` (a Hugging Face `config.json` is not a
    preset's).

    Raises:
        ValueError: if `config.json` is not valid JSON, or a preset's
            `config.json` holds a key keras_nlp does not know.
    """
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
    for key in metadata:
        if key not in CONFIG_KEYS:
            closest = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
            hint = f"Did you mean {closest[0]!r}? " if closest else ""
            raise ValueError(
                f"Unknown key {key!r} in {config_path!r}. Expected only the "
                f"keys {list(CONFIG_KEYS)}. {hint}Fix the file, or rewrite "
                "the preset with `save_to_preset`."
            )
    return metadata


def vocabulary_size(vocabulary_file):
    """The number of tokens of a `vocab.txt` or SentencePiece model file.

    Raises:
        ValueError: if a SentencePiece file is not a valid model.
    """
    if vocabulary_file.endswith(".txt"):
        with open(vocabulary_file, encoding="utf-8") as file:
            tokens = file.read().split("\n")
        return len(tokens) - (tokens[-1] == "")
    from sentencepiece import sentencepiece_model_pb2

    model = sentencepiece_model_pb2.ModelProto()
    with open(vocabulary_file, "rb") as file:
        try:
            model.ParseFromString(file.read())
        except Exception:  # protobuf raises its own DecodeError.
            model.Clear()
    if not model.pieces:
        raise ValueError(
            f"{vocabulary_file!r} is not a SentencePiece model (it does not "
            "parse, or holds no pieces). Replace it with the `.model` file "
            "the checkpoint was released with."
        )
    return len(model.pieces)


def check_vocabulary_size(vocabulary_file, vocab_size, source):
    """Raises unless the vocabulary has `vocab_size` tokens.

    Args:
        vocabulary_file: str. A `vocab.txt` or SentencePiece model.
        vocab_size: int. The encoder's `vocab_size`.
        source: str. Names the encoder's origin in the error.
    """
    size = vocabulary_size(vocabulary_file)
    if size != vocab_size:
        raise ValueError(
            f"The vocabulary {vocabulary_file!r} has {size} tokens, but the "
            f"encoder of {source} has `vocab_size` {vocab_size}: token ids "
            f"and embedding rows would not correspond. Received: "
            f"{size} tokens, vocab_size={vocab_size}. Use the vocabulary "
            "the encoder was trained with."
        )


def read_json(path, fix):
    """Parses the JSON file `path`; `fix` ends the error message.

    Raises:
        ValueError: if the file is not valid JSON.
    """
    with open(path, encoding="utf-8") as file:
        try:
            return json.load(file)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(
                f"{path!r} is not valid JSON ({error}). {fix}"
            ) from None


def write_json(path, data):
    """Writes `data` to `path` as indented, key-sorted JSON, atomically."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=2, sort_keys=True)
        file.write("\n")
    os.replace(temporary, path)


def _load_preset_encoder(path, metadata, cls):
    from keras_nlp.encoders.albert_encoder import AlbertEncoder
    from keras_nlp.encoders.bert_encoder import BertEncoder

    class_name = metadata["class_name"]
    classes = {c.__name__: c for c in (BertEncoder, AlbertEncoder)}
    if cls is None or cls.__name__ not in classes:
        if class_name not in classes:
            raise ValueError(
                f"The preset at {path!r} holds a {class_name}, which is "
                f"not one of {sorted(classes)}. Received: class_name="
                f"{class_name!r}. Load it with its own class's `from_preset`."
            )
        cls = classes[class_name] if cls is None else cls
    if class_name != cls.__name__:
        raise ValueError(
            f"The preset at {path!r} holds a {class_name}, not a "
            f"{cls.__name__}. Load it with "
            f"`keras_nlp.encoders.{class_name}.from_preset(path)` or "
            "`keras_nlp.encoders.from_preset(path)`."
        )
    weights_path = file_in_preset(path, metadata.get("weights", WEIGHTS_FILE))
    if not os.path.isfile(weights_path):
        raise ValueError(
            f"The preset at {path!r} has no weights file. Expected: "
            f"{weights_path!r}. Received: a directory holding "
            f"{sorted(os.listdir(path))}. Save the preset again."
        )
    config = metadata["config"]
    for name in VOCABULARY_FILES:
        if os.path.isfile(os.path.join(path, name)):
            check_vocabulary_size(
                os.path.join(path, name),
                config.get("vocab_size"),
                f"the preset {path!r}",
            )
    encoder = cls.from_config(config)
    try:
        encoder.load_weights(weights_path)
    except ValueError as error:
        raise ValueError(
            f"The weights in {weights_path!r} do not fit the {class_name} "
            f"described by {CONFIG_FILE}: {error}"
        ) from None
    except OSError as error:
        raise ValueError(
            f"{weights_path!r} is not a readable Keras weights file "
            f"({error}); it is probably truncated or corrupted. Copy or save "
            "the preset again."
        ) from None
    return encoder


def file_in_preset(path, name, key="weights"):
    """`path/name`, refusing a `name` that leads outside the preset `path`.

    Raises:
        ValueError: naming the `config.json` entry `key` that points out.
    """
    root = os.path.realpath(path)
    target = os.path.realpath(os.path.join(root, os.fspath(name)))
    if os.path.commonpath([root, target]) != root:
        raise ValueError(
            f'The "{key}" entry of {os.path.join(path, CONFIG_FILE)!r} '
            f"points outside the preset directory. Received: {key}="
            f"{name!r}. A preset names its files relative to its own "
            f'directory, e.g. "{WEIGHTS_FILE}".'
        )
    return target


def _package_version():
    import keras_nlp

    return getattr(keras_nlp, "__version__", "unknown")


def _config_without_dtype(encoder):
    """The encoder's config minus its dtype policy (a choice of the run).

    A quantized encoder keeps its `DTypePolicyMap`: the int8 weights it
    writes only load into layers built quantized.
    """
    config = encoder.get_config()
    dtype = config.get("dtype")
    is_policy_map = (
        isinstance(dtype, dict) and dtype.get("class_name") == "DTypePolicyMap"
    )
    if not is_policy_map:
        config.pop("dtype", None)
    return config
