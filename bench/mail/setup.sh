#!/usr/bin/env bash
# Peer tools for the mail bench, each in its own venv beside bench/ (never in the project's .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in checkdmarc trustymail; do
  if [ ! -x ".venv-$tool/bin/$tool" ]; then
    python3 -m venv ".venv-$tool"
    ".venv-$tool/bin/pip" install -q "$tool"
  fi
  echo "$tool $(".venv-$tool/bin/$tool" --version 2>&1 | tail -1)"
done
