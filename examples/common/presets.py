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

"""Loading a pretrained encoder and its tokenizer for the examples."""

import json
import os

from absl import flags

import keras_nlp


def define_vocabulary_flags():
    """Defines `--vocab_file` and `--lowercase`, read by `load_tokenizer`."""
    flags.DEFINE_string(
        "vocab_file",
        None,
        "The preset's vocabulary (vocab.txt or a SentencePiece .model), if "
        "it is not inside --preset.",
    )
    flags.DEFINE_bool(
        "lowercase",
        None,
        "Whether a WordPiece vocabulary outside a keras_nlp preset is "
        "lower-cased (uncased models). Default: from the preset, else True.",
    )


def new_encoder(encoder_class, tokenizer, max_sequence_length, **kwargs):
    """A new `encoder_class` (without --preset) sized by the flags
    `--hidden_size`, `--num_layers`, `--num_attention_heads` and
    `--inner_dim`, with the tokenizer's vocabulary size; `kwargs` adds
    encoder arguments (ALBERT's `embedding_width`)."""
    size = flags.FLAGS
    return encoder_class(
        vocab_size=tokenizer.vocab_size(),
        hidden_size=size.hidden_size,
        num_layers=size.num_layers,
        num_attention_heads=size.num_attention_heads,
        inner_dim=size.inner_dim,
        max_sequence_length=max_sequence_length,
        type_vocab_size=2,
        **kwargs,
    )


def preset_class_name(preset):
    """The `class_name` of a keras_nlp preset's `config.json`, or None."""
    path = os.path.join(preset, "config.json")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as file:
        config = json.load(file)
    return config.get("class_name") if isinstance(config, dict) else None


def load_tokenizer(preset, vocab_file=None, lowercase=None, vocab_size=None):
    """Returns the tokenizer for `preset` (or for `vocab_file`, if set).

    Without `vocab_file`, `BertPreprocessor.from_preset` gives the tokenizer
    of a keras_nlp preset (with its saved settings) or of a checkpoint
    directory (with the normalization it was trained with); `lowercase`,
    if set, overrides the latter for a WordPiece vocabulary. A
    `vocab_file` WordPiece vocabulary is lower-cased unless
    `lowercase=False` or the preset's Hugging Face `tokenizer_config.json`
    says `"do_lower_case": false`.

    The preset loaders refuse a preset's vocabulary whose size is not its
    encoder's `vocab_size`; a `vocab_file` is checked here against
    `vocab_size` (the encoder's, when it is known).

    Raises:
        ValueError: if `vocab_file` does not exist, or has another size
            than `vocab_size`.
    """
    if vocab_file is None:
        tokenizer = keras_nlp.tokenizers.BertPreprocessor.from_preset(
            preset
        ).tokenizer
        if (
            lowercase is None
            or preset_class_name(preset)
            or not isinstance(
                tokenizer, keras_nlp.tokenizers.WordPieceTokenizer
            )
        ):
            return tokenizer
        return keras_nlp.tokenizers.WordPieceTokenizer.from_preset(
            preset, lowercase=lowercase
        )
    if not os.path.isfile(vocab_file):
        raise ValueError(
            f"`--vocab_file` must be an existing file. Received: "
            f"vocab_file={vocab_file!r}. Check the path."
        )
    if vocab_file.endswith(".model"):
        tokenizer = keras_nlp.tokenizers.SentencePieceTokenizer(vocab_file)
    else:
        if lowercase is None:
            lowercase = _hugging_face_lowercase(preset)
        tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(
            vocab_file, lowercase=lowercase
        )
    if vocab_size is not None and tokenizer.vocab_size() != vocab_size:
        raise ValueError(
            f"The vocabulary {vocab_file!r} has {tokenizer.vocab_size()} "
            f"tokens, but the encoder of {preset!r} has `vocab_size` "
            f"{vocab_size}: token ids and embedding rows would not "
            f"correspond. Received: vocab_file={vocab_file!r}. Pass the "
            "vocabulary the encoder was trained with."
        )
    return tokenizer


def _hugging_face_lowercase(preset):
    path = os.path.join(preset, "tokenizer_config.json")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as file:
            value = json.load(file).get("do_lower_case")
        if isinstance(value, bool):
            return value
    return True
