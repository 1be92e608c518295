#!/usr/bin/env bash
# Create .venv and install mtqa into it. Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh dev
#
# torch comes from PyTorch's CPU index, given as an *extra* index: its CPU builds (2.13.0+cpu)
# sort above PyPI's CUDA build of the same release, so pip takes them. Where that index cannot
# be reached, pip installs what it can from the configured indexes (a local CPU wheel, or PyPI's
# build) instead of failing. torch only converts the models once; they run on CTranslate2.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
extras=${1:-}
torch_index=${MTQA_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
pip=(.venv/bin/python -m pip install -q)
if .venv/bin/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/torch/', timeout=10)" \
    "$torch_index" 2>/dev/null; then
  pip+=(--extra-index-url "$torch_index")
else
  echo "scripts/setup.sh: $torch_index cannot be reached; torch comes from the configured indexes" >&2
fi
"${pip[@]}" "torch==${MTQA_TORCH_VERSION:-2.13.0}"
"${pip[@]}" -e ".${extras:+[$extras]}"
