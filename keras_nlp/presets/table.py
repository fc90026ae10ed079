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

"""The table of named presets: Google's public BERT and ALBERT checkpoints.

Every URL is the one listed in the README of github.com/google-research/bert
(original, whole-word-masking, multilingual, Chinese and the 24 small BERTs of
2020-02-20) or github.com/google-research/albert (v1 and v2). Names follow
keras-hub where it has one (`bert_base_en_uncased`, `bert_base_en` for the
cased model, `bert_base_multi`, `bert_base_zh`, `bert_tiny_en_uncased`);
see the package docstring for the full mapping.
"""

import dataclasses

_BERT_2018 = "https://storage.googleapis.com/bert_models/2018_10_18/"
_BERT_WWM = "https://storage.googleapis.com/bert_models/2019_05_30/"
_BERT_SMALL = "https://storage.googleapis.com/bert_models/2020_02_20/"
_ALBERT = "https://storage.googleapis.com/albert_models/"


@dataclasses.dataclass(frozen=True)
class Preset:
    """One downloadable checkpoint and what its archive must hold.

    Attributes:
        name: str. The preset name, e.g. `"bert_base_en_uncased"`.
        description: str. One line for people.
        url: str. Where the archive is downloaded from.
        encoder: str. `"BertEncoder"` or `"AlbertEncoder"`.
        lowercase: bool. Whether the model's tokenizer lower-cases (and
            strips accents from) its input: Google's "uncased".
        archive: str. `"zip"` or `"tar.gz"`.
        directory: str. The directory inside the archive that holds the
            checkpoint; `""` when the files sit at the archive's root.
        config_file: str. The source config file that must be present.
        vocabulary_file: str. The vocabulary file that must be present.
        checkpoint: str. The checkpoint prefix (`<prefix>.index` and
            `<prefix>.data-*` must be present).
        sha256: str or None. The archive's SHA-256, checked when given.
    """

    name: str
    description: str
    url: str
    encoder: str
    lowercase: bool
    archive: str
    directory: str
    config_file: str
    vocabulary_file: str
    checkpoint: str
    sha256: str = None


def bert_preset(name, description, url, lowercase, directory, sha256=None):
    """A `Preset` of an original google-research BERT `.zip` archive."""
    return Preset(
        name=name,
        description=description,
        url=url,
        encoder="BertEncoder",
        lowercase=lowercase,
        archive="zip",
        directory=directory,
        config_file="bert_config.json",
        vocabulary_file="vocab.txt",
        checkpoint="bert_model.ckpt",
        sha256=sha256,
    )


def albert_preset(name, description, url, directory, sha256=None):
    """A `Preset` of an original google-research ALBERT `.tar.gz` archive."""
    return Preset(
        name=name,
        description=description,
        url=url,
        encoder="AlbertEncoder",
        lowercase=True,
        archive="tar.gz",
        directory=directory,
        config_file="albert_config.json",
        vocabulary_file="30k-clean.model",
        checkpoint="model.ckpt-best",
        sha256=sha256,
    )


def _original_bert(name, description, url, lowercase):
    # The 2018 and 2019 archives hold one directory named like the file.
    directory = url.rsplit("/", 1)[1][: -len(".zip")]
    return bert_preset(name, description, url, lowercase, directory)


def _small_bert(layers, hidden):
    heads = hidden // 64
    file_name = f"uncased_L-{layers}_H-{hidden}_A-{heads}.zip"
    return bert_preset(
        name=f"bert_l{layers}_h{hidden}_en_uncased",
        description=(
            f"{layers}-layer, {hidden}-hidden, {heads}-heads uncased "
            "English BERT of the 2020-02-20 small-BERT release."
        ),
        url=_BERT_SMALL + file_name,
        lowercase=True,
        # These archives hold the files at their root.
        directory="",
    )


def _albert(size, version):
    name = f"albert_{size}_en_{version}"
    return albert_preset(
        name=name,
        description=f"ALBERT-{size} {version} (English, uncased).",
        url=f"{_ALBERT}albert_{size}_{version}.tar.gz",
        directory=f"albert_{size}",
    )


_ORIGINAL = [
    _original_bert(
        "bert_base_en_uncased",
        "BERT-Base, uncased English: 12-layer, 768-hidden, 12-heads.",
        _BERT_2018 + "uncased_L-12_H-768_A-12.zip",
        lowercase=True,
    ),
    _original_bert(
        "bert_base_en",
        "BERT-Base, cased English: 12-layer, 768-hidden, 12-heads.",
        _BERT_2018 + "cased_L-12_H-768_A-12.zip",
        lowercase=False,
    ),
    _original_bert(
        "bert_large_en_uncased",
        "BERT-Large, uncased English: 24-layer, 1024-hidden, 16-heads.",
        _BERT_2018 + "uncased_L-24_H-1024_A-16.zip",
        lowercase=True,
    ),
    _original_bert(
        "bert_large_en",
        "BERT-Large, cased English: 24-layer, 1024-hidden, 16-heads.",
        _BERT_2018 + "cased_L-24_H-1024_A-16.zip",
        lowercase=False,
    ),
    _original_bert(
        "bert_large_en_uncased_wwm",
        "BERT-Large, uncased English, whole word masking.",
        _BERT_WWM + "wwm_uncased_L-24_H-1024_A-16.zip",
        lowercase=True,
    ),
    _original_bert(
        "bert_large_en_wwm",
        "BERT-Large, cased English, whole word masking.",
        _BERT_WWM + "wwm_cased_L-24_H-1024_A-16.zip",
        lowercase=False,
    ),
    _original_bert(
        "bert_base_multi",
        "BERT-Base, multilingual cased (104 languages).",
        "https://storage.googleapis.com/bert_models/2018_11_23/"
        "multi_cased_L-12_H-768_A-12.zip",
        lowercase=False,
    ),
    _original_bert(
        "bert_base_multi_uncased",
        "BERT-Base, multilingual uncased (102 languages; Google recommends "
        "the cased `bert_base_multi`).",
        "https://storage.googleapis.com/bert_models/2018_11_03/"
        "multilingual_L-12_H-768_A-12.zip",
        lowercase=True,
    ),
    # Google's scripts lower-case for this model (`do_lower_case=True`);
    # its vocabulary has no upper-case letters.
    _original_bert(
        "bert_base_zh",
        "BERT-Base, Chinese (Simplified and Traditional).",
        "https://storage.googleapis.com/bert_models/2018_11_03/"
        "chinese_L-12_H-768_A-12.zip",
        lowercase=True,
    ),
]
_SMALL = [
    _small_bert(layers, hidden)
    for layers in (2, 4, 6, 8, 10, 12)
    for hidden in (128, 256, 512, 768)
]
_ALBERTS = [
    _albert(size, version)
    for version in ("v1", "v2")
    for size in ("base", "large", "xlarge", "xxlarge")
]

# Name -> `Preset`. Tests add entries with `unittest.mock.patch.dict`.
PRESETS = {preset.name: preset for preset in _ORIGINAL + _SMALL + _ALBERTS}

# The small BERTs the paper (and keras-hub) names -> their table names.
ALIASES = {
    "bert_tiny_en_uncased": "bert_l2_h128_en_uncased",
    "bert_mini_en_uncased": "bert_l4_h256_en_uncased",
    "bert_small_en_uncased": "bert_l4_h512_en_uncased",
    "bert_medium_en_uncased": "bert_l8_h512_en_uncased",
}
