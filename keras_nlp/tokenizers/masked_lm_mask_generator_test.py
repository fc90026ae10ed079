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

"""Tests for `MaskedLMMaskGenerator`."""

import math
import os

import keras
import numpy as np
import tensorflow as tf

from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.masked_lm_mask_generator import MaskedLMMaskGenerator

PAD, CLS, SEP, MASK = 0, 1, 2, 3
VOCAB_SIZE = 20
# Ids 4-14 are word starts, 15-19 continuation ("##") pieces.
SUFFIX_IDS = [15, 16, 17, 18, 19]
SPECIAL_IDS = [PAD, CLS, SEP]


def _generator(**kwargs):
    config = {
        "vocab_size": VOCAB_SIZE,
        "mask_selection_rate": 0.15,
        "mask_token_id": MASK,
        "max_selections": 4,
        "unselectable_token_ids": SPECIAL_IDS,
        "seed": 1,
    }
    config.update(kwargs)
    return MaskedLMMaskGenerator(**config)


def _packed_rows(num_rows, sequence_length, seed, min_length=0):
    """Random `[CLS] tokens [SEP] [PAD]...` rows and their token counts."""
    rng = np.random.default_rng(seed)
    rows = np.full((num_rows, sequence_length), PAD, dtype="int32")
    lengths = rng.integers(min_length, sequence_length - 1, size=num_rows)
    for row, length in zip(rows, lengths):
        row[0] = CLS
        row[1 : length + 1] = rng.integers(4, VOCAB_SIZE, size=length)
        row[length + 1] = SEP
    return rows, lengths


def _numpy(outputs):
    return {key: keras.ops.convert_to_numpy(x) for key, x in outputs.items()}


def _word_ids(row):
    """Word index of each piece (NumPy reference grouping), -1 if special."""
    word_ids, word = [], -1
    previous_special = True
    for token in row:
        if token in SPECIAL_IDS:
            word_ids.append(-1)
            previous_special = True
            continue
        if token not in SUFFIX_IDS or previous_special:
            word += 1
        word_ids.append(word)
        previous_special = False
    return np.array(word_ids)


class MaskedLMMaskGeneratorTest(TestCase):
    def assertValidMasking(self, inputs, outputs, max_selections):
        """Checks the invariants of one masked batch against its input."""
        positions = outputs["masked_lm_positions"]
        weights = outputs["masked_lm_weights"]
        labels = outputs["masked_lm_ids"]
        masked = outputs["input_word_ids"]
        self.assertEqual(positions.shape, (len(inputs), max_selections))
        for row in range(len(inputs)):
            count = int(weights[row].sum())
            # Real predictions come first, padding after.
            self.assertAllEqual(weights[row, :count], np.ones(count))
            self.assertAllEqual(weights[row, count:], 0)
            real = positions[row, :count]
            self.assertAllEqual(positions[row, count:], 0)
            self.assertAllEqual(labels[row, count:], 0)
            self.assertAllEqual(real, np.unique(real))  # Sorted, distinct.
            self.assertAllEqual(labels[row, :count], inputs[row][real])
            self.assertFalse(np.isin(inputs[row][real], SPECIAL_IDS).any())
            outside = np.setdiff1d(np.arange(len(inputs[row])), real)
            self.assertAllEqual(masked[row][outside], inputs[row][outside])
            self.assertTrue(
                ((masked[row] >= 0) & (masked[row] < VOCAB_SIZE)).all()
            )

    def test_output_shapes_and_dtypes(self):
        inputs, _ = _packed_rows(2, 8, seed=0)
        outputs = _generator()(inputs)
        self.assertEqual(tuple(outputs["input_word_ids"].shape), (2, 8))
        self.assertEqual(outputs["input_word_ids"].dtype, tf.int32)
        for key in ("masked_lm_positions", "masked_lm_ids"):
            self.assertEqual(tuple(outputs[key].shape), (2, 4))
            self.assertEqual(outputs[key].dtype, tf.int32)
        self.assertEqual(outputs["masked_lm_weights"].dtype, tf.float32)
        self.assertValidMasking(inputs, _numpy(outputs), max_selections=4)

    def test_selection_counts_and_uniformity(self):
        # Every row: [CLS] 10 tokens [SEP] [PAD] x 4, so 10 selectable.
        num_rows = 4000
        row = [CLS] + list(range(4, 14)) + [SEP] + [PAD] * 4
        inputs = np.array([row] * num_rows, dtype="int32")
        outputs = _numpy(_generator(max_selections=5)(inputs))
        self.assertValidMasking(inputs, outputs, max_selections=5)
        # ceil(0.15 * 10) = 2 selections in every row.
        self.assertAllEqual(outputs["masked_lm_weights"].sum(axis=1), 2)
        counts = np.zeros(len(row))
        for positions in outputs["masked_lm_positions"]:
            counts[positions[:2]] += 1
        self.assertAllEqual(counts[[0, 11, 12, 13, 14, 15]], 0)
        # Each token is chosen with probability 2 / 10: binomial 4 sigma.
        mean = num_rows * 0.2
        sigma = math.sqrt(num_rows * 0.2 * 0.8)
        self.assertTrue((np.abs(counts[1:11] - mean) < 4 * sigma).all())

    def test_selection_counts_follow_rate_and_cap(self):
        inputs, lengths = _packed_rows(64, 16, seed=1)
        for rate, max_selections in ((0.15, 4), (0.5, 3), (1.0, 20)):
            outputs = _numpy(
                _generator(
                    mask_selection_rate=rate, max_selections=max_selections
                )(inputs)
            )
            self.assertValidMasking(inputs, outputs, max_selections)
            expected = np.minimum(np.ceil(lengths * rate), max_selections)
            self.assertAllEqual(
                outputs["masked_lm_weights"].sum(axis=1), expected
            )

    def test_replacement_split(self):
        num_rows = 4000
        row = [CLS] + list(range(4, 14)) + [SEP] + [PAD] * 4
        inputs = np.array([row] * num_rows, dtype="int32")
        outputs = _numpy(_generator(mask_selection_rate=0.2)(inputs))
        weights = outputs["masked_lm_weights"].astype(bool)
        labels = outputs["masked_lm_ids"][weights]
        new_ids = np.take_along_axis(
            outputs["input_word_ids"], outputs["masked_lm_positions"], axis=1
        )[weights]
        total = len(labels)
        self.assertEqual(total, 2 * num_rows)
        # A random id may equal [MASK] or the original id by chance.
        expected = {
            "mask": 0.8 + 0.1 / VOCAB_SIZE,
            "kept": 0.1 + 0.1 / VOCAB_SIZE,
            "random": 0.1 * (VOCAB_SIZE - 2) / VOCAB_SIZE,
        }
        observed = {
            "mask": np.sum(new_ids == MASK),
            "kept": np.sum(new_ids == labels),
            "random": np.sum((new_ids != MASK) & (new_ids != labels)),
        }
        for key, probability in expected.items():
            sigma = math.sqrt(total * probability * (1 - probability))
            self.assertLess(
                abs(observed[key] - total * probability), 4 * sigma, key
            )

    def test_rates_without_replacement(self):
        inputs, _ = _packed_rows(8, 16, seed=2, min_length=2)
        outputs = _numpy(
            _generator(mask_token_rate=0.0, random_token_rate=0.0)(inputs)
        )
        self.assertAllEqual(outputs["input_word_ids"], inputs)
        outputs = _numpy(
            _generator(mask_token_rate=1.0, random_token_rate=0.0)(inputs)
        )
        weights = outputs["masked_lm_weights"].astype(bool)
        new_ids = np.take_along_axis(
            outputs["input_word_ids"], outputs["masked_lm_positions"], axis=1
        )
        self.assertAllEqual(new_ids[weights], MASK)
        self.assertValidMasking(inputs, outputs, max_selections=4)

    def test_seed_determinism(self):
        inputs, _ = _packed_rows(16, 16, seed=3)
        first, second = _generator(seed=5), _generator(seed=5)
        first_outputs = [_numpy(first(inputs)) for _ in range(2)]
        second_outputs = [_numpy(second(inputs)) for _ in range(2)]
        self.assertAllClose(first_outputs, second_outputs)
        # The random state advances: a second call masks differently.
        self.assertFalse(
            np.array_equal(
                first_outputs[0]["masked_lm_positions"],
                first_outputs[1]["masked_lm_positions"],
            )
        )
        other = _numpy(_generator(seed=6)(inputs))
        self.assertFalse(
            np.array_equal(
                other["masked_lm_positions"],
                first_outputs[0]["masked_lm_positions"],
            )
        )

    def test_ragged_input(self):
        rows = [[CLS, 4, 5, 6, 7, 8, SEP], [CLS, 9, SEP], [10, 11, 12, 13]]
        outputs = _generator(mask_selection_rate=0.5)(tf.ragged.constant(rows))
        self.assertIsInstance(outputs["input_word_ids"], tf.RaggedTensor)
        self.assertAllEqual(
            outputs["input_word_ids"].row_lengths(), [len(r) for r in rows]
        )
        self.assertEqual(tuple(outputs["masked_lm_positions"].shape), (3, 4))
        masked = [np.array(r) for r in outputs["input_word_ids"].to_list()]
        numpy_outputs = _numpy(
            {key: v for key, v in outputs.items() if key != "input_word_ids"}
        )
        numpy_outputs["input_word_ids"] = masked
        self.assertValidMasking(
            [np.array(r) for r in rows], numpy_outputs, max_selections=4
        )
        self.assertAllEqual(
            numpy_outputs["masked_lm_weights"].sum(axis=1), [3, 1, 2]
        )

    def test_unbatched_input(self):
        inputs = np.array([CLS, 4, 5, 6, 7, SEP, PAD, PAD], dtype="int32")
        outputs = _numpy(_generator(mask_selection_rate=0.5)(inputs))
        self.assertEqual(outputs["input_word_ids"].shape, (8,))
        self.assertEqual(outputs["masked_lm_positions"].shape, (4,))
        batched = {key: value[None] for key, value in outputs.items()}
        self.assertValidMasking(inputs[None], batched, max_selections=4)
        self.assertEqual(outputs["masked_lm_weights"].sum(), 2)

    def test_whole_word_masking(self):
        rng = np.random.default_rng(4)
        rows = np.full((300, 16), PAD, dtype="int32")
        for row in rows:
            pieces = [CLS]
            while len(pieces) < 12:
                pieces.append(rng.integers(4, 15))
                pieces.extend(rng.choice(SUFFIX_IDS, size=rng.integers(0, 3)))
            pieces = pieces[:13] + [SEP]
            row[: len(pieces)] = pieces
        layer = _generator(
            mask_selection_rate=0.3,
            max_selections=5,
            whole_word_mask=True,
            word_piece_suffix_ids=SUFFIX_IDS,
        )
        outputs = _numpy(layer(rows))
        self.assertValidMasking(rows, outputs, max_selections=5)
        for index, row in enumerate(rows):
            words = _word_ids(row)
            count = int(outputs["masked_lm_weights"][index].sum())
            chosen = outputs["masked_lm_positions"][index, :count]
            chosen_words = np.unique(words[chosen])
            # Every piece of every chosen word is chosen.
            self.assertAllEqual(
                np.flatnonzero(np.isin(words, chosen_words)), chosen
            )
            num_words = words.max() + 1
            self.assertLessEqual(len(chosen_words), math.ceil(0.3 * num_words))
            self.assertGreater(len(chosen_words), 0)

    def test_whole_word_masking_fills_to_selection_count(self):
        # Single-piece words only: exactly ceil(rate * num_words) words.
        inputs = np.array([[CLS, 4, 5, 6, 7, 8, 15, SEP]], dtype="int32")
        layer = _generator(
            mask_selection_rate=0.5,
            whole_word_mask=True,
            word_piece_suffix_ids=SUFFIX_IDS,
        )
        for _ in range(10):
            outputs = _numpy(layer(inputs))
            count = int(outputs["masked_lm_weights"].sum())
            chosen = outputs["masked_lm_positions"][0, :count]
            # 5 words; "8 ##" spans positions 5 and 6.
            self.assertEqual(np.isin([5, 6], chosen).sum() % 2, 0)
            self.assertEqual(count - np.isin(6, chosen), 3)

    def test_dataset_map(self):
        inputs, _ = _packed_rows(8, 12, seed=5)
        layer = _generator(seed=3)
        batched = tf.data.Dataset.from_tensor_slices(inputs).batch(4)
        batched = batched.map(layer, num_parallel_calls=tf.data.AUTOTUNE)
        self.assertEqual(
            batched.element_spec["masked_lm_positions"].shape.as_list(),
            [None, 4],
        )
        self.assertEqual(
            batched.element_spec["input_word_ids"].shape.as_list(),
            [None, 12],
        )
        outputs = [_numpy(x) for x in batched]
        merged = {
            key: np.concatenate([x[key] for x in outputs]) for key in outputs[0]
        }
        self.assertValidMasking(inputs, merged, max_selections=4)
        unbatched = tf.data.Dataset.from_tensor_slices(inputs).map(
            layer, num_parallel_calls=tf.data.AUTOTUNE
        )
        self.assertEqual(
            unbatched.element_spec["masked_lm_weights"].shape.as_list(), [4]
        )
        outputs = [_numpy(x) for x in unbatched]
        merged = {
            key: np.stack([x[key] for x in outputs]) for key in outputs[0]
        }
        self.assertValidMasking(inputs, merged, max_selections=4)

    def test_layer_behaviors(self):
        self.run_layer_test(
            cls=MaskedLMMaskGenerator,
            init_kwargs={
                "vocab_size": VOCAB_SIZE,
                "mask_selection_rate": 0.5,
                "mask_token_id": MASK,
                "max_selections": 3,
                "unselectable_token_ids": SPECIAL_IDS,
                "whole_word_mask": True,
                "word_piece_suffix_ids": SUFFIX_IDS,
                "seed": 2,
            },
            input_data=_packed_rows(2, 8, seed=6)[0],
            expected_output_shape={
                "input_word_ids": (2, 8),
                "masked_lm_positions": (2, 3),
                "masked_lm_ids": (2, 3),
                "masked_lm_weights": (2, 3),
            },
            expected_num_trainable_weights=0,
            run_training_check=False,
        )

    def test_saving(self):
        inputs = keras.Input(shape=(8,), dtype="int32")
        model = keras.Model(inputs, _generator(seed=9)(inputs))
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        restored = keras.models.load_model(path)
        data, _ = _packed_rows(4, 8, seed=7, min_length=1)
        # Both random states start from the seed: the same masks.
        self.assertAllClose(_numpy(restored(data)), _numpy(model(data)))

    def test_invalid_rates(self):
        for rate in (0.0, 1.5, -0.1):
            with self.assertRaisesRegex(
                ValueError, r"`mask_selection_rate` must be a number in \(0, 1"
            ):
                _generator(mask_selection_rate=rate)
        with self.assertRaisesRegex(
            ValueError, "`mask_token_rate` must be a number in"
        ):
            _generator(mask_token_rate=-0.2)
        with self.assertRaisesRegex(
            ValueError, "`random_token_rate` must be a number in"
        ):
            _generator(random_token_rate=-0.1, mask_token_rate=0.5)
        with self.assertRaisesRegex(
            ValueError,
            r"`mask_token_rate \+ random_token_rate` must be at most 1",
        ):
            _generator(mask_token_rate=0.8, random_token_rate=0.3)

    def test_invalid_max_selections(self):
        with self.assertRaisesRegex(
            ValueError, "`max_selections` must be an integer of at least 1"
        ):
            _generator(max_selections=0)

    def test_invalid_mask_token_id(self):
        for mask_token_id in (VOCAB_SIZE, -1, None):
            with self.assertRaisesRegex(
                ValueError, r"`mask_token_id` must be an integer id in \[0"
            ):
                _generator(mask_token_id=mask_token_id)

    def test_invalid_vocab_size_and_ids(self):
        with self.assertRaisesRegex(ValueError, "`vocab_size` must be"):
            _generator(vocab_size=0)
        with self.assertRaisesRegex(
            ValueError, "`unselectable_token_ids` must be a list"
        ):
            _generator(unselectable_token_ids=[0, -1])
        with self.assertRaisesRegex(ValueError, "`seed` must be an integer"):
            _generator(seed="1")

    def test_invalid_whole_word_configuration(self):
        with self.assertRaisesRegex(
            ValueError, "`whole_word_mask=True` needs `word_piece_suffix_ids`"
        ):
            _generator(whole_word_mask=True)
        with self.assertRaisesRegex(
            ValueError, r"`word_piece_suffix_ids` must be ids in.*\[20\]"
        ):
            _generator(whole_word_mask=True, word_piece_suffix_ids=[15, 20])

    def test_invalid_inputs(self):
        with self.assertRaisesRegex(ValueError, "inputs.dtype=float32"):
            _generator()(np.zeros((2, 4), dtype="float32"))
        with self.assertRaisesRegex(ValueError, r"inputs.shape=\(2, 2, 2\)"):
            _generator()(np.zeros((2, 2, 2), dtype="int32"))

    def test_out_of_range_ids_raise(self):
        for bad in (VOCAB_SIZE, VOCAB_SIZE + 7, -1):
            inputs = np.array([[CLS, 4, bad, SEP]], dtype="int32")
            with self.assertRaisesRegex(
                ValueError,
                rf"must be in \[0, vocab_size\) = \[0, {VOCAB_SIZE}\)"
                rf".*out-of-range ids \[{bad}\]",
            ):
                _generator()(inputs)
        dataset = tf.data.Dataset.from_tensor_slices(
            np.array([[CLS, 4, VOCAB_SIZE, SEP]], dtype="int32")
        ).batch(1)
        with self.assertRaisesRegex(
            tf.errors.InvalidArgumentError, r"\[0, vocab_size\) = \[0, 20\)"
        ):
            list(dataset.map(_generator()))

    def test_python_lists_and_empty_inputs(self):
        # A ragged Python list is a ragged batch.
        outputs = _generator(mask_selection_rate=0.5)(
            [[CLS, 4, 5, 6, 7, SEP], [CLS, 8, SEP]]
        )
        self.assertIsInstance(outputs["input_word_ids"], tf.RaggedTensor)
        self.assertAllEqual(outputs["masked_lm_weights"].numpy().sum(1), [2, 1])
        # An empty batch gives empty outputs of the right shapes.
        outputs = _generator()(np.zeros((0, 8), dtype="int32"))
        self.assertEqual(tuple(outputs["input_word_ids"].shape), (0, 8))
        self.assertEqual(tuple(outputs["masked_lm_positions"].shape), (0, 4))
        # An empty sequence has nothing to mask.
        outputs = _numpy(_generator()([]))
        self.assertEqual(outputs["input_word_ids"].shape, (0,))
        self.assertAllEqual(outputs["masked_lm_weights"], [0, 0, 0, 0])

    def test_dynamic_shapes_in_tf_function(self):
        masker = _generator(mask_selection_rate=0.5)

        @tf.function(input_signature=[tf.TensorSpec([None, None], "int32")])
        def mask(ids):
            return masker(ids)

        rows = np.full((3, 30), 5, dtype="int32")
        outputs = _numpy(mask(rows))
        self.assertEqual(outputs["input_word_ids"].shape, (3, 30))
        # ceil(0.5 * 30) = 15 wanted, capped at max_selections = 4.
        self.assertAllEqual(outputs["masked_lm_weights"].sum(axis=1), [4] * 3)
