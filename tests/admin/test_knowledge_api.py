"""Knowledge administration over HTTP: every change is a new version that switches only when it validates."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings, ready_client

NEW_STANDARD = """客户服务中心夜间值班规范
一、夜间值班要求
1.夜间值班坐席应在铃响三声内接听来电，使用标准问候语。
2.遇到无法当场处理的问题，应登记客户联系方式，并告知客户次日上午十点前回复。
二、交接班
1.交班时应将未办结事项逐条登记，接班人员核对后签字确认。
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with ready_client(make_settings(tmp_path_factory.mktemp("admin"))) as test_client:
        yield test_client


def _version(client: TestClient) -> str:
    version: str = client.get("/readyz").json()["knowledge_version"]
    return version


def test_upload_replace_delete_a_document(client: TestClient) -> None:
    before = _version(client)
    state = client.get("/v1/knowledge").json()
    assert before.startswith("seed-") and len(state["documents"]) == 5
    assert state["rulebook_files"] == ["chat", "complaints", "conduct", "inbound", "outbound", "telecom"]
    files = {"file": ("night-shift.txt", NEW_STANDARD.encode("utf-8"), "text/plain")}
    report = client.post("/v1/knowledge/documents", files=files)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["previous"] == before and body["documents"] == 6 and body["reused"] > body["embedded"] > 0
    assert _version(client) == body["version"] != before
    answer = client.post("/v1/suggest", json={"transcript": "晚上打电话有人接吗，问题能第二天回复吗"}).json()
    assert answer["suggestions"]
    replaced = client.put("/v1/knowledge/documents/night-shift",
                          files={"file": ("night.md", NEW_STANDARD.replace("十点", "九点").encode(), "text/markdown")})
    assert replaced.status_code == 200 and replaced.json()["documents"] == 6
    deleted = client.delete("/v1/knowledge/documents/night-shift")
    assert deleted.status_code == 200 and deleted.json()["documents"] == 5
    assert client.delete("/v1/knowledge/documents/night-shift").status_code == 404


def test_a_docx_upload_is_read_and_cleaned(client: TestClient) -> None:
    import docx

    document = docx.Document()
    for line in NEW_STANDARD.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    report = client.put("/v1/knowledge/documents/night-docx", files={"file": ("n.docx", buffer.getvalue(), "x")})
    assert report.status_code == 200, report.text
    titles = {d["id"]: d["title"] for d in client.get("/v1/knowledge").json()["documents"]}
    assert titles["night-docx"].startswith("客户服务中心夜间值班规范")
    assert client.delete("/v1/knowledge/documents/night-docx").status_code == 200


def test_a_broken_rulebook_keeps_the_old_version_and_names_file_and_line(client: TestClient) -> None:
    before = _version(client)
    content = client.get("/v1/knowledge/rulebook/chat").json()["content"]
    broken = content.replace("  title:", "  title: [unclosed", 1)
    response = client.put("/v1/knowledge/rulebook/chat", json={"content": broken})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "reindex_failed" and "chat.yaml, line" in error["message"]
    assert error["details"]["file"] == "chat.yaml" and isinstance(error["details"]["line"], int)
    assert _version(client) == before
    invented = content.replace("approved:\n", "approved:\n    - 这句话任何规范里都没有，纯属编造。\n", 1)
    response = client.put("/v1/knowledge/rulebook/chat", json={"content": invented})
    assert response.status_code == 422
    assert any("chat.yaml" in p and "纯属编造" in p for p in response.json()["error"]["details"]["problems"])
    assert _version(client) == before
    assert all(v["version"] != response.json()["error"]["details"]["version"]
               for v in client.get("/v1/knowledge/versions").json())  # the failed version was discarded


def test_a_document_the_rulebook_cites_cannot_be_deleted(client: TestClient) -> None:
    before = _version(client)
    response = client.delete("/v1/knowledge/documents/hotline-conduct")
    assert response.status_code == 422 and response.json()["error"]["code"] == "reindex_failed"
    assert _version(client) == before


def test_bad_names_and_types_are_422(client: TestClient) -> None:
    assert client.put("/v1/knowledge/documents/Bad Name!", files={"file": ("a.txt", b"x", "text/plain")}
                      ).status_code == 422
    response = client.put("/v1/knowledge/documents/good-name", files={"file": ("a.pdf", b"%PDF", "x")})
    assert response.status_code == 422 and "unsupported document type" in response.json()["error"]["message"]


def test_rollback_and_requests_in_flight_during_a_switch(client: TestClient) -> None:
    versions = client.get("/v1/knowledge/versions").json()
    seed = next(v["version"] for v in versions if v["version"].startswith("seed-"))
    statuses: list[int] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            statuses.append(client.post("/v1/check", json={"draft": "你烦不烦啊"}).status_code)
            statuses.append(client.post("/v1/suggest", json={"transcript": "网速太慢了"}).status_code)

    workers = [threading.Thread(target=hammer) for _ in range(3)]
    for worker in workers:
        worker.start()
    try:
        assert client.post("/v1/knowledge/reload").status_code == 200
        assert client.post(f"/v1/knowledge/versions/{seed}/activate").status_code == 200
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert _version(client) == seed
    assert statuses and set(statuses) == {200}
    assert client.post("/v1/knowledge/versions/no-such-version/activate").status_code == 404
