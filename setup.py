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

"""Setup script for keras_nlp."""

import pathlib
import re

from setuptools import find_packages
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).parent
README = (HERE / "README.md").read_text(encoding="utf-8")
VERSION = re.search(
    r'^__version__ = "([^"]+)"',
    (HERE / "keras_nlp" / "__init__.py").read_text(encoding="utf-8"),
    re.MULTILINE,
).group(1)


class BuildPyWithoutTests(build_py):
    """Leaves the sibling `*_test.py` files out of the built package."""

    def find_package_modules(self, package, package_dir):
        modules = super().find_package_modules(package, package_dir)
        return [m for m in modules if not m[1].endswith("_test")]


setup(
    name="keras-nlp-bert",
    version=VERSION,
    description="Keras building blocks for BERT-family Transformer encoders.",
    long_description=README,
    long_description_content_type="text/markdown",
    license_expression="Apache-2.0",
    python_requires=">=3.10",
    # The test kit (keras_nlp.testing) and every test stay out of the wheel.
    packages=find_packages(
        exclude=("tests", "tests.*", "examples*", "keras_nlp.testing")
    ),
    cmdclass={"build_py": BuildPyWithoutTests},
    install_requires=[
        "keras>=3.10,<4",
        "numpy>=1.26",
        "tensorflow>=2.21,<2.22",
        "tensorflow-text>=2.21,<2.22",
        "tensorflow-datasets>=4.9",
        "tensorflow-hub>=0.16",
        "safetensors>=0.4",
        "absl-py>=2.0",
        "sentencepiece>=0.2",
        "requests>=2.28",
        "tqdm>=4.60",
    ],
    extras_require={
        "tests": [
            "pytest",
            "pytest-xdist",
            "hypothesis",
            "black",
            "isort",
            "flake8",
        ],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
