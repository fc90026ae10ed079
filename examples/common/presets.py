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

import keras_nlp


def preset_class_name(preset):
    """The `class_name` of a keras_nlp preset's `config.json`, or None."""
    path = os.path.join(preset, "config.json")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as file:
        config = json.load(file)
    return config.get("class_name") if isinstance(config, dict) else None


def load_encoder(preset, dtype=None):
    """Loads the encoder of `preset`, of the class it holds.

    `keras_nlp.encoders.from_preset` returns a `BertEncoder` or an
    `AlbertEncoder` for a keras_nlp preset and for every checkpoint format it
    converts (original, TF Hub, Hugging Face). With `dtype` set (e.g. a mixed
    precision policy name), the encoder is built in that dtype policy.
    """
    return keras_nlp.encoders.from_preset(preset, dtype=dtype)


def load_tokenizer(preset, vocab_file=None, lowercase=None):
    """Returns the tokenizer for `preset` (or for `vocab_file`, if set).

    Without `vocab_file`, `BertPreprocessor.from_preset` gives the tokenizer
    of a keras_nlp preset (with its saved settings) or of a checkpoint
    directory (with the normalization it was trained with); `lowercase`,
    if set, overrides the latter for a WordPiece vocabulary. A
    `vocab_file` WordPiece vocabulary is lower-cased unless
    `lowercase=False` or the preset's Hugging Face `tokenizer_config.json`
    says `"do_lower_case": false`.
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
        return keras_nlp.tokenizers.SentencePieceTokenizer(vocab_file)
    if lowercase is None:
        lowercase = _hugging_face_lowercase(preset)
    return keras_nlp.tokenizers.WordPieceTokenizer(
        vocab_file, lowercase=lowercase
    )


def check_vocabulary(tokenizer, encoder, preset):
    """Raises a `ValueError` unless tokenizer and encoder sizes agree."""
    size = tokenizer.vocab_size()
    if size != encoder.vocab_size:
        raise ValueError(
            f"The vocabulary of the preset {preset!r} has {size} tokens, but "
            f"its encoder's `vocab_size` is {encoder.vocab_size}. Received: "
            f"vocab_size={size} (tokenizer), vocab_size={encoder.vocab_size} "
            "(encoder). Pass the vocabulary the encoder was trained with "
            "(--vocab_file)."
        )


def _hugging_face_lowercase(preset):
    path = os.path.join(preset, "tokenizer_config.json")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as file:
            value = json.load(file).get("do_lower_case")
        if isinstance(value, bool):
            return value
    return True
