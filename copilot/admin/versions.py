"""Knowledge versions kept in Chroma itself, so every replica sharing a Chroma server sees the same ones.

A version is a bundle of files (`sources/*.txt`, `rulebook/*.yaml`, `checker.yaml`, `scorecards/*.yaml`),
stored as records of one collection (`<prefix>-knowledge`): one record per file, one per version (its description)
and one pointer (`active`). The vectors of each version live in their own collection; switching is one upsert of
the pointer.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from copilot.errors import KnowledgeInvalid, NotFound
from copilot.index.store import ChromaClient

POINTER = "active"
BUNDLE_GLOBS = ("sources/*.txt", "rulebook/*.yaml", "checker.yaml", "scorecards/*.yaml")
_NO_VECTOR = [0.0]  # records of this collection are looked up by id, never by similarity


@dataclass(frozen=True)
class VersionInfo:
    version: str
    created: str
    note: str
    files: int
    active: bool = False


def bundle_from_dir(directory: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for pattern in BUNDLE_GLOBS:
        for path in sorted(directory.glob(pattern)):
            files[path.relative_to(directory).as_posix()] = path.read_text(encoding="utf-8")
    return files


def bundle_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    return digest.hexdigest()[:10]


class VersionStore:
    def __init__(self, client: ChromaClient, prefix: str) -> None:
        self._collection = client.get_or_create_collection(name=f"{prefix}-knowledge", embedding_function=None)

    def active(self) -> str | None:
        found = self._collection.get(ids=[POINTER], include=["metadatas"])
        return str(found["metadatas"][0]["version"]) if found["ids"] else None

    def ensure_seeded(self, directory: Path) -> str:
        """The shipped knowledge folder seeds the versions: with no active version, or when the active one is an
        older seed (a new release shipped new standards), it becomes the active version. A version an admin
        made stays active. The seed's id is its content hash, so replicas starting together agree."""
        files = bundle_from_dir(directory)
        if not any(path.startswith("sources/") for path in files):
            raise KnowledgeInvalid(f"no documents in {directory / 'sources'}", {"folder": str(directory)})
        seed = f"seed-{bundle_hash(files)}"
        current = self.active()
        if current is not None and (current == seed or not current.startswith("seed-")):
            return current
        self.save(seed, files, note=f"shipped knowledge ({directory.name}/)")
        self.activate(seed)
        return seed

    def save(self, version: str, files: dict[str, str], note: str) -> None:
        created = datetime.now(UTC).isoformat(timespec="seconds")
        ids = [f"{version}/{path}" for path in files]
        self._collection.upsert(
            ids=[*ids, f"version/{version}"],
            embeddings=[_NO_VECTOR] * (len(ids) + 1),
            documents=[*files.values(), note or "-"],
            metadatas=[*({"kind": "file", "version": version, "path": p} for p in files),
                       {"kind": "version", "version": version, "created": created, "files": len(files)}],
        )

    def new_version_id(self, files: dict[str, str]) -> str:
        return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{bundle_hash(files)}"

    def activate(self, version: str) -> None:
        self.describe(version)  # raises NotFound for an unknown version
        self._collection.upsert(ids=[POINTER], embeddings=[_NO_VECTOR], documents=[version],
                                metadatas=[{"kind": "pointer", "version": version}])

    def files(self, version: str) -> dict[str, str]:
        found = self._collection.get(where={"$and": [{"kind": "file"}, {"version": version}]},
                                     include=["documents", "metadatas"])
        if not found["ids"]:
            raise NotFound(f"no knowledge version {version!r}", {"version": version})
        return {str(m["path"]): str(d) for m, d in zip(found["metadatas"], found["documents"], strict=True)}

    def versions(self) -> list[VersionInfo]:
        found = self._collection.get(where={"kind": "version"}, include=["documents", "metadatas"])
        active = self.active()
        infos = [VersionInfo(str(m["version"]), str(m["created"]), str(d), int(m["files"]), m["version"] == active)
                 for m, d in zip(found["metadatas"], found["documents"], strict=True)]
        return sorted(infos, key=lambda v: v.created, reverse=True)

    def drop(self, version: str) -> None:
        self._collection.delete(where={"version": version})

    def materialize(self, version: str, root: Path) -> Path:
        """Write the bundle to `root/<version>/` (once; a version never changes) and return that folder.

        Replicas sharing a data directory may start together: each writes into a staging folder of its own and
        renames it into place in one step, so a reader sees a whole bundle or none, and a bundle already in
        place is never removed."""
        target = root / version
        if (target / ".complete").exists():
            return target
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=root))
        try:
            for path, text in self.files(version).items():
                (staging / path).parent.mkdir(parents=True, exist_ok=True)
                (staging / path).write_text(text, encoding="utf-8")
            (staging / ".complete").write_text(version, encoding="utf-8")
            if target.exists() and not (target / ".complete").exists():
                shutil.rmtree(target, ignore_errors=True)  # left half-written by a process that died
            try:
                staging.rename(target)
            except OSError:
                if not (target / ".complete").exists():  # not another replica's whole bundle: a real failure
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def describe(self, version: str) -> dict[str, Any]:
        found = self._collection.get(ids=[f"version/{version}"], include=["metadatas"])
        if not found["ids"]:
            raise NotFound(f"no knowledge version {version!r}", {"version": version})
        meta: dict[str, Any] = found["metadatas"][0]
        return meta
