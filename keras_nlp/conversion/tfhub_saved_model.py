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

"""Reader of TF Hub BERT and ALBERT encoder SavedModels, by their variables.

TF Hub's BERT-family encoders (exported by TF Model Garden's
`export_tfhub_lib`) hold variables with the Model Garden layer names, e.g.
`transformer/layer_3/self_attention/query/kernel` of shape `[hidden_size,
num_heads, head_dim]` (keras_nlp's layout), the vocabulary as the asset
`vocab_file` (WordPiece, with the bool variable `do_lower_case`) or
`sp_model_file` (SentencePiece), and, in pretraining exports, the masked LM
head (`cls/predictions/...`). This reader parses `saved_model.pb` (a
protocol buffer: names, shapes, assets) and reads the values from the
`variables/` checkpoint. It never runs the SavedModel's functions; see
`keras_nlp.conversion.verification` for the opt-in comparison that does.
"""

import hashlib
import os
import re
import tempfile

import tensorflow as tf

from keras_nlp.conversion import weight_mapping
from keras_nlp.conversion.weight_mapping import KERAS

DESCRIPTION = (
    "a TF Hub BERT or ALBERT encoder SavedModel (`saved_model.pb` and "
    "`variables/`), or a TF Hub handle (https:// or gs://)"
)
REMOTE_PREFIXES = ("http://", "https://", "gs://")
_NAMES = {
    "embeddings/word": "word_embeddings/embeddings",
    "embeddings/position": "position_embedding/embeddings",
    "embeddings/type": "type_embeddings/embeddings",
    "embeddings/norm/gamma": "embeddings/layer_norm/gamma",
    "embeddings/norm/beta": "embeddings/layer_norm/beta",
    "embeddings/projection/kernel": "embedding_projection/kernel",
    "embeddings/projection/bias": "embedding_projection/bias",
    "pooler/kernel": "pooler_transform/kernel",
    "pooler/bias": "pooler_transform/bias",
    "masked_lm/dense/kernel": "cls/predictions/transform/dense/kernel",
    "masked_lm/dense/bias": "cls/predictions/transform/dense/bias",
    "masked_lm/norm/gamma": "cls/predictions/transform/LayerNorm/gamma",
    "masked_lm/norm/beta": "cls/predictions/transform/LayerNorm/beta",
    "masked_lm/output_bias": "cls/predictions/output_bias/bias",
}
_BLOCK = {
    "query": "self_attention/query",
    "key": "self_attention/key",
    "value": "self_attention/value",
    "attention_output": "self_attention/attention_output",
    "attention_norm": "self_attention_layer_norm",
    "intermediate": "intermediate",
    "output": "output",
    "output_norm": "output_layer_norm",
}
SKIP_RULES = [(r"^dropout/seed_generator_state_\d+$", "dropout random state")]
HEAD_RULE = (r"^(bert/)?cls/predictions/", "pretraining head not requested")
_BERT_LAYER = re.compile(r"^transformer/layer_(\d+)/")
# The activation of Model Garden's BERT and ALBERT encoders.
INNER_ACTIVATION = weight_mapping.GELU_APPROXIMATE


def tfhub_name(role):
    """The TF Hub variable name of a `weight_mapping` role."""
    head, _, rest = role.partition("/")
    if head == "layer" or head.startswith("layer_"):
        block, _, variable = rest.rpartition("/")
        prefix = "transformer" if head == "layer" else f"transformer/{head}"
        return f"{prefix}/{_BLOCK[block]}/{variable}"
    return _NAMES[role]


def resolve(handle):
    """The local SavedModel directory of a path, `file://` path or handle.

    A handle already in the TF Hub cache (`$TFHUB_CACHE_DIR`, where
    `tensorflow_hub` downloads to) is found there; any other is resolved
    (downloaded) by `tensorflow_hub.resolve`.

    Raises:
        ImportError: if a handle must be downloaded and `tensorflow_hub`
            cannot be imported.
    """
    handle = os.fspath(handle)
    if not handle.startswith(REMOTE_PREFIXES):
        return (
            handle[len("file://") :] if handle.startswith("file://") else handle
        )
    cache_dir = os.environ.get("TFHUB_CACHE_DIR") or os.path.join(
        tempfile.gettempdir(), "tfhub_modules"
    )
    cached = os.path.join(cache_dir, hashlib.sha1(handle.encode()).hexdigest())
    if os.path.isfile(os.path.join(cached, "saved_model.pb")):
        return cached
    try:
        import tensorflow_hub
    except ImportError as error:
        raise ImportError(
            f"Downloading the TF Hub handle {handle!r} requires a working "
            f"tensorflow_hub ({error}). Install it with: pip install "
            "tensorflow-hub setuptools"
        ) from None
    return tensorflow_hub.resolve(handle)


def read(path, config_overrides=None):
    """Reads a TF Hub SavedModel into a `SourceRecord` (runs nothing).

    Raises:
        ValueError: if `saved_model.pb` or the variables are unreadable,
            the SavedModel is a preprocessing model or not a BERT/ALBERT
            encoder, or its shapes describe no keras_nlp encoder.
    """
    path = resolve(path)
    meta_graph = _read_meta_graph(path)
    graph = meta_graph.object_graph_def
    children = {
        child.local_name: child.node_id for child in graph.nodes[0].children
    }
    if "tokenize" in children and "bert_pack_inputs" in children:
        raise ValueError(
            f"The SavedModel at {path!r} is a TF Hub preprocessing model (it "
            "has `tokenize` and `bert_pack_inputs`), not an encoder. Pass "
            "the encoder SavedModel to load weights; its vocabulary is the "
            "preprocessing model's too."
        )
    variables, arrays = _read_variables(path, graph)
    shapes = arrays.shapes
    skipped = {}
    settings = {}
    do_lower_case = children.get("do_lower_case")
    if do_lower_case is not None and do_lower_case in variables:
        name = variables[do_lower_case]
        settings["lowercase"] = bool(arrays[name])
        skipped[name] = "tokenizer setting (do_lower_case)"
    vocabulary_file = None
    for asset in ("vocab_file", "sp_model_file"):
        node = graph.nodes[children[asset]] if asset in children else None
        if node is not None and node.WhichOneof("kind") == "asset":
            index = node.asset.asset_file_def_index
            filename = meta_graph.asset_file_def[index].filename
            vocabulary_file = os.path.join(path, "assets", filename)
            if asset == "vocab_file":
                settings.setdefault("lowercase", None)
                settings["strip_accents"] = None
            else:
                # TF Hub's ALBERT convention: lower-cased, accents stripped.
                if settings.get("lowercase") is None:
                    settings["lowercase"] = True
                settings["strip_accents"] = settings["lowercase"]
    if settings.get("lowercase", False) is None:
        settings = {}
    if "transformer/self_attention/query/kernel" in shapes:
        family = "albert"
    elif any(_BERT_LAYER.match(name) for name in shapes):
        family = "bert"
    else:
        raise ValueError(
            f"The SavedModel at {path!r} is not a TF Hub BERT or ALBERT "
            "encoder: it has no `transformer/layer_<k>/...` (BERT) or "
            f"`transformer/...` (ALBERT) variables. Received: variables "
            f"{sorted(shapes)[:8]}. Pass a TF Hub BERT or ALBERT encoder."
        )
    mlm_prefix = (
        "bert/"
        if "bert/" + _NAMES["masked_lm/dense/kernel"] in (shapes)
        else ""
    )

    def names(role):
        if role.startswith("masked_lm/"):
            return mlm_prefix + _NAMES[role], KERAS
        return tfhub_name(role), KERAS

    config = _infer_config(shapes, family, graph, path, config_overrides)
    skip_rules = [(f"^{re.escape(n)}$", r) for n, r in skipped.items()]
    return weight_mapping.SourceRecord(
        source_format="tfhub_saved_model",
        family=family,
        path=path,
        description=f"the TF Hub SavedModel at {path!r}",
        arrays=arrays,
        names=names,
        config=config,
        config_origin="the SavedModel's variable shapes",
        skip_rules=skip_rules + SKIP_RULES,
        head_rule=HEAD_RULE,
        vocabulary_file=vocabulary_file,
        tokenizer_settings=settings,
        notes=[
            "inner_activation: the tanh-approximate GELU of Model Garden "
            "encoders (no variable records it)"
        ],
    )


def read_vocabulary(path):
    """The vocabulary of a TF Hub encoder or preprocessing SavedModel.

    A preprocessing model's WordPiece vocabulary is its `vocab.txt` asset;
    its SentencePiece model is a string constant of its graph (read, never
    run), written once into a cache directory keyed by its hash. The
    normalization follows TF Hub's conventions: WordPiece lower-cases when
    the vocabulary has no upper-case tokens, SentencePiece lower-cases and
    strips accents.

    Returns:
        `(vocabulary_file, settings, vocab_size)`, `vocab_size` being the
        encoder's (None for a preprocessing model), or `(None, {}, None)`.
    """
    path = resolve(path)
    meta_graph = _read_meta_graph(path)
    names = {
        c.local_name for c in meta_graph.object_graph_def.nodes[0].children
    }
    if not {"tokenize", "bert_pack_inputs"} <= names:
        record = read(path)
        return (
            record.vocabulary_file,
            record.tokenizer_settings,
            record.config["vocab_size"],
        )
    from keras_nlp.conversion import tokenizer_settings

    for asset in meta_graph.asset_file_def:
        if asset.filename.endswith(".txt"):
            vocabulary_file = os.path.join(path, "assets", asset.filename)
            settings, _ = tokenizer_settings.read_settings(
                os.path.dirname(vocabulary_file)
            )
            return vocabulary_file, settings, None
    model = _sentence_piece_constant(meta_graph)
    if model is None:
        return None, {}, None
    directory = os.path.join(
        tempfile.gettempdir(),
        "keras_nlp_vocabularies",
        hashlib.sha1(model).hexdigest(),
    )
    target = os.path.join(directory, "spm.model")
    if not os.path.isfile(target):
        os.makedirs(directory, exist_ok=True)
        with open(target + ".tmp", "wb") as file:
            file.write(model)
        os.replace(target + ".tmp", target)
    return target, {"lowercase": True, "strip_accents": True}, None


def _sentence_piece_constant(meta_graph):
    """The serialized SentencePiece model in the graph, or None.

    tensorflow-text keeps it as the `model` attribute of the
    `SentencepieceOp` node that builds the tokenizer's resource.
    """
    from sentencepiece import sentencepiece_model_pb2

    nodes = list(meta_graph.graph_def.node)
    for function in meta_graph.graph_def.library.function:
        nodes += list(function.node_def)
    for node in nodes:
        if node.op != "SentencepieceOp" or "model" not in node.attr:
            continue
        value = node.attr["model"].s
        model = sentencepiece_model_pb2.ModelProto()
        try:
            model.ParseFromString(value)
        except Exception:  # protobuf's DecodeError: not a model.
            continue
        if model.pieces and all(piece.piece for piece in model.pieces):
            return value
    return None


def _read_meta_graph(path):
    from tensorflow.core.protobuf import saved_model_pb2

    proto_path = os.path.join(path, "saved_model.pb")
    if not os.path.isfile(proto_path):
        raise ValueError(
            f"{path!r} is not a SavedModel directory: it has no "
            "`saved_model.pb`. Pass a directory holding `saved_model.pb` and "
            "`variables/`."
        )
    saved_model = saved_model_pb2.SavedModel()
    try:
        with open(proto_path, "rb") as file:
            saved_model.ParseFromString(file.read())
    except Exception as error:  # protobuf's DecodeError.
        raise ValueError(
            f"Cannot parse {proto_path!r} ({error}); it is probably "
            "truncated or corrupted. Download the SavedModel again."
        ) from None
    if (
        not saved_model.meta_graphs
        or not saved_model.meta_graphs[0].object_graph_def.nodes
    ):
        raise ValueError(
            f"{proto_path!r} holds no TF2 object graph. Received: a TF1 "
            "SavedModel or Hub module, which is not supported: use a TF2 "
            "SavedModel (TF Hub versions 3 and later)."
        )
    return saved_model.meta_graphs[0]


def _read_variables(path, graph):
    """`({node_id: name}, SourceArrays)` from the variables checkpoint.

    The SavedModel's object graph and the checkpoint's are walked together
    from the root, by child name, to find each variable's checkpoint key.
    """
    from tensorflow.core.protobuf import trackable_object_graph_pb2

    prefix = os.path.join(path, "variables", "variables")
    try:
        reader = tf.train.load_checkpoint(prefix)
        checkpoint_graph = trackable_object_graph_pb2.TrackableObjectGraph()
        checkpoint_graph.ParseFromString(
            reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH")
        )
    except (tf.errors.OpError, ValueError, IndexError, OSError) as error:
        raise _corrupted(prefix, error) from None
    pairs = {0: 0}
    queue = [0]
    while queue:
        node_id = queue.pop(0)
        checkpoint_children = {
            child.local_name: child.node_id
            for child in checkpoint_graph.nodes[pairs[node_id]].children
        }
        for child in graph.nodes[node_id].children:
            if child.node_id in pairs:
                continue
            if child.local_name in checkpoint_children:
                pairs[child.node_id] = checkpoint_children[child.local_name]
                queue.append(child.node_id)
    names, keys, shapes, dtypes = {}, {}, {}, {}
    for node_id, node in enumerate(graph.nodes):
        if node.WhichOneof("kind") != "variable" or node_id not in pairs:
            continue
        attributes = checkpoint_graph.nodes[pairs[node_id]].attributes
        key = [
            a.checkpoint_key for a in attributes if a.name == "VARIABLE_VALUE"
        ]
        if not key:
            continue
        name = re.sub(r":\d+$", "", node.variable.name)
        if name in keys:
            raise ValueError(
                f"The SavedModel at {path!r} holds two variables named "
                f"`{name}`, so its weights cannot be mapped by name. "
                "Re-export it with unique variable names."
            )
        names[node_id], keys[name] = name, key[0]
        shapes[name] = tuple(d.size for d in node.variable.shape.dim)
        dtypes[name] = tf.as_dtype(node.variable.dtype).as_numpy_dtype

    def read_array(name):
        try:
            return reader.get_tensor(keys[name])
        except (tf.errors.OpError, ValueError, IndexError, OSError) as error:
            raise _corrupted(prefix, error) from None

    return names, weight_mapping.SourceArrays(shapes, dtypes, read_array)


def _infer_config(shapes, family, graph, path, overrides):
    overrides = overrides or {}

    def shape(name, rank):
        value = shapes.get(name)
        if value is None or len(value) != rank:
            raise ValueError(
                f"The SavedModel at {path!r} has no variable `{name}` of "
                f"rank {rank}, which every TF Hub {family.upper()} encoder "
                f"has. Received: {value}. Pass an unmodified TF Hub encoder."
            )
        return value

    vocab_size, embedding_width = shape("word_embeddings/embeddings", 2)
    block = "transformer/" if family == "albert" else "transformer/layer_0/"
    hidden_size, num_heads, head_dim = shape(
        block + "self_attention/query/kernel", 3
    )
    if num_heads * head_dim != hidden_size:
        raise ValueError(
            f"The query kernel of the SavedModel at {path!r} has shape "
            f"{[hidden_size, num_heads, head_dim]}: {num_heads} heads of "
            f"width {head_dim} do not split the hidden size {hidden_size}, "
            "which keras_nlp's TransformerEncoder requires."
        )
    config = {
        "vocab_size": vocab_size,
        "hidden_size": hidden_size,
        "num_attention_heads": num_heads,
        "max_sequence_length": shape("position_embedding/embeddings", 2)[0],
        "type_vocab_size": shape("type_embeddings/embeddings", 2)[0],
        "inner_dim": shape(block + "intermediate/kernel", 2)[1],
        "inner_activation": INNER_ACTIVATION,
    }
    if family == "albert":
        config["embedding_width"] = embedding_width
        if "num_layers" not in overrides:
            config["num_layers"] = _num_encoder_outputs(graph, path)
        return {**config, **overrides}
    if embedding_width != hidden_size:
        config["embedding_width"] = embedding_width
    indices = sorted(
        {int(m.group(1)) for m in map(_BERT_LAYER.match, shapes) if m}
    )
    if indices != list(range(len(indices))):
        raise ValueError(
            f"The Transformer layers of the SavedModel at {path!r} must be "
            f"numbered 0, 1, ... without gaps. Received: layers {indices}. "
            "The SavedModel is incomplete; download it again."
        )
    config["num_layers"] = len(indices)
    return {**config, **overrides}


def _num_encoder_outputs(graph, path):
    """ALBERT's depth: the length of `encoder_outputs` in an output signature.

    Read from the recorded signatures of the functions, never by calling.
    """

    def find(value):
        kind = value.WhichOneof("kind")
        if kind == "dict_value":
            fields = value.dict_value.fields
            if "encoder_outputs" in fields:
                outputs = fields["encoder_outputs"]
                listed = outputs.list_value.values or outputs.tuple_value.values
                if listed:
                    return len(listed)
            for field in fields.values():
                found = find(field)
                if found:
                    return found
        if kind in ("list_value", "tuple_value"):
            for item in getattr(value, kind).values:
                found = find(item)
                if found:
                    return found
        return None

    for function in graph.concrete_functions.values():
        found = find(function.output_signature)
        if found:
            return found
    raise ValueError(
        f"The ALBERT SavedModel at {path!r} records no `encoder_outputs` "
        "list in its function signatures, from which the number of layers "
        "of its shared block is read. Pass "
        "`config_overrides={'num_layers': ...}`."
    )


def _corrupted(prefix, error):
    message = str(error).strip().splitlines()[0][:300] if str(error) else ""
    return ValueError(
        f"Cannot read the SavedModel's variables {prefix!r} (`.index` and "
        f"`.data-*`): {message}. The files are probably truncated or "
        "corrupted; download the SavedModel again."
    )
