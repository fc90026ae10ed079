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

"""The one conversion path: recognize, read, map and check, then write.

`read_source` recognizes the format with one `if`/`elif` over what the path
holds and calls that format's reader, which returns a
`weight_mapping.SourceRecord`. `load_checkpoint` builds the encoder (and the
pretraining heads) from the record and loads it through
`weight_mapping.assign_weights`. `convert_to_preset` writes the result as a
keras_nlp preset. Nothing here runs code from the source: comparing outputs
with it is the opt-in `verify=True` (`keras_nlp.conversion.verification`).
"""

import os

from keras_nlp.conversion import pretraining_heads
from keras_nlp.conversion import weight_mapping
from keras_nlp.encoders import preset

PRESET_FORMAT = "keras_nlp_preset"


class LoadedCheckpoint:
    """An encoder (and optional heads) loaded from a checkpoint.

    Returned by `keras_nlp.conversion.load_checkpoint`.

    Attributes:
        encoder: the loaded `BertEncoder` or `AlbertEncoder`.
        source_format: str, e.g. `"bert_checkpoint"`, `"tfhub_saved_model"`,
            `"huggingface"` or `"keras_nlp_preset"`.
        path: str. The source.
        summary: dict, `{"loaded": int, "skipped": {rule: int}}`.
        vocabulary_file: str or None. The source's vocabulary.
        tokenizer_settings: dict of tokenizer arguments.
        masked_lm: a `keras_nlp.layers.MaskedLM` tied to the encoder, or
            None.
        next_sentence: the 2-way `keras.layers.Dense` next-sentence head,
            or None.
        notes: list of str. Assumptions made (e.g. an inferred value).
        differences: dict of max abs differences with the source's own
            outputs when verified (`verify=True`), else None.
    """

    def __init__(self, encoder, source_format, path, summary, **kwargs):
        self.encoder = encoder
        self.source_format = source_format
        self.path = path
        self.summary = summary
        self.vocabulary_file = kwargs.get("vocabulary_file")
        self.tokenizer_settings = dict(kwargs.get("tokenizer_settings") or {})
        self.masked_lm = kwargs.get("masked_lm")
        self.next_sentence = kwargs.get("next_sentence")
        self.notes = list(kwargs.get("notes") or ())
        self.differences = None

    @property
    def summary_text(self):
        """The summary, readable."""
        skipped = self.summary["skipped"]
        lines = [
            f"Loaded {self.summary['loaded']} arrays into "
            f"{self.encoder.__class__.__name__}; skipped "
            f"{sum(skipped.values())} by rule."
        ]
        lines += [f"  skipped {n:5d}  {r}" for r, n in sorted(skipped.items())]
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"<LoadedCheckpoint {self.encoder.__class__.__name__} from "
            f"{self.source_format} {self.path!r}: {self.summary}>"
        )


def detect_format(path):
    """The format of the checkpoint at `path`, or None if none matches.

    Returns one of `"keras_nlp_preset"`, `"tfhub_saved_model"`,
    `"huggingface"`, `"tf1_checkpoint"`, or None.
    """
    from keras_nlp.conversion import huggingface
    from keras_nlp.conversion import tf1_checkpoint
    from keras_nlp.conversion import tfhub_saved_model

    path = os.fspath(path)
    if path.startswith(tfhub_saved_model.REMOTE_PREFIXES):
        return "tfhub_saved_model"
    path = path[len("file://") :] if path.startswith("file://") else path
    files = set(os.listdir(path)) if os.path.isdir(path) else set()
    if preset.read_preset_config(path) is not None:
        return PRESET_FORMAT
    elif "saved_model.pb" in files:
        return "tfhub_saved_model"
    elif huggingface.SAFETENSORS_FILE in files or (
        huggingface.SAFETENSORS_INDEX_FILE in files
    ):
        return "huggingface"
    elif "config.json" in files and files & set(
        huggingface.UNSUPPORTED_WEIGHT_FILES
    ):
        return "huggingface"  # Its reader explains how to convert it.
    elif tf1_checkpoint.find_prefix(path) is not None:
        return "tf1_checkpoint"
    return None


def read_source(path, config_overrides=None):
    """Recognizes the checkpoint at `path` and reads it into a record.

    Raises:
        ValueError: if no format matches (the message lists the files found
            and the accepted layouts) or the reader refuses the source.
    """
    from keras_nlp.conversion import huggingface
    from keras_nlp.conversion import tf1_checkpoint
    from keras_nlp.conversion import tfhub_saved_model

    path = os.fspath(path)
    source_format = detect_format(path)
    if source_format == "tfhub_saved_model":
        return tfhub_saved_model.read(path, config_overrides)
    elif source_format == "huggingface":
        return huggingface.read(path, config_overrides)
    elif source_format == "tf1_checkpoint":
        return tf1_checkpoint.read(path, config_overrides)
    accepted = (
        "Accepted: (1) a keras_nlp preset directory (`config.json` with "
        "`class_name` and `config`, `model.weights.h5`); (2) "
        f"{tf1_checkpoint.DESCRIPTION}; (3) {tfhub_saved_model.DESCRIPTION};"
        f" (4) {huggingface.DESCRIPTION}."
    )
    if not os.path.isdir(path):
        raise ValueError(
            "`path` must be a preset directory or a checkpoint. Received: "
            f"path={path!r}, which is neither a directory nor a checkpoint "
            f"prefix. {accepted}"
        )
    raise ValueError(
        f"No keras_nlp preset found in {path!r}, and no known checkpoint "
        f"layout either. Received: a directory holding "
        f"{sorted(os.listdir(path))}. {accepted}"
    )


def load_checkpoint(
    path,
    cls=None,
    with_mlm_head=False,
    config_overrides=None,
    verify=False,
):
    """Loads a pretrained encoder from any supported checkpoint.

    The format is recognized from what `path` holds: a keras_nlp preset, an
    original BERT or ALBERT checkpoint (directory or prefix), a TF Hub
    SavedModel or a Hugging Face directory with safetensors. The config
    comes from the source's config file, or from the weight shapes. Every
    source array is loaded into exactly one weight or skipped by a named
    rule (optimizer slots, step counters, heads not asked for), every
    weight receives exactly one array of its shape and a floating dtype,
    and the vocabulary must have `vocab_size` tokens; otherwise nothing is
    loaded and a `ValueError` says what differs.

    Loading reads arrays only. `verify=True` then runs the source itself
    (the SavedModel's functions, or the `transformers` model in a
    subprocess) on probe inputs and compares the outputs: this executes
    code from the checkpoint, so use it only on files you trust.

    Args:
        path: str. The checkpoint.
        cls: `keras_nlp.encoders.BertEncoder`, `AlbertEncoder` or None (the
            class the checkpoint holds).
        with_mlm_head: bool. Whether to load the masked LM head (tied to
            the encoder's embeddings) and, if present, the next-sentence
            head. Defaults to `False`.
        config_overrides: dict or None. Encoder arguments that replace the
            source's (e.g. `{"num_attention_heads": 4}`).
        verify: bool. Whether to compare with the source's own outputs.
            Defaults to `False`.

    Returns:
        A `LoadedCheckpoint`.

    Raises:
        ValueError: if the format is not recognized, the source is
            unreadable, or it does not correspond to the model.

    Example:

    ```python
    encoder = keras_nlp.encoders.BertEncoder(
        vocab_size=20,
        hidden_size=8,
        num_layers=1,
        num_attention_heads=2,
        inner_dim=16,
        max_sequence_length=8,
    )
    encoder.save_to_preset("my_bert", overwrite=True)
    loaded = keras_nlp.conversion.load_checkpoint("my_bert")
    print(loaded.summary_text)
    ```
    """
    path = os.fspath(path)
    if config_overrides is not None and not isinstance(config_overrides, dict):
        raise ValueError(
            "`config_overrides` must be a dict of encoder arguments or None. "
            f"Received: config_overrides={config_overrides!r}"
        )
    if detect_format(path) == PRESET_FORMAT:
        if config_overrides:
            raise ValueError(
                "`config_overrides` replace settings a checkpoint of another "
                "format lacks; a keras_nlp preset's `config.json` is its "
                f"whole config. Received: config_overrides={config_overrides!r}"
                f" for the preset {path!r}. Drop `config_overrides`, or edit "
                "the preset's `config.json`."
            )
        loaded = _load_preset(path, cls, with_mlm_head)
    else:
        loaded = _load_record(
            read_source(path, config_overrides), cls, with_mlm_head
        )
    if verify:
        from keras_nlp.conversion import verification

        loaded.differences = verification.compare_with_source(loaded)
    return loaded


def convert_to_preset(
    source,
    output_dir,
    with_mlm_head=False,
    overwrite=False,
    config_overrides=None,
    verify=False,
):
    """Converts any supported checkpoint into a keras_nlp preset directory.

    `load_checkpoint(source, ...)`, then a preset with `config.json` (the
    tokenizer settings under `"preprocessor"`, the source under
    `"source"`), `model.weights.h5`, the vocabulary and, with the heads,
    `pretraining_heads.npz`. The output is written in a temporary directory
    beside `output_dir` and replaces it whole.

    Args:
        source: str. The checkpoint.
        output_dir: str. The preset directory to write.
        with_mlm_head: bool. Whether to convert the pretraining heads too.
            Defaults to `False`.
        overwrite: bool. Whether to replace a non-empty `output_dir`.
            Defaults to `False`.
        config_overrides: dict or None, as in `load_checkpoint`.
        verify: bool. Whether to compare with the source's own outputs
            first (this runs the source's code). Defaults to `False`.

    Returns:
        The `LoadedCheckpoint` that was written.

    Raises:
        ValueError: as `load_checkpoint`, or if `output_dir` is a file or a
            non-empty directory and `overwrite` is False.
    """
    output_dir = os.path.abspath(os.fspath(output_dir))
    preset.check_preset_directory(output_dir, overwrite, "output_dir")
    loaded = load_checkpoint(
        source,
        with_mlm_head=with_mlm_head,
        config_overrides=config_overrides,
        verify=verify,
    )

    def extras(directory):
        entries = {
            "source": {
                "format": loaded.source_format,
                "path": str(loaded.path),
                "summary": loaded.summary,
                "notes": loaded.notes,
            }
        }
        if loaded.tokenizer_settings:
            entries["preprocessor"] = dict(loaded.tokenizer_settings)
        if loaded.vocabulary_file is not None:
            name = "spm.model"
            if loaded.vocabulary_file.endswith(".txt"):
                name = "vocab.txt"
            with open(loaded.vocabulary_file, "rb") as source_file:
                data = source_file.read()
            with open(os.path.join(directory, name), "wb") as file:
                file.write(data)
        if loaded.masked_lm is not None or loaded.next_sentence is not None:
            entries[pretraining_heads.HEADS_KEY] = pretraining_heads.save(
                directory, loaded.masked_lm, loaded.next_sentence
            )
        return entries

    preset.save_preset(
        loaded.encoder, output_dir, overwrite=overwrite, extras=extras
    )
    return loaded


def read_vocabulary(path):
    """The vocabulary and tokenizer settings of a checkpoint, for tokenizers.

    Returns:
        `(asset_file_name, vocabulary_file, settings, vocab_size)`: the
        preset name of the vocabulary (`"vocab.txt"` or `"spm.model"`), its
        file, the tokenizer settings, and the encoder's `vocab_size` (None
        for a TF Hub preprocessing model); or None when `path` is no
        checkpoint this package reads.

    Raises:
        ValueError: if the checkpoint is unreadable or has no vocabulary.
    """
    source_format = detect_format(path)
    if source_format == PRESET_FORMAT:
        return None
    if source_format is None:
        # A tokenizer saved without weights (e.g. by `transformers`).
        from keras_nlp.conversion import tokenizer_settings

        if not os.path.isdir(path) or not any(
            os.path.isfile(os.path.join(path, name))
            for name in ("tokenizer_config.json", "tokenizer.json")
        ):
            return None
        vocabulary_file, name = tokenizer_settings.find_vocabulary(path)
        if vocabulary_file is None:
            return None
        settings, _ = tokenizer_settings.read_settings(path)
        return name, vocabulary_file, settings, None
    if source_format == "tfhub_saved_model":
        from keras_nlp.conversion import tfhub_saved_model

        vocabulary_file, settings, vocab_size = (
            tfhub_saved_model.read_vocabulary(path)
        )
        description = f"the TF Hub SavedModel at {os.fspath(path)!r}"
    else:
        record = read_source(path)
        vocabulary_file = record.vocabulary_file
        settings = record.tokenizer_settings
        vocab_size = record.config["vocab_size"]
        description = record.description
    if vocabulary_file is None:
        raise ValueError(
            f"{description} has no vocabulary file (`vocab.txt`, "
            "`spm.model`, `spiece.model`, `30k-clean.model`, a Hugging Face "
            "`tokenizer.json` or a TF Hub `vocab_file`/`sp_model_file` "
            f"asset). Received: path={os.fspath(path)!r}. Add the vocabulary "
            "the model was trained with."
        )
    name = "vocab.txt" if vocabulary_file.endswith(".txt") else "spm.model"
    return name, vocabulary_file, settings, vocab_size


def _load_record(record, cls, with_mlm_head):
    from keras_nlp.encoders.albert_encoder import AlbertEncoder
    from keras_nlp.encoders.bert_encoder import BertEncoder

    expected = AlbertEncoder if record.family == "albert" else BertEncoder
    if (
        cls is not None
        and cls.__name__ != "Encoder"
        and not issubclass(cls, expected)
    ):
        raise ValueError(
            f"{record.description} loads into {_a(expected.__name__)}, not "
            f"{_a(cls.__name__)}. "
            f"Load it with `keras_nlp.encoders.{expected.__name__}."
            "from_preset(path)` or `keras_nlp.encoders.from_preset(path)`."
        )
    encoder_class = (
        expected if cls is None or cls.__name__ == "Encoder" else cls
    )
    config = record.config
    try:
        encoder = encoder_class(**config)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"The config from {record.config_origin} of "
            f"{record.description} does not describe a valid "
            f"{encoder_class.__name__}: {error} Received: config={config}."
        ) from None
    if record.vocabulary_file is not None:
        preset.check_vocabulary_size(
            record.vocabulary_file, encoder.vocab_size, record.description
        )
    slots = weight_mapping.encoder_slots(encoder)
    skip_rules = list(record.skip_rules)
    masked_lm = next_sentence = None
    notes = list(record.notes)
    if with_mlm_head:
        if not record.has("masked_lm/dense/kernel"):
            raise ValueError(
                f"{record.description} has no masked LM head (no "
                f"`{record.names('masked_lm/dense/kernel')[0]}`). Received: "
                "with_mlm_head=True. Load it without the head."
            )
        record.check_heads()
        masked_lm = pretraining_heads.build_masked_lm(
            encoder, config.get("inner_activation", "gelu")
        )
        if record.has("next_sentence/kernel"):
            next_sentence = pretraining_heads.build_next_sentence(encoder)
        slots += weight_mapping.head_slots(masked_lm, next_sentence)
        epsilon = config.get("norm_epsilon", 1e-12)
        if epsilon != 1e-12:
            notes.append(
                f"the MaskedLM head normalizes with epsilon 1e-12, the "
                f"source with {epsilon}"
            )
        skip_rules += record.head_skip_rules
    elif record.head_rule is not None:
        skip_rules.append(record.head_rule)
    summary = weight_mapping.assign_weights(
        record.arrays,
        record.names,
        slots,
        skip_rules,
        record.description,
        f"{encoder_class.__name__} built from {record.config_origin}"
        + (" with its pretraining heads" if with_mlm_head else ""),
    )
    return LoadedCheckpoint(
        encoder,
        record.source_format,
        record.path,
        summary,
        vocabulary_file=record.vocabulary_file,
        tokenizer_settings=record.tokenizer_settings,
        masked_lm=masked_lm,
        next_sentence=next_sentence,
        notes=notes,
    )


def _load_preset(path, cls, with_mlm_head):
    metadata = preset.read_preset_config(path)
    encoder = preset.load_encoder(path, cls=cls)
    masked_lm = next_sentence = None
    if with_mlm_head:
        masked_lm, next_sentence = pretraining_heads.load(path, encoder)
    vocabulary_file = None
    for name in preset.VOCABULARY_FILES:
        if os.path.isfile(os.path.join(path, name)):
            vocabulary_file = os.path.join(path, name)
    count = len(encoder.weights)
    count += len(weight_mapping.head_slots(masked_lm, next_sentence))
    return LoadedCheckpoint(
        encoder,
        PRESET_FORMAT,
        path,
        {"loaded": count, "skipped": {}},
        vocabulary_file=vocabulary_file,
        tokenizer_settings=metadata.get("preprocessor") or {},
        masked_lm=masked_lm,
        next_sentence=next_sentence,
    )


def _a(name):
    return ("an " if name[0] in "AEIOU" else "a ") + name
