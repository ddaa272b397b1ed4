"use strict";
// The agent sidebar. Plain DOM code: every text from the server goes in through textContent, never innerHTML.
const $ = (id) => document.getElementById(id);
const KEY = "copilot.apiKey";
const state = { suggestions: [], violations: [], draft: "", checkSeq: 0, llm: false, socket: null, live: null };

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = localStorage.getItem(KEY);
  if (key) h["X-API-Key"] = key;
  return h;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? { headers: headers() }
    : { method: "POST", headers: headers(), body: JSON.stringify(body) });
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(data && data.error ? data.error.message : `HTTP ${response.status}`);
  return data;
}

function showError(error) { $("error").textContent = error ? `出错了：${error.message || error}` : ""; }

function feedback(events) {
  if (!events.length) return;
  fetch("/v1/feedback", { method: "POST", headers: headers(), body: JSON.stringify({ events }), keepalive: true })
    .catch(() => {});
}

// Chinese names of the checker's categories (copilot/rulebook/models.py Category, plus the style checks).
const CATEGORY = { rhetorical: "反问质问", impatient: "不耐烦", shirking: "推卸责任", blaming: "指责客户",
  rushing: "催促客户", provoking: "激化矛盾", vulgar: "粗俗用语", refusal: "生硬拒绝", vague: "含糊用语",
  colloquial: "口语方言", improper_address: "称呼不当", unauthorised_promise: "越权承诺", style: "用语规范" };
const categoryName = (id) => CATEGORY[id] || id;
const chars = (text) => Array.from(text);  // the API counts code points; JavaScript strings count UTF-16 units
const channel = () => $("channel").value || null;

// ---------- 怎么回复 ----------
function renderScenario(scenario) {
  $("scenario").textContent = scenario
    ? `场景：${scenario.title}（置信度 ${Math.round(scenario.confidence * 100)}%）` : "没有找到匹配的场景";
}

function citationDetails(citation) {
  return el("details", {},
    el("summary", { text: `出处：${citation.document_title} · ${citation.section}` }),
    el("blockquote", { text: citation.quote }));
}

function renderCards(response) {
  renderScenario(response.scenario);
  state.suggestions = response.suggestions;
  const list = $("cards");
  list.replaceChildren();
  response.suggestions.forEach((s, i) => {
    const kind = s.kind === "approved" ? "规范话术" : "规范原文";
    list.append(el("li", { class: "card", "data-kind": s.kind },
      el("p", { class: "text", text: s.text }),
      el("div", { class: "meta", text: `${i + 1}. ${kind}${s.authored ? "（依规范编写）" : ""}` }),
      citationDetails(s.citation),
      el("div", { class: "actions" },
        el("button", { type: "button", text: "复制", "aria-label": `复制第 ${i + 1} 条`, onclick: () => copy(i) }),
        el("button", { type: "button", text: "插入草稿", "aria-label": `把第 ${i + 1} 条插入草稿`,
          onclick: () => insert(i) }))));
  });
  feedback(response.suggestions.map((s, rank) => ({ action: "shown", scenario_id: s.scenario_id, kind: s.kind, rank })));
}

async function copy(i) {
  const s = state.suggestions[i];
  try { await navigator.clipboard.writeText(s.text); } catch { /* no clipboard permission: still counted */ }
  feedback([{ action: "copied", scenario_id: s.scenario_id, kind: s.kind, rank: i }]);
}

function insert(i) {
  const s = state.suggestions[i];
  if (!s) return;
  const draft = $("draft");
  draft.value = draft.value.trim() ? `${draft.value}${s.text}` : s.text;
  draft.focus();
  feedback([{ action: "inserted", scenario_id: s.scenario_id, kind: s.kind, rank: i }]);
  checkNow();
}

async function suggest() {
  const transcript = $("transcript").value.trim();
  if (!transcript) return;
  showError(null);
  const body = { transcript, channel: channel(), top_k: 3 };
  try {
    if (state.llm) await composeStream(body);
    else renderCards(await api("/v1/suggest", body));
  } catch (error) { showError(error); }
}

async function composeStream(body) {
  const box = $("composed");
  const text = el("p", { class: "text" });
  const badge = el("span", { class: "badge unchecked", text: "未检查，请勿发送" });
  box.replaceChildren(el("div", { class: "meta", text: "模型撰写的回复" }, badge), text);
  box.hidden = false;
  const response = await fetch("/v1/suggest/stream", { method: "POST", headers: headers(),
    body: JSON.stringify({ ...body, compose: true }) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  for await (const [name, data] of sseEvents(response)) {
    if (name === "suggestions") renderCards(data);
    else if (name === "token") text.textContent += data.text;
    else if (name === "retry") text.textContent = "";
    else if (name === "final" && data.composed) {
      text.textContent = data.composed.text;
      badge.className = "badge checked";
      badge.textContent = data.composed.origin === "llm" ? "已检查" : "已检查（采用规范话术）";
    }
  }
}

async function* sseEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = (block.match(/^event: (.*)$/m) || [])[1];
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (name && data) yield [name, JSON.parse(data)];
    }
  }
}

// ---------- 实时会话 ----------
// The server closes with 1012 when it restarts (another replica answers at once) and 1013 when it cannot serve the
// session now; a dropped connection (1006, a replica gone) is retried too. 1008 (refused: key, role, session id)
// is not: retrying would be refused again.
const RECONNECT_NOW = 1012, CLOSE_REFUSED = 1008, RECONNECT_MAX_MS = 10000;

function toggleLive() {
  if (state.live) { stopLive(); return; }
  const id = $("session-id").value.trim();
  if (!id) { $("session-id").focus(); return; }
  state.live = { id, attempts: 0, timer: null };
  $("live-btn").textContent = "断开";
  connectLive();
}

function stopLive() {
  const live = state.live;
  state.live = null;
  if (live) clearTimeout(live.timer);
  if (state.socket) state.socket.close(1000);
  $("live-btn").textContent = "连接";
  $("live-state").textContent = "未连接";
}

function connectLive() {
  const live = state.live;
  if (!live) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = channel() ? `?channel=${encodeURIComponent(channel())}` : "";
  const socket = new WebSocket(`${scheme}://${location.host}/v1/sessions/${encodeURIComponent(live.id)}/live${query}`);
  state.socket = socket;
  socket.addEventListener("open", () => {
    const key = localStorage.getItem(KEY);
    if (key) socket.send(JSON.stringify({ type: "auth", api_key: key }));
  });
  socket.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "session") live.attempts = 0;
    onLiveEvent(event);
  });
  socket.addEventListener("close", (closed) => {
    if (state.socket === socket) state.socket = null;
    if (state.live !== live) return;  // the agent disconnected
    if (closed.code === CLOSE_REFUSED) { stopLive(); $("live-state").textContent = `已断开（${closed.reason}）`; return; }
    const delay = closed.code === RECONNECT_NOW && live.attempts === 0 ? 0
      : Math.min(RECONNECT_MAX_MS, 500 * 2 ** live.attempts);
    live.attempts += 1;
    $("live-state").textContent = closed.reason === "state_unavailable" ? "会话服务暂不可用，正在重连…" : "正在重连…";
    live.timer = setTimeout(connectLive, delay);
  });
}

function onLiveEvent(event) {
  if (event.type === "session") $("live-state").textContent = `已连接（已有 ${event.session.turns} 轮）`;
  else if (event.type === "suggestions") renderCards(event);
  else if (event.type === "scenario") renderScenario(event.scenario);
  else if (event.type === "check") {
    const blocking = event.check.violations.filter((v) => v.severity === "block").map((v) => `“${v.text}”`);
    const warns = event.check.violations.filter((v) => v.severity === "warn").length;
    $("live-checks").prepend(el("li", { text: `坐席第 ${event.turn + 1} 轮：${blocking.join("、") || ""}${
      blocking.length ? " 不符合规范" : ""}${warns ? `（另有 ${warns} 处提醒）` : ""}` }));
  } else if (event.type === "error") showError(event.error.message);
}

// ---------- 草稿检查 ----------
let checkTimer = null;
function scheduleCheck() { clearTimeout(checkTimer); checkTimer = setTimeout(checkNow, 300); }

async function checkNow() {
  clearTimeout(checkTimer);
  const draft = $("draft").value;
  const seq = ++state.checkSeq;
  if (!draft.trim()) { renderCheck("", { violations: [], flagged: false }); return; }
  try {
    const result = await api("/v1/check", { draft, channel: channel() });
    if (seq === state.checkSeq) renderCheck(draft, result);  // an older answer must not overwrite a newer one
  } catch (error) { showError(error); }
}

function renderCheck(draft, result) {
  state.draft = draft;
  state.violations = result.violations;
  const blocking = result.violations.filter((v) => v.severity === "block").length;
  const warns = result.violations.length - blocking;
  const status = $("draft-state");
  if (!draft) { status.textContent = "等待输入"; status.className = "state"; }
  else if (blocking) { status.textContent = `有 ${blocking} 处需修改`; status.className = "state bad"; }
  else { status.textContent = warns ? `可以发送（另有 ${warns} 处提醒）` : "可以发送"; status.className = "state ok"; }
  renderMarks(draft, result.violations);
  renderIssues(result.violations);
}

function renderMarks(draft, violations) {
  const view = $("draft-view");
  view.replaceChildren();
  const text = chars(draft);
  let at = 0;
  const spans = violations.map((v, i) => ({ ...v, i })).filter((v) => v.end > v.start)
    .sort((a, b) => a.start - b.start);
  for (const v of spans) {
    if (v.start < at) continue;  // overlapping spans: the first one is marked
    view.append(text.slice(at, v.start).join(""));
    view.append(el("mark", { class: v.severity, tabindex: "0", "aria-describedby": `issue-${v.i}`,
      title: `${v.reason}（${categoryName(v.category)}）`, text: text.slice(v.start, v.end).join("") }));
    at = v.end;
  }
  view.append(text.slice(at).join(""));
}

function renderIssues(violations) {
  const list = $("issues");
  list.replaceChildren();
  violations.forEach((v, i) => {
    const where = v.text ? `“${v.text}”` : "整句";
    const citation = v.citation ? `${v.citation.document_title} · ${v.citation.section}` : "";
    list.append(el("li", { id: `issue-${i}`, class: v.severity },
      el("div", { text: `${v.severity === "block" ? "必须修改" : "建议修改"}：${where}` }),
      el("div", { class: "why", text: `${v.reason}（${categoryName(v.category)}）${citation ? `　依据：${citation}` : ""}` }),
      v.alternative ? el("div", { class: "why", text: `规范用语：${v.alternative}` }) : null,
      fixable(v) ? el("button", { type: "button", text: "替换为规范用语",
        "aria-label": `把${where}替换为规范用语`, onclick: () => replace(i) }) : null,
      v.end > v.start ? el("button", { type: "button", class: "false-alarm", text: "误报",
        "aria-label": `把${where}标记为误报`, onclick: () => falseAlarm(i) }) : null));
  });
}

// a finding the server can fix: it has the standard's wording, or is wording the replacement table knows
const fixable = (v) => v.end > v.start && (v.alternative !== null || ["colloquial", "improper_address"].includes(v.category));

// The server replaces the whole clause that carries the finding and joins the pieces, so the draft reads as
// one reply; splicing the alternative in here would leave "…好吗？，对不起…".
async function replace(i) {
  const v = state.violations[i];
  if (!v) return;
  try {
    const result = await api("/v1/rewrite", { draft: state.draft, channel: channel(), targets: [[v.start, v.end]],
      fluent: false });
    const draft = $("draft");
    draft.value = result.draft;
    feedback([{ action: "replaced", kind: "alternative", rule_id: v.rule_id }]);
    draft.focus();
    checkNow();
  } catch (error) { showError(error); }
}

function falseAlarm(i) {
  const v = state.violations[i];
  if (!v) return;
  feedback([{ action: "false_alarm", rule_id: v.rule_id, category: v.category, draft: state.draft,
    start: v.start, end: v.end, channel: channel() }]);
  const item = $(`issue-${i}`);
  if (item) {
    item.classList.add("dismissed");
    item.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    item.append(el("div", { class: "why", text: "已记录为误报，感谢反馈" }));
  }
}

// ---------- 问规范 ----------
async function ask() {
  const question = $("question").value.trim();
  if (!question) return;
  showError(null);
  try { renderAnswer(await api("/v1/chat", { question, session_id: sessionChatId() })); }
  catch (error) { showError(error); }
}

function sessionChatId() {
  let id = sessionStorage.getItem("copilot.chat");
  if (!id) { id = `chat-${Date.now().toString(36)}`; sessionStorage.setItem("copilot.chat", id); }
  return id;
}

function renderAnswer(response) {
  const box = $("answer");
  const head = el("div", { class: response.answered ? "answer" : "answer none" },
    el("p", { text: response.answer }),
    el("div", { class: "meta", text: response.answered
      ? (response.origin === "llm" ? "模型依据下列段落作答" : "下列段落中最相关的一句") : "以下是最接近的段落，仅供参考" }));
  const list = el("ol", { class: "cards", "aria-label": "引用段落" });
  for (const c of response.citations) {
    const text = chars(c.quote);
    const quote = el("blockquote", {}, text.slice(0, c.highlight_start).join(""),
      el("mark", { class: "warn", text: text.slice(c.highlight_start, c.highlight_end).join("") }),
      text.slice(c.highlight_end).join(""));
    list.append(el("li", { class: "card" }, el("div", { class: "meta", text: `[${c.number}] ${c.document_title} · ${c.section}` }), quote));
  }
  const rules = response.rules.map((r) => el("details", {}, el("summary", { text: `相关场景：${r.title}` }),
    el("div", { text: `可以说：${r.approved.join(" / ")}` }),
    r.forbidden.length ? el("div", { text: `不能说：${r.forbidden.join(" / ")}` }) : null));
  box.replaceChildren(head, list, ...rules);
  feedback([{ action: "shown", kind: "answer" }]);
}

// ---------- 报告 ----------
async function loadReports() {
  const list = $("report-list");
  try {
    const reports = await api("/v1/reports");
    list.replaceChildren(...reports.map((r) => el("li", {}, el("button", { type: "button",
      text: `${r.name}（${new Date(r.modified).toLocaleString("zh-CN")}）`, onclick: () => openReport(r.name) }))));
    if (!reports.length) list.replaceChildren(el("li", { text: "还没有报告：运行 make test 或 copilot eval run --html" }));
  } catch (error) { showError(error); }
}

async function openReport(name) {
  try {
    const frame = $("report-frame");
    frame.srcdoc = await api(`/v1/reports/${encodeURIComponent(name)}`);
    frame.hidden = false;
  } catch (error) { showError(error); }
}

// ---------- 页面 ----------
function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  tab.focus();
  if (tab.id === "tab-reports") loadReports();
}

function onTabKeys(event) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const at = tabs.indexOf(event.target);
  if (event.key === "ArrowRight") selectTab(tabs[(at + 1) % tabs.length]);
  else if (event.key === "ArrowLeft") selectTab(tabs[(at + tabs.length - 1) % tabs.length]);
}

function onShortcut(event) {
  if (event.ctrlKey && event.key === "Enter") { event.preventDefault(); suggest(); }
  else if (event.altKey && ["1", "2", "3"].includes(event.key)) { event.preventDefault(); insert(Number(event.key) - 1); }
  else if (event.altKey && event.key.toLowerCase() === "r") {
    event.preventDefault();
    const first = state.violations.findIndex(fixable);
    if (first >= 0) replace(first);
  } else if (event.altKey && event.key.toLowerCase() === "c") {
    event.preventDefault();
    navigator.clipboard.writeText($("draft").value).catch(() => {});
  }
}

async function ready() {
  try {
    const body = await fetch("/readyz").then((r) => r.json());
    if (body.status === "ready") {
      state.llm = Boolean(body.llm && body.llm !== "none");
      $("ready").textContent = `就绪 · ${body.scenarios} 个场景`;
      return;
    }
    $("ready").textContent = body.status === "failed" ? "加载失败" : "加载中…";
  } catch { $("ready").textContent = "无法连接"; }
  setTimeout(ready, 2000);
}

function start() {
  $("suggest-btn").addEventListener("click", suggest);
  $("draft").addEventListener("input", scheduleCheck);
  $("ask-btn").addEventListener("click", ask);
  $("question").addEventListener("keydown", (e) => { if (e.key === "Enter") ask(); });
  $("live-btn").addEventListener("click", toggleLive);
  $("reports-refresh").addEventListener("click", loadReports);
  $("api-key").value = localStorage.getItem(KEY) || "";
  $("api-key").addEventListener("change", (e) => {
    if (e.target.value) localStorage.setItem(KEY, e.target.value); else localStorage.removeItem(KEY);
  });
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", onTabKeys);
  }
  document.addEventListener("keydown", onShortcut);
  ready();
}

document.addEventListener("DOMContentLoaded", start);
