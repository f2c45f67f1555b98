#!/usr/bin/env bash
# Idempotent set-up: Debian packages (only when missing), .venv, the project and its dev tools.
# Safe to run again; a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the project needs: the lab's real servers and tools, and the peers' CLI tools.
APT_PACKAGES=(
  iproute2 iptables procps psmisc openssl ca-certificates
  knot knot-dnsutils unbound bind9-dnsutils ldnsutils gnutls-bin
  nginx-light postfix
  libnetfilter-queue-dev
  curl gnupg
  chromium poppler-utils nodejs gettext   # browser tests (Playwright drives Debian's chromium), PDF pages, the static-asset build (npm: in nodejs, or Debian's npm below), compilemessages (gettext)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: need root to install Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string lab.test" | debconf-set-selections
  apt-get update -qq >/dev/null
  # Debian's packages start their default services; the lab runs its own instances, so keep them off.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $PY"
  "$PY" -m venv .venv
fi
stamp=.venv/.domeinwacht-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing the project into .venv"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  # A failed install must stop here (not leave a stamp that says "installed"): while the lab is up the package
  # mirrors are unreachable (docs/LAB.md).
  if ! .venv/bin/python -m pip install -q -e '.[dev]' > .venv/pip.log 2>&1; then
    grep -v "^WARNING: Location" .venv/pip.log >&2 || true
    echo "bootstrap: pip install failed (is the lab up? its routes hide the package mirrors)" >&2
    exit 1
  fi
  .venv/bin/python -c "import domeinwacht, django, dns, httpx" 
  echo "$want" > "$stamp"
fi

# The public site's CSS (NL Design System) and axe-core, from the npm registry; see scripts/build-assets.sh.
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: need root to install Debian's npm" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
scripts/build-assets.sh

# Compiled translations (Debian's gettext): each .po whose .mo is missing or older.
for po in src/domeinwacht/web/*/locale/*/LC_MESSAGES/django.po; do
  [ -e "$po" ] || continue
  mo=${po%.po}.mo
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then msgfmt --check-format -o "$mo" "$po"; fi
done
