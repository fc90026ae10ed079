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

"""The result of loading a pretrained checkpoint, and the shared loader."""

from keras_nlp.conversion import encoder_mapping
from keras_nlp.conversion import pretraining_heads
from keras_nlp.conversion import tokenizer_settings
from keras_nlp.conversion.weight_plan import WeightPlan


class LoadedCheckpoint:
    """An encoder (and optional heads) loaded from a pretrained checkpoint.

    Returned by `keras_nlp.conversion.load_checkpoint()`. Every weight of the
    encoder (and of the heads, if any) holds a value from the source;
    `summary` tells how many source variables were loaded and how many were
    skipped by which rule.

    Args:
        encoder: the loaded `BertEncoder` or `AlbertEncoder`.
        source_format: str. The name of the source format, e.g.
            `"bert_checkpoint"`.
        path: str. The source path.
        summary: dict, `{"loaded": int, "skipped": {rule: int}}`.
        summary_text: str. The same, readable, for printing.
        vocabulary_file: str or None. The source's vocabulary (`vocab.txt`)
            or SentencePiece model, if it has one.
        tokenizer_settings: dict. Settings for the keras_nlp tokenizer, such
            as `{"lowercase": True, "strip_accents": None}`.
        masked_lm: a loaded `keras_nlp.layers.MaskedLM` tied to the encoder's
            embeddings, or None.
        next_sentence: a loaded `keras.layers.Dense` next-sentence (or ALBERT
            sentence-order) head on `pooled_output`, or None.
        notes: list of str. Assumptions made, e.g. an inferred config value.

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
    encoder.save_to_preset("my_bert")
    loaded = keras_nlp.conversion.load_checkpoint("my_bert")
    assert loaded.source_format == "keras_nlp_preset"
    print(loaded.summary_text)
    outputs = loaded.encoder(
        {
            "input_word_ids": np.array([[2, 5, 3]]),
            "input_mask": np.ones((1, 3), dtype="int32"),
            "input_type_ids": np.zeros((1, 3), dtype="int32"),
        }
    )
    ```
    """

    def __init__(
        self,
        encoder,
        source_format,
        path,
        summary,
        summary_text,
        vocabulary_file=None,
        tokenizer_settings=None,
        masked_lm=None,
        next_sentence=None,
        notes=(),
    ):
        self.encoder = encoder
        self.source_format = source_format
        self.path = path
        self.summary = summary
        self.summary_text = summary_text
        self.vocabulary_file = vocabulary_file
        self.tokenizer_settings = dict(tokenizer_settings or {})
        self.masked_lm = masked_lm
        self.next_sentence = next_sentence
        self.notes = list(notes)

    def __repr__(self):
        return (
            f"<LoadedCheckpoint {self.encoder.__class__.__name__} from "
            f"{self.source_format} {self.path!r}: {self.summary}>"
        )


def load_into_encoder(
    *,
    path,
    source_format,
    source_description,
    family,
    sources,
    names,
    config,
    config_origin,
    skip_rules,
    config_overrides=None,
    with_mlm_head=False,
    cls=None,
    notes=(),
):
    """Builds the encoder (and heads), plans every weight and loads them.

    Shared by the checkpoint readers: they supply the arrays and a naming
    scheme; this builds the `WeightPlan`, checks it and assigns it.

    Args:
        path: str. The source directory.
        source_format: str. The format name, e.g. `"bert_checkpoint"`.
        source_description: str. Names the source in errors.
        family: `"bert"` or `"albert"`.
        sources: mapping of source name to array, with a `shape(name)`
            method returning None for an absent name.
        names: callable `role -> (source_name, transposed)`.
        config: dict of encoder constructor arguments.
        config_origin: str. Where `config` came from, for errors.
        skip_rules: list of `(regex, rule)` applied to the sources left over
            after mapping. A rule matching `^cls/` style head prefixes should
            be included only when heads are not requested.
        config_overrides: dict or None. Encoder arguments that replace
            those of `config`.
        with_mlm_head: bool. Whether to build and load a `MaskedLM` head,
            and the next-sentence head if the source holds one.
        cls: the encoder class requested by the caller, or None.
        notes: list of str, assumptions made so far.

    Returns:
        A `LoadedCheckpoint`.
    """
    encoder_class = encoder_mapping.check_encoder_class(
        cls, family, path, source_description
    )
    if config_overrides:
        config = {**config, **config_overrides}
        config_origin += f" with overrides {sorted(config_overrides)}"
    try:
        encoder = encoder_class(**config)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"The config from {config_origin} does not describe a valid "
            f"{encoder_class.__name__}: {error} Received: config={config}."
        ) from None
    slots = encoder_mapping.encoder_slots(encoder)
    masked_lm = next_sentence = None
    if with_mlm_head:
        masked_lm = pretraining_heads.build_masked_lm(
            encoder, config.get("inner_activation", "gelu")
        )
        next_sentence_kernel, _ = names("next_sentence/kernel")
        if sources.shape(next_sentence_kernel) is not None:
            next_sentence = pretraining_heads.build_next_sentence(encoder)
        slots += pretraining_heads.head_slots(masked_lm, next_sentence)
    summary_config = ", ".join(
        f"{key}={config[key]!r}"
        for key in (
            "vocab_size",
            "hidden_size",
            "num_layers",
            "num_attention_heads",
            "inner_dim",
            "max_sequence_length",
            "type_vocab_size",
            "embedding_width",
        )
        if key in config
    )
    plan = WeightPlan(
        sources,
        [variable for _, variable, _ in slots],
        source_description=source_description,
        target_description=(
            f"{encoder_class.__name__}({summary_config}) built from "
            f"{config_origin}"
            + (" with its pretraining heads" if with_mlm_head else "")
        ),
    )
    encoder_mapping.plan_weights(plan, slots, names)
    for pattern, rule in skip_rules:
        plan.skip_matching(pattern, rule)
    plan.assign()

    vocabulary_file, _ = tokenizer_settings.find_vocabulary(path)
    settings, origin = tokenizer_settings.read_tokenizer_settings_with_reason(
        path
    )
    notes = list(notes)
    epsilon = config.get("norm_epsilon", 1e-12)
    if masked_lm is not None and epsilon != 1e-12:
        notes.append(
            f"the MaskedLM head normalizes with epsilon 1e-12, the source "
            f"with {epsilon}"
        )
    if settings:
        notes.append(f"tokenizer settings {settings} from {origin}")
    return LoadedCheckpoint(
        encoder=encoder,
        source_format=source_format,
        path=path,
        summary=plan.summary(),
        summary_text=plan.summary_text(),
        vocabulary_file=vocabulary_file,
        tokenizer_settings=settings,
        masked_lm=masked_lm,
        next_sentence=next_sentence,
        notes=notes,
    )
