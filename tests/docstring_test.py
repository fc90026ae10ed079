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

"""Runs the `Example:` code blocks in every public docstring."""

import inspect
import re

import keras
import numpy as np
import pytest

import keras_nlp

_CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
_SUBPACKAGES = (
    "layers",
    "encoders",
    "models",
    "tokenizers",
    "conversion",
    "presets",
)


def _public_objects():
    for package_name in _SUBPACKAGES:
        package = getattr(keras_nlp, package_name)
        for name in sorted(dir(package)):
            if name.startswith("_"):
                continue
            obj = getattr(package, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"keras_nlp.{package_name}.{name}", obj


def _examples():
    for path, obj in _public_objects():
        docs = [inspect.getdoc(obj) or ""]
        if inspect.isclass(obj):
            for attr_name, attr in vars(obj).items():
                if not attr_name.startswith("_") and callable(attr):
                    docs.append(inspect.getdoc(attr) or "")
        for doc in docs:
            for index, block in enumerate(_CODE_BLOCK.findall(doc)):
                yield pytest.param(block, id=f"{path}[{index}]")


def test_every_public_class_has_an_example():
    missing = [
        path
        for path, obj in _public_objects()
        if inspect.isclass(obj)
        and not _CODE_BLOCK.search(inspect.getdoc(obj) or "")
    ]
    assert not missing, f"Public classes without a docstring example: {missing}"


@pytest.mark.parametrize("code", list(_examples()))
def test_docstring_example_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"np": np, "keras": keras, "keras_nlp": keras_nlp}
    exec(compile(code, "<docstring>", "exec"), namespace)
