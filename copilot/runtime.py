"""Wire knowledge, embedder, Chroma and retrieval into one ready-to-serve object."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from copilot.ask.service import AskService
from copilot.check.rules import load_rules
from copilot.check.service import CheckService
from copilot.compose.service import ComposeService
from copilot.embedding import Embedder, create_embedder
from copilot.index.indexer import SyncReport, open_collection, sync_collection
from copilot.index.store import ChromaClient, ChromaCollection, collection_name, create_client
from copilot.knowledge import Knowledge, load_knowledge
from copilot.llm.loop import open_llm
from copilot.qa.service import QAService
from copilot.retrieve.rerank import create_reranker
from copilot.retrieve.retriever import HybridRetriever
from copilot.settings import Settings, apply_process_environment
from copilot.suggest.conversation import load_policy
from copilot.suggest.matcher import load_matcher
from copilot.suggest.own import own_situations
from copilot.suggest.recogniser import load_recogniser
from copilot.suggest.service import SuggestService
from copilot.train.build import checker_model

Progress = Callable[[str, int, int], None]  # (stage, advance, total)


@dataclass
class Copilot:
    settings: Settings
    knowledge: Knowledge
    embedder: Embedder
    collection: ChromaCollection
    retriever: HybridRetriever
    suggest: SuggestService
    check: CheckService
    compose: ComposeService
    ask: AskService
    qa: QAService
    sync_report: SyncReport
    timings: dict[str, float]

    @classmethod
    def build(cls, settings: Settings, progress: Progress | None = None, *, client: ChromaClient | None = None,
              embedder: Embedder | None = None, seed: ChromaCollection | None = None) -> Copilot:
        """`client` and `embedder` are shared when given; `seed` is a collection to copy known vectors from."""
        apply_process_environment(settings)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        knowledge = load_knowledge(settings.paths)
        timings["knowledge_s"] = time.perf_counter() - started
        mark = time.perf_counter()
        embedder = embedder or create_embedder(settings.embedding)
        timings["embedder_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        client = client if client is not None else create_client(settings)
        collection = open_collection(
            client, collection_name(settings.vector_store.collection_prefix, embedder.name), embedder
        )
        total = len(knowledge.index_documents)
        report = sync_collection(
            collection, knowledge.index_documents, embedder,
            batch_size=settings.embedding.batch_size,
            progress=(lambda n: progress("index", n, total)) if progress else None, seed=seed,
        )
        timings["index_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        retriever = HybridRetriever(knowledge.index_documents, collection, embedder, settings.retrieval,
                                    reranker=create_reranker(settings.retrieval))
        timings["bm25_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        rules = load_rules(knowledge, settings.paths.checker_path)
        model = checker_model(settings, embedder) if "semantic" in settings.check.detectors else None
        checker = CheckService(rules, model, settings.check)
        qa = QAService.build(knowledge, settings.paths.scorecards_dir, checker)
        timings["checker_s"] = time.perf_counter() - mark
        llm = open_llm(settings, embedder)  # one chat model, shared by compose and ask
        ask = AskService.build(settings, knowledge.rulebook, retriever, embedder, checker, llm)
        recogniser = load_recogniser(settings.suggest.recogniser_dir, embedder.name)
        # the matcher reads only a customer's own situations: loaded once one is approved
        uploaded = own_situations(knowledge.rulebook, settings.suggest, recogniser is not None)
        matcher = load_matcher(settings.suggest.situations_dir, embedder.name) if uploaded else None
        service = SuggestService(knowledge.rulebook, retriever, settings.suggest, recogniser,
                                 load_policy(settings.paths.conversation_path), matcher)
        compose = ComposeService.build(settings, knowledge.rulebook, service, checker, llm)
        timings["total_s"] = time.perf_counter() - started
        return cls(settings, knowledge, embedder, collection, retriever, service, checker, compose, ask, qa, report,
                   timings)
