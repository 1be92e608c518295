#!/usr/bin/env bash
# Create .venv and install mtqa into it. Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh dev
#
# torch comes from PyTorch's CPU index, given as an *extra* index: its CPU builds (2.13.0+cpu)
# sort above PyPI's CUDA build of the same release, so pip takes them wherever that index can be
# reached, and otherwise what it can install (a local CPU wheel, or PyPI's build) instead of
# failing. torch only converts the models once; they run on CTranslate2.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
extras=${1:-}
torch_index=${MTQA_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}
pip=(.venv/bin/python -m pip install -q --retries 1 --extra-index-url "$torch_index")
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
"${pip[@]}" "torch==${MTQA_TORCH_VERSION:-2.13.0}"
"${pip[@]}" -e ".${extras:+[$extras]}"
