# The two quickstart commands are `make serve` and `make test`.
.PHONY: install install-dev serve test eval lint typecheck ingest

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

# Quality gates, just under the measured quality (suggest hit@3 0.925, check F1 0.783, near-miss FPR 0.015).
EVAL_GATES ?= --min-hit3 0.90 --min-f1 0.75 --max-fpr 0.05

test: install-dev
	.venv/bin/ruff check copilot tests bench
	.venv/bin/mypy
	.venv/bin/python -m pytest
	mkdir -p data/reports
	.venv/bin/copilot eval run eval/suites/*.jsonl $(EVAL_GATES) \
		--json data/reports/eval.json --junit data/reports/eval.xml --html data/reports/eval.html

eval:
	.venv/bin/copilot eval run eval/suites/*.jsonl $(EVAL_GATES) --ablate retrieval --ablate detectors --ablate embedding

lint:
	.venv/bin/ruff check copilot tests

typecheck:
	.venv/bin/mypy
