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

"""Dynamic masked language model masking of packed token ids."""

import keras
import numpy as np

from keras_nlp.tokenizers.preprocessing_layer import PreprocessingLayer
from keras_nlp.tokenizers.preprocessing_layer import check_id_range
from keras_nlp.tokenizers.preprocessing_layer import tf
from keras_nlp.tokenizers.preprocessing_layer import tf_text
from keras_nlp.tokenizers.preprocessing_layer import to_dense_or_ragged

OUTPUT_KEYS = (
    "input_word_ids",
    "masked_lm_positions",
    "masked_lm_ids",
    "masked_lm_weights",
)


@keras.saving.register_keras_serializable(package="keras_nlp")
class MaskedLMMaskGenerator(PreprocessingLayer):
    """Randomly masks token ids for masked language model pretraining.

    This is BERT's dynamic masking: on every call, a fresh random subset of
    the selectable tokens of each sequence is chosen, `mask_selection_rate`
    of them (rounded up, at most `max_selections`). Each chosen token is
    replaced by `mask_token_id` with probability `mask_token_rate`, by a
    random id from `[0, vocab_size)` with probability `random_token_rate`,
    and kept unchanged otherwise (the default 80% / 10% / 10% split). The
    model must then predict the original ids at the chosen positions.

    Tokens whose id is in `unselectable_token_ids` are never chosen: list the
    padding id (for padded input) and usually the `[CLS]` and `[SEP]` ids.
    With `whole_word_mask=True`, whole words are chosen instead of single
    pieces: a word is a piece whose id is not in `word_piece_suffix_ids`
    followed by the continuation pieces (`"##..."` in a WordPiece vocabulary)
    right after it; the selection rate then counts words, and words are
    only added while the total number of pieces stays within
    `max_selections`.

    The outputs are padded to `max_selections` predictions, so their shapes
    are static (as TPUs need). `masked_lm_positions` are sorted, and padded
    with 0, as are `masked_lm_ids`; `masked_lm_weights` is 1.0 for a real
    prediction and 0.0 for padding.

    The layer runs on TensorFlow and tensorflow-text (the item selector and
    `mask_language_model` of tensorflow-text): use it in a
    `tf.data.Dataset.map` after packing, under any Keras backend, or inside
    a Keras model on the TensorFlow backend; called eagerly on JAX or
    PyTorch, it returns that backend's arrays. Its random state advances on
    every call, so the masks differ from batch to batch and from epoch to
    epoch; with a `seed`,
    a new layer replays the same sequence of masks when called in the same
    order (a parallel `tf.data` map may reorder the calls). The layer
    belongs to the input pipeline: create it outside a `tf.distribute`
    strategy scope.

    Reference:
    - [Devlin et al., 2019](https://arxiv.org/abs/1810.04805), BERT:
      Pre-training of Deep Bidirectional Transformers for Language
      Understanding.

    Args:
        vocab_size: int. The size of the vocabulary; random replacement ids
            are drawn from `[0, vocab_size)`.
        mask_selection_rate: float in `(0, 1]`. The fraction of selectable
            tokens (or words) chosen in each sequence. Defaults to `0.15`.
        mask_token_id: int. The id of the `[MASK]` token, in
            `[0, vocab_size)`. Required.
        max_selections: int. The most tokens chosen per sequence, and the
            length of the `masked_lm_*` outputs. Defaults to `20`.
        unselectable_token_ids: list of ints. Ids that are never chosen.
            Defaults to `(0,)` (the `[PAD]` id of BERT vocabularies).
        mask_token_rate: float. The probability that a chosen token becomes
            `mask_token_id`. Defaults to `0.8`.
        random_token_rate: float. The probability that a chosen token becomes
            a random id. `mask_token_rate + random_token_rate` must be at most
            1; the rest of the chosen tokens stay unchanged. Defaults to
            `0.1`.
        whole_word_mask: bool. Whether to choose whole words rather than
            single word pieces. Requires `word_piece_suffix_ids`. Defaults to
            `False`.
        word_piece_suffix_ids: list of ints, optional. The ids of the
            continuation pieces of the vocabulary, e.g.
            `[i for i, t in enumerate(vocabulary) if t.startswith("##")]`
            (for SentencePiece, the pieces not starting with "▁"). Defaults
            to `None`.
        seed: int, optional. Seeds the random state, for reproducible masks.
            Defaults to `None` (a non-deterministic seed).
        **kwargs: Base layer arguments, such as `name`.

    Call arguments:
        inputs: integer token ids: a dense `(batch_size, sequence_length)`
            tensor (the output of a packer), a `tf.RaggedTensor`
            `(batch_size, None)`, or a single unbatched sequence.

    Input shape:
        `(batch_size, sequence_length)`, ragged `(batch_size, None)`, or
        `(sequence_length,)`.

    Output shape:
        A dict with `input_word_ids` (the masked ids, same shape and dtype as
        the input), `masked_lm_positions` (int32), `masked_lm_ids` (the
        input dtype) and `masked_lm_weights` (float32), the last three of
        shape `(batch_size, max_selections)` (or `(max_selections,)`).

    Example:

    ```python
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                  "the", "quick", "fox", "jump", "##s"]
    masker = keras_nlp.tokenizers.MaskedLMMaskGenerator(
        vocab_size=len(vocabulary),
        mask_selection_rate=0.5,
        mask_token_id=4,
        max_selections=3,
        unselectable_token_ids=[0, 2, 3],
        seed=42,
    )
    word_ids = np.array([[2, 5, 6, 7, 8, 9, 3, 0],
                         [2, 5, 7, 3, 0, 0, 0, 0]], dtype="int32")
    outputs = masker(word_ids)
    positions = keras.ops.convert_to_numpy(outputs["masked_lm_positions"])
    weights = keras.ops.convert_to_numpy(outputs["masked_lm_weights"])
    # ceil(0.5 * 5) = 3 tokens of the first row, ceil(0.5 * 2) = 1 of the
    # second, never [CLS], [SEP] or [PAD].
    np.testing.assert_array_equal(weights, [[1, 1, 1], [1, 0, 0]])
    labels = np.take_along_axis(word_ids, positions, axis=1)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(outputs["masked_lm_ids"]),
        labels * weights.astype("int32"),
    )

    # Whole-word masking: "jump" and "##s" are masked together.
    suffix_ids = [i for i, t in enumerate(vocabulary) if t.startswith("##")]
    masker = keras_nlp.tokenizers.MaskedLMMaskGenerator(
        vocab_size=len(vocabulary),
        mask_selection_rate=0.25,
        mask_token_id=4,
        max_selections=4,
        unselectable_token_ids=[0, 2, 3],
        whole_word_mask=True,
        word_piece_suffix_ids=suffix_ids,
    )
    outputs = masker(word_ids)
    ```
    """

    def __init__(
        self,
        vocab_size,
        mask_selection_rate=0.15,
        mask_token_id=None,
        max_selections=20,
        unselectable_token_ids=(0,),
        mask_token_rate=0.8,
        random_token_rate=0.1,
        whole_word_mask=False,
        word_piece_suffix_ids=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not _is_int(vocab_size) or vocab_size < 1:
            raise ValueError(
                "`vocab_size` must be a positive integer. "
                f"Received: vocab_size={vocab_size!r}. Pass the size of the "
                "tokenizer's vocabulary."
            )
        if not _is_number(mask_selection_rate) or not (
            0 < mask_selection_rate <= 1
        ):
            raise ValueError(
                "`mask_selection_rate` must be a number in (0, 1]. "
                f"Received: mask_selection_rate={mask_selection_rate!r}. "
                "BERT uses 0.15."
            )
        if not _is_int(mask_token_id) or not 0 <= mask_token_id < vocab_size:
            raise ValueError(
                "`mask_token_id` must be an integer id in "
                f"[0, vocab_size={vocab_size}). "
                f"Received: mask_token_id={mask_token_id!r}. Pass the id of "
                "the `[MASK]` token of the vocabulary."
            )
        if not _is_int(max_selections) or max_selections < 1:
            raise ValueError(
                "`max_selections` must be an integer of at least 1. "
                f"Received: max_selections={max_selections!r}. BERT uses 20 "
                "for 128-token sequences."
            )
        for name, rate in (
            ("mask_token_rate", mask_token_rate),
            ("random_token_rate", random_token_rate),
        ):
            if not _is_number(rate) or not 0 <= rate <= 1:
                raise ValueError(
                    f"`{name}` must be a number in [0, 1]. "
                    f"Received: {name}={rate!r}. Pass a probability."
                )
        if mask_token_rate + random_token_rate > 1:
            raise ValueError(
                "`mask_token_rate + random_token_rate` must be at most 1. "
                f"Received: mask_token_rate={mask_token_rate}, "
                f"random_token_rate={random_token_rate}. Lower one of them "
                "(BERT uses 0.8 and 0.1)."
            )
        unselectable_token_ids = _id_list(
            "unselectable_token_ids", unselectable_token_ids
        )
        outside = [i for i in unselectable_token_ids if not 0 <= i < vocab_size]
        if outside:
            raise ValueError(
                "`unselectable_token_ids` must be ids in "
                f"[0, vocab_size={vocab_size}). Received: ids {outside[:5]} "
                "outside that range. Pass the ids of this vocabulary's "
                "special tokens (such as [CLS], [SEP] and [PAD])."
            )
        if word_piece_suffix_ids is not None:
            word_piece_suffix_ids = _id_list(
                "word_piece_suffix_ids", word_piece_suffix_ids
            )
            outside = [
                i for i in word_piece_suffix_ids if not 0 <= i < vocab_size
            ]
            if outside:
                raise ValueError(
                    "`word_piece_suffix_ids` must be ids in "
                    f"[0, vocab_size={vocab_size}). Received: ids "
                    f"{outside[:5]} outside that range. Pass the ids of the "
                    "continuation pieces of this vocabulary."
                )
        if whole_word_mask and word_piece_suffix_ids is None:
            raise ValueError(
                "`whole_word_mask=True` needs `word_piece_suffix_ids`, the "
                "ids of the continuation pieces. Received: "
                "word_piece_suffix_ids=None. Pass e.g. the ids of the "
                "vocabulary entries starting with '##'."
            )
        if seed is not None and not _is_int(seed):
            raise ValueError(
                f"`seed` must be an integer or None. Received: seed={seed!r}."
            )
        self.vocab_size = int(vocab_size)
        self.mask_selection_rate = float(mask_selection_rate)
        self.mask_token_id = int(mask_token_id)
        self.max_selections = int(max_selections)
        self.unselectable_token_ids = unselectable_token_ids
        self.mask_token_rate = float(mask_token_rate)
        self.random_token_rate = float(random_token_rate)
        self.whole_word_mask = bool(whole_word_mask)
        self.word_piece_suffix_ids = word_piece_suffix_ids
        self.seed = None if seed is None else int(seed)
        if seed is None:
            self._generator = tf.random.Generator.from_non_deterministic_state()
        else:
            self._generator = tf.random.Generator.from_seed(seed)
        self._is_suffix = None
        if word_piece_suffix_ids is not None:
            is_suffix = np.zeros((vocab_size,), dtype=bool)
            is_suffix[word_piece_suffix_ids] = True
            self._is_suffix = is_suffix

    def call(self, inputs):
        inputs = to_dense_or_ragged(
            inputs,
            tf.int32,
            "MaskedLMMaskGenerator takes integer token ids.",
        )
        _check_inputs(inputs)
        # An id outside the vocabulary would become a label no output
        # logit stands for.
        inputs = check_id_range(
            inputs,
            self.vocab_size,
            "Token ids passed to MaskedLMMaskGenerator must be in "
            f"[0, vocab_size) = [0, {self.vocab_size}). Pass the ids of the "
            "tokenizer whose vocabulary size is `vocab_size`, or fix "
            "`vocab_size`.",
        )
        unbatched = inputs.shape.rank == 1
        token_ids = tf.expand_dims(inputs, 0) if unbatched else inputs
        dense_shape = None
        if not isinstance(token_ids, tf.RaggedTensor):
            dense_shape = tf.shape(token_ids)
            static_shape = token_ids.shape
            # Rows of unknown length: a static length conflicts with the
            # shapes of the item selector's outputs on empty batches.
            token_ids = tf.RaggedTensor.from_tensor(token_ids)
            token_ids = tf.RaggedTensor.from_row_splits(
                token_ids.flat_values, token_ids.row_splits, validate=False
            )
        if self.whole_word_mask:
            items = self._group_words(token_ids)
        else:
            items = token_ids
        # One draw from the random state per call; everything else is a
        # stateless function of these seeds.
        seeds = self._generator.make_seeds(3)
        selector = _RandomSubsetSelector(
            selection_rate=self.mask_selection_rate,
            max_selections=self.max_selections,
            unselectable_ids=self.unselectable_token_ids,
            seed=seeds[:, 0],
        )
        chooser = _SeededMaskValuesChooser(
            vocab_size=self.vocab_size,
            mask_token=self.mask_token_id,
            mask_token_rate=self.mask_token_rate,
            random_token_rate=self.random_token_rate,
            seeds=(seeds[:, 1], seeds[:, 2]),
        )
        masked_ids, positions, labels = tf_text.mask_language_model(
            items, item_selector=selector, mask_values_chooser=chooser
        )
        pad_shape = [token_ids.shape[0], self.max_selections]
        positions = tf.cast(positions, "int32")
        weights = tf.ones_like(positions, dtype="float32")
        positions = positions.to_tensor(shape=pad_shape)
        labels = labels.to_tensor(shape=pad_shape)
        weights = weights.to_tensor(shape=pad_shape)
        if dense_shape is not None:
            masked_ids = tf.ensure_shape(
                masked_ids.to_tensor(shape=dense_shape), static_shape
            )
        outputs = {
            "input_word_ids": masked_ids,
            "masked_lm_positions": positions,
            "masked_lm_ids": labels,
            "masked_lm_weights": weights,
        }
        if unbatched:
            outputs = {key: value[0] for key, value in outputs.items()}
        return outputs

    def compute_output_spec(self, inputs):
        _check_inputs(inputs)
        if len(inputs.shape) == 1:
            shape = (self.max_selections,)
        else:
            shape = (inputs.shape[0], self.max_selections)
        return {
            "input_word_ids": keras.KerasTensor(
                inputs.shape,
                dtype=inputs.dtype,
                ragged=getattr(inputs, "ragged", False),
            ),
            "masked_lm_positions": keras.KerasTensor(shape, dtype="int32"),
            "masked_lm_ids": keras.KerasTensor(shape, dtype=inputs.dtype),
            "masked_lm_weights": keras.KerasTensor(shape, dtype="float32"),
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocab_size": self.vocab_size,
                "mask_selection_rate": self.mask_selection_rate,
                "mask_token_id": self.mask_token_id,
                "max_selections": self.max_selections,
                "unselectable_token_ids": self.unselectable_token_ids,
                "mask_token_rate": self.mask_token_rate,
                "random_token_rate": self.random_token_rate,
                "whole_word_mask": self.whole_word_mask,
                "word_piece_suffix_ids": self.word_piece_suffix_ids,
                "seed": self.seed,
            }
        )
        return config

    def _group_words(self, token_ids):
        """Regroups ragged `[batch, (pieces)]` as `[batch, (words), (pieces)]`.

        A word starts at a piece that is not a continuation piece, at the
        start of a row, and at and after an unselectable (special) token, so
        that special tokens are words of their own.
        """
        values = token_ids.values
        num_values = tf.shape(values, out_type="int64")[0]
        in_range = tf.clip_by_value(values, 0, self.vocab_size - 1)
        is_suffix = tf.gather(tf.constant(self._is_suffix), in_range)
        is_suffix = tf.logical_and(
            is_suffix, tf.equal(in_range, values)
        )  # Out-of-range ids start words.
        is_special = tf.zeros_like(is_suffix)
        for token_id in self.unselectable_token_ids:
            is_special = tf.logical_or(
                is_special, tf.equal(values, tf.cast(token_id, values.dtype))
            )
        after_special = tf.concat([[False], is_special], axis=0)[:-1]
        row_ids = token_ids.value_rowids()
        row_start = tf.equal(
            tf.gather(token_ids.row_splits, row_ids),
            tf.range(num_values, dtype=row_ids.dtype),
        )
        starts = tf.reduce_any(
            tf.stack(
                [
                    tf.logical_not(is_suffix),
                    is_special,
                    after_special,
                    row_start,
                ]
            ),
            axis=0,
        )
        word_starts = tf.where(starts)[:, 0]
        words = tf.RaggedTensor.from_row_starts(
            values, word_starts, validate=False
        )
        words_per_row = tf.math.unsorted_segment_sum(
            tf.ones_like(word_starts),
            tf.gather(row_ids, word_starts),
            num_segments=token_ids.nrows(),
        )
        return tf.RaggedTensor.from_row_lengths(
            words, words_per_row, validate=False
        )


# (The bases are `object` without tensorflow-text, so that the module
# imports; the layer then raises an ImportError when it is built.)
class _RandomSubsetSelector(tf_text.RandomItemSelector if tf_text else object):
    """`tf_text.RandomItemSelector` choosing with stateless seeded randoms.

    Chooses a uniformly random subset of the selectable items of each row:
    the ceil of `selection_rate` times the number of selectable items, at
    most `max_selections_per_batch`, as `tf_text.RandomItemSelector` does.
    The choice is a stateless function of `seed`, and an item spanning
    several pieces (a whole word) counts all its pieces against the limit.
    """

    def __init__(self, selection_rate, max_selections, unselectable_ids, seed):
        super().__init__(
            max_selections_per_batch=max_selections,
            selection_rate=selection_rate,
            unselectable_ids=list(unselectable_ids),
        )
        self._seed = seed

    def get_selection_mask(self, input_ids, axis=1):
        selectable = self.get_selectable(input_ids, axis)
        if input_ids.ragged_rank > 1:
            item_lengths = input_ids.row_lengths(axis=2)
        else:
            item_lengths = tf.ones_like(selectable, dtype="int64")
        num_selectable = tf.reduce_sum(tf.cast(selectable, "float32"), axis=1)
        num_to_select = tf.minimum(
            tf.math.ceil(num_selectable * self.selection_rate),
            self.max_selections_per_batch,
        )
        num_to_select = tf.cast(num_to_select, "int64")
        # Random scores; unselectable items (and padding) sort last.
        scores = tf.random.stateless_uniform(
            tf.shape(selectable.flat_values), seed=self._seed
        )
        scores = selectable.with_flat_values(
            tf.where(selectable.flat_values, scores, 2.0)
        ).to_tensor(default_value=3.0)
        order = tf.argsort(scores, axis=1, stable=True)
        sorted_selectable = tf.gather(
            selectable.to_tensor(default_value=False), order, batch_dims=1
        )
        sorted_lengths = tf.gather(
            item_lengths.to_tensor(), order, batch_dims=1
        )
        rank = tf.range(tf.shape(order, out_type="int64")[1])
        candidates = tf.logical_and(
            sorted_selectable, rank[tf.newaxis, :] < num_to_select[:, None]
        )
        num_pieces = tf.cumsum(tf.where(candidates, sorted_lengths, 0), axis=1)
        chosen = tf.logical_and(
            candidates, num_pieces <= self.max_selections_per_batch
        )
        inverse_order = tf.argsort(order, axis=1)
        chosen = tf.gather(chosen, inverse_order, batch_dims=1)
        return tf.RaggedTensor.from_tensor(
            chosen, lengths=selectable.row_lengths()
        )


class _SeededMaskValuesChooser(
    tf_text.MaskValuesChooser if tf_text else object
):
    """`tf_text.MaskValuesChooser` drawing from stateless seeded randoms."""

    def __init__(
        self, vocab_size, mask_token, mask_token_rate, random_token_rate, seeds
    ):
        super().__init__(
            vocab_size,
            mask_token,
            mask_token_rate=mask_token_rate,
            random_token_rate=random_token_rate,
        )
        self._seeds = seeds

    def get_mask_values(self, masked_lm_ids):
        ids = masked_lm_ids.flat_values
        shape = tf.shape(ids)
        draws = tf.random.stateless_uniform(shape, seed=self._seeds[0])
        random_ids = tf.random.stateless_uniform(
            shape,
            seed=self._seeds[1],
            minval=0,
            maxval=self.vocab_size,
            dtype=ids.dtype,
        )
        mask_ids = tf.fill(shape, tf.cast(self.mask_token, ids.dtype))
        values = tf.where(
            draws < self._mask_token_rate + self.random_token_rate,
            random_ids,
            ids,
        )
        values = tf.where(draws < self._mask_token_rate, mask_ids, values)
        return masked_lm_ids.with_flat_values(values)


def _check_inputs(inputs):
    dtype = tf.as_dtype(inputs.dtype)
    if not dtype.is_integer:
        raise ValueError(
            "`inputs` must hold integer token ids. "
            f"Received: inputs.dtype={dtype.name}. Pass the "
            "`input_word_ids` of a packer."
        )
    if len(inputs.shape) not in (1, 2):
        raise ValueError(
            "`inputs` must have shape `(batch_size, sequence_length)` or "
            f"`(sequence_length,)`. Received: inputs.shape={inputs.shape}. "
            "Pack or flatten the token ids first."
        )


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float, np.number)) and not isinstance(
        value, bool
    )


def _id_list(name, ids):
    ids = list(ids)
    if not all(_is_int(i) and i >= 0 for i in ids):
        raise ValueError(
            f"`{name}` must be a list of non-negative integer token ids. "
            f"Received: {name}={ids!r}."
        )
    return [int(i) for i in ids]
