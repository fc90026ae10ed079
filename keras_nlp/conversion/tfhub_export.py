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

"""Exporting a keras_nlp encoder and preprocessor in the TF Hub format."""

import os
import shutil
import tempfile

import keras
import tensorflow as tf
import tensorflow_text as tf_text

from keras_nlp.conversion.tfhub_saved_model import tfhub_name
from keras_nlp.conversion.weight_mapping import encoder_slots
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.encoders.inputs import INPUT_NAMES
from keras_nlp.tokenizers.bert_preprocessor import BertPreprocessor
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer
from keras_nlp.tokenizers.word_piece_tokenizer import bert_pre_tokenize

ENCODER_DIR = "encoder"
PREPROCESSOR_DIR = "preprocessor"
# `bert_pack_inputs` is traced for up to this many segments.
MAX_SEGMENTS = 2


def export_tfhub(encoder, preprocessor, export_dir, overwrite=False):
    """Exports an encoder and its preprocessor as TF Hub SavedModels.

    Writes two SavedModels that follow the TF Hub API for BERT-family text
    encoders, usable with `tf.saved_model.load` (or `hub.load`) by code
    that does not import keras_nlp (preprocessing needs
    `import tensorflow_text` for its string ops):

    - `export_dir/encoder`: called with a dict of int32 `input_word_ids`,
      `input_mask` and `input_type_ids` of shape `(batch_size,
      sequence_length)`, it returns a dict of float32 `sequence_output`,
      `pooled_output`, `default` (the same as `pooled_output`) and the list
      `encoder_outputs`. Pass `training=True` for dropout (each call then
      draws new masks). It carries the tokenizer's vocabulary as the asset
      `vocab_file` (WordPiece) or `sp_model_file` (SentencePiece) and the
      boolean variable `do_lower_case`, plus the attributes `variables`,
      `trainable_variables` and `regularization_losses` of TF Hub's
      reusable SavedModels, and a flat `serving_default` signature (with
      `encoder_outputs_<k>`) for TF Serving. The variables carry the TF
      Model Garden names (e.g.
      `transformer/layer_0/self_attention/query/kernel`), so
      `keras_nlp.encoders.BertEncoder.from_preset` (or `AlbertEncoder`)
      reads the export back.
    - `export_dir/preprocessor`: called with a batch of strings, shape
      `(batch_size,)`, it returns the encoder inputs padded to the
      preprocessor's `sequence_length`. `tokenize(strings)` returns the
      int32 token ids as a `tf.RaggedTensor` `(batch_size, words, pieces)`
      for WordPiece (`(batch_size, pieces)` for SentencePiece), as TF
      Hub's preprocessing models do,
      `tokenize.get_special_tokens_dict()` the ids of the special tokens
      and the vocabulary size, and `bert_pack_inputs(segments,
      seq_length=...)` packs a list of one or two tokenized segments
      (ragged, `(batch_size, None)` or `(batch_size, None, None)`) with
      `seq_length` defaulting to the preprocessor's `sequence_length`.

    `do_lower_case` records `tokenizer.lowercase`; the TF Hub
    convention has no switch for a WordPiece `strip_accents` or
    `split_on_cjk` that differs from BERT's defaults, but the exported
    preprocessor applies them.

    Args:
        encoder: a `keras_nlp.encoders.BertEncoder` or
            `keras_nlp.encoders.AlbertEncoder`.
        preprocessor: the `keras_nlp.tokenizers.BertPreprocessor` (with a
            `WordPieceTokenizer` or `SentencePieceTokenizer`) that makes the
            encoder's inputs.
        export_dir: str. The directory to write `encoder/` and
            `preprocessor/` into; created if missing.
        overwrite: bool. Whether to replace existing exports in
            `export_dir`. Defaults to `False`.

    Returns:
        A dict with the paths of the two SavedModels, under the keys
        `"encoder"` and `"preprocessor"`.

    Raises:
        ValueError: if the arguments have the wrong types, the tokenizer's
            vocabulary is larger than the encoder's, the preprocessor's
            `sequence_length` exceeds the encoder's `max_sequence_length`,
            or `export_dir` already holds an export and `overwrite` is
            `False`.
    """
    if not isinstance(encoder, (BertEncoder, AlbertEncoder)):
        raise ValueError(
            "`encoder` must be a keras_nlp `BertEncoder` or `AlbertEncoder`."
            f" Received: encoder of type {type(encoder).__name__}."
        )
    if not isinstance(preprocessor, BertPreprocessor):
        raise ValueError(
            "`preprocessor` must be a `keras_nlp.tokenizers.BertPreprocessor`"
            f". Received: preprocessor of type {type(preprocessor).__name__}."
            " Wrap the tokenizer: `BertPreprocessor(tokenizer, "
            "sequence_length=...)`."
        )
    tokenizer = preprocessor.tokenizer
    if not isinstance(tokenizer, (WordPieceTokenizer, SentencePieceTokenizer)):
        raise ValueError(
            "The preprocessor's tokenizer must be a `WordPieceTokenizer` or "
            "a `SentencePieceTokenizer`, whose vocabularies TF Hub encoders "
            "carry. Received: a tokenizer of type "
            f"{type(tokenizer).__name__}."
        )
    if tokenizer.vocab_size() > encoder.vocab_size:
        raise ValueError(
            f"The tokenizer's vocabulary ({tokenizer.vocab_size()} tokens) is "
            f"larger than the encoder's `vocab_size` ({encoder.vocab_size}),"
            " so some token ids have no embedding. Received: "
            f"tokenizer.vocab_size()={tokenizer.vocab_size()}, "
            f"encoder.vocab_size={encoder.vocab_size}. Export the "
            "tokenizer the encoder was trained with."
        )
    if preprocessor.sequence_length > encoder.max_sequence_length:
        raise ValueError(
            f"The preprocessor's `sequence_length` "
            f"({preprocessor.sequence_length}) exceeds the encoder's "
            f"`max_sequence_length` ({encoder.max_sequence_length}). "
            f"Received: sequence_length={preprocessor.sequence_length}. "
            "Build the preprocessor with a `sequence_length` the encoder "
            "accepts."
        )
    export_dir = os.fspath(export_dir)
    if os.path.exists(export_dir) and not os.path.isdir(export_dir):
        raise ValueError(
            "`export_dir` must be a directory. Received: "
            f"export_dir={export_dir!r}, which is a file. Choose a "
            "directory name."
        )
    paths = {
        "encoder": os.path.join(export_dir, ENCODER_DIR),
        "preprocessor": os.path.join(export_dir, PREPROCESSOR_DIR),
    }
    existing = [path for path in paths.values() if os.path.exists(path)]
    if existing and not overwrite:
        raise ValueError(
            f"`export_dir` already holds an export: {existing}. Received: "
            f"export_dir={export_dir!r}, overwrite=False. Choose another "
            "directory, or pass `overwrite=True` to replace it."
        )
    os.makedirs(export_dir, exist_ok=True)
    # Both SavedModels are written next to their destination and moved in
    # place only when complete.
    staging = tempfile.mkdtemp(prefix=".tfhub_export_", dir=export_dir)
    try:
        assets = os.path.join(staging, "assets")
        os.makedirs(assets)
        tokenizer.save_assets(assets)
        asset_path = os.path.join(assets, tokenizer.asset_file_name)
        staged = {
            "encoder": os.path.join(staging, ENCODER_DIR),
            "preprocessor": os.path.join(staging, PREPROCESSOR_DIR),
        }
        _save_encoder(encoder, tokenizer, asset_path, staged["encoder"])
        _save_preprocessor(preprocessor, staged["preprocessor"])
        for key, path in paths.items():
            if os.path.exists(path):
                shutil.rmtree(path)
            os.replace(staged[key], path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return paths


class _SavedObject(tf.Module):
    """A `tf.Module` with plain `variables` and `trainable_variables`.

    TF Hub's reusable SavedModels store these as attributes (lists), where
    `tf.Module` computes them; unlike `tf.train.Checkpoint`, it adds no
    `save_counter` variable.
    """

    variables = None
    trainable_variables = None


def _save_encoder(encoder, tokenizer, asset_path, path):
    pairs = [
        (
            weight,
            tf.Variable(weight.numpy(), trainable=weight.trainable, name=name),
        )
        for name, weight in (
            (tfhub_name(role), variable)
            for role, variable, _ in encoder_slots(encoder)
        )
    ]
    weight_ids = {id(weight) for weight in encoder.weights}
    if {id(variable) for variable, _ in pairs} != weight_ids:
        raise ValueError(
            f"The TF Hub names do not cover every weight of this "
            f"{type(encoder).__name__}: named {len(pairs)}, weights "
            f"{len(encoder.weights)}. This is a bug in keras_nlp; please "
            "report it."
        )
    # The remaining variables are the random states of the dropout layers.
    seed_pairs = [
        (
            state,
            tf.Variable(
                state.numpy(),
                trainable=False,
                name=f"dropout/seed_generator_state_{index}",
            ),
        )
        for index, state in enumerate(
            v for v in encoder.variables if id(v) not in weight_ids
        )
    ]
    call = _encoder_function(encoder, pairs, seed_pairs)

    root = _SavedObject()
    weights = [variable for _, variable in pairs]
    root.trainable_variables = [v for v in weights if v.trainable]
    if isinstance(tokenizer, WordPieceTokenizer):
        root.vocab_file = tf.saved_model.Asset(asset_path)
    else:
        root.sp_model_file = tf.saved_model.Asset(asset_path)
    lowercase = bool(tokenizer.lowercase)
    root.do_lower_case = tf.Variable(
        lowercase, trainable=False, name="do_lower_case"
    )
    root.variables = (
        weights + [root.do_lower_case] + [state for _, state in seed_pairs]
    )
    root.regularization_losses = []
    root.__call__ = call

    specs = [tf.TensorSpec([None, None], tf.int32, name=n) for n in INPUT_NAMES]

    @tf.function(input_signature=specs)
    def serve(input_word_ids, input_mask, input_type_ids):
        outputs = call(
            {
                "input_word_ids": input_word_ids,
                "input_mask": input_mask,
                "input_type_ids": input_type_ids,
            },
            training=False,
        )
        flat = {
            key: outputs[key]
            for key in ("sequence_output", "pooled_output", "default")
        }
        for index, output in enumerate(outputs["encoder_outputs"]):
            flat[f"encoder_outputs_{index}"] = output
        return flat

    tf.saved_model.save(root, path, signatures={"serving_default": serve})


def _encoder_function(encoder, pairs, seed_pairs):
    """The encoder's forward pass on the exported variables, as tf.function.

    The Keras encoder runs in a `keras.StatelessScope` that reads every
    weight from its TF Hub-named `tf.Variable`, and the dropout random
    states from theirs, which are updated after each call in training.
    """
    mapping = pairs + seed_pairs

    @tf.function
    def call(inputs, training=False):
        inputs = {name: inputs[name] for name in INPUT_NAMES}
        with keras.StatelessScope(state_mapping=mapping) as scope:
            outputs = encoder(inputs, training=training)
        for state, variable in seed_pairs:
            value = scope.get_current_value(state)
            if value is not None:
                variable.assign(value)
        pooled_output = tf.cast(outputs["pooled_output"], tf.float32)
        return {
            "sequence_output": tf.cast(outputs["sequence_output"], tf.float32),
            "pooled_output": pooled_output,
            "encoder_outputs": [
                tf.cast(output, tf.float32)
                for output in outputs["encoder_outputs"]
            ],
            "default": pooled_output,
        }

    specs = {
        name: tf.TensorSpec([None, None], tf.int32, name=name)
        for name in INPUT_NAMES
    }
    for training in (False, True):
        call.get_concrete_function(specs, training=training)
    return call


def _save_preprocessor(preprocessor, path):
    tokenizer = preprocessor.tokenizer
    strings = tf.TensorSpec([None], tf.string, name="sentences")
    special_ids = {
        "vocab_size": tokenizer.vocab_size(),
        "start_of_sequence_id": tokenizer.cls_token_id,
        "end_of_segment_id": tokenizer.sep_token_id,
        "padding_id": tokenizer.pad_token_id,
    }
    try:
        special_ids["mask_id"] = tokenizer.mask_token_id
    except ValueError:
        pass  # A vocabulary without a mask token.

    root = _SavedObject()
    # Keeps the tokenizer's resources (e.g. the SentencePiece model) saved.
    root.keras_preprocessor = preprocessor
    root.__call__ = tf.function(
        lambda sentences: preprocessor(sentences), input_signature=[strings]
    )

    root.tokenize = _SavedObject()
    root.tokenize.__call__ = tf.function(
        lambda sentences: _tokenize(tokenizer, sentences),
        input_signature=[strings],
    )
    root.tokenize.get_special_tokens_dict = _SavedObject()
    root.tokenize.get_special_tokens_dict.__call__ = tf.function(
        lambda: {key: tf.constant(value) for key, value in special_ids.items()},
        input_signature=[],
    )

    default_length = preprocessor.sequence_length

    @tf.function
    def pack(inputs, seq_length=default_length):
        return _pack_segments(
            list(inputs),
            seq_length,
            start_id=special_ids["start_of_sequence_id"],
            end_id=special_ids["end_of_segment_id"],
            pad_id=special_ids["padding_id"],
            truncate=preprocessor.truncate,
        )

    for num_segments in range(1, MAX_SEGMENTS + 1):
        for ragged_rank in (1, 2):
            segments = [
                tf.RaggedTensorSpec(
                    [None] * (ragged_rank + 1), tf.int32, ragged_rank
                )
                for _ in range(num_segments)
            ]
            pack.get_concrete_function(
                segments, seq_length=tf.TensorSpec([], tf.int32)
            )
    root.bert_pack_inputs = _SavedObject()
    root.bert_pack_inputs.__call__ = pack
    tf.saved_model.save(root, path)


def _tokenize(tokenizer, sentences):
    """TF Hub's `tokenize`: `(batch, words, pieces)` for WordPiece.

    As TF Hub's BERT preprocessing models, WordPiece ids keep the words they
    came from (ragged rank 2); SentencePiece ids are `(batch, pieces)`, as
    TF Hub's ALBERT ones.
    """
    if not isinstance(tokenizer, WordPieceTokenizer):
        return tokenizer.tokenize(sentences)
    words = bert_pre_tokenize(
        sentences,
        lowercase=tokenizer.lowercase,
        strip_accents=tokenizer.strip_accents,
        split_on_cjk=tokenizer.split_on_cjk,
    )
    # Each word is already normalized and split, so tokenizing it alone
    # gives exactly its pieces.
    return words.with_flat_values(tokenizer.tokenize(words.flat_values))


def _pack_segments(segments, seq_length, start_id, end_id, pad_id, truncate):
    """BERT input packing with a tensor `seq_length` (as `BertPacker`)."""
    segments = [
        segment.merge_dims(1, 2) if segment.ragged_rank == 2 else segment
        for segment in segments
    ]
    seq_length = tf.convert_to_tensor(seq_length, tf.int32)
    num_special = len(segments) + 1
    check = tf.debugging.assert_greater_equal(
        seq_length,
        num_special,
        message=(
            f"`seq_length` must leave room for the {num_special} special "
            "tokens of the packed segments."
        ),
    )
    with tf.control_dependencies([check]):
        budget = seq_length - num_special
    if truncate == "round_robin":
        trimmer = tf_text.RoundRobinTrimmer(max_seq_length=budget)
    else:
        trimmer = tf_text.WaterfallTrimmer(max_seq_length=budget)
    token_ids, type_ids = tf_text.combine_segments(
        trimmer.trim(segments),
        start_of_sequence_id=start_id,
        end_of_segment_id=end_id,
    )
    token_ids, mask = tf_text.pad_model_inputs(
        token_ids, max_seq_length=seq_length, pad_value=pad_id
    )
    type_ids, _ = tf_text.pad_model_inputs(
        type_ids, max_seq_length=seq_length, pad_value=0
    )
    return {
        "input_word_ids": token_ids,
        "input_mask": tf.cast(mask, tf.int32),
        "input_type_ids": tf.cast(type_ids, tf.int32),
    }
