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

"""Tests of what every encoder shares: `.keras` files across backends."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from keras_nlp.testing.test_case import TestCase

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))

# Run as `python script.py LOAD_PREFIX SAVE_PREFIX` under one backend: loads
# the `.keras` files another backend saved (if LOAD_PREFIX is not "-") and
# records their outputs and weights, then builds, saves and records its own.
_SCRIPT = textwrap.dedent("""
    import sys

    import keras
    import numpy as np

    from keras_nlp.encoders import AlbertEncoder
    from keras_nlp.encoders import BertEncoder

    load_prefix, save_prefix = sys.argv[1], sys.argv[2]
    inputs = {
        "input_word_ids": np.array([[2, 7, 9, 3, 0], [5, 4, 3, 2, 1]]),
        "input_mask": np.array([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]]),
        "input_type_ids": np.array([[0, 0, 1, 1, 0], [0, 1, 1, 1, 1]]),
    }
    common = dict(
        vocab_size=20, hidden_size=8, num_layers=2, num_attention_heads=2,
        inner_dim=16, max_sequence_length=8, type_vocab_size=2,
    )
    encoders = {
        "bert": lambda: BertEncoder(**common),
        "albert": lambda: AlbertEncoder(embedding_width=4, **common),
    }

    def record(model, path):
        outputs = model(inputs)
        arrays = {
            name: keras.ops.convert_to_numpy(outputs[name])
            for name in ("sequence_output", "pooled_output")
        }
        for index, weight in enumerate(model.weights):
            arrays[f"weight_{index}"] = keras.ops.convert_to_numpy(weight)
        np.savez(path, **arrays)

    for name, build in encoders.items():
        if load_prefix != "-":
            loaded = keras.models.load_model(f"{load_prefix}_{name}.keras")
            record(loaded, f"{load_prefix}_{name}_loaded.npz")
        model = build()
        model.save(f"{save_prefix}_{name}.keras")
        record(model, f"{save_prefix}_{name}_saved.npz")
    """)


def _run(backend, script, load_prefix, save_prefix):
    environment = dict(
        os.environ,
        KERAS_BACKEND=backend,
        PYTHONPATH=ROOT,
        TF_CPP_MIN_LOG_LEVEL="3",
        CUDA_VISIBLE_DEVICES="",
    )
    result = subprocess.run(
        [sys.executable, script, load_prefix, save_prefix],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise AssertionError(
            f"The {backend} subprocess failed:\n{result.stderr[-3000:]}"
        )


@pytest.mark.large
@pytest.mark.skipif(
    keras.config.backend() != "tensorflow",
    reason="starts every backend itself: runs once, in the TensorFlow run",
)
class CrossBackendSavingTest(TestCase):
    def test_keras_files_load_on_every_other_backend(self):
        temp_dir = self.get_temp_dir()
        script = os.path.join(temp_dir, "round_trip.py")
        with open(script, "w") as file:
            file.write(_SCRIPT)
        # Each backend loads the file the previous one saved:
        # TensorFlow -> JAX -> PyTorch -> TensorFlow.
        chain = ("tensorflow", "jax", "torch", "tensorflow")
        previous = "-"
        for step, backend in enumerate(chain):
            prefix = os.path.join(temp_dir, f"{step}_{backend}")
            _run(backend, script, previous, prefix)
            previous = prefix
        for step in range(len(chain) - 1):
            saved_on, loaded_on = chain[step], chain[step + 1]
            for name in ("bert", "albert"):
                prefix = os.path.join(temp_dir, f"{step}_{saved_on}_{name}")
                saved = np.load(f"{prefix}_saved.npz")
                loaded = np.load(f"{prefix}_loaded.npz")
                self.assertEqual(sorted(saved), sorted(loaded))
                message = f"{name}: saved on {saved_on}, loaded on {loaded_on}"
                for key in saved:
                    if key.startswith("weight_"):
                        # The weights are the very same numbers.
                        np.testing.assert_array_equal(
                            loaded[key], saved[key], err_msg=message
                        )
                    else:
                        # Outputs differ only by float32 rounding.
                        self.assertAllClose(
                            loaded[key], saved[key], atol=1e-5, msg=message
                        )
