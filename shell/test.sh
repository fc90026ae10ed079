#!/usr/bin/env bash
# Installs keras_nlp with its pinned dependencies (and the JAX and PyTorch
# backends) into a fresh virtualenv, lints the code, runs the whole test
# suite on TensorFlow, then the modeling tests (layers, encoders, models) on
# JAX and on PyTorch. Extra arguments go to every pytest run.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${KERAS_NLP_VENV:-.venv}"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r requirements.txt
"$venv/bin/python" -m pip install --quiet -r requirements-backends.txt
"$venv/bin/python" -m pip install --quiet --no-deps -e .
PATH="$(pwd)/$venv/bin:$PATH" bash shell/lint.sh

echo "=== KERAS_BACKEND=tensorflow: the whole suite"
KERAS_BACKEND=tensorflow "$venv/bin/python" -m pytest -n 2 --run_large "$@"

modeling=()
for directory in keras_nlp/layers keras_nlp/encoders keras_nlp/models; do
  [ -d "$directory" ] && modeling+=("$directory")
done
for backend in jax torch; do
  echo "=== KERAS_BACKEND=$backend: ${modeling[*]}"
  status=0
  KERAS_BACKEND="$backend" "$venv/bin/python" -m pytest -n 2 --run_large \
    "${modeling[@]}" "$@" || status=$?
  # Exit code 5 (nothing collected) only happens when the extra arguments
  # select TensorFlow-only tests, which the TensorFlow run has covered.
  if [ "$status" -ne 0 ] && { [ "$status" -ne 5 ] || [ "$#" -eq 0 ]; }; then
    exit "$status"
  fi
done
