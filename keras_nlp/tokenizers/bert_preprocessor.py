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

"""Raw strings to BERT encoder inputs: tokenization and packing."""

import os

import keras
import numpy as np

from keras_nlp.tokenizers.bert_packer import TRUNCATION_MODES
from keras_nlp.tokenizers.bert_packer import BertPacker
from keras_nlp.tokenizers.preprocessing_layer import PreprocessingLayer
from keras_nlp.tokenizers.preprocessing_layer import tf
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer
from keras_nlp.tokenizers.tokenizer import build_tokenizer
from keras_nlp.tokenizers.tokenizer import read_preset_vocabulary
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

# The tokenizer classes `from_preset` dispatches to, by vocabulary file.
PRESET_TOKENIZERS = (WordPieceTokenizer, SentencePieceTokenizer)
_SPECIAL_TOKEN_ATTRIBUTES = ("cls_token_id", "sep_token_id", "pad_token_id")


@keras.saving.register_keras_serializable(package="keras_nlp")
class BertPreprocessor(PreprocessingLayer):
    """Turns raw strings into the inputs of a BERT encoder.

    One layer for the whole text pipeline: it tokenizes each segment with
    `tokenizer` and packs the segments with a `BertPacker` into
    `[CLS] a [SEP]` (or `[CLS] a [SEP] b [SEP]` for pairs), padded or
    truncated to `sequence_length`. It returns the dict of `input_word_ids`,
    `input_mask` and `input_type_ids` that `keras_nlp.encoders.BertEncoder`
    and `keras_nlp.encoders.AlbertEncoder` take. The `[CLS]`, `[SEP]` and
    padding ids are those of the tokenizer's vocabulary.

    Use it in a `tf.data.Dataset.map` (the fast path for training, under any
    Keras backend), or as the first layer of a Keras model on the TensorFlow
    backend, so that an exported model takes raw strings. Called eagerly on
    JAX or PyTorch, it returns that backend's arrays. Input is a batch of
    strings, a single string, or a tuple of such inputs (one per segment,
    e.g. sentence pairs). A list of Python strings is one batch; a list of
    tensors is a list of segments. In `tf.data`, map pairs with
    `lambda first, second: preprocessor((first, second))`.

    Saved in a `.keras` file, the tokenizer (and its vocabulary, as an asset)
    travels with the layer. `from_preset` builds the layer from a keras_nlp
    preset directory.

    Args:
        tokenizer: A keras_nlp tokenizer, e.g. a
            `keras_nlp.tokenizers.WordPieceTokenizer` or
            `keras_nlp.tokenizers.SentencePieceTokenizer`, whose vocabulary
            has the `[CLS]`, `[SEP]` and padding tokens.
        sequence_length: int. The length of the packed outputs. Defaults to
            `128`.
        truncate: str. How segments are shortened to fit, one of
            `"round_robin"` or `"waterfall"` (see
            `keras_nlp.tokenizers.BertPacker`). Defaults to `"round_robin"`.
        **kwargs: Base layer arguments, such as `name`.

    Call arguments:
        inputs: a string, a batch of strings (a list, a NumPy array or a
            `tf.Tensor` of shape `(batch_size,)` or `(batch_size, 1)`), or a
            tuple of those, one per segment.

    Input shape:
        Each segment `()`, `(batch_size,)` or `(batch_size, 1)`.

    Output shape:
        A dict with `input_word_ids`, `input_mask` and `input_type_ids`, each
        int32 of shape `(batch_size, sequence_length)`, or
        `(sequence_length,)` for a single string.

    Example:

    ```python
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                  "the", "quick", "brown", "fox", "jump", "##ed", "."]
    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(vocabulary)
    preprocessor = keras_nlp.tokenizers.BertPreprocessor(
        tokenizer, sequence_length=8
    )
    outputs = preprocessor(["The fox jumped.", "The quick brown fox"])
    np.testing.assert_array_equal(
        outputs["input_word_ids"],
        [[2, 5, 8, 9, 10, 11, 3, 0], [2, 5, 6, 7, 8, 3, 0, 0]],
    )
    # Sentence pairs.
    outputs = preprocessor((["The fox"], ["jumped."]))
    np.testing.assert_array_equal(
        outputs["input_word_ids"], [[2, 5, 8, 3, 9, 10, 11, 3]]
    )
    np.testing.assert_array_equal(
        outputs["input_type_ids"], [[0, 0, 0, 0, 1, 1, 1, 1]]
    )

    # At the head of a model that takes raw strings.
    text = keras.Input(shape=(), dtype="string")
    model = keras.Model(text, preprocessor(text))
    outputs = model(np.array(["The quick fox."]))
    ```
    """

    def __init__(
        self, tokenizer, sequence_length=128, truncate="round_robin", **kwargs
    ):
        super().__init__(**kwargs)
        if not isinstance(tokenizer, keras.layers.Layer) or not all(
            hasattr(type(tokenizer), name)
            for name in ("tokenize", "vocab_size") + _SPECIAL_TOKEN_ATTRIBUTES
        ):
            raise ValueError(
                "`tokenizer` must be a keras_nlp tokenizer layer (with "
                "`tokenize`, `cls_token_id`, `sep_token_id` and "
                f"`pad_token_id`). Received: tokenizer={tokenizer!r}. Pass "
                "e.g. a `keras_nlp.tokenizers.WordPieceTokenizer`."
            )
        if (
            not isinstance(sequence_length, int)
            or isinstance(sequence_length, bool)
            or sequence_length < 2
        ):
            raise ValueError(
                "`sequence_length` must be an integer of at least 2 (room "
                "for the `[CLS]` and `[SEP]` tokens). "
                f"Received: sequence_length={sequence_length!r}. Pass a "
                "larger `sequence_length`."
            )
        if truncate not in TRUNCATION_MODES:
            raise ValueError(
                f"`truncate` must be one of {TRUNCATION_MODES}. "
                f"Received: truncate={truncate!r}. Pick one of the listed "
                "truncation modes."
            )
        self.tokenizer = tokenizer
        self.sequence_length = sequence_length
        self.truncate = truncate
        # A tokenizer rebuilt by `from_config` has no vocabulary until its
        # assets are loaded; the packer's special ids are then placeholders,
        # synchronized with the tokenizer on every call.
        special_ids = self._special_token_ids() or (0, 0, 0)
        self.packer = BertPacker(
            sequence_length=sequence_length,
            start_token_id=special_ids[0],
            end_token_id=special_ids[1],
            pad_token_id=special_ids[2],
            truncate=truncate,
            name="packer",
        )

    def __call__(self, inputs, **kwargs):
        # Keras rejects a tuple mixing tensors and Python strings: make
        # every segment of a tuple a tensor.
        segments = _to_segments(inputs)
        if len(segments) > 1:
            inputs = tuple(_to_tensor(segment) for segment in segments)
        return super().__call__(inputs, **kwargs)

    def call(self, inputs):
        segments = [
            _squeeze_last_axis(segment) for segment in _to_segments(inputs)
        ]
        token_ids = [self.tokenizer(segment) for segment in segments]
        self._sync_packer()
        if len(token_ids) == 1:
            outputs = self.packer(token_ids[0])
        else:
            outputs = self.packer(tuple(token_ids))
        # Keep a static batch size (tokenization loses it), for XLA/TPUs.
        batch_size = _static_batch_size(segments)
        if batch_size is not None:
            outputs = {
                key: tf.ensure_shape(value, [batch_size, self.sequence_length])
                for key, value in outputs.items()
            }
        return outputs

    def compute_output_spec(self, inputs):
        shape = tuple(_to_segments(inputs)[0].shape)
        if len(shape) == 2 and shape[1] == 1:
            shape = shape[:1]
        if shape:
            shape = (shape[0], self.sequence_length)
        else:
            shape = (self.sequence_length,)
        return {
            key: keras.KerasTensor(shape, dtype="int32")
            for key in ("input_word_ids", "input_mask", "input_type_ids")
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "tokenizer": keras.layers.serialize(self.tokenizer),
                "sequence_length": self.sequence_length,
                "truncate": self.truncate,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["tokenizer"] = keras.layers.deserialize(config["tokenizer"])
        return cls(**config)

    @classmethod
    def from_preset(cls, preset, sequence_length=None, **kwargs):
        """Builds the preprocessor of a preset directory or checkpoint source.

        For a keras_nlp preset directory, the tokenizer is a
        `WordPieceTokenizer` if the preset holds `vocab.txt`, a
        `SentencePieceTokenizer` if it holds `spm.model`, with the tokenizer
        settings (such as `"lowercase"`) stored under `"preprocessor"` in
        the preset's `config.json`; the `"sequence_length"` stored there, if
        any, is the default `sequence_length`. An original BERT or ALBERT
        checkpoint, a Hugging Face directory or a TF Hub SavedModel is read
        by `keras_nlp.conversion`, which gives the vocabulary and the text
        normalization the model was trained with (e.g. `do_lower_case`).
        The vocabulary must have as many tokens as the encoder's
        `vocab_size`, when the source says it.

        Args:
            preset: str. Path of the preset directory, or of a checkpoint
                directory or handle.
            sequence_length: int, optional. Overrides the preset's
                sequence length. Defaults to the preset's, else `128`.
            **kwargs: Other constructor arguments, e.g. `truncate`.

        Returns:
            A `BertPreprocessor`.

        Raises:
            ValueError: if `preset` holds no vocabulary file, or one whose
                size is not the encoder's `vocab_size`.

        Example:

        ```python
        with open("vocab.txt", "w") as vocab_file:
            vocab_file.write("[PAD]\\n[UNK]\\n[CLS]\\n[SEP]\\n[MASK]\\nhi\\n")
        preprocessor = keras_nlp.tokenizers.BertPreprocessor.from_preset(
            ".", sequence_length=4
        )
        outputs = preprocessor("Hi hi")  # input_word_ids [2, 5, 5, 3]
        ```
        """
        names = [x.asset_file_name for x in PRESET_TOKENIZERS]
        found = read_preset_vocabulary(preset, names)
        if found is None:
            raise ValueError(
                f"`preset` must be a directory holding one of {names}. "
                f"Received: preset={os.fspath(preset)!r}, which holds none of "
                "them. Pass a keras_nlp preset directory saved with its "
                "tokenizer, or a checkpoint directory with its vocabulary."
            )
        asset_file_name, vocabulary_file, settings = found
        classes = {x.asset_file_name: x for x in PRESET_TOKENIZERS}
        if asset_file_name not in classes:
            raise ValueError(
                f"The vocabulary of `preset` is a `{asset_file_name}` file, "
                f"but BertPreprocessor reads one of {names}. Received: "
                f"preset={os.fspath(preset)!r} holding {vocabulary_file!r}. "
                "Build the tokenizer yourself and pass it to "
                "`BertPreprocessor(tokenizer)`."
            )
        tokenizer = build_tokenizer(
            classes[asset_file_name], vocabulary_file, settings
        )
        if sequence_length is None:
            sequence_length = settings.get("sequence_length", 128)
        return cls(tokenizer, sequence_length=sequence_length, **kwargs)

    def _special_token_ids(self):
        """The tokenizer's `[CLS]`, `[SEP]` and pad ids, or None.

        None when the tokenizer has no vocabulary yet (rebuilt by
        `from_config`, before its assets are loaded). A vocabulary missing
        one of the tokens raises the tokenizer's `ValueError`.
        """
        try:
            self.tokenizer.vocab_size()
        except ValueError:
            return None
        return tuple(
            getattr(self.tokenizer, name) for name in _SPECIAL_TOKEN_ATTRIBUTES
        )

    def _sync_packer(self):
        self.packer.start_token_id = self.tokenizer.cls_token_id
        self.packer.end_token_id = self.tokenizer.sep_token_id
        self.packer.pad_token_id = self.tokenizer.pad_token_id


def _to_segments(inputs):
    """Splits `inputs` into a list of segments (see the call arguments)."""
    if isinstance(inputs, tuple):
        return list(inputs)
    if isinstance(inputs, list) and not all(
        isinstance(x, (str, bytes)) for x in inputs
    ):
        return list(inputs)
    return [inputs]


def _to_tensor(segment):
    """Converts Python strings and NumPy arrays to a string `tf.Tensor`."""
    if isinstance(segment, (str, bytes, list, np.ndarray)):
        return tf.convert_to_tensor(segment)
    return segment


def _squeeze_last_axis(segment):
    """`(batch_size, 1)` strings -> `(batch_size,)`; others unchanged."""
    if isinstance(segment, np.ndarray):
        segment = tf.convert_to_tensor(segment)
    if isinstance(segment, tf.Tensor) and segment.shape.rank == 2:
        if segment.shape[1] == 1:
            return tf.squeeze(segment, axis=1)
    return segment


def _static_batch_size(segments):
    """The static batch size of batched string tensors, else None."""
    for segment in segments:
        if isinstance(segment, tf.Tensor) and segment.shape.rank == 1:
            if segment.shape[0] is not None:
                return segment.shape[0]
    return None
