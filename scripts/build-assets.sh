#!/usr/bin/env bash
# The public site's front-end packages (assets/package.json, pinned by assets/package-lock.json): installed from
# the npm registry with `npm ci` into assets/node_modules, and the CSS the pages use copied into assets/build/
# (served as static/vendor/ through Django's STATICFILES_DIRS). Idempotent: reinstalls only when the lock file
# changed. Nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/../assets"
stamp=node_modules/.domeinwacht-lock
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing the site's npm packages (NL Design System CSS, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > "$stamp"
fi
mkdir -p build
cp -u node_modules/@utrecht/design-tokens/dist/theme.css build/utrecht-theme.css
cp -u node_modules/@utrecht/component-library-css/dist/index.css build/utrecht-components.css
cp -u node_modules/axe-core/axe.min.js build/axe.min.js
