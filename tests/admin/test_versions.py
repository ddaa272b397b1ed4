"""Knowledge versions written out to a data directory that several replicas share."""

from __future__ import annotations

import threading
from pathlib import Path

from copilot.admin.versions import VersionStore
from copilot.index.store import create_client
from tests.conftest import make_settings

BUNDLE = {f"sources/doc-{i}.md": f"# 第{i}号标准\n\n" + "服务用语。" * 200 for i in range(40)}


def _store(tmp_path: Path) -> VersionStore:
    store = VersionStore(create_client(make_settings(tmp_path)), f"v{abs(hash(tmp_path)) % 10**8}")
    store.save("v1", BUNDLE, note="test")
    return store


def test_replicas_writing_one_version_together_each_read_the_whole_bundle(tmp_path: Path) -> None:
    store, root = _store(tmp_path), tmp_path / "versions"
    start, seen, failures = threading.Barrier(8), [], []

    def replica() -> None:
        start.wait()
        try:
            folder = store.materialize("v1", root)
            seen.append({str(p.relative_to(folder)): p.read_text(encoding="utf-8")
                         for p in folder.rglob("*.md")})
        except Exception as exc:  # reported below with the others
            failures.append(exc)

    threads = [threading.Thread(target=replica) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert seen == [BUNDLE] * 8
    assert sorted(p.name for p in root.iterdir()) == ["v1"]  # no staging folder left behind


def test_a_bundle_in_place_is_kept_and_a_half_written_one_is_replaced(tmp_path: Path) -> None:
    store, root = _store(tmp_path), tmp_path / "versions"
    (root / "v1").mkdir(parents=True)
    (root / "v1" / "stray.md").write_text("half", encoding="utf-8")  # no .complete: a writer died
    folder = store.materialize("v1", root)
    assert not (folder / "stray.md").exists() and (folder / "sources/doc-0.md").exists()
    marker = folder / "sources/doc-0.md"
    marker.write_text("kept", encoding="utf-8")
    assert store.materialize("v1", root) == folder and marker.read_text(encoding="utf-8") == "kept"
