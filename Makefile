# The two quickstart commands are `make serve` and `make test`.
.PHONY: install install-dev serve test lint typecheck ingest

HOST ?= 127.0.0.1
PORT ?= 8000

install:
	scripts/install.sh

install-dev:
	scripts/install.sh dev

ingest: install
	.venv/bin/copilot ingest

serve: ingest
	.venv/bin/copilot serve --host $(HOST) --port $(PORT)

test: install-dev
	.venv/bin/ruff check copilot tests
	.venv/bin/mypy
	.venv/bin/python -m pytest

lint:
	.venv/bin/ruff check copilot tests

typecheck:
	.venv/bin/mypy
