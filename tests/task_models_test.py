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

"""End to end: raw text -> `BertPreprocessor` in tf.data -> task models."""

import os

import keras
import numpy as np
import tensorflow as tf

import keras_nlp
from keras_nlp.models import BertClassifier
from keras_nlp.models import BertSpanLabeler
from keras_nlp.testing.test_case import TestCase

VOCABULARY = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "the", "quick", "brown", "fox", "jump", "##ed", ".", "slow", "dog",
]  # fmt: skip
TEXTS = ["The quick fox jumped.", "The slow dog.", "quick brown", "dog"]
LABELS = [1, 0, 1, 0]


def _encoder():
    return keras_nlp.encoders.BertEncoder(
        vocab_size=len(VOCABULARY),
        hidden_size=8,
        num_layers=2,
        num_attention_heads=2,
        inner_dim=16,
        max_sequence_length=8,
        type_vocab_size=2,
    )


def _preprocessor():
    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(VOCABULARY)
    return keras_nlp.tokenizers.BertPreprocessor(tokenizer, sequence_length=8)


class TaskModelsEndToEndTest(TestCase):
    def test_classifier_from_raw_text(self):
        preprocessor = _preprocessor()
        dataset = (
            tf.data.Dataset.from_tensor_slices((TEXTS, LABELS))
            .batch(2)
            .map(lambda text, label: (preprocessor(text), label))
        )
        path = os.path.join(self.get_temp_dir(), "preset")
        _encoder().save_to_preset(path, tokenizer=preprocessor.tokenizer)
        classifier = BertClassifier.from_preset(path, num_classes=2)
        classifier.compile()
        history = classifier.fit(dataset, epochs=2, verbose=0)
        self.assertLen(history.history["loss"], 2)
        predictions = classifier.predict(dataset, verbose=0)
        self.assertEqual(predictions.shape, (4, 2))

        model_path = os.path.join(self.get_temp_dir(), "classifier.keras")
        classifier.save(model_path)
        restored = keras.models.load_model(model_path, safe_mode=True)
        self.assertAllClose(
            restored.predict(dataset, verbose=0), predictions, atol=1e-6
        )
        result = restored.evaluate(dataset, return_dict=True, verbose=0)
        self.assertIn("sparse_categorical_accuracy", result)

    def test_span_labeler_on_question_context_pairs(self):
        preprocessor = _preprocessor()
        inputs = preprocessor(
            (tf.constant(["the fox", "the dog"]), tf.constant(["quick", "."]))
        )
        inputs = {key: np.asarray(value) for key, value in inputs.items()}
        labeler = BertSpanLabeler(_encoder())
        labeler.compile()
        # The answer is the first context token, after "[CLS] q q [SEP]".
        labels = {"start_logits": np.array([4, 4]), "end_logits": [4, 4]}
        labels = {key: np.asarray(value) for key, value in labels.items()}
        history = labeler.fit(inputs, labels, epochs=2, verbose=0)
        self.assertTrue(np.all(np.isfinite(history.history["loss"])))
        outputs = labeler.predict(inputs, verbose=0)
        self.assertEqual(outputs["start_logits"].shape, (2, 8))
