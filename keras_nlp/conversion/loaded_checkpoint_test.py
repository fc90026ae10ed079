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

import inspect
import os
import re

import keras
import numpy as np

import keras_nlp
from keras_nlp.conversion import loaded_checkpoint
from keras_nlp.conversion.loaded_checkpoint import LoadedCheckpoint
from keras_nlp.testing.test_case import TestCase


class LoadedCheckpointTest(TestCase):
    def test_docstring_example_runs(self):
        self.addCleanup(os.chdir, os.getcwd())
        os.chdir(self.get_temp_dir())
        blocks = re.findall(
            r"```python\n(.*?)```", inspect.getdoc(LoadedCheckpoint), re.DOTALL
        )
        self.assertLen(blocks, 1)
        exec(blocks[0], {"np": np, "keras": keras, "keras_nlp": keras_nlp})

    def test_invalid_config_is_an_error(self):
        with self.assertRaisesRegex(
            ValueError,
            r"The config from my_config\.json does not describe a valid "
            r"BertEncoder.*`hidden_size` \(10\) must be divisible",
        ):
            _load_tiny_bert(hidden_size=10, num_attention_heads=3)

    def test_config_overrides_replace_the_config(self):
        with self.assertRaisesRegex(
            ValueError,
            r"The config from my_config\.json with overrides "
            r"\['num_attention_heads'\] does not describe a valid "
            r"BertEncoder.*`hidden_size` \(8\) must be divisible",
        ):
            _load_tiny_bert(
                hidden_size=8,
                num_attention_heads=2,
                config_overrides={"num_attention_heads": 3},
            )


def _load_tiny_bert(hidden_size, num_attention_heads, config_overrides=None):
    """`load_into_encoder` on a one-layer BERT config and no sources."""
    return loaded_checkpoint.load_into_encoder(
        path="somewhere",
        source_format="test",
        source_description="the test source",
        family="bert",
        sources={},
        names=lambda role: (role, False),
        config={
            "vocab_size": 5,
            "hidden_size": hidden_size,
            "num_layers": 1,
            "num_attention_heads": num_attention_heads,
        },
        config_origin="my_config.json",
        config_overrides=config_overrides,
        skip_rules=[],
    )
