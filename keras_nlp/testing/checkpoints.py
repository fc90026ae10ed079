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

"""Writers of tiny source checkpoints in each format, for tests only.

Written from the formats' documentation (variable names of
google-research/bert and google-research/albert `modeling.py`, Hugging Face
`BertForPreTraining`/`AlbertForPreTraining` state dicts), sharing no code
with the converters. Each `*_arrays` function returns random arrays keyed by
source name; each `reference_from_*` function rearranges the same arrays
into the layout of `keras_nlp.testing.numpy_bert.bert_forward`.
"""

import os

import numpy as np

TINY_BERT = {
    "vocab_size": 30,
    "hidden_size": 8,
    "num_layers": 2,
    "num_attention_heads": 2,
    "inner_dim": 16,
    "max_sequence_length": 16,
    "type_vocab_size": 2,
}
TINY_ALBERT = dict(TINY_BERT, embedding_width=4, num_layers=3)

VOCABULARY = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "the",
    "quick",
    "brown",
    "fox",
    "jump",
    "##ed",
    "over",
    "lazy",
    "dog",
    "a",
    "cat",
    "sat",
    "on",
    "mat",
    "and",
    "ran",
    "away",
    ".",
    ",",
    "!",
    "?",
    "is",
    "it",
    "##s",
    "up",
]

# The modules of one Transformer block in each format, keyed by the roles of
# `bert_forward`'s layer dicts ("attention" and "output_norm" are the layer
# norms after the attention and the feed-forward part).
_ORIGINAL_BLOCK = {
    "bert": {
        "query": "attention/self/query",
        "key": "attention/self/key",
        "value": "attention/self/value",
        "attention_output": "attention/output/dense",
        "attention": "attention/output/LayerNorm",
        "intermediate": "intermediate/dense",
        "output": "output/dense",
        "output_norm": "output/LayerNorm",
    },
    "albert": {
        "query": "attention_1/self/query",
        "key": "attention_1/self/key",
        "value": "attention_1/self/value",
        "attention_output": "attention_1/output/dense",
        "attention": "LayerNorm",
        "intermediate": "ffn_1/intermediate/dense",
        "output": "ffn_1/intermediate/output/dense",
        "output_norm": "LayerNorm_1",
    },
}
_HUGGINGFACE_BLOCK = {
    "bert": {
        "query": "attention.self.query",
        "key": "attention.self.key",
        "value": "attention.self.value",
        "attention_output": "attention.output.dense",
        "attention": "attention.output.LayerNorm",
        "intermediate": "intermediate.dense",
        "output": "output.dense",
        "output_norm": "output.LayerNorm",
    },
    "albert": {
        "query": "attention.query",
        "key": "attention.key",
        "value": "attention.value",
        "attention_output": "attention.dense",
        "attention": "attention.LayerNorm",
        "intermediate": "ffn",
        "output": "ffn_output",
        "output_norm": "full_layer_layer_norm",
    },
}


def original_arrays(family, config, with_heads=True, seed=0):
    """Random arrays named as in an original BERT or ALBERT checkpoint."""
    v, h, i = config["vocab_size"], config["hidden_size"], config["inner_dim"]
    e = config.get("embedding_width", h)
    p, t = config["max_sequence_length"], config["type_vocab_size"]
    shapes = {
        "bert/embeddings/word_embeddings": (v, e),
        "bert/embeddings/token_type_embeddings": (t, e),
        "bert/embeddings/position_embeddings": (p, e),
        "bert/embeddings/LayerNorm/gamma": (e,),
        "bert/embeddings/LayerNorm/beta": (e,),
        "bert/pooler/dense/kernel": (h, h),
        "bert/pooler/dense/bias": (h,),
    }
    if family == "albert":
        shapes["bert/encoder/embedding_hidden_mapping_in/kernel"] = (e, h)
        shapes["bert/encoder/embedding_hidden_mapping_in/bias"] = (h,)
    kernels = _block_kernels(h, i)
    for prefix in _original_blocks(family, config["num_layers"]):
        for role, name in _ORIGINAL_BLOCK[family].items():
            kernel = kernels[role]
            if kernel is None:
                shapes[f"{prefix}{name}/gamma"] = (h,)
                shapes[f"{prefix}{name}/beta"] = (h,)
            else:
                shapes[f"{prefix}{name}/kernel"] = kernel
                shapes[f"{prefix}{name}/bias"] = (kernel[1],)
    if with_heads:
        shapes.update(
            {
                "cls/predictions/transform/dense/kernel": (h, e),
                "cls/predictions/transform/dense/bias": (e,),
                "cls/predictions/transform/LayerNorm/gamma": (e,),
                "cls/predictions/transform/LayerNorm/beta": (e,),
                "cls/predictions/output_bias": (v,),
                "cls/seq_relationship/output_weights": (2, h),
                "cls/seq_relationship/output_bias": (2,),
            }
        )
    return _random(shapes, seed)


def reference_from_original(arrays, family, num_layers):
    """Rearranges original-checkpoint arrays for `bert_forward`."""
    weights = {
        "word_embeddings": arrays["bert/embeddings/word_embeddings"],
        "position_embeddings": arrays["bert/embeddings/position_embeddings"],
        "type_embeddings": arrays["bert/embeddings/token_type_embeddings"],
        "embeddings_gamma": arrays["bert/embeddings/LayerNorm/gamma"],
        "embeddings_beta": arrays["bert/embeddings/LayerNorm/beta"],
        "pooler_kernel": arrays["bert/pooler/dense/kernel"],
        "pooler_bias": arrays["bert/pooler/dense/bias"],
    }
    if family == "albert":
        mapping = "bert/encoder/embedding_hidden_mapping_in/"
        weights["projection_kernel"] = arrays[mapping + "kernel"]
        weights["projection_bias"] = arrays[mapping + "bias"]
    prefixes = _original_blocks(family, num_layers)
    names = _ORIGINAL_BLOCK[family]

    def array(prefix, module, variable):
        return arrays[f"{prefix}{module}/{variable}"]

    weights["layers"] = _reference_layers(prefixes, names, array)
    return weights


def huggingface_arrays(family, config, with_heads=True, seed=0, prefix=True):
    """Random arrays named as in a Hugging Face `*ForPreTraining` model.

    Linear weights are `[out, in]`, as PyTorch stores them. With
    `with_heads`, the tied decoder weight and bias are included as the exact
    copies `save_pretrained` writes.
    """
    v, h, i = config["vocab_size"], config["hidden_size"], config["inner_dim"]
    e = config.get("embedding_width", h)
    p, t = config["max_sequence_length"], config["type_vocab_size"]
    base = f"{family}." if prefix else ""
    shapes = {
        f"{base}embeddings.word_embeddings.weight": (v, e),
        f"{base}embeddings.position_embeddings.weight": (p, e),
        f"{base}embeddings.token_type_embeddings.weight": (t, e),
        f"{base}embeddings.LayerNorm.weight": (e,),
        f"{base}embeddings.LayerNorm.bias": (e,),
    }
    if family == "albert":
        shapes[f"{base}encoder.embedding_hidden_mapping_in.weight"] = (h, e)
        shapes[f"{base}encoder.embedding_hidden_mapping_in.bias"] = (h,)
        shapes[f"{base}pooler.weight"] = (h, h)
        shapes[f"{base}pooler.bias"] = (h,)
    else:
        shapes[f"{base}pooler.dense.weight"] = (h, h)
        shapes[f"{base}pooler.dense.bias"] = (h,)
    kernels = _block_kernels(h, i)
    for block in _huggingface_blocks(family, base, config["num_layers"]):
        for role, name in _HUGGINGFACE_BLOCK[family].items():
            kernel = kernels[role]
            # PyTorch stores linear weights [out, in].
            shape = (h,) if kernel is None else kernel[::-1]
            shapes[f"{block}{name}.weight"] = shape
            shapes[f"{block}{name}.bias"] = (shape[0],)
    if with_heads:
        if family == "albert":
            heads = {
                "predictions.dense.weight": (e, h),
                "predictions.dense.bias": (e,),
                "predictions.LayerNorm.weight": (e,),
                "predictions.LayerNorm.bias": (e,),
                "predictions.bias": (v,),
                "sop_classifier.classifier.weight": (2, h),
                "sop_classifier.classifier.bias": (2,),
            }
        else:
            heads = {
                "cls.predictions.transform.dense.weight": (h, h),
                "cls.predictions.transform.dense.bias": (h,),
                "cls.predictions.transform.LayerNorm.weight": (h,),
                "cls.predictions.transform.LayerNorm.bias": (h,),
                "cls.predictions.bias": (v,),
                "cls.seq_relationship.weight": (2, h),
                "cls.seq_relationship.bias": (2,),
            }
        shapes.update(heads)
    arrays = _random(shapes, seed)
    if with_heads:
        predictions = "predictions" if family == "albert" else "cls.predictions"
        word = arrays[f"{base}embeddings.word_embeddings.weight"]
        arrays[f"{predictions}.decoder.weight"] = word.copy()
        arrays[f"{predictions}.decoder.bias"] = arrays[
            f"{predictions}.bias"
        ].copy()
    # A buffer that `transformers` saves with BERT embeddings.
    arrays[f"{base}embeddings.position_ids"] = np.arange(p)[None].astype(
        "int64"
    )
    return arrays


def reference_from_huggingface(arrays, family, num_layers, prefix=True):
    """Rearranges Hugging Face arrays (linears transposed) for the reference."""
    base = f"{family}." if prefix else ""
    weights = {
        "word_embeddings": arrays[f"{base}embeddings.word_embeddings.weight"],
        "position_embeddings": arrays[
            f"{base}embeddings.position_embeddings.weight"
        ],
        "type_embeddings": arrays[
            f"{base}embeddings.token_type_embeddings.weight"
        ],
        "embeddings_gamma": arrays[f"{base}embeddings.LayerNorm.weight"],
        "embeddings_beta": arrays[f"{base}embeddings.LayerNorm.bias"],
    }
    if family == "albert":
        mapping = f"{base}encoder.embedding_hidden_mapping_in."
        weights["projection_kernel"] = arrays[mapping + "weight"].T
        weights["projection_bias"] = arrays[mapping + "bias"]
        weights["pooler_kernel"] = arrays[f"{base}pooler.weight"].T
        weights["pooler_bias"] = arrays[f"{base}pooler.bias"]
    else:
        weights["pooler_kernel"] = arrays[f"{base}pooler.dense.weight"].T
        weights["pooler_bias"] = arrays[f"{base}pooler.dense.bias"]
    blocks = _huggingface_blocks(family, base, num_layers)
    names = _HUGGINGFACE_BLOCK[family]
    parameters = {
        "kernel": "weight",
        "bias": "bias",
        "gamma": "weight",
        "beta": "bias",
    }

    def array(block, module, variable):
        value = arrays[f"{block}{module}.{parameters[variable]}"]
        # PyTorch stores linear weights [out, in].
        return value.T if variable == "kernel" else value

    weights["layers"] = _reference_layers(blocks, names, array)
    return weights


def write_tf1_checkpoint(prefix, arrays):
    """Writes `arrays` as a TF1 name-based checkpoint at `prefix`."""
    import tensorflow as tf

    with tf.Graph().as_default():
        variables = [
            tf.compat.v1.Variable(value, name=name)
            for name, value in arrays.items()
        ]
        saver = tf.compat.v1.train.Saver(variables)
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            saver.save(session, prefix, write_meta_graph=False)


def original_config(family, config, hidden_act="gelu"):
    """The `bert_config.json` / `albert_config.json` dict of `config`."""
    source = _config_entries(family, config, hidden_act)
    if family == "albert":
        source.update(
            {
                "net_structure_type": 0,
                "layers_to_keep": [],
                "gap_size": 0,
                "num_memory_blocks": 0,
                "down_scale_factor": 1,
            }
        )
    return source


def write_original_directory(
    directory,
    family,
    config,
    arrays,
    hidden_act="gelu",
    write_config=True,
    vocabulary=VOCABULARY,
):
    """Writes an original BERT/ALBERT checkpoint directory."""
    os.makedirs(directory, exist_ok=True)
    if family == "albert":
        prefix = os.path.join(directory, "model.ckpt-best")
        config_name = "albert_config.json"
    else:
        prefix = os.path.join(directory, "bert_model.ckpt")
        config_name = "bert_config.json"
    _write_vocabulary(directory, family, "30k-clean.model", vocabulary)
    write_tf1_checkpoint(prefix, arrays)
    if write_config:
        _write_json(
            os.path.join(directory, config_name),
            original_config(family, config, hidden_act),
        )
    return directory


def huggingface_config(family, config, hidden_act="gelu"):
    """The `config.json` dict of a Hugging Face model of `config`."""
    architecture = "Albert" if family == "albert" else "Bert"
    return {
        "architectures": [f"{architecture}ForPreTraining"],
        "model_type": family,
        **_config_entries(family, config, hidden_act),
        "layer_norm_eps": 1e-12,
        "position_embedding_type": "absolute",
    }


def write_huggingface_directory(
    directory,
    family,
    config,
    arrays,
    hidden_act="gelu",
    write_config=True,
    tokenizer_config=None,
    vocabulary=VOCABULARY,
):
    """Writes a Hugging Face model directory with `model.safetensors`."""
    from safetensors.numpy import save_file

    os.makedirs(directory, exist_ok=True)
    save_file(
        dict(arrays),
        os.path.join(directory, "model.safetensors"),
        metadata={"format": "pt"},
    )
    if write_config:
        _write_json(
            os.path.join(directory, "config.json"),
            huggingface_config(family, config, hidden_act),
        )
    if tokenizer_config is not None:
        _write_json(
            os.path.join(directory, "tokenizer_config.json"), tokenizer_config
        )
    _write_vocabulary(directory, family, "spiece.model", vocabulary)
    return directory


def random_inputs(config, batch_size=2, sequence_length=6, seed=1):
    """Encoder inputs with padding in the second example."""
    rng = np.random.default_rng(seed)
    shape = (batch_size, sequence_length)
    mask = np.ones(shape, dtype="int32")
    mask[1, sequence_length // 2 :] = 0
    return {
        "input_word_ids": rng.integers(
            0, config["vocab_size"], size=shape
        ).astype("int32"),
        "input_mask": mask,
        "input_type_ids": rng.integers(
            0, config["type_vocab_size"], size=shape
        ).astype("int32"),
    }


def _config_entries(family, config, hidden_act):
    """The entries that original and Hugging Face config files share."""
    entries = {
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": hidden_act,
        "hidden_dropout_prob": 0.1,
        "hidden_size": config["hidden_size"],
        "initializer_range": 0.02,
        "intermediate_size": config["inner_dim"],
        "max_position_embeddings": config["max_sequence_length"],
        "num_attention_heads": config["num_attention_heads"],
        "num_hidden_layers": config["num_layers"],
        "type_vocab_size": config["type_vocab_size"],
        "vocab_size": config["vocab_size"],
    }
    if family == "albert":
        entries["embedding_size"] = config["embedding_width"]
        entries["num_hidden_groups"] = 1
        entries["inner_group_num"] = 1
    return entries


def _block_kernels(h, i):
    """The `[in, out]` kernel shape of each block role; None: a layer norm."""
    return {
        "query": (h, h),
        "key": (h, h),
        "value": (h, h),
        "attention_output": (h, h),
        "attention": None,
        "intermediate": (h, i),
        "output": (i, h),
        "output_norm": None,
    }


def _original_blocks(family, num_layers):
    """The name prefixes of the Transformer blocks of an original model."""
    if family == "albert":
        return ["bert/encoder/transformer/group_0/inner_group_0/"]
    return [f"bert/encoder/layer_{k}/" for k in range(num_layers)]


def _huggingface_blocks(family, base, num_layers):
    """The name prefixes of the Transformer blocks of a Hugging Face model."""
    if family == "albert":
        return [f"{base}encoder.albert_layer_groups.0.albert_layers.0."]
    return [f"{base}encoder.layer.{k}." for k in range(num_layers)]


def _reference_layers(blocks, names, array):
    """The `weights["layers"]` of `bert_forward`, one dict per block.

    `array(block, names[key], variable)` returns the source array of
    `variable` (`"kernel"` as `[in, out]`, `"bias"`, `"gamma"`, `"beta"`).
    """
    layers = []
    for block in blocks:
        layer = {}
        for key in (
            "query",
            "key",
            "value",
            "attention_output",
            "intermediate",
            "output",
        ):
            layer[f"{key}_kernel"] = array(block, names[key], "kernel")
            layer[f"{key}_bias"] = array(block, names[key], "bias")
        for key, name in (
            ("attention", "attention"),
            ("output", "output_norm"),
        ):
            layer[f"{key}_gamma"] = array(block, names[name], "gamma")
            layer[f"{key}_beta"] = array(block, names[name], "beta")
        layers.append(layer)
    return layers


def _random(shapes, seed):
    rng = np.random.default_rng(seed)
    return {
        name: rng.normal(scale=0.5, size=shape).astype("float32")
        for name, shape in shapes.items()
    }


def _write_vocabulary(directory, family, sentence_piece_file, vocabulary):
    """Writes `vocab.txt` (BERT) or a SentencePiece model (ALBERT)."""
    if family == "albert":
        with open(os.path.join(directory, sentence_piece_file), "wb") as f:
            f.write(sentence_piece_model(len(vocabulary)))
        return
    with open(os.path.join(directory, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocabulary) + "\n")


def sentence_piece_model(size):
    """A serialized unigram SentencePiece model of exactly `size` pieces.

    `<pad>`, `<unk>`, `[CLS]`, `[SEP]`, `[MASK]`, then word and letter
    pieces, built directly as a `ModelProto` (no training).
    """
    from sentencepiece import sentencepiece_model_pb2 as model_pb2

    words = [f"\u2581{w}" for w in VOCABULARY[5:]]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    tokens = ["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"] + words + letters
    if size > len(tokens) or size < 5:
        raise ValueError(f"`size` must be in [5, {len(tokens)}]: {size}")
    model = model_pb2.ModelProto()
    model.trainer_spec.model_type = model_pb2.TrainerSpec.UNIGRAM
    model.trainer_spec.vocab_size = size
    model.trainer_spec.pad_id = 0
    model.trainer_spec.unk_id = 1
    model.trainer_spec.bos_id = -1
    model.trainer_spec.eos_id = -1
    model.normalizer_spec.name = "identity"
    model.normalizer_spec.add_dummy_prefix = True
    types = {
        "<pad>": model_pb2.ModelProto.SentencePiece.CONTROL,
        "<unk>": model_pb2.ModelProto.SentencePiece.UNKNOWN,
    }
    for index, token in enumerate(tokens[:size]):
        piece = model.pieces.add()
        piece.piece = token
        piece.score = -float(index)
        if token in types:
            piece.type = types[token]
        elif token.startswith("["):
            piece.type = model_pb2.ModelProto.SentencePiece.USER_DEFINED
    return model.SerializeToString()


def _write_json(path, data):
    from keras_nlp.encoders import preset

    preset.write_json(path, data)
