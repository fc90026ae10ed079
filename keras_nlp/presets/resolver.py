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

"""Resolving a preset name to a converted preset directory in the cache.

The cache directory holds one converted keras_nlp preset per name
(`<cache>/<name>/`) and, while a preset is being made, its archive under
`<cache>/downloads/`. Every step writes to a temporary name first and renames
when complete, so an interrupted or refused download never leaves an entry
that a later call would take for a finished one.
"""

import dataclasses
import difflib
import glob
import hashlib
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import zipfile
import zlib

from keras_nlp.presets import table

CACHE_ENV = "KERAS_NLP_CACHE"
DEFAULT_CACHE_ROOT = os.path.join("~", ".cache", "keras_nlp")
# (connect, read) seconds: fail fast when offline, tolerate slow transfers.
TIMEOUT = (10, 60)
_CHUNK_BYTES = 1 << 20
# A bare name (no path separator), as opposed to a path or a handle.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def list_presets():
    """The names `resolve_preset` (and so `from_preset`) accepts.

    Returns:
        A list of str, sorted with numbers in numeric order: the table's
        names and their aliases (such as
        `"bert_tiny_en_uncased"` for `"bert_l2_h128_en_uncased"`).

    Example:

    ```python
    names = keras_nlp.presets.list_presets()
    assert "bert_base_en_uncased" in names
    assert "albert_base_en_v2" in names
    ```
    """
    names = list(table.PRESETS) + list(table.ALIASES)
    # Numbers in numeric order: `bert_l2_...` before `bert_l10_...`.
    return sorted(names, key=_natural_key)


def preset_info(name):
    """What the table records about the preset `name`.

    Nothing is downloaded.

    Args:
        name: str. A name from `list_presets()`.

    Returns:
        A dict with the keys `name` (the table name an alias stands for),
        `description`, `url`, `encoder` (`"BertEncoder"` or
        `"AlbertEncoder"`), `lowercase`, `archive` (`"zip"` or `"tar.gz"`),
        `directory` (inside the archive), `config_file`,
        `vocabulary_file`, `checkpoint` and `sha256` (None when unknown).

    Raises:
        ValueError: if `name` is not a preset name; the message lists close
            matches.

    Example:

    ```python
    info = keras_nlp.presets.preset_info("bert_tiny_en_uncased")
    assert info["url"].endswith("uncased_L-2_H-128_A-2.zip")
    assert info["encoder"] == "BertEncoder" and info["lowercase"]
    ```
    """
    return dataclasses.asdict(_lookup(name))


def resolve_preset(name_or_path, cache_dir=None, encoder=None):
    """The preset directory for a preset name, or the path it was given.

    A path that exists, or anything that is not a bare name (it contains a
    path separator, as TF Hub handles and `gs://` paths do), is returned
    unchanged. A name from `list_presets()` is downloaded once, with a
    progress bar, from the URL in the table (see `preset_info`), checked
    (archive integrity, the SHA-256 when the table has one, and the config,
    vocabulary and checkpoint files), converted into a keras_nlp preset by
    `keras_nlp.conversion.convert_to_preset` (pretraining heads included,
    the tokenizer's casing as the table says) and cached; later calls
    return the cached directory without touching the network.

    The cache directory is `cache_dir` if given, else
    `$KERAS_NLP_CACHE/presets`, else `~/.cache/keras_nlp/presets`. Delete a
    preset's directory there to convert it again.

    Without network access a name that is not cached fails at once with
    the URL tried; download and extract the archive elsewhere and pass its
    directory to `from_preset` instead (the original checkpoint directory
    is read directly), or convert it once with
    `keras_nlp.conversion.convert_to_preset`.

    Args:
        name_or_path: str or path-like. A preset name, or a path (or
            handle) to return unchanged.
        cache_dir: str, optional. The directory holding the converted
            presets. Defaults to `$KERAS_NLP_CACHE/presets` or
            `~/.cache/keras_nlp/presets`.
        encoder: str, optional. The encoder class the caller loads, such
            as `"BertEncoder"`: a preset of another class is refused
            before anything is downloaded. Defaults to any class.

    Returns:
        `name_or_path` itself for a path, else the path of the converted
        preset directory.

    Raises:
        TypeError: if `name_or_path` is not a str or path-like.
        ValueError: if `name_or_path` is neither an existing path nor a
            preset name (the message lists close matches), the preset holds
            another class than `encoder`, or the download
            is truncated, corrupt, of another SHA-256 or lacks an expected
            file.
        ConnectionError: if the server cannot be reached (offline, DNS
            failure, refused connection, timeout).
        OSError: if the server answers with an HTTP error.

    Example:

    ```python
    # Paths and handles pass through unchanged; names are downloaded.
    assert keras_nlp.presets.resolve_preset(".") == "."
    ```
    """
    try:
        path = os.fspath(name_or_path)
    except TypeError:
        raise TypeError(
            "`name_or_path` must be a preset name or a path (str or "
            f"path-like). Received: name_or_path={name_or_path!r} of type "
            f"{type(name_or_path).__name__}."
        ) from None
    if not isinstance(path, str) or not _NAME.match(path):
        return name_or_path
    if os.path.exists(path):
        return name_or_path
    preset = _lookup(path)
    if encoder is not None and encoder != preset.encoder:
        raise ValueError(
            f"The preset {path!r} holds the encoder class {preset.encoder}, "
            f"not {encoder}. Received: {path!r} for {encoder}. Load it with "
            f"`keras_nlp.encoders.{preset.encoder}.from_preset({path!r})`."
        )
    cache_dir = _cache_dir(cache_dir)
    target = os.path.join(cache_dir, preset.name)
    if _is_preset(target):
        return target
    if os.path.exists(target):
        raise ValueError(
            f"The cache entry {target!r} of the preset {preset.name!r} is "
            "not a keras_nlp preset (no `config.json` and "
            "`model.weights.h5`). Delete it to download the preset again."
        )
    downloads_dir = os.path.join(cache_dir, "downloads")
    try:
        archive, sha256 = _download(preset, downloads_dir)
        if not _is_preset(target):  # Another process may have made it.
            _convert(preset, archive, sha256, target)
        os.remove(archive)
    except FileNotFoundError:
        # Another process finished the same preset and removed the archive.
        if not _is_preset(target):
            raise
    return target


def _natural_key(name):
    return [
        int(part) if part.isdigit() else part
        for part in re.split(r"(\d+)", name)
    ]


def _lookup(name):
    name = table.ALIASES.get(name, name)
    if name in table.PRESETS:
        return table.PRESETS[name]
    names = list_presets()
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
    hint = f"Did you mean {close}? " if close else ""
    raise ValueError(
        f"{name!r} is not a known preset name (nor an existing file or "
        f"directory). {hint}Known presets (`keras_nlp.presets."
        f"list_presets()`): {names}."
    )


def _cache_dir(cache_dir):
    if cache_dir is None:
        root = os.environ.get(CACHE_ENV) or DEFAULT_CACHE_ROOT
        cache_dir = os.path.join(root, "presets")
    return os.path.abspath(os.path.expanduser(os.fspath(cache_dir)))


def _is_preset(path):
    return os.path.isfile(os.path.join(path, "config.json")) and (
        os.path.isfile(os.path.join(path, "model.weights.h5"))
    )


def _offline_message(preset, reason):
    if isinstance(reason, BaseException):
        reason = _root_cause(reason)
    inner = (
        f" (its `{preset.directory}/` directory)" if preset.directory else ""
    )
    return (
        f"Could not download the preset {preset.name!r} from {preset.url}: "
        f"{reason}. Named presets are downloaded on first use; check the "
        f"network connection, or download and extract that archive "
        f"elsewhere and pass the extracted directory{inner} instead of the "
        f"name, e.g. `{preset.encoder}.from_preset('/path/to/directory')` "
        "(or convert it once with "
        "`keras_nlp.conversion.convert_to_preset(directory, output_dir)`)."
    )


def _root_cause(error):
    """The innermost error `requests` wraps (refused, DNS, timeout)."""
    for _ in range(5):
        inner = getattr(error, "reason", None)
        if not isinstance(inner, BaseException) and error.args:
            inner = error.args[0]
        if not isinstance(inner, BaseException):
            break
        error = inner
    return str(error)


def _download(preset, downloads_dir):
    """Downloads `preset`'s archive; returns its path and its SHA-256.

    The bytes go to a temporary file, renamed into place only once their
    length (and SHA-256, if known) is right; an archive already in place
    (kept when a conversion failed) is not downloaded again.
    """
    import requests
    import tqdm
    import urllib3

    destination = os.path.join(downloads_dir, f"{preset.name}.{preset.archive}")
    if os.path.isfile(destination):
        return destination, _file_sha256(destination)
    os.makedirs(downloads_dir, exist_ok=True)
    handle, partial = tempfile.mkstemp(
        dir=downloads_dir, prefix=f".{preset.name}.", suffix=".part"
    )
    os.close(handle)
    digest = hashlib.sha256()
    received = 0
    try:
        try:
            response = requests.get(preset.url, stream=True, timeout=TIMEOUT)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise ConnectionError(_offline_message(preset, error)) from error
        with response:
            if response.status_code != 200:
                raise OSError(
                    _offline_message(
                        preset,
                        f"the server answered HTTP {response.status_code} "
                        f"{response.reason}",
                    )
                )
            expected = response.headers.get("Content-Length")
            expected = int(expected) if expected else None
            progress = tqdm.tqdm(
                total=expected,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=f"Downloading {preset.name}",
                file=sys.stderr,
            )
            with progress, open(partial, "wb") as file:
                try:
                    # The bytes as sent: no transparent gzip decoding.
                    for chunk in response.raw.stream(
                        _CHUNK_BYTES, decode_content=False
                    ):
                        file.write(chunk)
                        digest.update(chunk)
                        received += len(chunk)
                        progress.update(len(chunk))
                except urllib3.exceptions.HTTPError as error:
                    reason = (
                        f"the connection broke after {received} of "
                        f"{expected or 'unknown'} bytes: {error}"
                    )
                    raise ConnectionError(
                        _offline_message(preset, reason)
                    ) from error
        if expected is not None and received != expected:
            raise ValueError(
                f"The download of {preset.url} is truncated: received "
                f"{received} of {expected} bytes. Nothing was cached; call "
                "again to retry."
            )
        if preset.sha256 and digest.hexdigest() != preset.sha256.lower():
            raise ValueError(
                f"The archive downloaded from {preset.url} has the SHA-256 "
                f"{digest.hexdigest()}, expected {preset.sha256} for the "
                f"preset {preset.name!r}. It was deleted and nothing was "
                "cached: the file on the server changed or the transfer was "
                "corrupted."
            )
        os.replace(partial, destination)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return destination, digest.hexdigest()


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _convert(preset, archive, sha256, target):
    """Extracts, checks and converts `archive`, then renames to `target`."""
    from keras_nlp.conversion import convert_to_preset

    work = tempfile.mkdtemp(
        dir=os.path.dirname(target), prefix=f".{preset.name}.tmp-"
    )
    try:
        source = os.path.join(work, "source")
        try:
            _extract(preset, archive, source)
            source = _checkpoint_directory(preset, source)
        except ValueError:
            os.remove(archive)  # Corrupt or wrong: download it again.
            raise
        print(
            f"Converting {preset.name} into a keras_nlp preset at {target}",
            file=sys.stderr,
        )
        converted = os.path.join(work, "preset")
        convert_to_preset(source, converted, with_mlm_head=True)
        _finish_preset(preset, converted, sha256)
        try:
            os.replace(converted, target)
        except OSError:
            if not _is_preset(target):  # Else another process made it.
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _extract(preset, archive, destination):
    try:
        if preset.archive == "zip":
            with zipfile.ZipFile(archive) as file:
                # Reading each member checks its CRC-32.
                file.extractall(destination)
        else:
            with tarfile.open(archive, "r:*") as file:
                file.extractall(destination, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error) as e:
        raise ValueError(
            f"The archive downloaded from {preset.url} for the preset "
            f"{preset.name!r} is not a valid {preset.archive} file ({e}). "
            "It was deleted and nothing was cached; call again to download "
            "it again."
        ) from e


def _checkpoint_directory(preset, root):
    """The extracted directory holding the checkpoint, checked."""
    expected = os.path.join(root, preset.directory)
    candidates = [expected] + sorted(
        os.path.dirname(path)
        for path in glob.glob(
            os.path.join(glob.escape(root), "**", preset.config_file),
            recursive=True,
        )
    )
    for directory in candidates:
        if os.path.isfile(os.path.join(directory, preset.config_file)):
            break
    else:
        directory = expected
    required = [preset.config_file, preset.vocabulary_file]
    missing = [
        name
        for name in required
        if not os.path.isfile(os.path.join(directory, name))
    ]
    # Usually `preset.checkpoint`; the converter reads any single prefix.
    indexes = glob.glob(os.path.join(glob.escape(directory), "*.index"))
    if not any(
        glob.glob(glob.escape(i[: -len("index")]) + "data-*") for i in indexes
    ):
        missing.append(f"{preset.checkpoint}.index and .data-*")
    if missing:
        where = os.path.relpath(directory, root)
        where = "the archive's root" if where == "." else repr(where)
        found = sorted(
            os.path.relpath(os.path.join(parent, name), root)
            for parent, _, names in os.walk(root)
            for name in names
        )
        raise ValueError(
            f"The archive downloaded from {preset.url} for the preset "
            f"{preset.name!r} lacks {missing} in {where}. Received: an "
            f"archive holding {found}. It was deleted and nothing was cached."
        )
    return directory


def _finish_preset(preset, preset_dir, sha256):
    """Checks the encoder class; records the table's casing and the source.

    The converter infers the casing from file names and the vocabulary; the
    release notes of each model state it, as the table does. The source
    recorded is the URL and the archive's SHA-256, not the temporary
    directory the conversion read.
    """
    config_path = os.path.join(preset_dir, "config.json")
    with open(config_path, encoding="utf-8") as file:
        metadata = json.load(file)
    if metadata.get("class_name") != preset.encoder:
        raise ValueError(
            f"The checkpoint of the preset {preset.name!r} converted into a "
            f"{metadata.get('class_name')}, but the table says "
            f"{preset.encoder}. The preset table entry is wrong; please "
            "report it."
        )
    metadata.setdefault("preprocessor", {})["lowercase"] = preset.lowercase
    source = metadata.setdefault("source", {})
    source.update(path=preset.url, preset=preset.name, sha256=sha256)
    with open(config_path, "w", encoding="utf-8") as file:
        json.dump(metadata, file, indent=2, sort_keys=True)
        file.write("\n")
