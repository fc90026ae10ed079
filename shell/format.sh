#!/usr/bin/env bash
# Formats the code in place: isort, black, then the license header.
set -euo pipefail
source "$(dirname "$0")/common.sh"
isort "${paths[@]}"
black "${paths[@]}"
header_lines=$(wc -l < shell/copyright.txt)
for f in $(git ls-files --cached --others --exclude-standard -- '*.py'); do
  if ! head -n "$header_lines" "$f" | diff -q - shell/copyright.txt >/dev/null; then
    { cat shell/copyright.txt; echo; cat "$f"; } > "$f.tmp" && mv "$f.tmp" "$f"
  fi
done
