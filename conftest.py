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

"""Pytest configuration shared by every test in the repository.

The Keras backend is the one `KERAS_BACKEND` names (`tensorflow`, `jax` or
`torch`), TensorFlow by default. Under another backend only the modeling
tests (`keras_nlp/layers`, `keras_nlp/encoders`, `keras_nlp/models`) are
collected, and tests in them marked `tf_only` are deselected: tokenizers,
conversion and the examples are TensorFlow code.
"""

import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402

BACKENDS = ("tensorflow", "jax", "torch")
# The directories whose tests run under every backend.
MODELING_DIRECTORIES = (
    "keras_nlp/layers",
    "keras_nlp/encoders",
    "keras_nlp/models",
)
ROOT = pathlib.Path(__file__).parent


def pytest_addoption(parser):
    parser.addoption(
        "--run_large",
        action="store_true",
        default=False,
        help="Also run the tests marked `large` (subprocesses, XLA, "
        "multi-process); `bash shell/test.sh` and CI always do.",
    )


def pytest_configure(config):
    if keras.config.backend() not in BACKENDS:
        raise pytest.UsageError(
            f"KERAS_BACKEND={keras.config.backend()!r} is not tested. Set "
            f"it to one of {list(BACKENDS)}."
        )
    config.addinivalue_line(
        "markers",
        "large: a slow test (subprocess, XLA compilation, several "
        "processes); skipped unless `--run_large` is passed.",
    )
    config.addinivalue_line(
        "markers",
        "tf_only: a modeling test that needs TensorFlow (tf.data, "
        "tokenizers); deselected under the JAX and PyTorch backends.",
    )


def pytest_report_header(config):
    return f"keras backend: {keras.config.backend()}"


def _is_collected(path):
    """Whether `path` is, holds or lies in a modeling test directory."""
    path = pathlib.Path(path).resolve()
    for directory in MODELING_DIRECTORIES:
        directory = ROOT / directory
        if path.is_relative_to(directory) or (
            path.is_dir() and directory.is_relative_to(path)
        ):
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    """Under JAX or PyTorch, collects only the modeling tests."""
    if keras.config.backend() == "tensorflow":
        return None
    if collection_path.name == "conftest.py" or _is_collected(collection_path):
        return None
    return True


def pytest_collection_modifyitems(config, items):
    if keras.config.backend() != "tensorflow":
        # Paths named on the command line are collected even outside the
        # modeling directories: deselect those tests here.
        def runs_here(item):
            return "tf_only" not in item.keywords and _is_collected(item.path)

        selected = [item for item in items if runs_here(item)]
        deselected = [item for item in items if not runs_here(item)]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected
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
