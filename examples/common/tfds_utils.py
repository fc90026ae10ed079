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

"""TFDS builders by name, with the close matches of a misspelled name."""

import difflib

LIST_COMMAND = (
    'python -c "import tensorflow_datasets as tfds; '
    'print(tfds.list_builders())"'
)
CATALOG_URL = "https://www.tensorflow.org/datasets/catalog"


def builder(name, data_dir=None, flag="dataset"):
    """`tfds.builder(name)`, raising a clear `ValueError` for unknown names.

    The dataset and config names are checked against TFDS's registry of
    builders, which needs no network, before anything is loaded.

    Args:
        name: str. `dataset`, `dataset/config` or either with `:version`.
        data_dir: str or None. The TFDS data directory.
        flag: str. The flag that named the dataset, for the messages.

    Raises:
        ValueError: if the dataset or its config does not exist; the
            message lists the close matches and how to list every name.
    """
    import tensorflow_datasets as tfds

    received = f"Received: {flag}='tfds:{name}'."
    dataset_name, _, config_name = name.split(":")[0].partition("/")
    known = tfds.list_builders(with_community_datasets=False)
    if dataset_name not in known:
        matches = [
            f"tfds:{match}"
            for match in difflib.get_close_matches(dataset_name, known, n=5)
        ]
        hint = (
            f"Did you mean {_or_list(matches)}? "
            if matches
            else "There is no close match. "
        )
        raise ValueError(
            f"Unknown TFDS dataset {dataset_name!r}. {received} {hint}"
            f"List every name with `{LIST_COMMAND}`, or see {CATALOG_URL}."
        )
    configs = [
        config.name
        for config in (
            getattr(tfds.builder_cls(dataset_name), "BUILDER_CONFIGS", None)
            or []
        )
    ]
    if config_name and configs and config_name not in configs:
        matches = [
            f"tfds:{dataset_name}/{match}"
            for match in difflib.get_close_matches(config_name, configs, n=5)
        ]
        hint = f"Did you mean {_or_list(matches)}? " if matches else ""
        raise ValueError(
            f"The TFDS dataset {dataset_name!r} has no config "
            f"{config_name!r}. {received} {hint}Its configs are "
            f"{', '.join(configs)}: pass tfds:{dataset_name}/CONFIG."
        )
    try:
        return tfds.builder(name, data_dir=data_dir)
    except ValueError as error:  # DatasetNotFoundError is one.
        first_line = str(error).strip().splitlines()[0]
        raise ValueError(
            f"TFDS cannot build {name!r}: {first_line} {received} See "
            f"{CATALOG_URL}/{dataset_name} for its configs and versions."
        ) from None


def _or_list(names):
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]
