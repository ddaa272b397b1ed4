"""The sidebar in a real browser (Debian's Chromium via Playwright) against `copilot serve` on loopback with the
real index. Screenshots of both panes are saved to data/reports/screenshots/ as CI artefacts."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from copilot.settings import REPO_ROOT
from tests.integration.conftest import ServedCopilot

pytestmark = pytest.mark.integration
SCREENSHOTS = REPO_ROOT / "data" / "reports" / "screenshots"
PANEL = {"width": 400, "height": 1000}


@pytest.fixture
def sidebar(page: Page, served: ServedCopilot) -> Iterator[Page]:
    """The page at a sidebar's width; fails the test if the browser logged any error."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(PANEL)
    page.goto(served.url + "/")
    expect(page.locator("#ready")).to_contain_text("就绪", timeout=60_000)
    yield page
    assert errors == [], errors


def _feedback(served: ServedCopilot) -> list[tuple[str, str | None]]:
    with closing(sqlite3.connect(served.data_dir / "feedback.sqlite3")) as db:
        return db.execute("SELECT action, scenario_id FROM feedback ORDER BY id").fetchall()


def _feedback_arrives(served: ServedCopilot, wanted: Callable[[list[tuple[str, str | None]]], bool],
                      timeout: float = 10) -> bool:
    """The sidebar posts feedback without waiting for it: on a busy machine it lands after the click returns."""
    deadline = time.monotonic() + timeout
    while not wanted(_feedback(served)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_transcript_gives_cited_suggestion_cards(sidebar: Page, served: ServedCopilot) -> None:
    sidebar.get_by_label("客户说的话").fill("客户：你们这热线太难打了，我拨了四十分钟才通")
    sidebar.keyboard.press("Control+Enter")
    cards = sidebar.locator("#cards .card")
    expect(cards.first).to_be_visible()
    expect(sidebar.locator("#scenario")).to_contain_text("场景")
    expect(cards.first.locator(".text")).to_contain_text("久等")
    cards.first.locator("summary").click()
    expect(cards.first.locator("blockquote")).to_be_visible()
    cards.first.get_by_role("button", name="插入草稿").click()
    expect(sidebar.get_by_label("回复草稿")).to_have_value(cards.first.locator(".text").inner_text())
    expect(sidebar.locator("#draft-state")).to_have_text("可以发送")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sidebar.locator("#reply-pane").screenshot(path=SCREENSHOTS / "reply-pane.png")
    assert _feedback_arrives(served, lambda rows: {"shown", "inserted"} <= {action for action, _ in rows}), \
        _feedback(served)


@pytest.mark.parametrize(("draft", "span"), [("这事不归我管，你自己去看", "这事不归我管"),
                                             ("這事不歸我管，你自己去看", "這事不歸我管")])
def test_a_forbidden_draft_is_underlined_where_it_breaks_the_rule(sidebar: Page, draft: str, span: str) -> None:
    sidebar.get_by_label("回复草稿").press_sequentially(draft, delay=20)
    marks = sidebar.locator("#draft-view mark.block")
    expect(marks.first).to_be_visible()
    assert span in marks.all_inner_texts()
    expect(sidebar.locator("#draft-state")).to_contain_text("处需修改")
    expect(sidebar.locator("#issues li").first).to_contain_text("必须修改")


def test_one_click_replacement_makes_the_draft_sendable(sidebar: Page, served: ServedCopilot) -> None:
    sidebar.get_by_label("回复草稿").fill("这事不归我管")
    state = sidebar.locator("#draft-state")
    expect(state).to_have_text("有 1 处需修改")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sidebar.locator("#draft-pane").screenshot(path=SCREENSHOTS / "draft-pane-flagged.png")
    sidebar.get_by_role("button", name="替换为规范用语").first.click()
    expect(state).to_contain_text("可以发送")
    assert "不归我管" not in sidebar.get_by_label("回复草稿").input_value()
    sidebar.locator("#draft-pane").screenshot(path=SCREENSHOTS / "draft-pane-fixed.png")
    assert _feedback_arrives(served, lambda rows: ("replaced", None) in rows), _feedback(served)


def test_a_brush_off_fixed_finding_by_finding_reads_as_one_reply(sidebar: Page, served: ServedCopilot) -> None:
    draft = sidebar.get_by_label("回复草稿")
    draft.fill("您好，这个我们这边处理不了，您自己去营业厅问吧，我这还有别的电话")
    state = sidebar.locator("#draft-state")
    expect(state).to_contain_text("处需修改")
    for _ in range(6):  # apply every offered alternative, one click at a time, as an agent would
        buttons = sidebar.get_by_role("button", name="替换为规范用语")
        if buttons.count() == 0:
            break
        before = draft.input_value()
        buttons.first.click()
        expect(draft).not_to_have_value(before)
        sidebar.wait_for_timeout(400)
    expect(state).to_have_text("可以发送")  # no reminders either
    expect(sidebar.locator("#issues li")).to_have_count(0)
    fixed = draft.input_value()
    assert "营业厅问吧" not in fixed and fixed[-1] in "。！？"
    assert not any(splice in fixed for splice in ("？，", "！，", "。，", "，，", "。。"))
    sentences = [part for part in re.split(r"(?<=[。！？])", fixed) if part]
    assert len(sentences) == len(set(sentences)), fixed  # no alternative said twice
    sidebar.locator("#draft-pane").screenshot(path=SCREENSHOTS / "draft-pane-rewritten.png")


def test_a_false_alarm_is_recorded_for_qa(sidebar: Page, served: ServedCopilot) -> None:
    sidebar.get_by_label("回复草稿").fill("这事不归我管")
    expect(sidebar.locator("#draft-state")).to_contain_text("处需修改")
    sidebar.get_by_role("button", name="误报").first.click()
    expect(sidebar.locator("#issues li.dismissed")).to_have_count(1)

    def false_alarms() -> list[tuple[str, int, int]]:
        with closing(sqlite3.connect(served.data_dir / "feedback.sqlite3")) as db:
            try:
                return db.execute("SELECT draft, start, \"end\" FROM false_alarm").fetchall()
            except sqlite3.OperationalError:  # the server creates its tables with the first feedback it stores
                return []

    deadline = time.monotonic() + 10  # posted without waiting: on a busy machine it lands after the click
    while not false_alarms() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert false_alarms() == [("这事不归我管", 0, 6)]


def test_the_keyboard_alone_reaches_the_main_actions(sidebar: Page) -> None:
    sidebar.get_by_label("客户说的话").focus()
    sidebar.keyboard.type("我在开车，现在不方便")
    sidebar.keyboard.press("Control+Enter")
    expect(sidebar.locator("#cards .card").first).to_be_visible()
    sidebar.keyboard.press("Alt+1")
    expect(sidebar.get_by_label("回复草稿")).not_to_have_value("")
    sidebar.get_by_role("tab", name="回复与草稿").focus()
    sidebar.keyboard.press("ArrowRight")
    expect(sidebar.get_by_role("tab", name="问规范")).to_have_attribute("aria-selected", "true")


def test_a_live_session_feeds_the_reply_pane(sidebar: Page, served: ServedCopilot) -> None:
    sidebar.locator("details.live summary").click()
    sidebar.get_by_label("会话编号").fill("desk-call-42")
    sidebar.get_by_role("button", name="连接").click()
    expect(sidebar.locator("#live-state")).to_contain_text("已连接")
    turns = [{"role": "customer", "text": "你们这热线太难打了，我拨了四十分钟才通"},
             {"role": "agent", "text": "线路忙我也没办法，你爱到哪儿告到哪儿告去"}]
    response = httpx.post(f"{served.url}/v1/sessions/desk-call-42/turns", json={"turns": turns}, timeout=30)
    assert response.status_code == 200
    expect(sidebar.locator("#cards .card").first).to_contain_text("久等")
    expect(sidebar.locator("#live-checks li").first).to_contain_text("你爱到哪儿告到哪儿告去")


def test_ask_the_standards_highlights_the_answering_sentence(sidebar: Page) -> None:
    sidebar.get_by_role("tab", name="问规范").click()
    sidebar.get_by_label("用自己的话提问").fill("电话记录可以用铅笔写吗？")
    sidebar.get_by_role("button", name="提问").click()
    expect(sidebar.locator("#answer .answer")).to_be_visible()
    expect(sidebar.locator("#answer blockquote mark").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sidebar.locator("#ask").screenshot(path=SCREENSHOTS / "ask-pane.png")


def test_the_reports_page_lists_and_opens_eval_reports(sidebar: Page, served: ServedCopilot) -> None:
    reports = served.data_dir / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "eval-sample.html").write_text("<!doctype html><html><body><h1>坐席助手评测报告</h1></body></html>",
                                              encoding="utf-8")
    sidebar.get_by_role("tab", name="报告").click()
    sidebar.get_by_role("button", name="eval-sample.html").click()
    frame = sidebar.frame_locator("#report-frame")
    expect(frame.locator("h1")).to_have_text("坐席助手评测报告")
