#!/usr/bin/env bash
# Installs keras_nlp with its pinned dependencies into a fresh virtualenv,
# lints the code and runs the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${KERAS_NLP_VENV:-.venv}"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r requirements.txt
"$venv/bin/python" -m pip install --quiet --no-deps -e .
PATH="$(pwd)/$venv/bin:$PATH" bash shell/lint.sh
"$venv/bin/python" -m pytest -n 2 --run_large "$@"
