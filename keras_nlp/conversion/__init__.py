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

"""Loading pretrained weights from the formats other projects ship them in."""

from keras_nlp.conversion import vocabulary_sources
from keras_nlp.conversion.formats import convert_to_preset
from keras_nlp.conversion.formats import detect_format
from keras_nlp.conversion.formats import load_checkpoint
from keras_nlp.conversion.formats import register_format
from keras_nlp.conversion.formats import write_preset
from keras_nlp.conversion.loaded_checkpoint import LoadedCheckpoint
from keras_nlp.conversion.pretraining_heads import load_pretraining_heads
from keras_nlp.conversion.tfhub_export import export_tfhub
from keras_nlp.conversion.tfhub_saved_model import load_tfhub_encoder
from keras_nlp.conversion.tfhub_saved_model import load_tfhub_tokenizer
from keras_nlp.conversion.tfhub_saved_model import load_tfhub_weights
from keras_nlp.conversion.tokenizer_settings import read_tokenizer_settings
from keras_nlp.conversion.weight_plan import Transform
from keras_nlp.conversion.weight_plan import WeightPlan
