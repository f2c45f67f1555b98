#!/usr/bin/env bash
# Install the peers apart from the project: testssl.sh from Debian, sslyze in its own venv (bench/.venv-sslyze).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v testssl >/dev/null 2>&1 && ! command -v testssl.sh >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends testssl.sh >/dev/null
fi
if [ ! -x .venv-sslyze/bin/sslyze ]; then
  python3 -m venv .venv-sslyze
  .venv-sslyze/bin/pip install -q sslyze
fi
echo "testssl: $(command -v testssl || command -v testssl.sh)"
echo "sslyze: $(.venv-sslyze/bin/sslyze --help >/dev/null && echo bench/.venv-sslyze/bin/sslyze)"
