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

"""Packs token id segments into fixed-length BERT encoder inputs."""

import keras

from keras_nlp.tokenizers.preprocessing_layer import PreprocessingLayer
from keras_nlp.tokenizers.preprocessing_layer import check_id_range
from keras_nlp.tokenizers.preprocessing_layer import tf
from keras_nlp.tokenizers.preprocessing_layer import to_dense_or_ragged
from keras_nlp.tokenizers.tokenizer import run_cached_function

TRUNCATION_MODES = ("round_robin", "waterfall")


@keras.saving.register_keras_serializable(package="keras_nlp")
class BertPacker(PreprocessingLayer):
    """Packs one or more segments of token ids into BERT encoder inputs.

    The segments are joined as `[CLS] a [SEP]` (one segment) or
    `[CLS] a [SEP] b [SEP]` (two segments, and so on for more), then padded
    to exactly `sequence_length` tokens. The layer returns the three tensors
    a BERT encoder takes: `input_word_ids` (the packed ids),
    `input_mask` (1 for real tokens, special tokens included, 0 for padding)
    and `input_type_ids` (the segment index of each token: 0 for `[CLS]`, the
    first segment and its `[SEP]`, 1 for the second segment and its `[SEP]`,
    ...; 0 for padding).

    When the segments do not fit, they are truncated so that the total,
    special tokens included, is `sequence_length`. `"round_robin"` takes one
    token from each segment in turn until the budget is spent (so long
    segments are shortened first and a short segment keeps all its tokens);
    `"waterfall"` keeps as much of the first segment as fits, then of the
    second, and so on. Both trim as tensorflow-text's `RoundRobinTrimmer` and
    `WaterfallTrimmer` do.

    The layer runs on TensorFlow and tensorflow-text: use it in a
    `tf.data.Dataset.map` (the host-side input pipeline of TPU training)
    under any Keras backend, or inside a Keras model on the TensorFlow
    backend. Called eagerly on JAX or PyTorch, it returns that backend's
    arrays. Input is either a batch,
    a `tf.RaggedTensor` (or a dense tensor whose every entry is a token) of
    shape `(batch_size, None)`, or a single example of shape `(None,)`. A
    tuple or list always means several segments, never nested example lists.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805), BERT:
      Pre-training of Deep Bidirectional Transformers for Language
      Understanding.

    Args:
        sequence_length: int. The length of the packed outputs. It must hold
            the special tokens: at least `num_segments + 1`.
        start_token_id: int. The id put at the start (`[CLS]`).
        end_token_id: int. The id put after each segment (`[SEP]`).
        pad_token_id: int. The id that fills `input_word_ids` after the last
            token (`[PAD]`).
        truncate: str. How segments are shortened to fit, one of
            `"round_robin"` or `"waterfall"`. Defaults to `"round_robin"`.
        **kwargs: Base layer arguments, such as `name`.

    Call arguments:
        inputs: an integer tensor of token ids (one segment), or a tuple or
            list of such tensors (several segments, all batched with the
            same batch size, or all unbatched).

    Input shape:
        Each segment `(batch_size, None)` (ragged or dense) or `(None,)`.

    Output shape:
        A dict with `input_word_ids`, `input_mask` and `input_type_ids`, each
        int32 of shape `(batch_size, sequence_length)`, or
        `(sequence_length,)` for unbatched input.

    Example:

    ```python
    import tensorflow as tf

    packer = keras_nlp.tokenizers.BertPacker(
        sequence_length=8, start_token_id=1, end_token_id=2, pad_token_id=0
    )
    # One unbatched segment.
    outputs = packer(np.array([5, 6, 7], dtype="int32"))
    np.testing.assert_array_equal(
        outputs["input_word_ids"], [1, 5, 6, 7, 2, 0, 0, 0]
    )
    np.testing.assert_array_equal(
        outputs["input_mask"], [1, 1, 1, 1, 1, 0, 0, 0]
    )
    # A batch of pairs, truncated round robin to fit 8 tokens.
    first = tf.ragged.constant([[5, 6, 7, 8, 9], [5]])
    second = tf.ragged.constant([[10, 11, 12], [10, 11]])
    outputs = packer((first, second))
    np.testing.assert_array_equal(
        outputs["input_word_ids"],
        [[1, 5, 6, 7, 2, 10, 11, 2], [1, 5, 2, 10, 11, 2, 0, 0]],
    )
    np.testing.assert_array_equal(
        outputs["input_type_ids"],
        [[0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1, 0, 0]],
    )
    ```
    """

    def __init__(
        self,
        sequence_length,
        start_token_id,
        end_token_id,
        pad_token_id,
        truncate="round_robin",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not _is_int(sequence_length) or sequence_length < 2:
            raise ValueError(
                "`sequence_length` must be an integer of at least 2 (room "
                "for the start and end tokens). "
                f"Received: sequence_length={sequence_length!r}. Pass a "
                "larger `sequence_length`."
            )
        for name, value in (
            ("start_token_id", start_token_id),
            ("end_token_id", end_token_id),
            ("pad_token_id", pad_token_id),
        ):
            if not _is_int(value) or value < 0:
                raise ValueError(
                    f"`{name}` must be a non-negative integer token id. "
                    f"Received: {name}={value!r}. Pass the id of the token "
                    "in the vocabulary."
                )
        if truncate not in TRUNCATION_MODES:
            raise ValueError(
                f"`truncate` must be one of {TRUNCATION_MODES}. "
                f"Received: truncate={truncate!r}. Pick one of the listed "
                "truncation modes."
            )
        self.sequence_length = int(sequence_length)
        self.start_token_id = int(start_token_id)
        self.end_token_id = int(end_token_id)
        self.pad_token_id = int(pad_token_id)
        self.truncate = truncate
        # Eager calls run in cached `tf.function`s, kept out of Keras and
        # TensorFlow attribute tracking (SavedModel export ignores them).
        object.__setattr__(self, "_eager_functions", {})

    def call(self, inputs):
        segments, unbatched = self._standardize_segments(inputs)
        num_segments = len(segments)
        if self.sequence_length < num_segments + 1:
            raise ValueError(
                f"`sequence_length` must be at least {num_segments + 1} to "
                f"hold the start token and {num_segments} end token(s) of "
                f"{num_segments} segment(s). "
                f"Received: sequence_length={self.sequence_length}. Pass a "
                "larger `sequence_length` or fewer segments."
            )
        outputs = self._run_pack(tuple(segments))
        if unbatched:
            outputs = {
                key: tf.reshape(value, [self.sequence_length])
                for key, value in outputs.items()
            }
        return outputs

    def compute_output_shape(self, inputs_shape):
        if inputs_shape and isinstance(inputs_shape[0], (list, tuple)):
            inputs_shape = inputs_shape[0]  # Several segments.
        if len(inputs_shape) == 1:
            shape = (self.sequence_length,)
        else:
            shape = (inputs_shape[0], self.sequence_length)
        return {
            "input_word_ids": shape,
            "input_mask": shape,
            "input_type_ids": shape,
        }

    def compute_output_spec(self, inputs):
        # A symbolic call: describe the outputs without tracing `call()`.
        segments = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        for segment in segments:
            _check_integer(segment.dtype)
        if len(segments[0].shape) == 1:
            shape = (self.sequence_length,)
        else:
            shape = (segments[0].shape[0], self.sequence_length)
        return {
            key: keras.KerasTensor(shape, dtype="int32")
            for key in ("input_word_ids", "input_mask", "input_type_ids")
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "sequence_length": self.sequence_length,
                "start_token_id": self.start_token_id,
                "end_token_id": self.end_token_id,
                "pad_token_id": self.pad_token_id,
                "truncate": self.truncate,
            }
        )
        return config

    def _run_pack(self, segments):
        """Runs `_pack(segments)`, in a cached `tf.function` when eager."""
        if not tf.executing_eagerly():
            return self._pack(segments)
        # The many small ops run much faster as one graph. A function holds
        # the settings it was traced with: they are part of the key.
        key = (
            len(segments),
            self.sequence_length,
            self.start_token_id,
            self.end_token_id,
            self.pad_token_id,
            self.truncate,
        )
        return run_cached_function(
            self._eager_functions, key, self._pack, segments
        )

    def _pack(self, segments):
        """Packs `[batch, None]` int32 ragged segments into dense inputs.

        Dense from the start: each segment becomes one `[batch, budget]`
        tensor, and every output position picks its token from the segment
        it falls in (no ragged concatenation, padding or trimming ops, whose
        graphs are many times larger and slower to run and to start in
        `tf.data`).
        """
        num_segments = len(segments)
        length = self.sequence_length
        # Budget for the segments' own tokens.
        budget = length - num_segments - 1
        kept = _kept_lengths(
            [segment.row_lengths() for segment in segments],
            budget,
            self.truncate,
        )
        positions = tf.range(length, dtype="int64")[tf.newaxis, :]
        static_batch_size = segments[0].shape[0]
        if num_segments == 1:
            # `[CLS] tokens [SEP] [PAD]...`: the dense segment, padded, in
            # its place, then `[SEP]` after its last token.
            tokens = segments[0].to_tensor(
                default_value=self.pad_token_id, shape=[None, budget]
            )
            columns = tf.ones(
                tf.stack([segments[0].nrows(out_type="int32"), 1]), "int32"
            )
            word_ids = tf.concat(
                [
                    columns * self.start_token_id,
                    tokens,
                    columns * self.pad_token_id,
                ],
                axis=1,
            )
            end = kept[0][:, tf.newaxis] + 1
            word_ids = tf.where(
                positions == end,
                tf.constant(self.end_token_id, "int32"),
                word_ids,
            )
            mask = tf.cast(positions <= end, "int32")
            outputs = {
                "input_word_ids": word_ids,
                "input_mask": mask,
                "input_type_ids": tf.zeros_like(mask),
            }
            return {
                key: tf.ensure_shape(value, [static_batch_size, length])
                for key, value in outputs.items()
            }
        batch_size = tf.shape(segments[0].row_splits, out_type="int64")[0] - 1
        shape = tf.stack([batch_size, length])
        word_ids = tf.fill(shape, tf.constant(self.pad_token_id, "int32"))
        word_ids = tf.where(
            positions == 0, tf.constant(self.start_token_id, "int32"), word_ids
        )
        type_ids = tf.zeros(shape, "int32")
        start = tf.ones_like(kept[0])  # Where the current segment starts.
        for index, segment in enumerate(segments):
            end = (start + kept[index])[:, tf.newaxis]
            begin = start[:, tf.newaxis]
            if budget > 0:
                tokens = segment.to_tensor(
                    default_value=0, shape=[None, budget]
                )
                is_token = (positions >= begin) & (positions < end)
                source = tf.clip_by_value(positions - begin, 0, budget - 1)
                word_ids = tf.where(
                    is_token,
                    tf.gather(tokens, source, batch_dims=1),
                    word_ids,
                )
            is_end = positions == end
            word_ids = tf.where(
                is_end, tf.constant(self.end_token_id, "int32"), word_ids
            )
            if index:
                type_ids = tf.where(
                    (positions >= begin) & (positions <= end),
                    tf.constant(index, "int32"),
                    type_ids,
                )
            start = start + kept[index] + 1
        mask = tf.cast(positions < start[:, tf.newaxis], "int32")
        outputs = {
            "input_word_ids": word_ids,
            "input_mask": mask,
            "input_type_ids": type_ids,
        }
        return {
            key: tf.ensure_shape(value, [static_batch_size, length])
            for key, value in outputs.items()
        }

    def _standardize_segments(self, inputs):
        """Returns int32 `[batch, None]` ragged segments, and `unbatched`."""
        if isinstance(inputs, (list, tuple)):
            segments = list(inputs)
        else:
            segments = [inputs]
        if not segments:
            raise ValueError(
                "`inputs` must hold at least one segment. Received: an empty "
                f"{type(inputs).__name__}. Pass a tensor of token ids or a "
                "tuple of them."
            )
        segments = [
            to_dense_or_ragged(
                x,
                tf.int32,
                "Each segment of BertPacker must hold integer " "token ids.",
            )
            for x in segments
        ]
        ranks = [x.shape.rank for x in segments]
        for segment in segments:
            _check_integer(segment.dtype)
        if any(rank not in (1, 2) for rank in ranks) or len(set(ranks)) > 1:
            raise ValueError(
                "Every segment must be batched, of shape `(batch_size, None)`"
                ", or every segment unbatched, of shape `(None,)`. "
                f"Received: segment shapes {[x.shape for x in segments]}. "
                "Batch (or unbatch) all segments the same way."
            )
        unbatched = ranks[0] == 1
        standardized = []
        for segment in segments:
            if unbatched:
                segment = tf.expand_dims(segment, 0)
            if not isinstance(segment, tf.RaggedTensor):
                segment = tf.RaggedTensor.from_tensor(segment)
            # Checked before the int32 cast, which would wrap 2**40 to 0.
            segment = check_id_range(
                segment,
                2**31,
                "Token ids packed by BertPacker must be in [0, 2**31) (they "
                "are packed as int32). Pass the ids of a tokenizer; an id "
                "outside the vocabulary, such as a negative padding value, "
                "would read a wrong embedding row.",
            )
            standardized.append(tf.cast(segment, "int32"))
        segments = standardized
        batch_sizes = [x.shape[0] for x in segments]
        known = {size for size in batch_sizes if size is not None}
        if len(known) > 1:
            raise ValueError(
                "All segments must have the same batch size. "
                f"Received: batch sizes {batch_sizes}. Pass one row per "
                "example in every segment."
            )
        if len(segments) > 1 and None in batch_sizes:
            checks = [
                tf.debugging.assert_equal(
                    segment.nrows(),
                    segments[0].nrows(),
                    message="All segments must have the same batch size.",
                )
                for segment in segments[1:]
            ]
            with tf.control_dependencies(checks):
                segments = [tf.identity(x) for x in segments]
        return segments, unbatched


def _kept_lengths(lengths, budget, truncate):
    """How many tokens of each segment fit in `budget`, per example.

    Args:
        lengths: list of int64 `[batch]` tensors, the segment lengths.
        budget: int. The tokens that fit, special tokens excluded.
        truncate: `"waterfall"`: the first segments first; `"round_robin"`:
            one token of each segment in turn, as tensorflow-text's
            `RoundRobinTrimmer`.

    Returns:
        A list of int64 `[batch]` tensors.
    """
    if len(lengths) == 1 or truncate == "waterfall":
        kept = []
        remaining = tf.fill(tf.shape(lengths[0]), tf.constant(budget, "int64"))
        for length in lengths:
            kept.append(tf.minimum(length, remaining))
            remaining = remaining - kept[-1]
        return kept
    # Round robin: full rounds give every segment longer than the round
    # one token; `rounds` is the number of full rounds that fit, then the
    # segments still longer than `rounds` get one more token each, in
    # order, while the budget lasts.
    levels = tf.range(budget + 1, dtype="int64")[tf.newaxis, :]
    used = tf.add_n(
        [tf.minimum(length[:, tf.newaxis], levels) for length in lengths]
    )  # Tokens taken after each number of full rounds.
    rounds = tf.reduce_sum(tf.cast(used <= budget, "int64"), axis=1) - 1
    base = [tf.minimum(length, rounds) for length in lengths]
    remaining = budget - tf.add_n(base)
    kept = []
    for index, length in enumerate(lengths):
        extra = tf.logical_and(length > rounds, remaining > 0)
        kept.append(base[index] + tf.cast(extra, "int64"))
        remaining = remaining - tf.cast(extra, "int64")
    return kept


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_integer(dtype):
    dtype = tf.as_dtype(dtype)
    if not dtype.is_integer:
        raise ValueError(
            "`inputs` must hold integer token ids. "
            f"Received: inputs.dtype={dtype.name}. Tokenize strings first "
            "(or cast float ids to an integer dtype)."
        )
