# Sourced by format.sh and lint.sh: the paths they check and the tools.
# Uses the project virtualenv's tools when it exists (shell/test.sh makes it).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv="${KERAS_NLP_VENV:-.venv}"
if [ -x "$venv/bin/black" ]; then
  PATH="$(pwd)/$venv/bin:$PATH"
fi
for tool in isort black flake8; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool was not found. Install the pinned tools with" \
      "'bash shell/test.sh' (creates $venv) or" \
      "'pip install -r requirements.txt'."
    exit 1
  fi
done
paths=()
for path in keras_nlp examples tools tests benchmarks setup.py conftest.py; do
  [ -e "$path" ] && paths+=("$path")
done
