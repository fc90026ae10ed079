#!/usr/bin/env bash
# Installs keras_nlp with its pinned dependencies into a virtualenv and runs
# the package's main job. Extra arguments go to the job's script.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${KERAS_NLP_VENV:-.venv}"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r requirements.txt
"$venv/bin/python" -m pip install --quiet --no-deps -e .
"$venv/bin/python" -m examples.bert_classification.train "$@"
