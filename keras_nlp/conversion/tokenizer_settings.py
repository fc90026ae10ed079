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

"""The vocabulary and text normalization a checkpoint was trained with."""

import base64
import hashlib
import os
import re
import tempfile

from keras_nlp.encoders import preset

# Source vocabulary file name -> its name in a keras_nlp preset.
VOCABULARY_FILES = (
    ("vocab.txt", "vocab.txt"),
    ("spm.model", "spm.model"),
    ("spiece.model", "spm.model"),
    ("30k-clean.model", "spm.model"),
)

_SPECIAL_TOKEN = re.compile(r"^(\[[^\]]*\]|<[^>]*>)$")


def find_vocabulary(path):
    """The source's vocabulary file and its preset name, or `(None, None)`.

    Args:
        path: str. A checkpoint or preset directory.

    Returns:
        `(source_file, preset_file_name)`, e.g.
        `("/ckpt/30k-clean.model", "spm.model")`.
    """
    path = os.fspath(path)
    for source_name, preset_name in VOCABULARY_FILES:
        candidate = os.path.join(path, source_name)
        if os.path.isfile(candidate):
            return candidate, preset_name
    if os.path.isfile(os.path.join(path, "tokenizer.json")):
        return _vocabulary_from_tokenizer_json(path)
    return None, None


def _vocabulary_from_tokenizer_json(path):
    """The vocabulary of a Hugging Face `tokenizer.json`, as a file.

    `transformers` 5 saves only `tokenizer.json`. Its WordPiece vocabulary
    becomes a `vocab.txt`, its Unigram model (ALBERT) a SentencePiece
    model, written once into a cache directory keyed by the file's hash.
    Other models give `(None, None)`.
    """
    tokenizer_file = os.path.join(path, "tokenizer.json")
    tokenizer = _read_json(tokenizer_file)
    model = tokenizer.get("model") or {}
    if model.get("type") == "WordPiece":
        tokens = sorted(model.get("vocab", {}).items(), key=lambda t: t[1])
        if [i for _, i in tokens] != list(range(len(tokens))):
            return None, None
        name, content = "vocab.txt", "".join(f"{t}\n" for t, _ in tokens)
        content = content.encode("utf-8")
    elif model.get("type") == "Unigram":
        name = "spm.model"
        content = _sentence_piece_model(tokenizer)
    else:
        return None, None
    with open(tokenizer_file, "rb") as file:
        data = file.read()
    digest = hashlib.sha1(data).hexdigest()
    directory = os.path.join(
        tempfile.gettempdir(), "keras_nlp_vocabularies", digest
    )
    target = os.path.join(directory, name)
    if not os.path.isfile(target):
        os.makedirs(directory, exist_ok=True)
        with open(target + ".tmp", "wb") as file:
            file.write(content)
        os.replace(target + ".tmp", target)
    return target, name


def _sentence_piece_model(tokenizer):
    """A serialized SentencePiece unigram model from a `tokenizer.json`."""
    from sentencepiece import sentencepiece_model_pb2 as model_pb2

    model = tokenizer["model"]
    special = {t["content"] for t in tokenizer.get("added_tokens", [])}
    proto = model_pb2.ModelProto()
    spec = proto.trainer_spec
    spec.model_type = model_pb2.TrainerSpec.UNIGRAM
    spec.vocab_size = len(model["vocab"])
    spec.unk_id = model.get("unk_id") or 0
    pieces = [piece for piece, _ in model["vocab"]]
    spec.pad_id = pieces.index("<pad>") if "<pad>" in pieces else -1
    spec.bos_id = spec.eos_id = -1
    normalizer = proto.normalizer_spec
    normalizer.name = "identity"
    for step in (tokenizer.get("normalizer") or {}).get("normalizers", []):
        if step.get("type") == "Precompiled" and step.get(
            "precompiled_charsmap"
        ):
            normalizer.name = "nmt_nfkc"
            normalizer.precompiled_charsmap = base64.b64decode(
                step["precompiled_charsmap"]
            )
    normalizer.add_dummy_prefix = True
    normalizer.remove_extra_whitespaces = True
    normalizer.escape_whitespaces = True
    types = model_pb2.ModelProto.SentencePiece
    for index, (piece, score) in enumerate(model["vocab"]):
        entry = proto.pieces.add()
        entry.piece = piece
        entry.score = score
        if index == spec.unk_id:
            entry.type = types.UNKNOWN
        elif piece == "<pad>":
            entry.type = types.CONTROL
        elif piece in special:
            entry.type = types.USER_DEFINED
    return proto.SerializeToString()


def read_settings(path):
    """Reads how a checkpoint's tokenizer normalizes text, and from where.

    The settings come from the first of these that says: Hugging Face
    `tokenizer_config.json` or `tokenizer.json`; a `do_lower_case`
    entry in `bert_config.json` or `albert_config.json`; `"uncased"` or
    `"cased"` in the directory name (as in `uncased_L-12_H-768_A-12`); the
    vocabulary itself (upper-case tokens: cased); ALBERT's default
    (lower-cased, accents stripped).

    Returns:
        `(settings, origin)`: tokenizer arguments such as
        `{"lowercase": True, "strip_accents": None}` (`{}` when nothing
        says), and a phrase naming where they came from.
    """
    path = os.fspath(path)

    vocabulary_file, preset_name = find_vocabulary(path)
    sentence_piece = preset_name == "spm.model"

    tokenizer_config = _read_json(os.path.join(path, "tokenizer_config.json"))
    if "do_lower_case" in tokenizer_config:
        settings = {"lowercase": bool(tokenizer_config["do_lower_case"])}
        if sentence_piece:
            keep = tokenizer_config.get("keep_accents", False)
            settings["strip_accents"] = not keep
        else:
            settings["strip_accents"] = tokenizer_config.get("strip_accents")
            if "tokenize_chinese_chars" in tokenizer_config:
                settings["split_on_cjk"] = bool(
                    tokenizer_config["tokenize_chinese_chars"]
                )
        return settings, "tokenizer_config.json"

    fast_tokenizer = _read_json(os.path.join(path, "tokenizer.json"))
    normalizer = fast_tokenizer.get("normalizer") or {}
    if normalizer.get("type") == "BertNormalizer":
        settings = {
            "lowercase": bool(normalizer.get("lowercase", True)),
            "strip_accents": normalizer.get("strip_accents"),
        }
        if "handle_chinese_chars" in normalizer:
            settings["split_on_cjk"] = bool(normalizer["handle_chinese_chars"])
        return settings, "the normalizer of tokenizer.json"

    for config_name in ("bert_config.json", "albert_config.json"):
        config = _read_json(os.path.join(path, config_name))
        if "do_lower_case" in config:
            lowercase = bool(config["do_lower_case"])
            return _settings(lowercase, sentence_piece), config_name

    lowercase = _casing_from_name(path)
    if lowercase is not None:
        return _settings(lowercase, sentence_piece), "the directory name"

    if vocabulary_file is None:
        return {}, "nothing (no vocabulary found)"
    if sentence_piece:
        # Every released ALBERT model lower-cases and strips accents.
        return _settings(True, True), "ALBERT's default"
    with open(vocabulary_file, encoding="utf-8") as file:
        tokens = [line.rstrip("\n") for line in file]
    cased = any(
        token != token.lower()
        for token in tokens
        if token and not _SPECIAL_TOKEN.match(token)
    )
    return _settings(not cased, False), "the vocabulary's casing"


def _settings(lowercase, sentence_piece):
    if sentence_piece:
        return {"lowercase": lowercase, "strip_accents": True}
    # None: strip accents exactly when lower-casing, BERT's rule.
    return {"lowercase": lowercase, "strip_accents": None}


def _casing_from_name(path):
    """True for an "uncased" directory name, False for "cased", else None."""
    names = [os.path.basename(os.path.normpath(os.path.abspath(path)))]
    # A Hugging Face cache snapshot: models--org--name/snapshots/<hash>.
    parts = os.path.normpath(os.path.abspath(path)).split(os.sep)
    names += [part for part in parts if part.startswith("models--")]
    for name in names:
        words = re.split(r"[^a-z]+", name.lower())
        if "uncased" in words:
            return True
        if "cased" in words:
            return False
    return None


def _read_json(path):
    if not os.path.isfile(path):
        return {}
    data = preset.read_json(path, fix="Fix or remove the file.")
    return data if isinstance(data, dict) else {}
