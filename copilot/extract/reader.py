"""Read a cleaned standard for what it forbids and approves. Each recogniser returns `Finding`s with offsets; the
extractor turns them into proposals. All matching runs on the simplified text (same length, same offsets)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from copilot.extract.cues import Cues
from copilot.extract.models import ProposalKind
from copilot.extract.spans import BULLETS, ITEM_START, QUOTES, Span, items, line_bounds, quotes, split_at, trim
from copilot.extract.tables import phrasings, pipe_tables
from copilot.ingest.clean import is_table_row
from copilot.text.normalize import to_simplified

SPEECH_STOP = re.compile(r"\n|[√×✓✗◆➢❑•●]|\*{6,}|[(（]注|[:：][(（]")
SITUATION_REACH = 400  # a × further than this from the last situation does not belong to it
HEADING_LINE = 30
REFERS_BACK_REACH = 6  # characters before a heading word searched for `所列`, `上述`…
CASE_LABEL = 16  # characters: `√ 症状较急的：“…”` names a case; longer text before the colon is a sentence
CASE_BRACKETS = re.compile(r"[(（][^()（）“”\"「」。；;]+[)）]")  # 正确示范（暂未查到）：
ARTICLE = re.compile(r"第[一二三四五六七八九十百\d]+[条章节]")
LISTED = r"[一二三四五六七八九十]{1,3}、"  # 二、
BRACKETED = r"[(（][一二三四五六七八九十\d]{1,3}[)）]"  # （三）
WORDING_LINES = 8  # lines read below a wording heading standing alone
VOCABULARY_ITEM = 8  # characters: `谢谢、没关系、再见` lists wordings; longer pieces are one phrasing's enumeration
RULE_PARAGRAPHS = 2  # rule paragraphs between a situation's heading and its √/× lines
BLANKS = set("×xX*＊…_＿○")  # placeholder marks standing for a number or a name: 尾号××××, 工号xxx
# A heading line: Markdown, bold, an article (第五条) or an enumerator (二、, （三）).
HEADING_MARK = re.compile(rf"#{{1,6}}\s|\*\*|{ARTICLE.pattern}|{LISTED}|{BRACKETED}")


@dataclass(frozen=True)
class Finding:
    kind: ProposalKind
    span: Span
    situation: Span | None = None
    context: str = ""  # the rule or sub-heading around a forbidden item (names its category)
    confidence: float = 0.8
    slot: str | None = None


class StandardReader:
    def __init__(self, text: str, cues: Cues) -> None:
        self.text = to_simplified(text)
        self.cues = cues
        self._forbidden = sorted(cues.forbidden_markers, key=len, reverse=True)
        self._approved = sorted([*cues.approved_markers, *cues.speakers], key=len, reverse=True)
        self._situation: Span | None = None
        marks: list[tuple[str, ProposalKind]] = [(m, "forbidden") for m in cues.forbidden_markers]
        marks += [(m, "approved") for m in cues.approved_markers]
        self._line_marks = sorted(marks, key=lambda mark: -len(mark[0]))  # 正确示范 before 正确

    def findings(self) -> list[Finding]:
        return [*self.speech(), *self.tables(), *self.forbidden_lists(), *self.wording()]

    # -- speech after a marker or a situation ------------------------------------------------------------------
    def speech(self) -> list[Finding]:
        found: list[Finding] = []
        consumed = 0
        openers = sorted({m.start() for m in re.finditer(r"[:：“「\"]", self.text)})
        previous: Finding | None = None
        for at in openers:
            if at < consumed:
                continue
            run_start, kind = self._marker_run(at)
            if kind is None and previous is not None and self._chained(previous.span.end, at):
                kind, run_start = previous.kind, at
            new = self._speech_at(at, run_start, kind) if kind else self._situation_speech(at)
            if new:
                found.extend(new)
                previous = new[-1]
                consumed = max(f.span.end for f in new) + 1
        return found

    def _chained(self, previous_end: int, at: int) -> bool:
        """`“A”“B”`, `“A”或“B”`: the second quote has the first one's polarity."""
        return self.text[at] in QUOTES and not self.text[previous_end:at].strip(" \n”」』\"、,，或/")

    def _marker_run(self, at: int) -> tuple[int, ProposalKind | None]:
        """Walk back from `at` over markers (`×不可以说：`, `√客户服务员：`); forbidden wins over approved."""
        labelled = self._mark_then_label(at)
        if labelled is not None:
            return labelled
        pos, kind, floor = at, None, max(0, at - 24)
        while pos > floor:
            while pos > floor and self.text[pos - 1] in " \t:：":
                pos -= 1
            marker = self._marker_ending(pos) or self._subject_then_marker(pos)
            if marker is None:
                break
            text, marker_kind = marker
            if text in self.cues.boundary_markers and _is_han(self.text[pos - len(text) - 1 : pos - len(text)]):
                break
            if text in self.cues.colon_markers and self.text[at] not in ":：":
                break  # 电话未接通提示：<script> is a label; 语音提示“您拨打的电话不存在” reports a machine
            if marker_kind == "approved" and text in self.cues.speech_verbs \
                    and self._negated(self.text[max(0, pos - len(text) - 4) : pos - len(text)]):
                marker_kind = "forbidden"  # 坐席不得只说“…”: a negated speech verb forbids what it quotes
            pos -= len(text)
            kind = "forbidden" if "forbidden" in (kind, marker_kind) else marker_kind
        return pos, kind

    def _mark_then_label(self, colon: int) -> tuple[int, ProposalKind] | None:
        """A marker opening its line, then a short label naming the case the phrasing is for, then the colon or
        the quote: `正确示范（已查到）：“…”`, `应说（宠物）：“…”`, `√ （乘客在闸机前时）“…”`, `√ 症状较急的：“…”`.
        Unbracketed, only after a √ or ×: a word marker followed by more words (应说明原因时：) is a sentence."""
        if self.text[colon] not in ":：" and self.text[colon] not in QUOTES:
            return None
        line = line_bounds(self.text, colon).start
        head = self.text[line:colon].rstrip(" \t:：")
        stripped = head.lstrip(" \t*-")
        for marker, kind in self._line_marks:
            if not stripped.startswith(marker):
                continue
            label = stripped[len(marker):].strip(" \t*")
            bracketed = CASE_BRACKETS.fullmatch(label)
            symbol = not any(_is_han(c) for c in marker)
            if (bracketed and len(label) <= CASE_LABEL + 2) or (symbol and 0 < len(label) <= CASE_LABEL
                                                               and not re.search(r"[。；;，,“”\"「」]", label)):
                return line + len(head) - len(stripped), kind
            return None
        return None

    def _marker_ending(self, pos: int) -> tuple[str, ProposalKind] | None:
        for marker in self._forbidden:
            if self.text.endswith(marker, 0, pos):
                return marker, "forbidden"
        for marker in self._approved:
            if self.text.endswith(marker, 0, pos):
                return marker, "approved"
        return None

    def _subject_then_marker(self, pos: int) -> tuple[str, ProposalKind] | None:
        """`不能直接告诉客户“…”`: a customer word between the marker and the quote."""
        for subject in self.cues.customer_subjects:
            if self.text.endswith(subject, 0, pos):
                marker = self._marker_ending(pos - len(subject))
                if marker and marker[1] == "forbidden":
                    return marker[0] + subject, "forbidden"
        return None

    def _speech_at(self, at: int, run_start: int, kind: ProposalKind) -> list[Finding]:
        spans = self._quoted_from(at) or self._unquoted_from(at)
        situation = self._situation_for(run_start, kind)
        if kind == "approved":
            spans = [p for s in spans for p in self._vocabulary(s)]
        out = []
        for span in spans:
            if self._usable(span, kind, quoted=self.text[span.start - 1] in QUOTES):
                out.append(Finding(kind, span, situation, self._context(run_start), 0.95))
        return out

    def _vocabulary(self, span: Span) -> list[Span]:
        """`“谢谢、没关系、再见！感谢您的来电，再见！请您稍等！”`: a list of wordings, not one phrasing."""
        if "、" not in span.of(self.text):
            return [span]
        sentences = [split_at(self.text, s, "、") for s in split_at(self.text, span, "！!")]
        if not any(len(items) > 1 and all(p.end - p.start <= VOCABULARY_ITEM for p in items) for items in sentences):
            return [span]  # 请您把当时的时间、地点和经过告诉我: an enumeration inside one phrasing, not a list
        return [p for items in sentences for p in items if self._courteous(p)]

    def _quoted_from(self, at: int) -> list[Span]:
        """The quote opening at `at` (or right after the colon at `at`), and the quotes chained to it."""
        start = at if self.text[at] in QUOTES else at + 1
        while start < len(self.text) and self.text[start] in " \t":
            start += 1
        spans: list[Span] = []
        for quote in quotes(self.text[start : start + 1200]):
            shifted = Span(start + quote.start, start + quote.end)
            if spans and self.text[spans[-1].end + 1 : shifted.start - 1].strip(" \n、,，或/"):
                break
            if not spans and quote.start != 1:
                return []
            spans.append(shifted)
        return [trim(self.text, s.start, s.end) for s in spans]

    def _next_marker(self, start: int, end: int) -> int:
        """`应说：…核实。不应说：…` on one line: the next marker's colon ends the unquoted speech before it."""
        for colon in re.finditer(r"[:：]", self.text[start:end]):
            run_start, kind = self._marker_run(start + colon.start())
            if kind is not None:
                return run_start
        return end

    def _unquoted_from(self, at: int) -> list[Span]:
        if self.text[at] not in ":：":
            return []
        stop = SPEECH_STOP.search(self.text, at + 1)
        end = self._next_marker(at + 1, stop.start() if stop else len(self.text))
        following = ITEM_START.search(self.text, at + 1, end)
        span = trim(self.text, at + 1, following.start() if following else end)
        return [span] if span.end > span.start else []

    def _situation_speech(self, at: int) -> list[Finding]:
        """`客户来消息时：您好，…` (approved), `客户咨询无关信息时，禁止应答客户，如：我不知道，等` (forbidden)."""
        if self.text[at] not in ":：":
            return self._example_quote(at)
        left = self._left_region(at)
        labelled = self._looks_like_situation(left.of(self.text)) or self._numbered_label(left)
        if not labelled or self._marker_follows(at + 1):
            return []
        head = left.of(self.text)
        if self._forbids_speech(head):
            right = self._list_after(at)
            return [Finding("forbidden", s, None, head, 0.85) for s in right if self._usable(s, "forbidden")]
        spans = self._quoted_from(at) or self._unquoted_from(at)
        self._situation = left
        return [Finding("approved", s, left, "", 0.75) for s in spans
                if self._usable(s, "approved") and self._courteous(s)]

    def _numbered_label(self, left: Span) -> bool:
        """`（三）基本规范服务用语 … 4. 请求对方提供号码：…`: an enumerated item's label under a heading of approved
        wording, on the heading's line, names its situation though it has no 时."""
        item = ITEM_START.search(self.text, max(0, left.start - 4), left.start + 1)
        if item is None or item.end() > left.start or not 2 <= left.end - left.start <= HEADING_LINE:
            return False
        head = self.text[line_bounds(self.text, left.start).start: item.start()]
        return any(h in head for h in self.cues.approved_headings) and not self._describes(left.of(self.text))

    def _marker_follows(self, at: int) -> bool:
        """`…时：呼叫座席员：“…”`: the speech belongs to the marker that follows (it finds this situation)."""
        rest = self.text[at : at + 16].lstrip()
        return any(rest.startswith(m) for m in (*self._forbidden, *self._approved))

    def _example_quote(self, at: int) -> list[Finding]:
        """`使用确认性话语（如"您是说…"）`: an example of wording the standard asks for."""
        before = self.text[max(0, at - 16) : at]
        intro = any(before.rstrip("(（ ").endswith(w) for w in self.cues.example_intros)
        if not intro or self._negated(before):
            return []
        spans = self._quoted_from(at)[:1]
        return [Finding("approved", s, None, "", 0.6) for s in spans
                if self._usable(s, "approved") and self._courteous(s)]

    def _list_after(self, at: int) -> list[Span]:
        end = at + 1
        while end < len(self.text) and self.text[end] not in "。；;\n" and not ITEM_START.match(self.text, end):
            end += 1
        return split_at(self.text, Span(at + 1, end), "、,，")

    # -- tables ------------------------------------------------------------------------------------------------
    def tables(self) -> list[Finding]:
        """`| 客户问题 | 参考话术 | 不规范用语 |`: a column headed by a marker holds phrasings of that kind; a column
        headed by a customer's word names each row's case (else the heading above the table does)."""
        found: list[Finding] = []
        for table in pipe_tables(self.text):
            roles = [self._column_role(h.of(self.text)) for h in table.header]
            if not {"approved", "forbidden"} & set(roles):
                continue
            heading = self._line_above(table.start)
            for row in table.rows:
                labels = [c for c, r in zip(row, roles, strict=False) if r == "situation" and c.end > c.start]
                situation = labels[0] if labels else heading
                for cell, role in zip(row, roles, strict=False):
                    if role == "approved" or role == "forbidden":
                        found.extend(Finding(role, span, situation, self._context(cell.start), 0.9)
                                     for span in phrasings(self.text, cell) if self._usable(span, role))
        return found

    def _in_table(self, at: int) -> bool:
        return is_table_row(line_bounds(self.text, at).of(self.text))

    def _column_role(self, header: str) -> ProposalKind | Literal["situation"] | None:
        """× before √ (不规范用语 holds 规范用语); one-character markers (说) are too common to head a column."""
        def marked(markers: list[str]) -> bool:
            return any(m in header for m in markers if len(m) > 1 or not _is_han(m))

        if marked(self._forbidden):
            return "forbidden"
        if marked(self._approved):
            return "approved"
        return "situation" if any(w in header for w in self.cues.table_situations) else None

    # -- situations --------------------------------------------------------------------------------------------
    def _left_region(self, at: int) -> Span:
        """From the last boundary (quote end, line, bullet, enumerator, sentence end) to `at`."""
        floor = max(0, at - 80)
        begin = max(self.text.rfind(c, floor, at) for c in "\n”」。!！?？√×◆➢❑•")
        begin = max(begin + 1, floor)
        for match in ITEM_START.finditer(self.text, begin, at):
            begin = match.end()
        return trim(self.text, begin, at)

    def _looks_like_situation(self, text: str) -> bool:
        text = re.sub(r"[(（][^)）]*[)）]", "", text).strip()
        if not 3 <= len(text) <= 80:
            return False
        cues = self.cues
        return (any(c in text for c in cues.situation_closers)
                or any(text.startswith(o) for o in cues.situation_openers if len(o) > 1)
                or any(text.startswith(s) for s in cues.customer_subjects)
                or bool(re.match(r"第[一二三四五六七八九十百\d]+条", text)))

    def _situation_for(self, run_start: int, kind: ProposalKind) -> Span | None:
        own = self._left_region(run_start)
        if own.end > own.start and self._looks_like_situation(own.of(self.text)):
            self._situation = own
            return own
        above = self._line_above(run_start)
        if above is not None:
            self._situation = above
            return above
        if self._situation is not None and run_start - self._situation.end <= SITUATION_REACH:
            return self._situation
        return None

    def _line_above(self, at: int) -> Span | None:
        """`第五条 客户询问退款进度时` on its own line, right above the √/× lines, or above the rule paragraphs that
        follow it (`坐席应先查询退款状态…`): a heading that names the situation wins over a paragraph that only
        looks like one (it has 时 somewhere)."""
        line = line_bounds(self.text, at)
        if self.text[line.start : at].strip():
            return None
        probe, paragraphs, fallback = line.start - 1, 0, None
        while probe > 0:
            above = line_bounds(self.text, probe - 1) if self.text[probe - 1] != "\n" else Span(probe, probe)
            text = above.of(self.text).strip()
            if text and not re.search(r"[√×✓✗“”]", text):
                span = trim(self.text, above.start, above.end)
                words = trim_heading(span.of(self.text))
                situation = self._looks_like_situation(words)
                if HEADING_MARK.match(text):
                    return span if situation else fallback
                if situation and len(words) <= HEADING_LINE and not text.endswith(("。", "；", ";")):
                    return span  # a label line (客户投诉其他客户服务员工作出差错：); a sentence is a rule
                fallback = fallback or (span if situation else None)
                paragraphs += 1
                if paragraphs > RULE_PARAGRAPHS:
                    return fallback
            elif text and not self._marker_run(above.end)[1] and "“" not in text:
                return fallback
            probe = above.start - 1
        return fallback

    # -- forbidden lists under a heading -----------------------------------------------------------------------
    def forbidden_lists(self) -> list[Finding]:
        found: list[Finding] = []
        for section in self._forbidden_sections():
            found.extend(self._list_items(section))
        return found

    def _forbidden_sections(self) -> list[Span]:
        sections: list[tuple[int, Span]] = []
        for heading in self.cues.forbidden_headings:
            for match in re.finditer(re.escape(heading), self.text):
                if any(start <= match.start() < s.end for start, s in sections) or self._in_table(match.start()):
                    continue  # a column header (`| 规范用语 | 不规范用语 |`) is read with its table
                if self._opens_no_list(match):
                    continue
                sections.append((match.start(), self._section_after(match.end())))
        return sorted((s for _, s in sections), key=lambda s: s.start)

    def _opens_no_list(self, heading: re.Match[str]) -> bool:
        """The heading word defines forbidden talk or titles its replacements (`服务禁语是指…`), or names a list
        given elsewhere (`第十九条所列服务禁语`, `上述热线禁语`)."""
        before = self.text[max(0, heading.start() - REFERS_BACK_REACH) : heading.start()]
        return (self.text.startswith(tuple(self.cues.heading_not_a_list), heading.end())
                or any(word in before for word in self.cues.heading_refers_back))

    def _section_after(self, at: int) -> Span:
        """Inline (`服务忌语喂、打错了、…`) to the sentence end; a heading (a short line, or a numbered title) over
        the lines below it until the next heading or wording of another kind."""
        line = line_bounds(self.text, at)
        rest = self.text[at : line.end]
        sentence_end = min((i for i in (rest.find(c) for c in "。") if i >= 0), default=len(rest))
        first_mark = re.search(r"[、，,。；;：:！!？?“”\s(（]", rest)
        inline = first_mark is not None and first_mark.group() in "、:：" and first_mark.start() <= 12
        # `坐席不得使用以下语言：` / `…同样属于服务禁语：` at the end of its line introduces the list below it
        introduces = rest.rstrip(" \t*").endswith((":", "："))
        heading_like = len(line.of(self.text).strip()) <= HEADING_LINE or introduces or re.match(
            r"\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])", line.of(self.text))
        # `（一）使用本规范所列服务禁语的；`: an item of a rule that names the list, not a heading over what follows
        clause = re.match(r"\s*的[。；;，,]", rest) is not None
        if inline and not introduces:
            return Span(at, at + sentence_end)
        if not heading_like or (clause and not introduces):
            return Span(at, at)
        end, lines = line.end, 0
        while end < len(self.text) and lines < 6:
            nxt = line_bounds(self.text, end + 1)
            body = nxt.of(self.text).strip()
            if not body and introduces and lines == 0 and nxt.end > end:
                end = nxt.end  # a blank line between the introducing sentence and its list
                continue
            if not body or self._ends_section(body):
                break
            end, lines = nxt.end, lines + 1
        return Span(min(line.end, end) if introduces else at, end)  # the introducing words are no item

    def _ends_section(self, line: str) -> bool:
        short_title = (len(line) <= HEADING_LINE and not re.search(r"[。；;，,！!？?、]", line)
                       and not ITEM_START.match(line))
        approved = any(m in line for m in self.cues.approved_markers if len(m) > 2)
        article = ARTICLE.match(line.lstrip("*# \t")) is not None  # `**第十八条** …`: the next article
        return short_title or approved or article

    def _list_items(self, section: Span) -> list[Finding]:
        found: list[Finding] = []
        context = ""
        for item in items(self.text, section.start, section.end):
            text = item.of(self.text)
            if self.text[item.start - 1] not in BULLETS:  # a numbered item starts a new group; a bullet continues it
                context = ""
            intro = self._intro_end(text)
            if intro is not None:
                context = text[:intro]
                pieces = split_at(self.text, Span(item.start + intro, item.end),
                                  "、" if "、" in text[intro:] else "、,，")
                found.extend(Finding("forbidden", p, None, context, 0.85, None) for p in pieces
                             if self._usable(p, "forbidden", listed=True))
                continue
            if self._states_rule(text) or text.startswith("忌"):
                context = text
                continue
            separators = "、" if "、" in text else "？?！!/"
            found.extend(Finding("forbidden", p, None, context, 0.85) for p in split_at(self.text, item, separators)
                         if self._usable(p, "forbidden", listed=separators == "、"))
        return found

    def _intro_end(self, text: str) -> int | None:
        """Where the examples of a rule start: after `如：`, or after the colon of `忌对客户直呼：`."""
        for intro in self.cues.example_intros:
            for sep in ":：":
                at = text.find(intro + sep)
                if at >= 0:
                    return at + len(intro) + 1
        colon = max(text.find(":"), text.find("："))
        if (colon > 0 and self._states_rule(text[:colon])) or (colon > 0 and text.startswith("忌")):
            return colon + 1
        return None

    # -- required wording --------------------------------------------------------------------------------------
    def wording(self) -> list[Finding]:
        found: list[Finding] = []
        for slot, headings in self.cues.wording.items():
            for heading in headings:
                for match in re.finditer(re.escape(heading), self.text):
                    found.extend(self._wording_after(match.end(), slot, match))
        return found

    def _wording_after(self, at: int, slot: str, match: re.Match[str]) -> list[Finding]:
        lead = re.match(r"[^“「\"。；;\n]{0,10}?(?:[:：]|为|是|例如|如)[\s:：]*", self.text[at:])
        start = at + (lead.end() if lead else 0)
        if not lead and self.text[start : start + 1] not in QUOTES:
            return self._wording_block(match, slot)
        spans = self._quoted_from(start) if self.text[start : start + 1] in QUOTES else self._numbered(start)
        situation = Span(match.start(), match.end())
        return [Finding("wording", s, situation, "", 0.8, slot) for s in spans
                if self._usable(s, "approved") and self._courteous(s)]

    def _wording_block(self, match: re.Match[str], slot: str) -> list[Finding]:
        """`第十条 开头语` alone on its line, then lines such as `热线接听：“您好，…”`: the first quote of each line
        below it, until the next heading."""
        line = line_bounds(self.text, match.start())
        if re.sub(r"[#\s]", "", trim_heading(line.of(self.text).strip("# \t"))) != match.group():
            return []
        found: list[Finding] = []
        end = line.end
        for _ in range(WORDING_LINES):
            if end >= len(self.text):
                break
            nxt = line_bounds(self.text, end + 1)
            end = nxt.end
            body = nxt.of(self.text).strip()
            if not body:
                continue
            if body.startswith("#") or ARTICLE.match(body) or self._ends_section(body):
                break
            opening = next((i for i, c in enumerate(body) if c in QUOTES), None)
            if opening is None:
                continue
            at = nxt.start + nxt.of(self.text).index(body) + opening
            found.extend(Finding("wording", span, Span(match.start(), match.end()), "", 0.7, slot)
                         for span in self._quoted_from(at)[:1]
                         if self._usable(span, "approved") and self._courteous(span))
        return found

    def _numbered(self, start: int) -> list[Span]:
        """`①感谢您的来电，再见！②…等。`: each enumerated piece to its sentence end; unnumbered, one sentence."""
        line = line_bounds(self.text, start)
        spans: list[Span] = []
        at = start
        while at < line.end:
            marker = re.match(r"\s*[①-⑳]", self.text[at:])
            if marker:
                at += marker.end()
            stop = min((i for i in (self.text.find(c, at, line.end) for c in "。！!？?①②③④⑤⑥⑦⑧⑨⑩") if i >= 0),
                       default=line.end)
            end = stop + 1 if stop < line.end and self.text[stop] in "！!？?。" else stop
            spans.append(trim(self.text, at, end))
            if not marker or end >= line.end or not re.match(r"\s*[①-⑳]", self.text[end:]):
                break
            at = end
        return spans

    # -- tests on a candidate ----------------------------------------------------------------------------------
    def _usable(self, span: Span, kind: ProposalKind, *, listed: bool = False, quoted: bool = True) -> bool:
        text = span.of(self.text)
        if _mostly_blank(text):
            return False  # 只说“尾号××××”: how to mask a number, not a phrasing
        shortest = 1 if listed else self.cues.min_phrasing_chars
        if len(text) < shortest or len(text) > 160 or "\n" in text.strip():
            return kind == "forbidden" and "\n" in text and len(text) <= 160 and len(text) >= shortest
        if kind == "forbidden" and self._describes(text):
            return False
        return not (kind == "approved" and not quoted and self._states_rule(text))

    def _describes(self, text: str) -> bool:
        """A rule or a kind of talk (`埋怨客户的话不说`), not something an agent says."""
        if any(text.endswith(e) for e in self.cues.description_endings):
            return True
        return self._states_rule(text)

    def _states_rule(self, text: str) -> bool:
        third_person = any(s in text for s in self.cues.customer_subjects)
        rule = any(w in text for w in self.cues.rule_words)
        return rule and (third_person or text.endswith("不说") or text.startswith(("禁止", "严禁", "忌")))

    def _forbids_speech(self, text: str) -> bool:
        """The clause right before the examples negates speaking (`…时，禁止应答客户，如：`); a negation earlier in
        the situation (`客户提出自己不能准确回答的问题时：`) describes the customer's case, not the reply."""
        text = re.sub(r"[(（][^)）]*[)）]", "", text).rstrip(" ,，:：")
        for intro in self.cues.example_intros:
            text = text.removesuffix(intro).rstrip(" ,，")
        text = re.split(r"[，,;；]", text)[-1]
        negations = "|".join(("禁止", "严禁", "不得", "不要", "不能", "不可", "忌"))
        verbs = "|".join(map(re.escape, self.cues.speech_verbs))
        return bool(verbs) and re.search(f"(?:{negations})[^，,。]{{0,4}}(?:{verbs})", text) is not None

    def _negated(self, text: str) -> bool:
        return any(w in text for w in ("避免", "不要", "禁止", "严禁", "不得", "忌", "不能"))

    def _courteous(self, span: Span) -> bool:
        return any(w in span.of(self.text) for w in self.cues.courtesy_words)

    def _context(self, run_start: int) -> str:
        return self.text[max(0, run_start - 40) : run_start]


def _is_han(char: str) -> bool:
    return bool(char) and "\u3400" <= char <= "\u9fff"


def trim_heading(text: str) -> str:
    """`第五条 客户询问退款进度时`, `### 二、客户询问运费时` → the situation's words (not numbering, not Markdown)."""
    text = re.sub(r"^#{1,6}\s*|\*\*", "", text.strip())
    text = re.sub(rf"^(?:{LISTED}|{BRACKETED}、?)\s*", "", text)
    return re.sub(rf"^{ARTICLE.pattern}\s*", "", text).strip()


def _mostly_blank(text: str) -> bool:
    """As many placeholder marks (××, xx, …) as words: a template of a number, not something to say."""
    blank = sum(c in BLANKS for c in text)
    return blank > 0 and blank >= sum(c.isalnum() and c not in BLANKS for c in text)
