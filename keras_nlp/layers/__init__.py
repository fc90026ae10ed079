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

"""Modeling layers for Transformer encoders (keras and keras.ops only)."""

from keras_nlp.layers.gelu_approximate import gelu_approximate
from keras_nlp.layers.masked_lm import MaskedLM
from keras_nlp.layers.on_device_embedding import OnDeviceEmbedding
from keras_nlp.layers.position_embedding import PositionEmbedding
from keras_nlp.layers.self_attention_mask import SelfAttentionMask
from keras_nlp.layers.transformer_encoder import TransformerEncoder
