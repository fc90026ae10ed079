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

"""Tests for the encoder input checks."""

import keras
import numpy as np

from keras_nlp.encoders import input_checks
from keras_nlp.testing.test_case import TestCase


class InputChecksTest(TestCase):
    def test_concrete_values(self):
        ids = np.array([[1, 2]])
        self.assertIs(input_checks.concrete_values(ids), ids)
        eager = input_checks.concrete_values(keras.ops.convert_to_tensor(ids))
        np.testing.assert_array_equal(eager, ids)
        symbolic = keras.Input(shape=(None,), dtype="int32")
        self.assertIsNone(input_checks.concrete_values(symbolic))

    def test_concrete_values_inside_a_compiled_function(self):
        seen = []

        class Probe(keras.layers.Layer):
            def call(self, inputs):
                seen.append(input_checks.concrete_values(inputs))
                return inputs

        inputs = keras.Input(shape=(2,), dtype="int32")
        model = keras.Model(inputs, Probe()(inputs))
        model.compile(jit_compile=keras.config.backend() != "torch")
        model.predict(np.array([[1, 2]]), verbose=0)
        if keras.config.backend() == "torch":
            # PyTorch steps run eagerly: the values are there.
            np.testing.assert_array_equal(seen[-1], [[1, 2]])
        else:
            self.assertIsNone(seen[-1])

    def test_check_id_ranges(self):
        input_checks.check_id_ranges(
            np.array([[0, 9]]), np.array([[0, 1]]), 10, 2, "Encoder"
        )
        input_checks.check_id_ranges(None, None, 10, 2, "Encoder")
        input_checks.check_id_ranges(
            np.zeros((0, 4), "int32"), None, 10, 2, "Encoder"
        )
        with self.assertRaisesRegex(
            ValueError,
            r"`input_word_ids` holds the id 10 at position \(0, 1\), outside "
            r"the valid range \[0, 10\) of Encoder's `vocab_size` \(10\)\. "
            r"Received: input_word_ids with min 0 and max 10\. Ids come "
            r"from the tokenizer",
        ):
            input_checks.check_id_ranges(
                np.array([[0, 10, 3]]), None, 10, 2, "Encoder"
            )
        with self.assertRaisesRegex(
            ValueError,
            r"`input_type_ids` holds the id -1 at position \(1, 0\).*"
            r"\[0, 2\).*Type ids are the segment index",
        ):
            input_checks.check_id_ranges(
                None, np.array([[0, 1], [-1, 0]]), 10, 2, "Encoder"
            )
