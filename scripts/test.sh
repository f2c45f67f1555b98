#!/usr/bin/env bash
# The whole suite: lint, types, then pytest on SQLite and again (the database tests) on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check src tests bench
ruff format --check src tests bench
echo "== mypy (core)"
mypy
[ "${1:-}" = "--lint-only" ] && exit 0

echo "== pytest (SQLite)"
pytest -p no:cacheprovider "$@"

if [ "${DOMEINWACHT_SKIP_POSTGRES:-0}" != 1 ]; then
  echo "== pytest (PostgreSQL): the database tests, in a fresh database dropped afterwards"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/domeinwacht_ci_$$"
  pytest -p no:cacheprovider -m "django_db or services" "$@"
fi
