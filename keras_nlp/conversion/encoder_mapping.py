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

"""Format-independent roles of the BERT and ALBERT weights.

Every weight of a keras_nlp encoder (and of its pretraining heads) has a
role, such as `"layer_3/query/kernel"` (`"layer/query/kernel"` for ALBERT's
shared block). A checkpoint format supplies a naming scheme, a function from
role to `(source_name, transposed)`, and `plan_weights` turns the two into
`WeightPlan.map()` calls with the right reshape for each kind of weight.
"""

from keras_nlp.conversion import weight_plan
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.encoders.encoder import Encoder

BERT = "bert"
ALBERT = "albert"
ENCODER_CLASSES = {BERT: BertEncoder, ALBERT: AlbertEncoder}

# How a source array relates to its target weight.
SAME = "same"  # Embeddings, biases, layer norms: identical shapes.
KERNEL = "kernel"  # Dense kernel, [in, out] in Keras.
HEADS_KERNEL = "heads_kernel"  # Query/key/value kernel, [H, N, D] in Keras.
HEADS_BIAS = "heads_bias"  # Query/key/value bias, [N, D] in Keras.
HEADS_OUTPUT_KERNEL = "heads_output_kernel"  # [N, D, H] in Keras.

# The roles of one Transformer block's weights and their kinds.
BLOCK_ROLES = (
    ("query/kernel", HEADS_KERNEL),
    ("query/bias", HEADS_BIAS),
    ("key/kernel", HEADS_KERNEL),
    ("key/bias", HEADS_BIAS),
    ("value/kernel", HEADS_KERNEL),
    ("value/bias", HEADS_BIAS),
    ("attention_output/kernel", HEADS_OUTPUT_KERNEL),
    ("attention_output/bias", SAME),
    ("attention_norm/gamma", SAME),
    ("attention_norm/beta", SAME),
    ("intermediate/kernel", KERNEL),
    ("intermediate/bias", SAME),
    ("output/kernel", KERNEL),
    ("output/bias", SAME),
    ("output_norm/gamma", SAME),
    ("output_norm/beta", SAME),
)

# The original BERT activation "gelu" is the tanh approximation.
GELU_APPROXIMATE = "keras_nlp>gelu_approximate"


def encoder_slots(encoder):
    """Lists `(role, variable, kind)` for every weight of `encoder`."""
    slots = []

    def add(role, variable, kind=SAME):
        slots.append((role, variable, kind))

    word = encoder.get_layer("word_embeddings")
    add("embeddings/word", word.embeddings)
    position = encoder.get_layer("position_embedding")
    add("embeddings/position", position.position_embeddings)
    add("embeddings/type", encoder.get_layer("type_embeddings").embeddings)
    norm = encoder.get_layer("embeddings_layer_norm")
    add("embeddings/norm/gamma", norm.gamma)
    add("embeddings/norm/beta", norm.beta)
    layer_names = [layer.name for layer in encoder.layers]
    if "embedding_projection" in layer_names:
        projection = encoder.get_layer("embedding_projection")
        add("embeddings/projection/kernel", projection.kernel, KERNEL)
        add("embeddings/projection/bias", projection.bias)
    if isinstance(encoder, AlbertEncoder):
        blocks = [("layer", encoder.get_layer("transformer_layer"))]
    else:
        blocks = [
            (f"layer_{index}", encoder.get_layer(f"transformer_layer_{index}"))
            for index in range(encoder.num_layers)
        ]
    for prefix, block in blocks:
        variables = {
            "query/kernel": block.query_dense.kernel,
            "query/bias": block.query_dense.bias,
            "key/kernel": block.key_dense.kernel,
            "key/bias": block.key_dense.bias,
            "value/kernel": block.value_dense.kernel,
            "value/bias": block.value_dense.bias,
            "attention_output/kernel": block.attention_output_dense.kernel,
            "attention_output/bias": block.attention_output_dense.bias,
            "attention_norm/gamma": block.self_attention_layer_norm.gamma,
            "attention_norm/beta": block.self_attention_layer_norm.beta,
            "intermediate/kernel": block.intermediate_dense.kernel,
            "intermediate/bias": block.intermediate_dense.bias,
            "output/kernel": block.output_dense.kernel,
            "output/bias": block.output_dense.bias,
            "output_norm/gamma": block.output_layer_norm.gamma,
            "output_norm/beta": block.output_layer_norm.beta,
        }
        for role, kind in BLOCK_ROLES:
            add(f"{prefix}/{role}", variables[role], kind)
    pooler = encoder.get_layer("pooler_transform")
    add("pooler/kernel", pooler.kernel, KERNEL)
    add("pooler/bias", pooler.bias)
    return slots


def masked_lm_slots(masked_lm):
    """Lists `(role, variable, kind)` for a built `MaskedLM` head.

    Its embedding table is the encoder's and is filled by the encoder's
    `"embeddings/word"` role, so it has no role here.
    """
    return [
        ("masked_lm/dense/kernel", masked_lm.dense.kernel, KERNEL),
        ("masked_lm/dense/bias", masked_lm.dense.bias, SAME),
        ("masked_lm/norm/gamma", masked_lm.layer_norm.gamma, SAME),
        ("masked_lm/norm/beta", masked_lm.layer_norm.beta, SAME),
        ("masked_lm/output_bias", masked_lm.output_bias, SAME),
    ]


def next_sentence_slots(next_sentence):
    """Lists `(role, variable, kind)` for a built next-sentence `Dense`."""
    return [
        ("next_sentence/kernel", next_sentence.kernel, KERNEL),
        ("next_sentence/bias", next_sentence.bias, SAME),
    ]


def transform_for(kind, transposed):
    """The `weight_plan.Transform` from a source layout to a kind of weight.

    Args:
        kind: one of the kinds above.
        transposed: bool. Whether the source stores the matrix as
            `[out, in]` (PyTorch `nn.Linear`, BERT's NSP `output_weights`).
    """
    if kind == SAME:
        return weight_plan.identity
    if kind == HEADS_BIAS:
        return weight_plan.split_heads_bias
    reshape = {
        KERNEL: weight_plan.identity,
        HEADS_KERNEL: weight_plan.split_heads_kernel,
        HEADS_OUTPUT_KERNEL: weight_plan.split_heads_output_kernel,
    }[kind]
    if not transposed:
        return reshape
    if reshape is weight_plan.identity:
        return weight_plan.transpose
    return weight_plan.chain(weight_plan.transpose, reshape)


def plan_weights(plan, slots, names):
    """Adds one `plan.map()` per slot, with source names from `names`.

    Args:
        plan: the `WeightPlan`.
        slots: `(role, variable, kind)` triples, e.g. `encoder_slots(...)`.
        names: callable `role -> (source_name, transposed)`.
    """
    for role, variable, kind in slots:
        source_name, transposed = names(role)
        plan.map(source_name, variable, transform_for(kind, transposed))


def check_encoder_class(cls, family, path, source_description):
    """The encoder class of `family`; raises if `cls` is another one.

    Raises:
        ValueError: if `cls` is neither None, the `Encoder` base class nor
            the class that holds `family` checkpoints.
    """
    expected = ENCODER_CLASSES[family]
    if cls is not None and cls is not Encoder and cls is not expected:
        raise ValueError(
            f"{path!r} holds {source_description}, which loads into "
            f"{_article(expected.__name__)} {expected.__name__}, not "
            f"{_article(cls.__name__)} {cls.__name__}. Load it with "
            f"`keras_nlp.encoders.{expected.__name__}.from_preset(path)`."
        )
    return expected


def _article(word):
    return "an" if word[:1].lower() in "aeiou" else "a"


def encoder_config(get, activations, config_path, family):
    """Encoder arguments from the entries of a BERT-style config file.

    The original `bert_config.json` / `albert_config.json` and the
    `transformers` `config.json` name these entries alike (`hidden_size`,
    `num_hidden_layers`, `intermediate_size`, ...); the formats differ in
    their defaults and activation names.

    Args:
        get: callable `entry -> value`, applying the format's defaults and
            raising `ValueError` for a required entry that is absent.
        activations: dict. The format's `hidden_act` names -> keras_nlp
            activations.
        config_path: str. The config file, named in errors.
        family: `"bert"` or `"albert"` (which also reads `embedding_size`).

    Returns:
        A dict of encoder keyword arguments.

    Raises:
        ValueError: if `hidden_act` is not a key of `activations`.
    """
    activation = get("hidden_act")
    if activation not in activations:
        raise ValueError(
            f"Unsupported `hidden_act` in {config_path!r}. Expected one of "
            f"{sorted(activations)}. Received: hidden_act={activation!r}."
        )
    config = {
        "vocab_size": get("vocab_size"),
        "hidden_size": get("hidden_size"),
        "num_layers": get("num_hidden_layers"),
        "num_attention_heads": get("num_attention_heads"),
        "max_sequence_length": get("max_position_embeddings"),
        "type_vocab_size": get("type_vocab_size"),
        "inner_dim": get("intermediate_size"),
        "inner_activation": activations[activation],
        "output_dropout": get("hidden_dropout_prob"),
        "attention_dropout": get("attention_probs_dropout_prob"),
        "initializer": {
            "class_name": "TruncatedNormal",
            "config": {"stddev": get("initializer_range")},
        },
    }
    if family == ALBERT:
        config["embedding_width"] = get("embedding_size")
    return config


def source_shapes(names, sources):
    """The `shape_of` callable of `infer_config` for a checkpoint's arrays.

    Args:
        names: callable `role -> (source_name, transposed)`.
        sources: mapping of source name to array, with a `shape(name)`
            method returning None for an absent name.

    Returns:
        A callable `role -> shape`, in Keras orientation (the source shape
        reversed where it is stored transposed), or None if absent.
    """

    def shape_of(role):
        name, transposed = names(role)
        shape = sources.shape(name)
        if shape is not None and transposed:
            shape = shape[::-1]
        return shape

    return shape_of


def infer_config(family, shape_of, overrides=None):
    """Infers encoder constructor arguments from source weight shapes.

    Args:
        family: `"bert"` or `"albert"`.
        shape_of: callable `role -> shape` (in Keras orientation, i.e.
            `[in, out]` kernels), returning None for an absent weight.
        overrides: dict or None. Values given by the user, which are not
            inferred: ALBERT's `num_layers` (one block is shared across
            depth, so the shapes do not show it) and `num_attention_heads`
            (never visible in the shapes) must come from here when they
            cannot be inferred.

    Returns:
        `(config, notes)`: encoder keyword arguments and a list of strings
        describing the guesses made.

    Raises:
        ValueError: if a needed weight is absent or the depth or head count
            cannot be inferred.
    """
    notes = []
    overrides = overrides or {}
    num_layers = overrides.get("num_layers")

    def shape(role):
        value = shape_of(role)
        if value is None:
            raise ValueError(
                f"Cannot infer the config: the source has no weight for "
                f"`{role}`. Add the source's config file (e.g. "
                "`bert_config.json`), or check that this is a "
                f"{family.upper()} checkpoint."
            )
        return tuple(value)

    vocab_size, embedding_width = shape("embeddings/word")
    block = "layer" if family == ALBERT else "layer_0"
    hidden_size = shape(f"{block}/query/kernel")[-1]
    config = {
        "vocab_size": vocab_size,
        "hidden_size": hidden_size,
        "max_sequence_length": shape("embeddings/position")[0],
        "type_vocab_size": shape("embeddings/type")[0],
        "inner_dim": shape(f"{block}/intermediate/kernel")[-1],
        "inner_activation": GELU_APPROXIMATE,
    }
    notes.append(
        "inner_activation: assumed the tanh-approximate GELU of the "
        "original BERT and ALBERT code"
    )
    if family == ALBERT:
        if num_layers is None:
            raise ValueError(
                "Cannot infer `num_layers` of an ALBERT checkpoint without "
                "its config file: the one shared block does not reveal how "
                "often it is applied. Add `albert_config.json` to the "
                "directory, or pass `config_overrides={'num_layers': ...}`."
            )
        config["embedding_width"] = embedding_width
    else:
        count = 0
        while shape_of(f"layer_{count}/query/kernel") is not None:
            count += 1
        num_layers = count
        if embedding_width != hidden_size:
            config["embedding_width"] = embedding_width
    config["num_layers"] = num_layers
    if "num_attention_heads" in overrides:
        config["num_attention_heads"] = overrides["num_attention_heads"]
        return config, notes
    # All published BERT and ALBERT models use 64-wide attention heads.
    if hidden_size % 64:
        raise ValueError(
            "Cannot infer `num_attention_heads` without a config file: the "
            "head count is not visible in the weight shapes, and "
            f"`hidden_size` ({hidden_size}) is not a multiple of 64 (the "
            "head width of every published BERT). Add the source's config "
            "file, or pass `config_overrides={'num_attention_heads': ...}`."
        )
    config["num_attention_heads"] = hidden_size // 64
    notes.append(
        f"num_attention_heads: assumed heads of width 64, so "
        f"{hidden_size // 64} heads"
    )
    return config, notes
