# The two commands of the README. Both bootstrap first (idempotent, quick the second time).
.PHONY: demo test bootstrap lint clean

demo: bootstrap
	.venv/bin/domeinwacht demo

test: bootstrap
	scripts/test.sh

bootstrap:
	scripts/bootstrap.sh

lint: bootstrap
	scripts/test.sh --lint-only

clean:
	rm -rf .venv var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
