"""Bring your own standard over HTTP: an upload's forbidden list and √/× pairs become proposals, act once approved,
and leave with the document."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings, ready_client

STANDARD = """信用卡中心客服服务规范
一、服务禁语
1、这事我管不着
2、你自己去网点问吧
3、逾期了那是你自己的事
二、服务规范用语
第五条 客户询问账单分期手续费时
√ 正确：“您好，分期手续费按每期本金的百分比收取，我为您详细计算一下，好吗？”
× 错误：“手续费合同上都写了，你自己看。”
第六条 客户要求减免年费时
√ 正确：“我理解您的心情，我马上为您查询是否符合年费减免的条件。”
× 错误：“年费不能免，这是规定。”
"""
NO_RULES = """信用卡中心值班安排
一、排班
1、早班八点到岗，晚班二十二点下班。
2、交接班时填写交接记录。
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with ready_client(make_settings(tmp_path_factory.mktemp("byos"))) as test_client:
        yield test_client


def _upload(client: TestClient, name: str, text: str, approve: bool = False) -> dict[str, object]:
    files = {"file": (name, text.encode("utf-8"), "text/plain")}
    response = client.post("/v1/knowledge/documents" + ("?approve=all" if approve else ""), files=files)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _blocked_by(client: TestClient, draft: str) -> set[str]:
    violations = client.post("/v1/check", json={"draft": draft}).json()["violations"]
    return {v["citation"]["document"] for v in violations if v["severity"] == "block"}


def _quotes_blocking(client: TestClient, draft: str) -> set[str]:
    violations = client.post("/v1/check", json={"draft": draft}).json()["violations"]
    return {v["citation"]["quote"] for v in violations if v["severity"] == "block"}


def test_pending_until_approved_then_acting_with_citations_then_gone(client: TestClient) -> None:
    assert "card-centre" not in _blocked_by(client, "这事我管不着")
    report = _upload(client, "card-centre.txt", STANDARD)
    assert report["proposals"] and report["approved"] == 0
    pending = client.get("/v1/knowledge/proposals", params={"document": "card-centre"}).json()
    assert {p["status"] for p in pending} == {"pending"}
    kinds = {p["quote"]: p["kind"] for p in pending}
    assert kinds["这事我管不着"] == "forbidden" and kinds["手续费合同上都写了，你自己看"] == "forbidden"
    assert kinds["您好，分期手续费按每期本金的百分比收取，我为您详细计算一下，好吗"] == "approved"
    assert "card-centre" not in _blocked_by(client, "这事我管不着")  # nothing acts before approval

    first = next(p for p in pending if p["quote"] == "这事我管不着")
    approved = client.post(f"/v1/knowledge/proposals/{first['id']}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["reindex"]["version"]
    assert "card-centre" in _blocked_by(client, "这事我管不着")
    assert "card-centre" in _blocked_by(client, "这 事 我 管 不 着")  # the lexicon's evasion-proof matching
    # still pending: not a rule of its own (the model's finding may cite the approved 这事我管不着, the customer's
    # own standard, instead of a shipped one)
    assert not any("你自己去网点问吧" in quote for quote in _quotes_blocking(client, "你自己去网点问吧"))

    rejected = client.post(f"/v1/knowledge/proposals/{first['id']}/reject")
    assert rejected.status_code == 200 and "card-centre" not in _blocked_by(client, "这事我管不着")

    again = _upload(client, "card-centre.txt", STANDARD, approve=True)  # the same document, approve=all
    after = client.get("/v1/knowledge/proposals", params={"document": "card-centre"}).json()
    assert len(after) == len(pending) and again["proposals"] == len(pending)  # no duplicates
    assert next(p for p in after if p["id"] == first["id"])["status"] == "rejected"  # the decision stays
    assert "card-centre" in _blocked_by(client, "手续费合同上都写了，你自己看")
    assert not _blocked_by(client, "手续费的收取方式合同上有说明，我为您详细讲解一下")  # near-miss passes
    answer = client.post("/v1/suggest", json={"transcript": "我想问一下账单分期的手续费是怎么收的"}).json()
    top = [s for s in answer["suggestions"][:3] if s["kind"] == "approved"]
    assert any(s["citation"]["document"] == "card-centre" for s in top)

    deleted = client.delete("/v1/knowledge/documents/card-centre")
    assert deleted.status_code == 200, deleted.text
    assert client.get("/v1/knowledge/proposals", params={"document": "card-centre"}).json() == []
    assert "card-centre" not in _blocked_by(client, "手续费合同上都写了，你自己看")
    assert "extracted-card-centre" not in client.get("/v1/knowledge").json()["rulebook_files"]


def test_edit_changes_the_wording_used_and_keeps_the_quote(client: TestClient) -> None:
    _upload(client, "card-edit.txt", STANDARD)
    target = next(p for p in client.get("/v1/knowledge/proposals", params={"document": "card-edit"}).json()
                  if p["quote"] == "逾期了那是你自己的事")
    edited = client.patch(f"/v1/knowledge/proposals/{target['id']}", json={"category": "blaming"})
    assert edited.status_code == 200 and edited.json()["reindex"] is None  # pending: nothing to re-index
    assert edited.json()["proposals"][0]["category"] == "blaming"
    assert client.patch(f"/v1/knowledge/proposals/{target['id']}", json={}).status_code == 422
    assert client.post("/v1/knowledge/proposals/card-edit:fnope/approve").status_code == 404
    approved = client.post(f"/v1/knowledge/proposals/{target['id']}/approve").json()
    assert approved["proposals"][0]["status"] == "approved"
    rulebook = client.get("/v1/knowledge/rulebook/extracted-card-edit").json()["content"]
    assert "逾期了那是你自己的事" in rulebook and "blaming" in rulebook
    assert client.delete("/v1/knowledge/documents/card-edit").status_code == 200


def test_a_document_with_no_rules_has_zero_proposals_and_says_so(client: TestClient) -> None:
    report = _upload(client, "duty-roster.txt", NO_RULES, approve=True)
    assert report["proposals"] == 0 and report["approved"] == 0
    assert "no forbidden phrasings" in str(report["extraction"]) and "duty-roster.txt" in str(report["extraction"])
    assert client.delete("/v1/knowledge/documents/duty-roster").status_code == 200


def test_a_broken_docx_is_422_naming_the_file(client: TestClient) -> None:
    files = {"file": ("broken-standard.docx", io.BytesIO(b"PK\x03\x04 not really a zip").getvalue(), "x")}
    response = client.post("/v1/knowledge/documents?approve=all", files=files)
    assert response.status_code == 422
    error = response.json()["error"]
    assert "broken-standard.docx" in error["message"] and error["details"]["file"] == "broken-standard.docx"
