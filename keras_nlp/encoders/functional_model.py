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

"""The `keras.Model` base shared by the encoders and the task models."""

import keras

from keras_nlp.encoders import input_checks
from keras_nlp.encoders.inputs import INPUT_NAMES


class FunctionalModel(keras.Model):
    """A functional model over encoder inputs (internal).

    Adds what the encoders and the task models both need: layers may be
    set as attributes before the functional constructor runs (under the
    torch backend a `keras.Model` is a `torch.nn.Module`, which otherwise
    refuses them), and in-memory `fit`/`evaluate`/`predict` data is checked
    once, up front (ids in range, the expected keys and shapes), because a
    compiled step cannot raise on tensor values. Datasets and generators
    are checked batch by batch only where the step runs eagerly.

    Subclasses name the encoder whose inputs they take in
    `_checked_encoder()`.
    """

    def __setattr__(self, name, value):
        # The functional graph tracks the layers set under
        # `# === Layers ===`, so they are set plainly until `__init__`.
        if keras.config.backend() == "torch" and "_modules" not in vars(self):
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    def fit(self, x=None, *args, **kwargs):
        self._check_data(x)
        validation_data = kwargs.get("validation_data")
        if isinstance(validation_data, tuple):
            # `(x, y)` or `(x, y, sample_weight)`.
            self._check_data(validation_data[0])
        return super().fit(x, *args, **kwargs)

    def evaluate(self, x=None, *args, **kwargs):
        self._check_data(x)
        return super().evaluate(x, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        self._check_data(x)
        return super().predict(x, *args, **kwargs)

    def _checked_encoder(self):
        raise NotImplementedError

    def _check_data(self, data):
        # Extra dict keys (such as `masked_lm_positions`) are ignored.
        if isinstance(data, dict) or (
            isinstance(data, (list, tuple)) and len(data) == len(INPUT_NAMES)
        ):
            encoder = self._checked_encoder()
            input_checks.standardize_encoder_inputs(data, encoder)
