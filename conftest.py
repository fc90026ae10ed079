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

"""Pytest configuration shared by every test in the repository."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--run_large",
        action="store_true",
        default=False,
        help="Also run the tests marked `large` (subprocesses, XLA, "
        "multi-process); `bash shell/test.sh` and CI always do.",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "large: a slow test (subprocess, XLA compilation, several "
        "processes); skipped unless `--run_large` is passed.",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run_large"):
        return
    skip = pytest.mark.skip(reason="large test: pass --run_large to run it")
    for item in items:
        if "large" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def reset_keras_state():
    """Gives every test the same seed and the default dtype policy."""
    keras.utils.set_random_seed(1337)
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")
