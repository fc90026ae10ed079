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

import json
import os

import numpy as np

from keras_nlp.conversion import pretraining_heads
from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import TestCase

TINY_ALBERT = {
    "vocab_size": 20,
    "embedding_width": 4,
    "hidden_size": 8,
    "num_layers": 2,
    "num_attention_heads": 2,
    "inner_dim": 16,
    "max_sequence_length": 8,
    "type_vocab_size": 2,
}


class PretrainingHeadsTest(TestCase):
    def _preset_with_heads(self):
        encoder = AlbertEncoder(**TINY_ALBERT)
        numpy_bert.randomize_weights(encoder, seed=1)
        masked_lm = pretraining_heads.build_masked_lm(
            encoder, "keras_nlp>gelu_approximate"
        )
        next_sentence = pretraining_heads.build_next_sentence(encoder)
        rng = np.random.default_rng(2)
        for head in (masked_lm, next_sentence):
            for weight in head.weights:
                if weight is not encoder.get_embedding_table():
                    weight.assign(rng.normal(size=weight.shape))
        path = os.path.join(self.get_temp_dir(), "preset")
        encoder.save_to_preset(path)
        metadata = pretraining_heads.save(path, masked_lm, next_sentence)
        config_path = os.path.join(path, "config.json")
        with open(config_path) as file:
            config = json.load(file)
        config[pretraining_heads.HEADS_KEY] = metadata
        with open(config_path, "w") as file:
            json.dump(config, file)
        return path, encoder, masked_lm, next_sentence

    def test_build_heads(self):
        encoder = BertEncoder(**dict(TINY_ALBERT, embedding_width=None))
        masked_lm = pretraining_heads.build_masked_lm(
            encoder, "keras_nlp>gelu_approximate"
        )
        self.assertIs(masked_lm.embedding_table, encoder.get_embedding_table())
        self.assertIs(masked_lm.activation, gelu_approximate)
        self.assertEqual(tuple(masked_lm.dense.kernel.shape), (8, 8))
        next_sentence = pretraining_heads.build_next_sentence(encoder)
        self.assertEqual(tuple(next_sentence.kernel.shape), (8, 2))

    def test_save_and_load_round_trip(self):
        path, encoder, masked_lm, next_sentence = self._preset_with_heads()
        restored_encoder = AlbertEncoder.from_preset(path)
        restored_lm, restored_next = pretraining_heads.load(
            path, restored_encoder
        )
        self.assertIs(
            restored_lm.embedding_table, restored_encoder.get_embedding_table()
        )
        self.assertIs(restored_lm.activation, gelu_approximate)
        sequence = np.random.default_rng(3).normal(size=(2, 5, 8))
        positions = np.array([[0, 4], [1, 2]], dtype="int32")
        self.assertAllClose(
            restored_lm(sequence, masked_positions=positions),
            masked_lm(sequence, masked_positions=positions),
            atol=0,
            rtol=0,
        )
        pooled = sequence[:, 0]
        self.assertAllClose(
            restored_next(pooled), next_sentence(pooled), atol=0, rtol=0
        )

    def test_errors(self):
        path, _, _, _ = self._preset_with_heads()
        # An encoder with another vocabulary does not fit the heads.
        other = AlbertEncoder(**dict(TINY_ALBERT, vocab_size=21))
        with self.assertRaisesRegex(
            ValueError,
            r"`masked_lm/output_bias` has shape \[20\], but the weight "
            r"`masked_lm/output_bias` \[21\] needs \[21\]",
        ):
            pretraining_heads.load(path, other)
        os.remove(os.path.join(path, pretraining_heads.HEADS_FILE))
        with self.assertRaisesRegex(
            ValueError, r"holds no pretraining heads.*--with_mlm_head"
        ):
            pretraining_heads.load(path, AlbertEncoder(**TINY_ALBERT))
