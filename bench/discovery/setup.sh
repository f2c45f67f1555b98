#!/usr/bin/env bash
# Install the peers apart from the project: dnsrecon and fierce from Debian. Run with the lab DOWN (while it is
# up the package mirrors are unreachable, docs/LAB.md).
set -euo pipefail
missing=()
command -v dnsrecon >/dev/null 2>&1 || missing+=(dnsrecon)
command -v fierce >/dev/null 2>&1 || missing+=(fierce)
if ((${#missing[@]})); then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "dnsrecon: $(command -v dnsrecon)"
echo "fierce: $(command -v fierce)"
