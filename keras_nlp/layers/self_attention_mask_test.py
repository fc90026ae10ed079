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

"""Tests for `SelfAttentionMask`."""

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops

from keras_nlp.layers.self_attention_mask import SelfAttentionMask
from keras_nlp.testing.test_case import JIT_COMPILE
from keras_nlp.testing.test_case import TestCase

WORD_IDS = np.array([[5, 6, 7, 8, 0], [3, 4, 0, 0, 0]], dtype="int32")
PADDING_MASK = np.array([[1, 1, 1, 1, 0], [1, 1, 0, 0, 0]], dtype="int32")


def _np_attention_mask(from_length, padding_mask):
    """`[batch, from_length, to_length]` written with explicit loops."""
    batch, to_length = padding_mask.shape
    mask = np.zeros((batch, from_length, to_length), dtype="float32")
    for b in range(batch):
        for i in range(from_length):
            for j in range(to_length):
                mask[b, i, j] = 1.0 if padding_mask[b, j] != 0 else 0.0
    return mask


class SelfAttentionMaskTest(TestCase):
    @parameterized.named_parameters(
        ("ids", WORD_IDS),
        ("embeddings", np.random.uniform(size=(2, 5, 4)).astype("float32")),
    )
    def test_layer_behaviors(self, from_tensor):
        self.run_layer_test(
            cls=SelfAttentionMask,
            init_kwargs={},
            input_data=[from_tensor, PADDING_MASK],
            expected_output_shape=(2, 5, 5),
            expected_output_dtype="float32",
            expected_num_trainable_weights=0,
            # No weights to train.
            run_training_check=False,
        )

    def test_layer_behaviors_two_arguments(self):
        self.run_layer_test(
            cls=SelfAttentionMask,
            init_kwargs={},
            input_data=WORD_IDS,
            call_kwargs={"to_mask": PADDING_MASK},
            expected_output_shape=(2, 5, 5),
            expected_output_dtype="float32",
            expected_num_trainable_weights=0,
            run_training_check=False,
        )

    def test_saving(self):
        self.run_saving_test(
            cls=SelfAttentionMask,
            init_kwargs={},
            input_data=[WORD_IDS, PADDING_MASK],
        )

    def test_values(self):
        layer = SelfAttentionMask()
        outputs = layer([WORD_IDS, PADDING_MASK])
        expected = _np_attention_mask(5, PADDING_MASK)
        self.assertAllEqual(outputs, expected)
        # Padded query rows see the real tokens too.
        self.assertAllEqual(outputs[1, 4], [1.0, 1.0, 0.0, 0.0, 0.0])

    def test_call_forms_agree(self):
        layer = SelfAttentionMask()
        embeddings = np.random.uniform(size=(2, 5, 3)).astype("float32")
        expected = layer([WORD_IDS, PADDING_MASK])
        self.assertAllEqual(layer(WORD_IDS, PADDING_MASK), expected)
        self.assertAllEqual(layer(WORD_IDS, to_mask=PADDING_MASK), expected)
        self.assertAllEqual(layer([embeddings, PADDING_MASK]), expected)

    @parameterized.named_parameters(
        ("bool", PADDING_MASK.astype(bool)),
        ("float", PADDING_MASK.astype("float32") * 2.0),
        ("int64", PADDING_MASK.astype("int64")),
    )
    def test_mask_dtypes(self, padding_mask):
        outputs = SelfAttentionMask()([WORD_IDS, padding_mask])
        self.assertEqual(
            keras.backend.standardize_dtype(outputs.dtype), "float32"
        )
        self.assertAllEqual(outputs, _np_attention_mask(5, PADDING_MASK))

    def test_different_from_and_to_lengths(self):
        from_tensor = np.zeros((2, 3), dtype="int32")
        outputs = SelfAttentionMask()(from_tensor, PADDING_MASK)
        self.assertEqual(tuple(outputs.shape), (2, 3, 5))
        self.assertAllEqual(outputs, _np_attention_mask(3, PADDING_MASK))

    def test_dynamic_shapes(self):
        word_ids = keras.Input(shape=(None,), dtype="int32")
        padding_mask = keras.Input(shape=(None,), dtype="int32")
        outputs = SelfAttentionMask()([word_ids, padding_mask])
        self.assertEqual(tuple(outputs.shape), (None, None, None))
        model = keras.Model([word_ids, padding_mask], outputs)
        for length in (4, 6):
            ids = np.ones((2, length), dtype="int32")
            mask = np.ones((2, length), dtype="int32")
            mask[0, -2:] = 0
            outputs = model.predict([ids, mask], verbose=0)
            self.assertAllEqual(outputs, _np_attention_mask(length, mask))

    def test_static_shapes(self):
        embeddings = keras.Input(shape=(5, 4))
        padding_mask = keras.Input(shape=(5,), dtype="int32")
        outputs = SelfAttentionMask()(embeddings, padding_mask)
        self.assertEqual(tuple(outputs.shape), (None, 5, 5))

    def test_jit_compile(self):
        word_ids = keras.Input(shape=(None,), dtype="int32")
        padding_mask = keras.Input(shape=(None,), dtype="int32")
        outputs = SelfAttentionMask()([word_ids, padding_mask])
        model = keras.Model([word_ids, padding_mask], outputs)
        model.compile(jit_compile=JIT_COMPILE)
        outputs = model.predict([WORD_IDS, PADDING_MASK], verbose=0)
        self.assertAllEqual(outputs, _np_attention_mask(5, PADDING_MASK))

    @parameterized.named_parameters(
        ("float16", "mixed_float16", "float16"),
        ("bfloat16", "mixed_bfloat16", "bfloat16"),
    )
    def test_mixed_precision(self, policy, compute_dtype):
        keras.config.set_dtype_policy(policy)
        outputs = SelfAttentionMask()([WORD_IDS, PADDING_MASK])
        self.assertEqual(
            keras.backend.standardize_dtype(outputs.dtype), compute_dtype
        )
        self.assertAllEqual(
            ops.cast(outputs, "float32"), _np_attention_mask(5, PADDING_MASK)
        )

    @parameterized.named_parameters(
        ("rank_1", np.zeros((2,), "int32")),
        ("rank_4", np.zeros((2, 5, 4, 1), "float32")),
    )
    def test_error_from_tensor_rank(self, from_tensor):
        with self.assertRaisesRegex(ValueError, "must have rank 2.*or rank 3"):
            SelfAttentionMask()([from_tensor, PADDING_MASK])

    def test_error_to_mask_rank(self):
        with self.assertRaisesRegex(ValueError, "`to_mask` must have rank 2"):
            SelfAttentionMask()([WORD_IDS, np.ones((2, 5, 5), "int32")])

    def test_error_batch_mismatch(self):
        with self.assertRaisesRegex(ValueError, "the same batch size"):
            SelfAttentionMask()([WORD_IDS, np.ones((3, 5), "int32")])

    def test_error_missing_to_mask(self):
        with self.assertRaisesRegex(ValueError, "needs a `to_mask`"):
            SelfAttentionMask()(WORD_IDS)

    def test_error_too_many_inputs(self):
        with self.assertRaisesRegex(ValueError, "either as a list"):
            SelfAttentionMask()([WORD_IDS, PADDING_MASK, PADDING_MASK])
        with self.assertRaisesRegex(ValueError, "either as a list"):
            SelfAttentionMask()([WORD_IDS, PADDING_MASK], PADDING_MASK)
