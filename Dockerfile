# Agent Copilot API on embedded defaults (embedded Chroma, m3e-small on ONNX Runtime, no LLM).
# The install steps are scripts/install.sh, the same script `make serve` and CI run.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHON=python3.11 \
    HF_HUB_OFFLINE=1 COPILOT_SERVER__HOST=0.0.0.0
RUN apt-get update && apt-get install -y --no-install-recommends make curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 copilot
WORKDIR /app
COPY --chown=copilot:copilot . /app
USER copilot
RUN scripts/install.sh && .venv/bin/copilot ingest
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s CMD curl -fs http://127.0.0.1:8000/readyz || exit 1
CMD [".venv/bin/copilot", "serve"]
