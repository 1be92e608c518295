#!/usr/bin/env bash
# Create .venv and install mtqa into it. Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh dev
# torch is installed first, pinned to the CPU build: an unpinned torch pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
extras=${1:-}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q "torch==${MTQA_TORCH_VERSION:-2.13.0}"
.venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
