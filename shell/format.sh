#!/usr/bin/env bash
# Formats the code in place: isort, black, then the license header.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=()
for path in keras_nlp examples tools tests benchmarks setup.py conftest.py; do
  [ -e "$path" ] && paths+=("$path")
done
isort "${paths[@]}"
black "${paths[@]}"
header_lines=$(wc -l < shell/copyright.txt)
for f in $(git ls-files --cached --others --exclude-standard -- '*.py'); do
  if ! head -n "$header_lines" "$f" | diff -q - shell/copyright.txt >/dev/null; then
    { cat shell/copyright.txt; echo; cat "$f"; } > "$f.tmp" && mv "$f.tmp" "$f"
  fi
done
