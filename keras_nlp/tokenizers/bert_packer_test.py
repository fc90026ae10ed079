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

"""Tests for `BertPacker`."""

import keras
import numpy as np
import tensorflow as tf

from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.bert_packer import BertPacker

START, END, PAD = 1, 2, 0


def _reference_pack(segments, sequence_length, truncate):
    """Packs one example (a list of lists of ids) the BERT way, in Python."""
    lengths = [len(segment) for segment in segments]
    budget = sequence_length - len(segments) - 1
    kept = [0] * len(segments)
    if truncate == "waterfall":
        for index, length in enumerate(lengths):
            kept[index] = min(length, budget)
            budget -= kept[index]
    else:
        while budget > 0 and any(k < n for k, n in zip(kept, lengths)):
            for index, length in enumerate(lengths):
                if budget > 0 and kept[index] < length:
                    kept[index] += 1
                    budget -= 1
    word_ids, type_ids = [START], [0]
    for index, segment in enumerate(segments):
        word_ids += list(segment[: kept[index]]) + [END]
        type_ids += [index] * (kept[index] + 1)
    mask = [1] * len(word_ids)
    padding = sequence_length - len(word_ids)
    return {
        "input_word_ids": word_ids + [PAD] * padding,
        "input_mask": mask + [0] * padding,
        "input_type_ids": type_ids + [0] * padding,
    }


def _reference_pack_batch(batch_segments, sequence_length, truncate):
    """`_reference_pack` on each example of `[segment][example]` lists."""
    rows = [
        _reference_pack(list(example), sequence_length, truncate)
        for example in zip(*batch_segments)
    ]
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def _packer(sequence_length=8, truncate="round_robin"):
    return BertPacker(
        sequence_length=sequence_length,
        start_token_id=START,
        end_token_id=END,
        pad_token_id=PAD,
        truncate=truncate,
    )


class BertPackerTest(TestCase):
    def test_single_segment_shorter_and_longer(self):
        segment = tf.ragged.constant([[5, 6, 7], [5, 6, 7, 8, 9, 10, 11, 12]])
        outputs = _packer()(segment)
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[1, 5, 6, 7, 2, 0, 0, 0], [1, 5, 6, 7, 8, 9, 10, 2]],
        )
        self.assertAllEqual(
            outputs["input_mask"],
            [[1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]],
        )
        self.assertAllEqual(outputs["input_type_ids"], np.zeros((2, 8)))
        for value in outputs.values():
            self.assertEqual(value.dtype, tf.int32)

    def test_pair_round_robin(self):
        first = tf.ragged.constant([[5, 6, 7, 8, 9], [5], [5, 6]])
        second = tf.ragged.constant([[10, 11, 12], [10, 11], [10]])
        outputs = _packer()([first, second])
        self.assertAllEqual(
            outputs["input_word_ids"],
            [
                [1, 5, 6, 7, 2, 10, 11, 2],
                [1, 5, 2, 10, 11, 2, 0, 0],
                [1, 5, 6, 2, 10, 2, 0, 0],
            ],
        )
        self.assertAllEqual(
            outputs["input_mask"],
            [
                [1, 1, 1, 1, 1, 1, 1, 1],
                [1, 1, 1, 1, 1, 1, 0, 0],
                [1, 1, 1, 1, 1, 1, 0, 0],
            ],
        )
        self.assertAllEqual(
            outputs["input_type_ids"],
            [
                [0, 0, 0, 0, 0, 1, 1, 1],
                [0, 0, 0, 1, 1, 1, 0, 0],
                [0, 0, 0, 0, 1, 1, 0, 0],
            ],
        )

    def test_pair_waterfall(self):
        first = tf.ragged.constant([[5, 6, 7, 8, 9, 10], [5, 6]])
        second = tf.ragged.constant([[10, 11, 12], [10, 11, 12, 13, 14]])
        outputs = _packer(truncate="waterfall")((first, second))
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[1, 5, 6, 7, 8, 9, 2, 2], [1, 5, 6, 2, 10, 11, 12, 2]],
        )
        self.assertAllEqual(
            outputs["input_type_ids"],
            [[0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 1, 1, 1]],
        )
        self.assertAllEqual(outputs["input_mask"], np.ones((2, 8)))

    def test_empty_segments(self):
        first = tf.ragged.constant([[], [5, 6]], dtype="int32")
        second = tf.ragged.constant([[10], []], dtype="int32")
        outputs = _packer(sequence_length=6)((first, second))
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[1, 2, 10, 2, 0, 0], [1, 5, 6, 2, 2, 0]],
        )
        self.assertAllEqual(
            outputs["input_mask"], [[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0]]
        )
        self.assertAllEqual(
            outputs["input_type_ids"],
            [[0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 1, 0]],
        )

    def test_only_special_tokens_fit(self):
        first = tf.ragged.constant([[5, 6], [5]])
        second = tf.ragged.constant([[10], [10, 11]])
        outputs = _packer(sequence_length=3)((first, second))
        self.assertAllEqual(outputs["input_word_ids"], [[1, 2, 2], [1, 2, 2]])
        self.assertAllEqual(outputs["input_type_ids"], [[0, 0, 1], [0, 0, 1]])

    def test_unbatched(self):
        packer = _packer()
        outputs = packer(np.array([5, 6, 7]))
        self.assertAllEqual(outputs["input_word_ids"], [1, 5, 6, 7, 2, 0, 0, 0])
        self.assertAllEqual(outputs["input_mask"], [1, 1, 1, 1, 1, 0, 0, 0])
        self.assertAllEqual(outputs["input_type_ids"], np.zeros(8))
        outputs = packer((tf.constant([5, 6, 7, 8]), tf.constant([10, 11])))
        self.assertAllEqual(
            outputs["input_word_ids"], [1, 5, 6, 7, 2, 10, 11, 2]
        )
        self.assertAllEqual(outputs["input_type_ids"], [0, 0, 0, 0, 0, 1, 1, 1])
        self.assertEqual(tuple(outputs["input_mask"].shape), (8,))

    def test_dense_and_int64_input(self):
        dense = np.array(
            [[5, 6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17, 18]]
        )
        outputs = _packer()(dense.astype("int64"))
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[1, 5, 6, 7, 8, 9, 10, 2], [1, 12, 13, 14, 15, 16, 17, 2]],
        )
        self.assertEqual(outputs["input_word_ids"].dtype, tf.int32)

    def test_random_batches_against_reference(self):
        rng = np.random.default_rng(0)
        for truncate in ("round_robin", "waterfall"):
            for num_segments in (1, 2, 3):
                batch = [
                    [
                        list(rng.integers(3, 50, size=rng.integers(0, 9)))
                        for _ in range(4)
                    ]
                    for _ in range(num_segments)
                ]
                segments = [
                    tf.ragged.constant(rows, dtype="int32", ragged_rank=1)
                    for rows in batch
                ]
                outputs = _packer(7, truncate)(segments)
                expected = _reference_pack_batch(batch, 7, truncate)
                for key in expected:
                    self.assertAllEqual(outputs[key], expected[key])

    def test_many_random_batches_against_reference(self):
        # Longer segments and many sequence lengths (the budget split of
        # round robin is computed in closed form).
        rng = np.random.default_rng(1)
        for truncate in ("round_robin", "waterfall"):
            for num_segments in (1, 2, 3):
                for sequence_length in (num_segments + 1, 5, 12, 40):
                    batch = [
                        [
                            list(rng.integers(3, 50, size=rng.integers(0, 30)))
                            for _ in range(16)
                        ]
                        for _ in range(num_segments)
                    ]
                    segments = [
                        tf.ragged.constant(rows, dtype="int32", ragged_rank=1)
                        for rows in batch
                    ]
                    packer = _packer(sequence_length, truncate)
                    outputs = packer(segments)
                    expected = _reference_pack_batch(
                        batch, sequence_length, truncate
                    )
                    for key in expected:
                        self.assertAllEqual(outputs[key], expected[key])

    def test_dataset_map_batched(self):
        first = tf.ragged.constant([[5, 6, 7, 8, 9], [5], [5, 6], [7]])
        second = tf.ragged.constant([[10, 11, 12], [10, 11], [10], []])
        packer = _packer()
        ds = tf.data.Dataset.from_tensor_slices((first, second)).ragged_batch(2)
        ds = ds.map(
            lambda a, b: packer((a, b)), num_parallel_calls=tf.data.AUTOTUNE
        )
        self.assertEqual(
            ds.element_spec["input_word_ids"].shape.as_list(), [None, 8]
        )
        outputs = list(ds.as_numpy_iterator())
        expected = packer((first, second))
        for key in expected:
            self.assertAllEqual(
                np.concatenate([batch[key] for batch in outputs]),
                expected[key],
            )

    def test_dataset_map_unbatched(self):
        segment = tf.ragged.constant([[5, 6, 7, 8, 9, 10, 11, 12], [5]])
        packer = _packer()
        ds = tf.data.Dataset.from_tensor_slices(segment)
        ds = ds.map(packer, num_parallel_calls=tf.data.AUTOTUNE)
        self.assertEqual(ds.element_spec["input_mask"].shape.as_list(), [8])
        outputs = list(ds.as_numpy_iterator())
        self.assertAllEqual(
            [x["input_word_ids"] for x in outputs],
            [[1, 5, 6, 7, 8, 9, 10, 2], [1, 5, 2, 0, 0, 0, 0, 0]],
        )

    def test_keras_model_on_ragged_input(self):
        first = keras.Input(shape=(None,), dtype="int32", ragged=True)
        second = keras.Input(shape=(None,), dtype="int32", ragged=True)
        outputs = _packer()((first, second))
        self.assertEqual(tuple(outputs["input_word_ids"].shape), (None, 8))
        self.assertEqual(outputs["input_type_ids"].dtype, "int32")
        model = keras.Model([first, second], outputs)
        data = [
            tf.ragged.constant([[5, 6, 7, 8, 9], [5]]),
            tf.ragged.constant([[10, 11, 12], [10, 11]]),
        ]
        self.assertAllEqual(
            model(data)["input_word_ids"],
            [[1, 5, 6, 7, 2, 10, 11, 2], [1, 5, 2, 10, 11, 2, 0, 0]],
        )

    def test_layer_behaviors(self):
        self.run_layer_test(
            cls=BertPacker,
            init_kwargs={
                "sequence_length": 6,
                "start_token_id": START,
                "end_token_id": END,
                "pad_token_id": PAD,
                "truncate": "waterfall",
            },
            input_data=np.array([[5, 6, 7], [8, 9, 10]], dtype="int32"),
            expected_output_shape={
                "input_word_ids": (2, 6),
                "input_mask": (2, 6),
                "input_type_ids": (2, 6),
            },
            expected_output_dtype="int32",
            expected_num_trainable_weights=0,
            run_training_check=False,
        )

    def test_saving(self):
        self.run_saving_test(
            cls=BertPacker,
            init_kwargs={
                "sequence_length": 6,
                "start_token_id": START,
                "end_token_id": END,
                "pad_token_id": PAD,
            },
            input_data=np.array([[5, 6, 7, 8, 9], [8, 9, 10, 11, 12]]),
        )

    def test_invalid_sequence_length(self):
        with self.assertRaisesRegex(ValueError, "at least 2"):
            _packer(sequence_length=1)
        with self.assertRaisesRegex(ValueError, "at least 2"):
            _packer(sequence_length=4.0)
        packer = _packer(sequence_length=3)
        segment = tf.ragged.constant([[5], [6]])
        with self.assertRaisesRegex(
            ValueError, r"`sequence_length` must be at least 4.*3 segment"
        ):
            packer((segment, segment, segment))

    def test_invalid_truncate(self):
        with self.assertRaisesRegex(
            ValueError, r"one of \('round_robin', 'waterfall'\).*longest"
        ):
            _packer(truncate="longest")

    def test_invalid_token_id(self):
        with self.assertRaisesRegex(ValueError, "`pad_token_id` must be"):
            BertPacker(8, start_token_id=1, end_token_id=2, pad_token_id=-1)

    def test_different_batch_sizes(self):
        first = tf.ragged.constant([[5, 6], [7]])
        second = tf.ragged.constant([[10], [11], [12]])
        with self.assertRaisesRegex(ValueError, r"same batch size.*\[2, 3\]"):
            _packer()((first, second))

    def test_batched_and_unbatched_segments(self):
        with self.assertRaisesRegex(ValueError, "Every segment must be"):
            _packer()((tf.ragged.constant([[5, 6], [7]]), tf.constant([10])))

    def test_non_integer_input(self):
        with self.assertRaisesRegex(ValueError, "inputs.dtype=float32"):
            _packer()(np.array([[5.0, 6.0]], dtype="float32"))
        with self.assertRaisesRegex(ValueError, "inputs.dtype=string"):
            _packer()(tf.constant(["a", "b"]))

    def test_eager_calls_reuse_one_traced_function(self):
        packer = _packer()
        batches = [
            [[5, 6, 7, 8, 9, 10, 11], [5]],
            [[5], [6, 7], [8, 9, 10]],
            [[7, 8]],
        ]
        for rows in batches:
            outputs = packer(tf.ragged.constant(rows))
            expected = _reference_pack_batch([rows], 8, "round_robin")
            for key in expected:
                self.assertAllEqual(outputs[key], expected[key])
                # The static batch size of each call is kept.
                self.assertEqual(outputs[key].shape.as_list(), [len(rows), 8])
        # Other batch sizes and the unbatched form reuse the function.
        self.assertAllEqual(
            packer(np.array([5, 6], "int32"))["input_word_ids"],
            [1, 5, 6, 2, 0, 0, 0, 0],
        )
        self.assertLen(packer._eager_functions, 1)
        # Pairs get their own function.
        packer((tf.ragged.constant([[5]]), tf.ragged.constant([[6]])))
        self.assertLen(packer._eager_functions, 2)
        # Changed special ids (as `BertPreprocessor` sets them) are used,
        # not those a function was traced with.
        packer.start_token_id = 9
        self.assertAllEqual(
            packer(tf.ragged.constant([[5]]))["input_word_ids"],
            [[9, 5, 2, 0, 0, 0, 0, 0]],
        )

    def test_eager_and_graph_calls_agree(self):
        rng = np.random.default_rng(3)
        rows = [
            list(rng.integers(5, 50, size=rng.integers(0, 12)))
            for _ in range(6)
        ]
        first = tf.ragged.constant(rows, dtype="int32")
        second = tf.ragged.constant(rows[::-1], dtype="int32")
        packer = _packer(10, "waterfall")
        graph_call = tf.function(lambda a, b: packer((a, b)))
        eager = packer((first, second))
        graph = graph_call(first, second)
        for key in eager:
            self.assertAllEqual(eager[key], graph[key])

    def test_out_of_range_ids_raise(self):
        # 2**40 would wrap to 0 in the int32 cast; -1 is no vocabulary id.
        for ids in (np.array([5, 2**40], "int64"), np.array([5, -1], "int32")):
            with self.assertRaisesRegex(
                ValueError, r"must be in \[0, 2\*\*31\).*out-of-range ids"
            ):
                _packer()(ids)
        with self.assertRaisesRegex(ValueError, r"ids \[-3\]"):
            _packer()(
                (tf.ragged.constant([[5, 6]]), tf.ragged.constant([[-3]]))
            )
        # In tf.data the step fails with the same message.
        dataset = tf.data.Dataset.from_tensor_slices(
            np.array([[5, 2**40]], "int64")
        ).map(_packer())
        with self.assertRaisesRegex(
            tf.errors.InvalidArgumentError, r"must be in \[0, 2\*\*31\)"
        ):
            list(dataset)
        # The largest int32 id still packs.
        outputs = _packer()(np.array([2**31 - 1], "int64"))
        self.assertEqual(outputs["input_word_ids"].numpy()[1], 2**31 - 1)

    def test_python_lists_and_empty_inputs(self):
        # Ragged Python lists: two batched segments of different lengths.
        outputs = _packer()(([[5, 6], [7]], [[8], [9, 10]]))
        self.assertAllEqual(
            outputs["input_word_ids"],
            [[1, 5, 6, 2, 8, 2, 0, 0], [1, 7, 2, 9, 10, 2, 0, 0]],
        )
        # Empty Python lists are empty int segments, not float32.
        outputs = _packer()(([], []))
        self.assertAllEqual(outputs["input_word_ids"], [1, 2, 2, 0, 0, 0, 0, 0])
        # An empty batch packs to zero rows.
        outputs = _packer()(tf.ragged.constant([], tf.int32, ragged_rank=1))
        self.assertEqual(tuple(outputs["input_word_ids"].shape), (0, 8))
        with self.assertRaisesRegex(TypeError, "must hold integer token ids"):
            _packer()([["a", 1]])

    def test_over_length_input_in_dynamic_tf_function(self):
        packer = _packer()

        @tf.function(
            input_signature=[tf.RaggedTensorSpec([None, None], "int32")]
        )
        def pack_ragged(ids):
            return packer(ids)

        @tf.function(input_signature=[tf.TensorSpec([None, None], "int32")])
        def pack_dense(ids):
            return packer(ids)

        long_rows = [list(range(4, 24)), [4, 5]]
        outputs = pack_ragged(tf.ragged.constant(long_rows))
        expected = _reference_pack_batch([long_rows], 8, "round_robin")
        self.assertAllEqual(
            outputs["input_word_ids"], expected["input_word_ids"]
        )
        self.assertAllEqual(outputs["input_mask"], expected["input_mask"])
        dense = np.arange(4, 4 + 2 * 30, dtype="int32").reshape(2, 30)
        outputs = pack_dense(dense)
        self.assertEqual(outputs["input_word_ids"].shape.as_list(), [2, 8])
        self.assertAllEqual(outputs["input_word_ids"][:, 1:7], dense[:, :6])
        spec = pack_dense.get_concrete_function().structured_outputs
        self.assertEqual(spec["input_word_ids"].shape.as_list(), [None, 8])
