#!/usr/bin/env bash
# Checks formatting, style, license headers and the layering rules.
# Each failing check prints the command that fixes it.
set -uo pipefail
source "$(dirname "$0")/common.sh"
status=0

if ! isort --check --quiet "${paths[@]}"; then
  echo "isort: imports are not sorted. Fix with: bash shell/format.sh"
  status=1
fi
if ! black --check --quiet "${paths[@]}"; then
  echo "black: files are not formatted. Fix with: bash shell/format.sh"
  status=1
fi
if ! flake8 "${paths[@]}"; then
  echo "flake8: fix the lines above by hand (bash shell/format.sh fixes layout)."
  status=1
fi

header_lines=$(wc -l < shell/copyright.txt)
for f in $(git ls-files --cached --others --exclude-standard -- '*.py'); do
  if ! head -n "$header_lines" "$f" | diff -q - shell/copyright.txt >/dev/null
  then
    echo "$f: missing the license header. Fix with: bash shell/format.sh"
    status=1
  fi
done

# Modeling code is backend-agnostic: keras and keras.ops only.
bad=$(grep -rnE '^\s*(import|from)\s+(tensorflow|tf_keras|keras\.src)\b' \
  keras_nlp/layers keras_nlp/encoders --include='*.py' \
  | grep -v '_test\.py:' || true)
if [ -n "$bad" ]; then
  echo "$bad"
  echo "keras_nlp/layers and keras_nlp/encoders must not import tensorflow," \
    "tf_keras or keras.src: use keras and keras.ops."
  status=1
fi

if [ "$status" -eq 0 ]; then
  echo "lint: clean"
fi
exit "$status"
