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

"""Tests for the checkpoints' tokenizers, read by the `from_preset`s."""

import io
import os
import shutil
import tempfile
import unicodedata

import sentencepiece

from keras_nlp.conversion import testing_checkpoints as checkpoints
from keras_nlp.conversion import vocabulary_sources
from keras_nlp.conversion.formats import convert_to_preset
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.bert_preprocessor import BertPreprocessor
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer
from keras_nlp.tokenizers.tokenizer import vocabulary_sources as registered
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer

# The testing vocabulary with two cased tokens, at ids 28 and 29.
CASED_VOCABULARY = checkpoints.VOCABULARY[:28] + ["The", "Fox"]
TEXT = "The Fox jumped"
# [CLS] the fox jump ##ed [SEP] and [CLS] The Fox jump ##ed [SEP].
UNCASED_IDS = [2, 5, 8, 9, 10, 3]
CASED_IDS = [2, 28, 29, 9, 10, 3]

SP_CORPUS = [
    "The Quick Brown Fox jumped over the lazy dog",
    "the quick brown fox JUMPED OVER THE LAZY DOG",
    "Café naïve résumé Ångström",
    "cafe naive resume angstrom",
]
SP_TEXTS = ["The  QUICK Café", "Ångström naïve ``fox''", "lazy DOG"]


def reference_preprocess(text, lowercase, strip_accents):
    """ALBERT's `preprocess_text` (with Hugging Face's quote mapping)."""
    text = " ".join(text.strip().split())
    text = text.replace("``", '"').replace("''", '"')
    if strip_accents:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    return text.lower() if lowercase else text


def _train_sentence_piece():
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(SP_CORPUS * 3),
        model_writer=model,
        vocab_size=60,
        hard_vocab_limit=False,
        pad_id=0,
        unk_id=1,
        bos_id=-1,
        eos_id=-1,
        user_defined_symbols=["[CLS]", "[SEP]", "[MASK]"],
        character_coverage=1.0,
        minloglevel=2,
    )
    return model.getvalue()


class VocabularySourcesTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="keras_nlp_vocabulary_sources_")
        cls.proto = _train_sentence_piece()
        cls.reference = sentencepiece.SentencePieceProcessor(
            model_proto=cls.proto
        )
        bert = checkpoints.original_arrays("bert", checkpoints.TINY_BERT)
        albert = checkpoints.original_arrays("albert", checkpoints.TINY_ALBERT)
        cls.dirs = {}
        for name in ("cased_L-2_H-8_A-2", "uncased_L-2_H-8_A-2"):
            # Same (cased) vocabulary: the directory name decides.
            cls.dirs[name] = checkpoints.write_original_directory(
                os.path.join(cls.root, name),
                "bert",
                checkpoints.TINY_BERT,
                bert,
                vocabulary=CASED_VOCABULARY,
            )
        cls.dirs["albert"] = checkpoints.write_original_directory(
            os.path.join(cls.root, "albert_base"),
            "albert",
            checkpoints.TINY_ALBERT,
            albert,
        )
        cls._write_proto(cls.dirs["albert"], "30k-clean.model")
        hf_bert = checkpoints.huggingface_arrays(
            "bert", checkpoints.TINY_BERT, with_heads=False
        )
        cls.dirs["hf_bert"] = checkpoints.write_huggingface_directory(
            os.path.join(cls.root, "hf_bert"),
            "bert",
            checkpoints.TINY_BERT,
            hf_bert,
            tokenizer_config={"do_lower_case": False},
            vocabulary=CASED_VOCABULARY,
        )
        hf_albert = checkpoints.huggingface_arrays(
            "albert", checkpoints.TINY_ALBERT, with_heads=False
        )
        cls.dirs["hf_albert"] = checkpoints.write_huggingface_directory(
            os.path.join(cls.root, "hf_albert"),
            "albert",
            checkpoints.TINY_ALBERT,
            hf_albert,
            tokenizer_config={"do_lower_case": True, "keep_accents": True},
        )
        cls._write_proto(cls.dirs["hf_albert"], "spiece.model")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def _write_proto(cls, directory, name):
        # Replaces the placeholder model of `testing_checkpoints`.
        with open(os.path.join(directory, name), "wb") as model_file:
            model_file.write(cls.proto)

    def _expected_sentence_piece_ids(self, lowercase, strip_accents):
        cls_id, sep_id = self.reference.piece_to_id(["[CLS]", "[SEP]"])
        return [
            [cls_id]
            + self.reference.encode(
                reference_preprocess(text, lowercase, strip_accents)
            )
            + [sep_id]
            for text in SP_TEXTS
        ]

    def _word_ids(self, preprocessor, texts):
        outputs = preprocessor(texts)["input_word_ids"].numpy().tolist()
        pad_id = preprocessor.tokenizer.pad_token_id
        return [[i for i in row if i != pad_id] for row in outputs]

    def test_registered_at_import(self):
        names = [source.name for source in registered()]
        self.assertIn(vocabulary_sources.TFHUB_SOURCE, names)
        self.assertIn(vocabulary_sources.CHECKPOINT_SOURCE, names)
        # A TF Hub SavedModel is recognized before any directory layout.
        self.assertLess(
            names.index(vocabulary_sources.TFHUB_SOURCE),
            names.index(vocabulary_sources.CHECKPOINT_SOURCE),
        )

    def test_original_bert_checkpoints_casing(self):
        for name, expected in (
            ("cased_L-2_H-8_A-2", CASED_IDS),
            ("uncased_L-2_H-8_A-2", UNCASED_IDS),
        ):
            preprocessor = BertPreprocessor.from_preset(
                self.dirs[name], sequence_length=8
            )
            self.assertIsInstance(preprocessor.tokenizer, WordPieceTokenizer)
            self.assertEqual(
                preprocessor.tokenizer.lowercase, name.startswith("uncased")
            )
            self.assertEqual(self._word_ids(preprocessor, [TEXT]), [expected])
            tokenizer = WordPieceTokenizer.from_preset(self.dirs[name])
            self.assertAllEqual(tokenizer(TEXT), expected[1:-1])
        # Explicit arguments override the source's settings.
        tokenizer = WordPieceTokenizer.from_preset(
            self.dirs["cased_L-2_H-8_A-2"], lowercase=True
        )
        self.assertAllEqual(tokenizer(TEXT), UNCASED_IDS[1:-1])

    def test_huggingface_bert(self):
        preprocessor = BertPreprocessor.from_preset(self.dirs["hf_bert"])
        self.assertFalse(preprocessor.tokenizer.lowercase)
        self.assertEqual(self._word_ids(preprocessor, [TEXT]), [CASED_IDS])

    def test_original_albert_checkpoint(self):
        preprocessor = BertPreprocessor.from_preset(self.dirs["albert"])
        tokenizer = preprocessor.tokenizer
        self.assertIsInstance(tokenizer, SentencePieceTokenizer)
        # Released ALBERT models lower-case and strip accents.
        self.assertTrue(tokenizer.lowercase)
        self.assertTrue(tokenizer.strip_accents)
        self.assertEqual(
            self._word_ids(preprocessor, SP_TEXTS),
            self._expected_sentence_piece_ids(True, True),
        )
        self.assertEqual(
            SentencePieceTokenizer.from_preset(self.dirs["albert"])(
                SP_TEXTS
            ).to_list(),
            [
                ids[1:-1]
                for ids in self._expected_sentence_piece_ids(True, True)
            ],
        )
        with self.assertRaisesRegex(
            ValueError,
            "is a `spm.model` file, which WordPieceTokenizer does not read",
        ):
            WordPieceTokenizer.from_preset(self.dirs["albert"])

    def test_huggingface_albert_keep_accents(self):
        preprocessor = BertPreprocessor.from_preset(self.dirs["hf_albert"])
        self.assertTrue(preprocessor.tokenizer.lowercase)
        self.assertFalse(preprocessor.tokenizer.strip_accents)
        expected = self._expected_sentence_piece_ids(True, False)
        self.assertEqual(self._word_ids(preprocessor, SP_TEXTS), expected)
        # The settings differ from the original ALBERT's on this fixture.
        self.assertNotEqual(
            expected, self._expected_sentence_piece_ids(True, True)
        )

    def test_tokenizer_only_huggingface_directory(self):
        path = os.path.join(self.get_temp_dir(), "tokenizer_only")
        os.makedirs(path)
        shutil.copy(os.path.join(self.dirs["hf_albert"], "spiece.model"), path)
        shutil.copy(
            os.path.join(self.dirs["hf_albert"], "tokenizer_config.json"), path
        )
        self.assertTrue(vocabulary_sources.is_checkpoint_with_vocabulary(path))
        tokenizer = SentencePieceTokenizer.from_preset(path)
        self.assertTrue(tokenizer.lowercase)
        self.assertFalse(tokenizer.strip_accents)

    def test_source_and_converted_preset_agree(self):
        preset = os.path.join(self.get_temp_dir(), "preset")
        convert_to_preset(self.dirs["hf_albert"], preset)
        from_source = BertPreprocessor.from_preset(self.dirs["hf_albert"])
        from_preset = BertPreprocessor.from_preset(preset)
        self.assertEqual(
            from_preset.tokenizer.get_config()["strip_accents"], False
        )
        self.assertEqual(
            self._word_ids(from_preset, SP_TEXTS),
            self._word_ids(from_source, SP_TEXTS),
        )

    def test_detection(self):
        detect = vocabulary_sources.is_checkpoint_with_vocabulary
        for name in ("cased_L-2_H-8_A-2", "albert", "hf_bert", "hf_albert"):
            self.assertTrue(detect(self.dirs[name]), msg=name)
        self.assertFalse(detect(None))
        self.assertFalse(detect(os.path.join(self.root, "missing")))
        self.assertFalse(detect(self.root))
        # A bare `vocab.txt` is not a checkpoint: the tokenizers' defaults
        # apply (lower-casing), even for a vocabulary with cased tokens.
        bare = self.get_temp_dir()
        shutil.copy(
            os.path.join(self.dirs["cased_L-2_H-8_A-2"], "vocab.txt"), bare
        )
        self.assertFalse(detect(bare))
        self.assertTrue(WordPieceTokenizer.from_preset(bare).lowercase)
        # A keras_nlp preset keeps its own settings.
        with open(os.path.join(bare, "config.json"), "w") as config_file:
            config_file.write('{"preprocessor": {"lowercase": false}}')
        self.assertFalse(WordPieceTokenizer.from_preset(bare).lowercase)
