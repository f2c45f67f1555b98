#!/usr/bin/env bash
# Peer tools for the measurement bench, each in its own venv beside bench/ (never in the project's .venv):
# pshtt (HTTPS/HSTS), trustymail (mail: SPF/DMARC/STARTTLS), sslyze (TLS). trustymail's venv is shared with
# bench/mail (same tool, same version pin-free install). Note: pip resolves pshtt 0.6.6, which imports the
# sslyze 2.x API and fails with sslyze 6 (see README.md); pshtt is reported as not runnable then.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in pshtt trustymail sslyze; do
  if [ ! -x ".venv-$tool/bin/$tool" ] && [ ! -x ".venv-$tool/bin/python" -o ! -f ".venv-$tool/.installed" ]; then
    python3 -m venv ".venv-$tool"
    ".venv-$tool/bin/pip" install -q "$tool"
    touch ".venv-$tool/.installed"
  fi
  echo "$tool $(".venv-$tool/bin/pip" show "$tool" 2>/dev/null | awk '/^Version/ {print $2}')"
done
