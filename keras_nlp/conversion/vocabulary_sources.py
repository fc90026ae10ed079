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

"""Tokenizers of checkpoints: vocabulary sources for the `from_preset`s.

Registered with `keras_nlp.tokenizers.tokenizer.register_vocabulary_source`
at import, so that `BertPreprocessor.from_preset(path)` and the tokenizers'
`from_preset(path)` read the vocabulary and the text normalization of the
checkpoints that `keras_nlp.conversion` reads: TF Hub SavedModels, original
BERT and ALBERT checkpoint directories and Hugging Face directories. The
settings are those `keras_nlp.conversion.convert_to_preset` writes, so a
source and its converted preset give the same tokenizer.
"""

import os

from keras_nlp.conversion import tfhub_saved_model
from keras_nlp.conversion import tokenizer_settings
from keras_nlp.encoders import preset_utils
from keras_nlp.tokenizers.tokenizer import register_vocabulary_source

TFHUB_SOURCE = "tfhub_saved_model"
CHECKPOINT_SOURCE = "checkpoint_directory"

# Files that say how a checkpoint's tokenizer normalizes text (see
# `tokenizer_settings.read_tokenizer_settings`).
SETTINGS_FILES = (
    "tokenizer_config.json",
    "tokenizer.json",
    "bert_config.json",
    "albert_config.json",
)

# Vocabulary file names that keras_nlp presets use too.
_PRESET_NAMES = {name for _, name in tokenizer_settings.VOCABULARY_FILES}


def is_checkpoint_with_vocabulary(path):
    """Whether `path` is a checkpoint directory holding its vocabulary.

    True for a directory with a vocabulary file (`vocab.txt`, `spm.model`,
    `spiece.model` or `30k-clean.model`) that is also a checkpoint a
    `keras_nlp.conversion` format recognizes, holds a file describing its
    tokenizer (`tokenizer_config.json`, `tokenizer.json`,
    `bert_config.json`, `albert_config.json`), or names its vocabulary as
    only checkpoints do (`spiece.model`, `30k-clean.model`). A directory
    with nothing but `vocab.txt` or `spm.model` is left to the tokenizers'
    default settings. Never raises.
    """
    try:
        path = os.fspath(path)
    except TypeError:
        return False
    if not isinstance(path, str) or not os.path.isdir(path):
        return False
    vocabulary_file, _ = tokenizer_settings.find_vocabulary(path)
    if vocabulary_file is None:
        return False
    if os.path.basename(vocabulary_file) not in _PRESET_NAMES:
        return True
    if any(os.path.isfile(os.path.join(path, name)) for name in SETTINGS_FILES):
        return True
    return preset_utils.find_source_format(path) is not None


def load_checkpoint_vocabulary(path):
    """The vocabulary and tokenizer settings of a checkpoint directory.

    Returns:
        `(asset_file_name, vocabulary_file, settings)`: `"vocab.txt"` or
        `"spm.model"`, the source's vocabulary file, and the settings of
        `keras_nlp.conversion.read_tokenizer_settings`.
    """
    vocabulary_file, asset_file_name = tokenizer_settings.find_vocabulary(path)
    settings = tokenizer_settings.read_tokenizer_settings(path)
    return asset_file_name, vocabulary_file, settings


def load_tfhub_vocabulary(handle):
    """The vocabulary asset and tokenizer settings of a TF Hub SavedModel.

    The settings follow the SavedModel's `do_lower_case` (for a
    SentencePiece model without it, lower-casing and accent stripping, the
    TF Hub convention), as `keras_nlp.conversion.load_tfhub_tokenizer`.

    Returns:
        `(asset_file_name, vocabulary_file, settings)`.

    Raises:
        ValueError: if the handle cannot be resolved or loaded, or the
            SavedModel has no vocabulary asset.
    """
    path = tfhub_saved_model.resolve_tfhub_handle(handle)
    loaded = tfhub_saved_model._load_saved_model(path)
    vocabulary_file, settings = tfhub_saved_model._tokenizer_files(loaded)
    if vocabulary_file is None:
        raise ValueError(
            f"The SavedModel at {path!r} has neither a `vocab_file` nor an "
            "`sp_model_file` asset, so it has no tokenizer. Received: "
            f"handle={handle!r}. Pass the TF Hub encoder SavedModel, which "
            "carries its tokenizer's vocabulary."
        )
    if getattr(loaded, "vocab_file", None) is not None:
        return "vocab.txt", vocabulary_file, settings
    return "spm.model", vocabulary_file, settings


register_vocabulary_source(
    TFHUB_SOURCE, tfhub_saved_model.is_tfhub_saved_model, load_tfhub_vocabulary
)
register_vocabulary_source(
    CHECKPOINT_SOURCE,
    is_checkpoint_with_vocabulary,
    load_checkpoint_vocabulary,
)
