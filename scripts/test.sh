#!/usr/bin/env bash
# Set up everything the tests need (Python packages, and Chromium and WordNet where root can install them),
# then run them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev,ray
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null \
      || echo "scripts/test.sh: could not install chromium; browser tests will be skipped" >&2
  fi
fi
if [ ! -f /usr/share/wordnet/index.noun ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  # WordNet for the near-synonyms of the word-level test (mtqa.text.thesaurus)
  { apt-get update -qq && apt-get install -y -qq wordnet-base >/dev/null; } \
    || echo "scripts/test.sh: could not install wordnet-base; the installed-WordNet test will be skipped" >&2
fi
if ! command -v msgfmt >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  # GNU gettext's msgfmt: the format-string tests check their expectations against it
  { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; } \
    || echo "scripts/test.sh: could not install gettext; the msgfmt comparison will be skipped" >&2
fi
.venv/bin/ruff check .
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
