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

"""Tests for the shared `Tokenizer` base class, on a toy subclass."""

import json
import os

import keras
import numpy as np
import tensorflow as tf

from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.tokenizer import Tokenizer


@keras.saving.register_keras_serializable(package="keras_nlp_test")
class CharacterTokenizer(Tokenizer):
    """One id per character; unknown characters get the id of "?"."""

    asset_file_name = "chars.txt"
    preset_settings = ("upper",)

    def __init__(self, vocabulary, upper=False, **kwargs):
        super().__init__(**kwargs)
        self.upper = upper
        self._set_vocabulary(vocabulary)

    def get_config(self):
        config = super().get_config()
        config.update({"vocabulary": None, "upper": self.upper})
        return config

    def _special_tokens(self):
        return {
            "cls_token_id": "<",
            "sep_token_id": ">",
            "pad_token_id": "_",
            "mask_token_id": "*",
            "unk_token_id": "?",
        }

    def _set_vocabulary(self, vocabulary):
        if vocabulary is None:
            return
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as vocab_file:
                vocabulary = list(vocab_file.read())
        self._set_token_ids(vocabulary)
        self._table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                vocabulary, tf.range(len(vocabulary), dtype="int32")
            ),
            default_value=vocabulary.index("?"),
        )

    def _write_asset(self, path):
        with open(path, "w", encoding="utf-8") as vocab_file:
            vocab_file.write("".join(self._vocabulary))

    def _tokenize(self, inputs):
        if self.upper:
            inputs = tf.strings.upper(inputs)
        chars = tf.strings.unicode_split(inputs, "UTF-8")
        return tf.ragged.map_flat_values(self._table.lookup, chars)

    def _detokenize(self, inputs):
        chars = tf.gather(tf.constant(self._vocabulary), inputs)
        return tf.strings.reduce_join(chars, axis=-1)


CHARACTERS = list("_?<>*abcAB")


class TokenizerTest(TestCase):
    def test_tokenize_input_types(self):
        tokenizer = CharacterTokenizer(CHARACTERS)
        self.assertEqual(tokenizer.dtype_policy.name, "int32")
        self.assertAllEqual(tokenizer("ab"), [5, 6])
        self.assertAllEqual(tokenizer(b"ab"), [5, 6])
        expected = [[5, 6], [], [7, 1]]
        for inputs in (
            ["ab", "", "cz"],
            ("ab", "", "cz"),
            np.array(["ab", "", "cz"]),
            tf.constant(["ab", "", "cz"]),
        ):
            outputs = tokenizer(inputs)
            self.assertIsInstance(outputs, tf.RaggedTensor)
            self.assertEqual(outputs.to_list(), expected)
        ragged = tokenizer([["ab", "c"], ["A"]])
        self.assertEqual(ragged.to_list(), [[[5, 6], [7]], [[8]]])
        self.assertEqual(tokenizer.tokenize("b").numpy().tolist(), [6])

    def test_non_string_inputs(self):
        tokenizer = CharacterTokenizer(CHARACTERS)
        with self.assertRaisesRegex(TypeError, "inputs.dtype=int32"):
            tokenizer.tokenize([1, 2])
        with self.assertRaisesRegex(TypeError, "of type list"):
            tokenizer.tokenize([b"a", 3.5])
        with self.assertRaisesRegex(TypeError, "of type object"):
            tokenizer.tokenize(object())
        with self.assertRaisesRegex(TypeError, "inputs.dtype=float32"):
            tokenizer(keras.Input(shape=(), dtype="float32"))

    def test_symbolic_output_spec(self):
        tokenizer = CharacterTokenizer(CHARACTERS)
        batched = tokenizer(keras.Input(shape=(), dtype="string"))
        self.assertEqual(tuple(batched.shape), (None, None))
        self.assertEqual(batched.dtype, "int32")
        self.assertTrue(batched.ragged)
        single = tokenizer(keras.Input(batch_shape=(), dtype="string"))
        self.assertEqual(tuple(single.shape), (None,))
        self.assertFalse(single.ragged)

    def test_detokenize(self):
        tokenizer = CharacterTokenizer(CHARACTERS)
        self.assertEqual(tokenizer.detokenize([5, 8]).numpy(), b"aA")
        self.assertAllEqual(
            tokenizer.detokenize(tf.ragged.constant([[5], [6, 7]])),
            [b"a", b"bc"],
        )
        self.assertAllEqual(
            tokenizer.detokenize(np.array([[5, 6], [7, 8]], "int64")),
            [b"ab", b"cA"],
        )
        with self.assertRaisesRegex(ValueError, r"ids \[-1, 10\]"):
            tokenizer.detokenize([[5, -1], [10, 5]])
        with self.assertRaisesRegex(TypeError, "inputs.dtype=float32"):
            tokenizer.detokenize([0.5])
        with self.assertRaisesRegex(TypeError, "of type list"):
            tokenizer.detokenize([1, "a"])

    def test_vocabulary_lookups(self):
        tokenizer = CharacterTokenizer(CHARACTERS)
        self.assertEqual(tokenizer.vocab_size(), 10)
        self.assertEqual(tokenizer.get_vocabulary(), CHARACTERS)
        self.assertEqual(tokenizer.id_to_token(np.int32(8)), "A")
        self.assertEqual(tokenizer.id_to_token(tf.constant(8)), "A")
        self.assertEqual(tokenizer.token_to_id("c"), 7)
        for bad_id in (10, -1, 1.0, True, "1", np.array([1, 2])):
            with self.assertRaisesRegex(ValueError, "must be an integer"):
                tokenizer.id_to_token(bad_id)
        with self.assertRaisesRegex(ValueError, "token='z'"):
            tokenizer.token_to_id("z")

    def test_special_token_ids(self):
        tokenizer = CharacterTokenizer(CHARACTERS)
        self.assertEqual(
            [
                tokenizer.cls_token_id,
                tokenizer.sep_token_id,
                tokenizer.pad_token_id,
                tokenizer.mask_token_id,
                tokenizer.unk_token_id,
            ],
            [2, 3, 0, 4, 1],
        )
        tokenizer = CharacterTokenizer(list("?ab"))
        with self.assertRaisesRegex(ValueError, "no '<' token.*`cls_token_id`"):
            tokenizer.cls_token_id
        with self.assertRaisesRegex(ValueError, "no '\\*' token"):
            tokenizer.mask_token_id

    def test_missing_vocabulary(self):
        tokenizer = CharacterTokenizer(None)
        for method, args in (
            (tokenizer.tokenize, ("a",)),
            (tokenizer.detokenize, ([1],)),
            (tokenizer.vocab_size, ()),
            (tokenizer.get_vocabulary, ()),
            (tokenizer.id_to_token, (1,)),
            (tokenizer.token_to_id, ("a",)),
        ):
            with self.assertRaisesRegex(ValueError, "has no vocabulary"):
                method(*args)
        with self.assertRaisesRegex(ValueError, "has no vocabulary"):
            tokenizer.pad_token_id
        # Symbolic calls need no vocabulary (Keras rebuilds models so).
        outputs = tokenizer(keras.Input(shape=(), dtype="string"))
        self.assertEqual(tuple(outputs.shape), (None, None))

    def test_assets(self):
        tokenizer = CharacterTokenizer(CHARACTERS)
        asset_dir = self.get_temp_dir()
        tokenizer.save_assets(asset_dir)
        self.assertEqual(os.listdir(asset_dir), ["chars.txt"])
        restored = CharacterTokenizer(None)
        restored.load_assets(asset_dir)
        self.assertEqual(restored.get_vocabulary(), CHARACTERS)
        # Nothing to save, nothing to load: the vocabulary stays unset.
        empty_dir = self.get_temp_dir()
        CharacterTokenizer(None).save_assets(empty_dir)
        self.assertEqual(os.listdir(empty_dir), [])
        unset = CharacterTokenizer(None)
        unset.load_assets(empty_dir)
        with self.assertRaisesRegex(ValueError, "has no vocabulary"):
            unset.vocab_size()

    def test_keras_model_saving(self):
        inputs = keras.Input(shape=(), dtype="string")
        model = keras.Model(inputs, CharacterTokenizer(CHARACTERS)(inputs))
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        restored = keras.models.load_model(path)
        texts = tf.constant(["abc", "BA"])
        self.assertEqual(restored(texts).to_list(), [[5, 6, 7], [9, 8]])

    def test_from_preset(self):
        preset = self.get_temp_dir()
        with open(os.path.join(preset, "chars.txt"), "w") as vocab_file:
            vocab_file.write("".join(CHARACTERS))
        tokenizer = CharacterTokenizer.from_preset(preset)
        self.assertFalse(tokenizer.upper)
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump(
                {"preprocessor": {"upper": True, "sequence_length": 8}},
                config_file,
            )
        tokenizer = CharacterTokenizer.from_preset(preset, name="chars")
        self.assertTrue(tokenizer.upper)
        self.assertEqual(tokenizer.name, "chars")
        self.assertAllEqual(tokenizer("ab"), [8, 9])
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump({"preprocessor": None}, config_file)
        self.assertFalse(CharacterTokenizer.from_preset(preset).upper)
        with self.assertRaisesRegex(ValueError, "holding `chars.txt`"):
            CharacterTokenizer.from_preset(os.path.join(preset, "missing"))

    def test_save_to_preset(self):
        tokenizer = CharacterTokenizer(CHARACTERS, upper=True)
        preset = os.path.join(self.get_temp_dir(), "new", "preset")
        settings = tokenizer.save_to_preset(preset)
        # Exactly the `preset_settings`, JSON-ready.
        self.assertEqual(settings, {"upper": True})
        json.dumps(settings)
        self.assertEqual(os.listdir(preset), ["chars.txt"])
        with open(os.path.join(preset, "config.json"), "w") as config_file:
            json.dump({"preprocessor": settings}, config_file)
        restored = CharacterTokenizer.from_preset(preset)
        self.assertTrue(restored.upper)
        self.assertEqual(restored.get_vocabulary(), CHARACTERS)
        self.assertEqual(
            restored(["ab", "cA"]).to_list(), tokenizer(["ab", "cA"]).to_list()
        )
        with self.assertRaisesRegex(ValueError, "has no vocabulary"):
            CharacterTokenizer(None).save_to_preset(self.get_temp_dir())

    def test_static_batch_size(self):
        tokenizer = CharacterTokenizer(CHARACTERS)
        self.assertEqual(tokenizer(["ab", "c"]).shape.as_list(), [2, None])
        # The eager functions are traced for any batch size: a second size
        # keeps its own static size.
        self.assertEqual(tokenizer(["a", "b", "c"]).shape.as_list(), [3, None])

        @tf.function(input_signature=[tf.TensorSpec([2], tf.string)])
        def known(texts):
            return tokenizer(texts)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def unknown(texts):
            return tokenizer(texts)

        spec = known.get_concrete_function().structured_outputs
        self.assertEqual(spec.shape.as_list(), [2, None])
        spec = unknown.get_concrete_function().structured_outputs
        self.assertEqual(spec.shape.as_list(), [None, None])
        self.assertEqual(
            known(tf.constant(["ab", "c"])).to_list(), [[5, 6], [7]]
        )
        data = tf.data.Dataset.from_tensor_slices(["ab", "c", "A"])
        data = data.batch(2, drop_remainder=True).map(tokenizer)
        self.assertEqual(data.element_spec.shape.as_list(), [2, None])
        self.assertEqual([batch.to_list() for batch in data], [[[5, 6], [7]]])
        # Ragged string input keeps its number of rows too.
        ragged = tf.ragged.constant([["ab", "c"], ["A"]])
        self.assertEqual(tokenizer(ragged).shape.as_list(), [2, None, None])
