#!/usr/bin/env bash
# The whole suite: lint, types, then pytest on SQLite and again (the database tests) on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

lint_dirs=()
for d in src tests bench; do [ -d "$d" ] && lint_dirs+=("$d"); done
echo "== ruff"
ruff check "${lint_dirs[@]}"
ruff format --check "${lint_dirs[@]}"
echo "== mypy (strict, everything but migrations)"
mypy
echo "== import-linter (the layers of docs/ARCHITECTURE.md)"
lint-imports --no-cache
[ "${1:-}" = "--lint-only" ] && exit 0

echo "== pytest (SQLite)"
pytest -p no:cacheprovider --ignore=tests/demo --ignore=tests/discovery_lab "$@"

echo "== discovery on the lab's discovery scenario (its own lab bring-up)"
DOMEINWACHT_LAB_SCENARIO=discovery pytest -p no:cacheprovider tests/discovery_lab "$@"

echo "== the demo, end to end (brings the lab up with its own scenario, so it runs on its own)"
pytest -p no:cacheprovider tests/demo "$@"

if [ "${DOMEINWACHT_SKIP_POSTGRES:-0}" != 1 ]; then
  echo "== pytest (PostgreSQL): the database tests, in a fresh database dropped afterwards"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/domeinwacht_ci_$$"
  rc=0
  pytest -p no:cacheprovider --ignore=tests/demo --ignore=tests/discovery_lab -m "django_db or services" "$@" || rc=$?
  # 5 = no test selected: only possible before any database test exists.
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then exit "$rc"; fi
fi
