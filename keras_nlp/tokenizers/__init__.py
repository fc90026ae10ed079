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

"""Text preprocessing on tensorflow-text: tokenizers, packing, masking."""

from keras_nlp.tokenizers.bert_packer import BertPacker
from keras_nlp.tokenizers.bert_preprocessor import BertPreprocessor
from keras_nlp.tokenizers.compute_word_piece_vocabulary import (
    compute_word_piece_vocabulary,
)
from keras_nlp.tokenizers.masked_lm_mask_generator import MaskedLMMaskGenerator
from keras_nlp.tokenizers.sentence_piece_tokenizer import SentencePieceTokenizer
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer
