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

"""A catalogue of realistic user mistakes against the public API.

Every case checks that the mistake raises early, with the documented
exception type, and that the message names the offending argument, input
or file, so that the user can fix it without reading the source.
"""

import functools
import json
import os
import re

import numpy as np
import pytest

import keras_nlp
from keras_nlp import encoders
from keras_nlp import layers
from keras_nlp import models
from keras_nlp import presets

TINY = dict(
    vocab_size=20,
    hidden_size=8,
    num_layers=1,
    num_attention_heads=2,
    max_sequence_length=8,
    type_vocab_size=2,
    inner_dim=16,
)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "qu", "##ick"]


def _bert(**overrides):
    return encoders.BertEncoder(**{**TINY, **overrides})


def _albert(**overrides):
    config = {**TINY, "embedding_width": 4, **overrides}
    return encoders.AlbertEncoder(**config)


@functools.lru_cache(maxsize=None)
def _encoder():
    return _bert()


@functools.lru_cache(maxsize=None)
def _preset_dir(root):
    path = os.path.join(root, "tiny_preset")
    _encoder().save_to_preset(path)
    return path


def _inputs(word_ids=None, mask=None, type_ids=None, length=4):
    word_ids = np.ones((1, length), "int32") if word_ids is None else word_ids
    shape = np.shape(word_ids)
    return {
        "input_word_ids": word_ids,
        "input_mask": np.ones(shape, "int32") if mask is None else mask,
        "input_type_ids": (
            np.zeros(shape, "int32") if type_ids is None else type_ids
        ),
    }


def _tokenizers():
    return keras_nlp.tokenizers


def _copy_preset(tmp_path, name="copy"):
    import shutil

    source = _preset_dir(str(tmp_path.parent / "shared"))
    target = str(tmp_path / name)
    shutil.copytree(source, target)
    return target


def _edit_config(tmp_path, edit):
    path = _copy_preset(tmp_path)
    config_file = os.path.join(path, "config.json")
    with open(config_file) as f:
        data = json.load(f)
    edit(data)
    with open(config_file, "w") as f:
        json.dump(data, f)
    return path


def _corrupt_config(tmp_path):
    path = _copy_preset(tmp_path)
    with open(os.path.join(path, "config.json"), "w") as f:
        f.write("{not json")
    return encoders.from_preset(path)


def _unknown_config_key(tmp_path):
    def edit(data):
        data.setdefault("config", data)["num_layer"] = 2

    return encoders.from_preset(_edit_config(tmp_path, edit))


def _empty_dir(tmp_path):
    path = tmp_path / "empty"
    path.mkdir()
    return encoders.from_preset(str(path))


def _wrong_size_vocab(tmp_path):
    path = tmp_path / "with_vocab"
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(VOCAB) + "\n")
    tokenizer = _tokenizers().WordPieceTokenizer(str(vocab))
    _encoder().save_to_preset(str(path), tokenizer=tokenizer)
    return encoders.from_preset(str(path))


def _missing_weights(tmp_path):
    path = _copy_preset(tmp_path)
    for name in os.listdir(path):
        if name.endswith(".h5") or name.endswith(".keras"):
            os.remove(os.path.join(path, name))
    return encoders.from_preset(path)


def _save_over_existing(tmp_path):
    path = _copy_preset(tmp_path)
    return _encoder().save_to_preset(path)


def _word_piece_file(tmp_path, tokens):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("".join(token + "\n" for token in tokens))
    return _tokenizers().WordPieceTokenizer(str(vocab))


def _packer(**overrides):
    config = dict(
        sequence_length=8, start_token_id=2, end_token_id=3, pad_token_id=0
    )
    return _tokenizers().BertPacker(**{**config, **overrides})


def _mask_generator(**overrides):
    config = dict(vocab_size=10, mask_token_id=4)
    return _tokenizers().MaskedLMMaskGenerator(**{**config, **overrides})


def _enable_lora_twice():
    encoder = _bert()
    encoder.enable_lora(2)
    return encoder.enable_lora(2)


def _load_lora_weights_of_another_rank(tmp_path):
    encoder = _bert()
    encoder.enable_lora(2)
    path = str(tmp_path / "lora.weights.h5")
    encoder.save_weights(path)
    other = _bert()
    other.enable_lora(4)
    return other.load_weights(path)


def _quantize_twice():
    encoder = _bert()
    encoder.quantize("int8")
    return encoder.quantize("int8")


def _call_encoder(**kwargs):
    return _encoder()(_inputs(**kwargs))


CASES = [
    # BertEncoder constructor.
    (
        "bert_negative_vocab",
        lambda t: _bert(vocab_size=-1),
        ValueError,
        "vocab_size",
    ),
    (
        "bert_zero_hidden",
        lambda t: _bert(hidden_size=0),
        ValueError,
        "hidden_size",
    ),
    (
        "bert_negative_layers",
        lambda t: _bert(num_layers=-2),
        ValueError,
        "num_layers",
    ),
    (
        "bert_float_hidden",
        lambda t: _bert(hidden_size=8.5),
        ValueError,
        "hidden_size",
    ),
    (
        "bert_string_vocab",
        lambda t: _bert(vocab_size="20"),
        ValueError,
        "vocab_size",
    ),
    (
        "bert_heads_not_dividing",
        lambda t: _bert(num_attention_heads=3),
        ValueError,
        "num_attention_heads",
    ),
    (
        "bert_zero_heads",
        lambda t: _bert(num_attention_heads=0),
        ValueError,
        "num_attention_heads",
    ),
    (
        "bert_dropout_above_one",
        lambda t: _bert(output_dropout=1.5),
        ValueError,
        "output_dropout",
    ),
    (
        "bert_negative_attention_dropout",
        lambda t: _bert(attention_dropout=-0.1),
        ValueError,
        "attention_dropout",
    ),
    (
        "bert_misspelled_num_layer",
        lambda t: _bert(num_layer=2),
        TypeError,
        "num_layer",
    ),
    ("bert_misspelled_hidden", lambda t: _bert(hidden=8), TypeError, "hidden"),
    (
        "bert_unknown_activation",
        lambda t: _bert(inner_activation="gelux"),
        ValueError,
        "gelux",
    ),
    (
        "bert_zero_max_length",
        lambda t: _bert(max_sequence_length=0),
        ValueError,
        "max_sequence_length",
    ),
    (
        "bert_zero_type_vocab",
        lambda t: _bert(type_vocab_size=0),
        ValueError,
        "type_vocab_size",
    ),
    (
        "bert_negative_inner_dim",
        lambda t: _bert(inner_dim=-4),
        ValueError,
        "inner_dim",
    ),
    (
        "bert_negative_epsilon",
        lambda t: _bert(norm_epsilon=-1.0),
        ValueError,
        "norm_epsilon",
    ),
    (
        "bert_bad_output_range",
        lambda t: _bert(output_range=-1),
        ValueError,
        "output_range",
    ),
    (
        "bert_negative_embedding_width",
        lambda t: _bert(embedding_width=-3),
        ValueError,
        "embedding_width",
    ),
    (
        "bert_unknown_initializer",
        lambda t: _bert(initializer="nope"),
        ValueError,
        "initializer",
    ),
    # AlbertEncoder constructor.
    (
        "albert_negative_vocab",
        lambda t: _albert(vocab_size=-1),
        ValueError,
        "vocab_size",
    ),
    (
        "albert_zero_embedding_width",
        lambda t: _albert(embedding_width=0),
        ValueError,
        "embedding_width",
    ),
    (
        "albert_heads_not_dividing",
        lambda t: _albert(num_attention_heads=3),
        ValueError,
        "num_attention_heads",
    ),
    (
        "albert_dropout_above_one",
        lambda t: _albert(output_dropout=2.0),
        ValueError,
        "output_dropout",
    ),
    (
        "albert_misspelled_kwarg",
        lambda t: _albert(num_heads=2),
        TypeError,
        "num_heads",
    ),
    (
        "albert_unknown_activation",
        lambda t: _albert(inner_activation="rel"),
        ValueError,
        "rel",
    ),
    # Layers.
    (
        "transformer_zero_heads",
        lambda t: layers.TransformerEncoder(0, 16),
        ValueError,
        "num_attention_heads",
    ),
    (
        "transformer_negative_inner",
        lambda t: layers.TransformerEncoder(2, -1),
        ValueError,
        "inner_dim",
    ),
    (
        "transformer_bad_dropout",
        lambda t: layers.TransformerEncoder(2, 16, output_dropout=1.0),
        ValueError,
        "output_dropout",
    ),
    (
        "transformer_bad_inner_dropout",
        lambda t: layers.TransformerEncoder(2, 16, inner_dropout=-0.5),
        ValueError,
        "inner_dropout",
    ),
    (
        "transformer_unknown_activation",
        lambda t: layers.TransformerEncoder(2, 16, inner_activation="swishy"),
        ValueError,
        "swishy",
    ),
    (
        "transformer_misspelled_kwarg",
        lambda t: layers.TransformerEncoder(2, 16, num_heads=2),
        TypeError,
        "`num_heads`. Did you mean `num_attention_heads`?",
    ),
    (
        "transformer_hidden_not_divisible",
        lambda t: layers.TransformerEncoder(3, 16)(np.zeros((1, 2, 8))),
        ValueError,
        "num_attention_heads",
    ),
    (
        "embedding_negative_vocab",
        lambda t: layers.OnDeviceEmbedding(-1, 4),
        ValueError,
        "vocab_size",
    ),
    (
        "embedding_zero_width",
        lambda t: layers.OnDeviceEmbedding(10, 0),
        ValueError,
        "embedding_width",
    ),
    (
        "embedding_float_vocab",
        lambda t: layers.OnDeviceEmbedding(10.0, 4),
        ValueError,
        "vocab_size",
    ),
    (
        "embedding_float_ids",
        lambda t: layers.OnDeviceEmbedding(10, 4)(np.array([[1.0, 2.0]])),
        ValueError,
        "inputs.dtype=float64",
    ),
    (
        "position_zero_length",
        lambda t: layers.PositionEmbedding(0),
        ValueError,
        "max_length",
    ),
    (
        "position_too_long",
        lambda t: layers.PositionEmbedding(4)(np.zeros((1, 6, 8))),
        ValueError,
        "max_length",
    ),
    (
        "position_wrong_rank",
        lambda t: layers.PositionEmbedding(4)(np.zeros((2, 8))),
        ValueError,
        "rank|3",
    ),
    (
        "masked_lm_no_table_no_vocab",
        lambda t: layers.MaskedLM(),
        ValueError,
        "embedding_table|vocab_size",
    ),
    (
        "masked_lm_bad_output",
        lambda t: layers.MaskedLM(
            vocab_size=10, embedding_width=4, output="probs"
        ),
        ValueError,
        "output",
    ),
    (
        "masked_lm_unknown_activation",
        lambda t: layers.MaskedLM(
            vocab_size=10, embedding_width=4, activation="gelux"
        ),
        ValueError,
        "gelux",
    ),
    # Eager encoder calls.
    (
        "call_word_id_out_of_range",
        lambda t: _call_encoder(word_ids=np.array([[1, 25]], "int32")),
        ValueError,
        "input_word_ids",
    ),
    (
        "call_negative_word_id",
        lambda t: _call_encoder(word_ids=np.array([[1, -1]], "int32")),
        ValueError,
        "input_word_ids",
    ),
    (
        "call_type_id_out_of_range",
        lambda t: _call_encoder(type_ids=np.array([[0, 0, 2, 0]], "int32")),
        ValueError,
        "input_type_ids",
    ),
    (
        "call_negative_type_id",
        lambda t: _call_encoder(type_ids=np.array([[0, -1, 0, 0]], "int32")),
        ValueError,
        "input_type_ids",
    ),
    (
        "call_float_word_ids",
        lambda t: _call_encoder(word_ids=np.ones((1, 4), "float32")),
        ValueError,
        "input_word_ids",
    ),
    (
        "call_wrong_rank",
        lambda t: _call_encoder(word_ids=np.ones((4,), "int32")),
        ValueError,
        "input_word_ids",
    ),
    (
        "call_over_length",
        lambda t: _call_encoder(length=12),
        ValueError,
        "max_sequence_length|input_word_ids",
    ),
    (
        "call_mask_shape_mismatch",
        lambda t: _call_encoder(mask=np.ones((1, 3), "int32")),
        ValueError,
        "input_mask",
    ),
    (
        "call_wrong_dict_key",
        lambda t: _encoder()({"token_ids": np.ones((1, 4), "int32")}),
        ValueError,
        "token_ids|input_word_ids",
    ),
    (
        "call_missing_mask",
        lambda t: _encoder()(
            {
                "input_word_ids": np.ones((1, 4), "int32"),
                "input_type_ids": np.zeros((1, 4), "int32"),
            }
        ),
        ValueError,
        "input_mask",
    ),
    # Task models.
    (
        "classifier_zero_classes",
        lambda t: models.BertClassifier(_encoder(), num_classes=0),
        ValueError,
        "num_classes",
    ),
    (
        "classifier_float_classes",
        lambda t: models.BertClassifier(_encoder(), num_classes=2.5),
        ValueError,
        "num_classes",
    ),
    (
        "classifier_bad_dropout",
        lambda t: models.BertClassifier(_encoder(), 2, dropout=1.2),
        ValueError,
        "dropout",
    ),
    (
        "classifier_not_an_encoder",
        lambda t: models.BertClassifier("bert_tiny_en_uncased", 2),
        ValueError,
        "encoder",
    ),
    (
        "classifier_misspelled_num_classes",
        lambda t: models.BertClassifier(_encoder(), num_class=2),
        TypeError,
        "num_classes",
    ),
    (
        "token_classifier_negative_classes",
        lambda t: models.BertTokenClassifier(_encoder(), num_classes=-1),
        ValueError,
        "num_classes",
    ),
    (
        "token_classifier_bad_dropout",
        lambda t: models.BertTokenClassifier(_encoder(), 2, dropout=-0.1),
        ValueError,
        "dropout",
    ),
    (
        "span_labeler_not_an_encoder",
        lambda t: models.BertSpanLabeler(None),
        ValueError,
        "encoder",
    ),
    (
        "pretrainer_not_an_encoder",
        lambda t: models.BertPretrainer(42),
        ValueError,
        "encoder",
    ),
    (
        "pretrainer_unknown_activation",
        lambda t: models.BertPretrainer(_encoder(), activation="gelux"),
        ValueError,
        "gelux",
    ),
    # LoRA and quantization.
    ("lora_zero_rank", lambda t: _bert().enable_lora(0), ValueError, "rank"),
    (
        "lora_negative_rank",
        lambda t: _bert().enable_lora(-4),
        ValueError,
        "rank",
    ),
    ("lora_float_rank", lambda t: _bert().enable_lora(2.5), ValueError, "rank"),
    (
        "quantize_bad_mode",
        lambda t: _bert().quantize("int3"),
        ValueError,
        "int3",
    ),
    # Misspelled keyword arguments of layers and tokenizers.
    (
        "embedding_misspelled_kwarg",
        lambda t: layers.OnDeviceEmbedding(10, 4, use_onehot=True),
        TypeError,
        "`use_onehot`. Did you mean `use_one_hot`?",
    ),
    (
        "position_misspelled_kwarg",
        lambda t: layers.PositionEmbedding(4, max_len=3),
        TypeError,
        "`max_len`. Did you mean `max_length`?",
    ),
    (
        "position_negative_length",
        lambda t: layers.PositionEmbedding(-3),
        ValueError,
        "max_length",
    ),
    (
        "masked_lm_misspelled_kwarg",
        lambda t: layers.MaskedLM(
            vocab_size=10, embedding_width=4, activations="gelu"
        ),
        TypeError,
        "`activations`. Did you mean `activation`?",
    ),
    (
        "self_attention_mask_wrong_rank",
        lambda t: layers.SelfAttentionMask()(
            np.zeros((1, 4, 8)), np.ones((4,))
        ),
        ValueError,
        "to_mask",
    ),
    (
        "packer_misspelled_kwarg",
        lambda t: _packer(truncation="waterfall"),
        TypeError,
        "BertPacker .*`truncation`. Did you mean `truncate`?",
    ),
    (
        "word_piece_misspelled_kwarg",
        lambda t: _tokenizers().WordPieceTokenizer(VOCAB, lower_case=False),
        TypeError,
        "WordPieceTokenizer .*`lower_case`. Did you mean `lowercase`?",
    ),
    (
        "mask_generator_misspelled_kwarg",
        lambda t: _mask_generator(max_selection=3),
        TypeError,
        "`max_selection`. Did you mean `max_selections`?",
    ),
    (
        "pretrainer_next_sentence_not_bool",
        lambda t: models.BertPretrainer(_encoder(), next_sentence="yes"),
        ValueError,
        "next_sentence",
    ),
    (
        "classifier_call_wrong_dict_key",
        lambda t: models.BertClassifier(_encoder(), 2)(
            {"ids": np.ones((1, 4), "int32")}
        ),
        ValueError,
        "input_mask",
    ),
    (
        "lora_enabled_twice",
        lambda t: _enable_lora_twice(),
        ValueError,
        "enable_lora",
    ),
    (
        "quantize_without_mode",
        lambda t: _bert().quantize(None),
        ValueError,
        "mode",
    ),
    # More constructor and call mistakes.
    (
        "bert_bool_hidden",
        lambda t: _bert(hidden_size=True),
        ValueError,
        "hidden_size=True",
    ),
    (
        "bert_none_vocab",
        lambda t: _bert(vocab_size=None),
        ValueError,
        "vocab_size=None",
    ),
    (
        "bert_float_type_vocab",
        lambda t: _bert(type_vocab_size=2.0),
        ValueError,
        "type_vocab_size",
    ),
    (
        "masked_lm_table_not_a_variable",
        lambda t: layers.MaskedLM(embedding_table="x"),
        ValueError,
        "embedding_table",
    ),
    (
        "masked_lm_float_positions",
        lambda t: layers.MaskedLM(vocab_size=10, embedding_width=8)(
            np.zeros((1, 4, 8)), np.array([[1.0]])
        ),
        ValueError,
        "masked_positions",
    ),
    (
        "quantize_twice",
        lambda t: _quantize_twice(),
        ValueError,
        "already quantized",
    ),
    (
        "quantize_misspelled_kwarg",
        lambda t: _bert().quantize("int8", filter="x"),
        ValueError,
        "filter",
    ),
    (
        "preprocessor_vocabulary_without_cls",
        lambda t: _tokenizers().BertPreprocessor(
            _tokenizers().WordPieceTokenizer(["[PAD]", "[UNK]", "a"])
        ),
        ValueError,
        r"\[CLS\]",
    ),
    (
        "word_piece_oov_token_not_in_vocabulary",
        lambda t: _tokenizers().WordPieceTokenizer(VOCAB, oov_token="<unk>"),
        ValueError,
        "oov_token.*<unk>",
    ),
    (
        "word_piece_empty_suffix",
        lambda t: _tokenizers().WordPieceTokenizer(VOCAB, suffix_indicator=""),
        ValueError,
        "suffix_indicator",
    ),
    (
        "word_piece_int_vocabulary",
        lambda t: _tokenizers().WordPieceTokenizer(5),
        ValueError,
        "vocabulary of type int",
    ),
    (
        "compute_vocab_empty_data",
        lambda t: _tokenizers().compute_word_piece_vocabulary([], 20),
        ValueError,
        "data=\\[\\]",
    ),
    (
        "compute_vocab_int_data",
        lambda t: _tokenizers().compute_word_piece_vocabulary(123, 20),
        ValueError,
        "data=123",
    ),
    (
        "packer_negative_start_id",
        lambda t: _packer(start_token_id=-2),
        ValueError,
        "start_token_id",
    ),
    (
        "packer_rank_three_ids",
        lambda t: _packer()(np.ones((1, 2, 3), "int32")),
        ValueError,
        "batch_size",
    ),
    (
        "mask_generator_whole_word_without_suffix_ids",
        lambda t: _mask_generator(whole_word_mask=True),
        ValueError,
        "word_piece_suffix_ids",
    ),
    (
        "from_preset_int_path",
        lambda t: encoders.from_preset(123),
        TypeError,
        "123 of type int",
    ),
    (
        "from_preset_config_file_not_dir",
        lambda t: encoders.from_preset(
            os.path.join(_copy_preset(t), "config.json")
        ),
        ValueError,
        "config.json",
    ),
    (
        "resolve_preset_wrong_encoder_class",
        lambda t: presets.resolve_preset("bert_tiny_en_uncased", encoder="gpt"),
        ValueError,
        "not gpt",
    ),
    (
        "convert_to_preset_existing_output",
        lambda t: keras_nlp.conversion.convert_to_preset(
            _copy_preset(t), _copy_preset(t, "out")
        ),
        ValueError,
        "overwrite",
    ),
    (
        "export_tfhub_not_an_encoder",
        lambda t: keras_nlp.conversion.export_tfhub("x", None, str(t / "e")),
        ValueError,
        "encoder",
    ),
    (
        "classifier_call_word_id_out_of_range",
        lambda t: models.BertClassifier(_encoder(), 2)(
            _inputs(word_ids=np.array([[1, 25, 3, 4]], "int32"))
        ),
        ValueError,
        "input_word_ids` holds the id 25",
    ),
    (
        "token_classifier_call_over_length",
        lambda t: models.BertTokenClassifier(_encoder(), 2)(_inputs(length=12)),
        ValueError,
        "max_sequence_length",
    ),
    (
        "pretrainer_call_without_masked_positions",
        lambda t: models.BertPretrainer(_encoder())(_inputs()),
        ValueError,
        "masked_lm_positions",
    ),
    # Presets.
    (
        "preset_unknown_name",
        lambda t: presets.resolve_preset("bert_tiny_en_uncasedd"),
        ValueError,
        "bert_tiny_en_uncasedd",
    ),
    (
        "preset_info_unknown",
        lambda t: presets.preset_info("bert_huge"),
        ValueError,
        "bert_huge",
    ),
    (
        "from_preset_missing_dir",
        lambda t: encoders.from_preset(str(t / "does_not_exist")),
        ValueError,
        "does_not_exist",
    ),
    ("from_preset_empty_dir", _empty_dir, ValueError, "config.json"),
    (
        "from_preset_corrupted_config",
        _corrupt_config,
        ValueError,
        "config.json",
    ),
    (
        "from_preset_unknown_config_key",
        _unknown_config_key,
        TypeError,
        "num_layers`\\?",
    ),
    (
        "from_preset_wrong_size_vocab",
        _wrong_size_vocab,
        ValueError,
        "has 8 tokens.*`vocab_size` 20",
    ),
    (
        "from_preset_missing_weights",
        _missing_weights,
        ValueError,
        "weights|\\.h5|\\.keras",
    ),
    (
        "from_preset_bad_dtype",
        lambda t: encoders.from_preset(_copy_preset(t), dtype="float31"),
        ValueError,
        "dtype|float31",
    ),
    ("save_to_existing_preset", _save_over_existing, ValueError, "overwrite"),
    # Tokenizers.
    (
        "word_piece_empty_vocabulary",
        lambda t: _tokenizers().WordPieceTokenizer([]),
        ValueError,
        "vocabulary",
    ),
    (
        "word_piece_missing_oov",
        lambda t: _tokenizers().WordPieceTokenizer(["the", "quick"]),
        ValueError,
        "\\[UNK\\]|oov_token",
    ),
    (
        "word_piece_missing_file",
        lambda t: _tokenizers().WordPieceTokenizer(str(t / "missing.txt")),
        ValueError,
        "missing.txt",
    ),
    (
        "word_piece_empty_file",
        lambda t: _word_piece_file(t, []),
        ValueError,
        "`vocabulary` is empty.*empty vocabulary file",
    ),
    (
        "word_piece_duplicate_tokens",
        lambda t: _tokenizers().WordPieceTokenizer(["[UNK]", "a", "a"]),
        ValueError,
        "'a'|duplicate",
    ),
    (
        "word_piece_bad_max_chars",
        lambda t: _tokenizers().WordPieceTokenizer(
            VOCAB, max_chars_per_token=0
        ),
        ValueError,
        "max_chars_per_token",
    ),
    (
        "sentence_piece_missing_file",
        lambda t: _tokenizers().SentencePieceTokenizer(str(t / "sp.model")),
        ValueError,
        "sp.model",
    ),
    (
        "sentence_piece_garbage_proto",
        lambda t: _tokenizers().SentencePieceTokenizer(b"not a proto"),
        ValueError,
        "proto",
    ),
    (
        "preprocessor_bad_length",
        lambda t: _tokenizers().BertPreprocessor(
            _tokenizers().WordPieceTokenizer(VOCAB), sequence_length=1
        ),
        ValueError,
        "sequence_length",
    ),
    (
        "preprocessor_bad_truncate",
        lambda t: _tokenizers().BertPreprocessor(
            _tokenizers().WordPieceTokenizer(VOCAB), truncate="left"
        ),
        ValueError,
        "truncate",
    ),
    (
        "preprocessor_not_a_tokenizer",
        lambda t: _tokenizers().BertPreprocessor(VOCAB),
        ValueError,
        "tokenizer",
    ),
    (
        "packer_zero_length",
        lambda t: _packer(sequence_length=0),
        ValueError,
        "sequence_length",
    ),
    (
        "packer_bad_truncate",
        lambda t: _packer(truncate="middle"),
        ValueError,
        "truncate",
    ),
    (
        "packer_negative_pad",
        lambda t: _packer(pad_token_id=-1),
        ValueError,
        "pad_token_id",
    ),
    (
        "packer_int64_ids_too_big",
        lambda t: _packer()(np.array([[5, 2**31]], "int64")),
        ValueError,
        r"out-of-range ids \[2147483648\]",
    ),
    (
        "packer_negative_ids",
        lambda t: _packer()(np.array([[5, -3]], "int64")),
        ValueError,
        r"out-of-range ids \[-3\]",
    ),
    (
        "packer_float_ids",
        lambda t: _packer()(np.array([[5.0, 6.0]])),
        ValueError,
        "inputs.dtype=float64",
    ),
    (
        "mask_generator_id_too_big",
        lambda t: _mask_generator()(np.array([[5, 12]], "int32")),
        ValueError,
        "vocab_size",
    ),
    (
        "mask_generator_bad_rate",
        lambda t: _mask_generator(mask_selection_rate=1.5),
        ValueError,
        "mask_selection_rate",
    ),
    (
        "mask_generator_mask_id_too_big",
        lambda t: _mask_generator(mask_token_id=10),
        ValueError,
        "mask_token_id",
    ),
    (
        "mask_generator_missing_mask_id",
        lambda t: _tokenizers().MaskedLMMaskGenerator(vocab_size=10),
        ValueError,
        "mask_token_id",
    ),
    (
        "mask_generator_rates_sum_above_one",
        lambda t: _mask_generator(mask_token_rate=0.8, random_token_rate=0.5),
        ValueError,
        "random_token_rate|mask_token_rate",
    ),
    (
        "mask_generator_zero_selections",
        lambda t: _mask_generator(max_selections=0),
        ValueError,
        "max_selections",
    ),
    (
        "compute_vocab_zero_size",
        lambda t: _tokenizers().compute_word_piece_vocabulary(["a b"], 0),
        ValueError,
        "vocab_size",
    ),
    # Conversion.
    (
        "load_checkpoint_missing_path",
        lambda t: keras_nlp.conversion.load_checkpoint(str(t / "ckpt_none")),
        ValueError,
        "ckpt_none",
    ),
    (
        "convert_to_preset_missing_source",
        lambda t: keras_nlp.conversion.convert_to_preset(
            str(t / "no_source"), str(t / "out")
        ),
        ValueError,
        "no_source",
    ),
    (
        "load_checkpoint_bad_cls",
        lambda t: keras_nlp.conversion.load_checkpoint(
            _copy_preset(t), cls=dict
        ),
        ValueError,
        "holds a BertEncoder, not a dict",
    ),
    # Cases that were silent before: each now raises.
    (
        "embedding_id_above_vocab",
        lambda t: layers.OnDeviceEmbedding(10, 4)(np.array([[3, 10]])),
        ValueError,
        r"`inputs` holds 10 at position \(0, 1\).*\[0, 10\)",
    ),
    (
        "embedding_negative_id",
        lambda t: layers.OnDeviceEmbedding(10, 4)(np.array([[-1, 2]])),
        ValueError,
        r"`inputs` holds -1 at position \(0, 0\)",
    ),
    (
        "classifier_misspelled_dropout",
        lambda t: models.BertClassifier(_encoder(), 2, dropout_rate=0.2),
        TypeError,
        "`dropout_rate`. Did you mean `dropout`",
    ),
    (
        "token_classifier_misspelled_dropout",
        lambda t: models.BertTokenClassifier(_encoder(), 2, dropout_rate=0.2),
        TypeError,
        "`dropout_rate`. Did you mean `dropout`",
    ),
    (
        "span_labeler_misspelled_initializer",
        lambda t: models.BertSpanLabeler(_encoder(), initialiser="x"),
        TypeError,
        "`initialiser`. Did you mean `initializer`",
    ),
    (
        "pretrainer_misspelled_next_sentence",
        lambda t: models.BertPretrainer(_encoder(), next_sentense=False),
        TypeError,
        "`next_sentense`. Did you mean `next_sentence`",
    ),
    (
        "classifier_float_ids",
        lambda t: models.BertClassifier(_encoder(), 2)(
            _inputs(word_ids=np.array([[1.7, 2.0, 3.0, 1.0]], "float32"))
        ),
        ValueError,
        "input_word_ids",
    ),
    (
        "gelu_approximate_on_strings",
        lambda t: layers.gelu_approximate("x"),
        ValueError,
        "`x` must be a floating point tensor",
    ),
    (
        "load_checkpoint_overrides_on_a_preset",
        lambda t: keras_nlp.conversion.load_checkpoint(
            _copy_preset(t), config_overrides={"num_layer": 2}
        ),
        ValueError,
        "config_overrides",
    ),
    (
        "mask_generator_unselectable_id_above_vocab",
        lambda t: _mask_generator(unselectable_token_ids=(12,)),
        ValueError,
        r"`unselectable_token_ids` must be ids in \[0, vocab_size=",
    ),
    (
        "masked_lm_position_beyond_sequence",
        lambda t: layers.MaskedLM(vocab_size=10, embedding_width=8)(
            np.zeros((1, 4, 8), "float32"), np.array([[5]])
        ),
        ValueError,
        r"`masked_positions` holds 5 .*\[0, 4\)",
    ),
    # Misspelled arguments of the other layers and text layers, and the
    # SentencePiece model left out: refused by the constructor.
    (
        "self_attention_mask_unknown_kwarg",
        lambda t: layers.SelfAttentionMask(causal=True),
        TypeError,
        "SelfAttentionMask got an unexpected keyword argument `causal`",
    ),
    (
        "transformer_misspelled_dropout",
        lambda t: layers.TransformerEncoder(2, 16, attention_dropouts=0.1),
        TypeError,
        "`attention_dropouts`. Did you mean `attention_dropout`?",
    ),
    (
        "embedding_misspelled_initializer",
        lambda t: layers.OnDeviceEmbedding(10, 4, initialiser="zeros"),
        TypeError,
        "`initialiser`. Did you mean `initializer`?",
    ),
    (
        "sentence_piece_misspelled_kwarg",
        lambda t: _tokenizers().SentencePieceTokenizer(b"", lower_case=True),
        TypeError,
        "SentencePieceTokenizer .*`lower_case`. Did you mean `lowercase`?",
    ),
    (
        "sentence_piece_without_proto",
        lambda t: _tokenizers().SentencePieceTokenizer(None),
        ValueError,
        "`proto` is required.*Received: proto=None",
    ),
    (
        "preprocessor_misspelled_kwarg",
        lambda t: _tokenizers().BertPreprocessor(
            _tokenizers().WordPieceTokenizer(VOCAB), seq_length=16
        ),
        TypeError,
        "BertPreprocessor .*`seq_length`. Did you mean `sequence_length`?",
    ),
    (
        "bert_lora_rank_zero",
        lambda t: _bert(lora_rank=0),
        ValueError,
        "Received: lora_rank=0",
    ),
    (
        "lora_weights_of_another_rank",
        _load_lora_weights_of_another_rank,
        ValueError,
        "another `lora_rank`",
    ),
    (
        "word_piece_misspelled_oov_token",
        lambda t: _tokenizers().WordPieceTokenizer(VOCAB, unk_token="[UNK]"),
        TypeError,
        "`unk_token`",
    ),
]


@pytest.mark.parametrize(
    "make, error, pattern",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_user_mistake_is_reported(make, error, pattern, tmp_path):
    with pytest.raises(error) as info:
        make(tmp_path)
    assert re.search(pattern, str(info.value)), str(info.value)
