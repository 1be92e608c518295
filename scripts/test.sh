#!/usr/bin/env bash
# Set up everything the tests need (Python packages, and Chromium where root can install it), lint with ruff
# ([tool.ruff] in pyproject.toml), then run the tests. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev,ray
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null \
      || echo "scripts/test.sh: could not install chromium; browser tests will be skipped" >&2
  fi
fi
.venv/bin/ruff check .
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
