"""The extractor on small standards written in the ways standards write: what it proposes, and that every quote
is the standard's own words at its offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot.check.model import load_model
from copilot.extract.cues import Cues, load_cues
from copilot.extract.extractor import extract
from copilot.extract.models import Proposal
from copilot.extract.rulebook import customer_texts
from copilot.settings import PathSettings, Settings


@pytest.fixture(scope="module")
def cues() -> Cues:
    return load_cues(PathSettings().extraction_path)


def _read(text: str, cues: Cues, model: object = None) -> list[Proposal]:
    return extract("doc", text, [], cues, model)  # type: ignore[arg-type]


def _situations(text: str, cues: Cues) -> dict[str, str | None]:
    """Each approved phrasing read in `text`, with the situation it was put under."""
    return {p.quote: p.situation for p in _read(text, cues) if p.kind == "approved"}


def _by_kind(proposals: list[Proposal]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for proposal in proposals:
        out.setdefault(proposal.kind, set()).add(proposal.quote)
    return out


@pytest.mark.parametrize(("text", "forbidden"), [
    ("服务禁语\n1、这事我管不着\n2、你自己去网点问吧\n", {"这事我管不着", "你自己去网点问吧"}),
    ("（二）服务忌语：喂、不知道、你问我我问谁等。\n", {"喂", "不知道", "你问我我问谁"}),
    ("客服中心禁用语\n一、你先搞搞清楚！ 二、你快说啊！\n", {"你先搞搞清楚", "你快说啊"}),
    ("服务禁语\n(1)忌对客户直呼：喂、嘿。\n(2)忌态度傲慢◆这是规定！你烦不烦啊！\n",
     {"喂", "嘿", "这是规定", "你烦不烦啊"}),
    ("服务禁语\n➢ 回访中以个人原因推脱责任，如：我是新员工，我没有培训，等；\n", {"我是新员工", "我没有培训"}),
    ("服务禁语\n① 「没办法」\n② 「你找别人去」\n", {"没办法", "你找别人去"}),
    ("客户咨询无关信息时，禁止应答客户，如：这个我不清楚，我不知道，等；\n", {"这个我不清楚", "我不知道"}),
    ("严禁使用服务忌语，做到不说：埋怨客户的话不说；教训客人的话不说。\n", set()),
    ("服务禁语是指带有推诿、讥讽、不耐烦等语气的语言。\n服务禁语\n1、这事我管不着\n", {"这事我管不着"}),
    ("第十六条 禁语的替代说法\n1、确属其他单位负责的，应告知联系方式。\n", set()),
    # a rule naming a list given elsewhere, then conduct, no phrasing (`自行用药` must not block `请不要自行用药`)
    ("有下列情形之一的，当次质检记0分：\n1. 使用第十九条所列服务禁语或其变体；\n2. 指导客户在家催吐、自行用药；\n"
     "3. 与客户争吵；\n", set()),
    ("上述热线禁语同样不得出现在在线回复中。\n在线服务禁语\n1、亲，你自己看页面\n", {"亲，你自己看页面"}),
])
def test_forbidden_lists(text: str, forbidden: set[str], cues: Cues) -> None:
    assert _by_kind(_read(text, cues)).get("forbidden", set()) == forbidden


def test_pairs_sit_under_their_situation(cues: Cues) -> None:
    text = ("第五条 客户询问退款进度时\n√ 正确：“您好，我马上为您查询退款进度，请您稍等。”\n"
            "× 错误：“退款的事我不清楚，你自己去查。”\n"
            "遇到客户催促发货时：客服代表：“非常抱歉让您久等了，我这就为您催促仓库。”不应说：“催什么催，等着吧。”\n"
            "规范用语：「感谢您的耐心等待」 不规范用语：「等着吧」\n")
    proposals = _read(text, cues)
    kinds = _by_kind(proposals)
    assert kinds["approved"] == {"您好，我马上为您查询退款进度，请您稍等", "非常抱歉让您久等了，我这就为您催促仓库",
                                 "感谢您的耐心等待"}
    assert {"退款的事我不清楚，你自己去查", "催什么催，等着吧", "等着吧"} <= kinds["forbidden"]
    situation = {p.quote: p.situation for p in proposals}
    assert situation["退款的事我不清楚，你自己去查"] == "客户询问退款进度时"
    assert situation["非常抱歉让您久等了，我这就为您催促仓库"] == "遇到客户催促发货时"
    assert situation["催什么催，等着吧"] == "遇到客户催促发货时"


def test_a_case_label_between_the_marker_and_the_phrasing(cues: Cues) -> None:
    """`正确示范（已查到）：“…”`, `√ （在闸机前时）“…”`, `√ 症状较急的：“…”`: each phrasing is the situation's, for a
    case the label names; a word marker followed by a sentence is no such label."""
    text = ("第五条 乘客来电查询遗失物品时\n正确示范（已查到）：“您好，物品已经找到了，请您带上身份证到车站认领。”\n"
            "应说（暂未查到）：“我已为您登记寻物信息，有消息会短信通知您。”\n"
            "√ （乘客在闸机前时）“请您不用着急，我马上帮您在后台处理。”\n"
            "√ 症状较急的：“建议您直接到店走急诊通道，护士会优先安排。”\n"
            "不应说（任何时候）：“丢了就是丢了，找不到。”\n"
            "应说明原因时：坐席须如实告知处理进度。\n")
    read = _by_kind(_read(text, cues))
    assert read["approved"] == {"您好，物品已经找到了，请您带上身份证到车站认领",
                                "我已为您登记寻物信息，有消息会短信通知您",
                                "请您不用着急，我马上帮您在后台处理",
                                "建议您直接到店走急诊通道，护士会优先安排"}
    assert read["forbidden"] == {"丢了就是丢了，找不到"}
    assert set(_situations(text, cues).values()) == {"乘客来电查询遗失物品时"}


def test_required_wording_by_slot(cues: Cues) -> None:
    text = "一般的结束语为：①感谢您的来电，再见！②祝您生活愉快，再见！等。\n开头语：“您好，欢迎致电售后服务热线。”\n"
    wording = {p.quote: p.slot for p in _read(text, cues) if p.kind == "wording"}
    assert wording == {"感谢您的来电，再见": "closing", "祝您生活愉快，再见": "closing",
                       "您好，欢迎致电售后服务热线": "opening"}


def test_wording_under_a_heading_standing_alone(cues: Cues) -> None:
    text = ("## 第三章 服务用语\n第八条 开头语\n\n电话：“您好，欢迎致电燃气客服，工号1024为您服务。”\n\n"
            "微信：“您好，这里是燃气微信客服，请问您要办理什么业务？”\n第九条 结束语\n"
            "所有渠道：“感谢您的耐心，祝您生活愉快，再见！”\n第十条 其他\n说明：“本规范自发布之日起执行。”\n")
    wording = {p.quote: p.slot for p in _read(text, cues) if p.kind == "wording"}
    assert wording == {"您好，欢迎致电燃气客服，工号1024为您服务": "opening",
                       "您好，这里是燃气微信客服，请问您要办理什么业务": "opening",
                       "感谢您的耐心，祝您生活愉快，再见": "closing"}


def test_a_sentence_ending_in_a_colon_introduces_the_list_below_it(cues: Cues) -> None:
    text = ("**第九条** 营业员在柜台服务中不得使用以下语言：\n\n1、“这个不归我管，你找保安去。”\n"
            "2、“没看见我在忙吗？”\n\n**第十条** 营业员应佩戴工牌，统一着装。\n"
            "**第十一条** 在线上渠道，严禁发送“爱买不买”、“烦死了”等情绪化语言。\n")
    forbidden = _by_kind(_read(text, cues))["forbidden"]
    assert forbidden == {"这个不归我管，你找保安去", "没看见我在忙吗", "爱买不买", "烦死了"}


def test_numbered_labels_under_a_heading_of_approved_wording_are_situations(cues: Cues) -> None:
    text = ("（二）燃气报修规范服务用语 1. 登记地址：请您提供一下详细的住址，方便师傅上门。 "
            "2. 用户闻到异味时：请您先关闭总阀，打开门窗通风。\n"
            "（三）值班安排 1. 交接班：请您在记录本上签字。\n")
    assert _situations(text, cues) == {"请您提供一下详细的住址，方便师傅上门": "登记地址",
                                       "请您先关闭总阀，打开门窗通风": "用户闻到异味时"}


def test_a_prompt_label_before_a_colon_marks_a_script_but_not_a_machines_words(cues: Cues) -> None:
    text = ("排队等待提示：您好，目前咨询人数较多，请您稍候。\n"
            "外呼时如听到语音提示“您拨打的号码已停机”，请记录为停机。\n")
    assert _by_kind(_read(text, cues)).get("approved") == {"您好，目前咨询人数较多，请您稍候"}


def test_a_situations_heading_wins_over_the_rule_paragraphs_below_it(cues: Cues) -> None:
    text = ("**第八条 客户询问电费为何突然变高时**\n\n坐席应先调出近三个月的抄表记录，说明计费时段和阶梯电价。\n\n"
            "√ “我先帮您调出近三个月的抄表记录，和您逐月核对一下。”\n\n× “电费高是你家用得多。”\n\n"
            "### 二、客户要求暂缓停电时\n\n坐席应说明欠费停电的规定，并告知缴费渠道。\n\n"
            "正确示范：“我先帮您查一下欠费金额，再告诉您最快的缴费方式。”\n")
    assert _situations(text, cues) == {"我先帮您调出近三个月的抄表记录，和您逐月核对一下": "客户询问电费为何突然变高时",
                                       "我先帮您查一下欠费金额，再告诉您最快的缴费方式": "客户要求暂缓停电时"}


def test_a_list_of_wordings_is_split_but_an_enumeration_inside_a_phrasing_is_not(cues: Cues) -> None:
    text = ("规范用语：“谢谢您、不客气、请稍等！感谢您的来电，再见！”\n"
            "第九条 患者投诉医务人员态度不好时\n"
            "正确示范：「非常抱歉。请您把当时的时间、地点和经过告诉我，我会如实记录。」\n")
    approved = _by_kind(_read(text, cues))["approved"]
    assert "非常抱歉。请您把当时的时间、地点和经过告诉我，我会如实记录" in approved
    assert {"谢谢您", "请稍等", "感谢您的来电，再见"} <= approved and not any(a.endswith("的时间") for a in approved)


def test_unquoted_speech_ends_where_the_next_marker_begins(cues: Cues) -> None:
    text = ("第三十条 到付快件由收件人支付运费。坐席在收件人质疑为何要付运费时，应说：到付运费是寄件人选的付款方式，"
            "我可以帮您联系寄件人核实。不应说：到付就是你付钱，不付就别拿。\n")
    found = _by_kind(_read(text, cues))
    assert found["approved"] == {"到付运费是寄件人选的付款方式，我可以帮您联系寄件人核实"}
    assert found["forbidden"] == {"到付就是你付钱，不付就别拿"}


def test_a_standard_answer_is_approved_but_a_masked_number_is_no_phrasing(cues: Cues) -> None:
    text = ("第二十六条 旅客咨询儿童单独乘机时\n"
            "标准应答：“孩子单独乘机可以申请无成人陪伴儿童服务，我把要准备的材料告诉您。”\n"
            "第十二条 提及银行卡时只说“尾号××××”，工号说“您好，工号××为您服务”。\n")
    assert _by_kind(_read(text, cues))["approved"] == {"孩子单独乘机可以申请无成人陪伴儿童服务，我把要准备的材料告诉您",
                                                       "您好，工号××为您服务"}


def test_a_document_without_rules_has_no_proposals(cues: Cues) -> None:
    assert _read("值班安排\n一、排班\n1、早班八点到岗。\n2、交接班时填写记录。\n", cues) == []


def test_category_from_the_standards_words_then_from_the_trained_model(cues: Cues) -> None:
    model = load_model(Settings().check.model_dir)
    text = "服务禁语\n(1)忌态度傲慢、厌烦◆我就这样的态度！\n(2)其他◆你他妈的有病吧\n"
    found = {p.quote: p for p in _read(text, cues, model)}
    assert (found["我就这样的态度"].category, found["我就这样的态度"].category_source) == ("impatient", "cue")
    assert found["你他妈的有病吧"].category_source == "model" and found["你他妈的有病吧"].category == "vulgar"


def test_ids_are_stable_and_distinct(cues: Cues) -> None:
    text = "服务禁语\n1、这事我管不着\n2、你自己去网点问吧\n3、这事我管不着\n"
    first, second = _read(text, cues), _read(text, cues)
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first) == 2  # the repeated item is proposed once


def test_customer_side_text_from_the_situation(cues: Cues) -> None:
    texts = customer_texts("遇到客户投诉热线难拨通、应答慢时(包括电话铃响三声后才接起)", ["我也没办法"], cues)
    assert texts[:2] == ["投诉热线难拨通、应答慢", "客户投诉热线难拨通、应答慢"] and "我也没办法" in texts


PIECES = ["服务禁语", "\n", "1、", "(2)", "①", "◆", "√", "×", "正确：", "错误：", "不应说", "应说", "：", "，", "、",
          "。", "！", "“", "”", "「", "」", "\"", "如：", "等", "客户", "时", "您好", "请您稍等", "你烦不烦",
          "第五条", "結束語", "開頭語為", "喂", " ", "先生/小姐", "𠀀", "谢谢"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40))
def test_every_quote_is_the_text_at_its_offsets(parts: list[str]) -> None:
    cues = load_cues(PathSettings().extraction_path)
    text = "".join(parts)
    for proposal in extract("doc", text, [], cues, None):
        assert text[proposal.start : proposal.end] == proposal.quote
        assert proposal.quote and proposal.quote == proposal.quote.strip()


def test_the_cues_live_with_the_knowledge() -> None:
    assert PathSettings().extraction_path == Path(PathSettings().knowledge_dir) / "extraction.yaml"


def test_tables_pair_their_columns_under_the_heading_or_the_rows_case(cues: Cues) -> None:
    text = ("**第八条 客户询问年费时**\n处理要点：先查询刷卡次数。\n"
            "| 规范用语 | 不规范用语 |\n|---|---|\n"
            "| “您这张卡刷满6笔就可以免收次年年费，我帮您查一下本年度的次数。” | “刷够次数就免，自己数。” |\n"
            "**第九条 分期手续费**\n"
            "| 客户问题 | 应答要点 | 参考话术 |\n| --- | --- | --- |\n"
            "| 认为分期是免息 | 说明手续费 | 分期虽然不收利息，但每期会收取手续费，我分开给您说明一下。 |\n")
    proposals = _read(text, cues)
    found = {(p.kind, p.quote, p.situation) for p in proposals}
    assert found == {
        ("approved", "您这张卡刷满6笔就可以免收次年年费，我帮您查一下本年度的次数", "客户询问年费时"),
        ("forbidden", "刷够次数就免，自己数", "客户询问年费时"),
        ("approved", "分期虽然不收利息，但每期会收取手续费，我分开给您说明一下", "认为分期是免息"),
    }  # the header 不规范用语 heads a column, not a forbidden list of the rows below it
    for proposal in proposals:
        assert text[proposal.start:proposal.end] == proposal.quote


def test_a_table_without_a_phrasing_column_proposes_nothing(cues: Cues) -> None:
    text = "| 评分项目 | 分值 | 主要内容 |\n|---|---|---|\n| 开头语与结束语 | 5 | 使用规范开头语，请您稍等 |\n"
    assert _read(text, cues) == []


def test_a_negated_speech_verb_forbids_what_it_quotes(cues: Cues) -> None:
    text = ("第六条 客户询问违约金时\n坐席不得只说“下次注意就行”而不说明违约金的计算方式。\n"
            "应说：“这笔违约金是按逾期天数计算的，我把明细发给您。”\n")
    kinds = _by_kind(_read(text, cues))
    assert kinds.get("forbidden") == {"下次注意就行"}
    assert kinds.get("approved") == {"这笔违约金是按逾期天数计算的，我把明细发给您"}


def test_a_rule_that_names_the_forbidden_list_is_no_heading_over_the_items_below(cues: Cues) -> None:
    text = ("第三十条 出现下列情形之一的，质检计为零分：\n（一）使用本规范所列服务禁语的；\n"
            "（二）对手续费、年费、利息作错误告知的；\n第三十一条 服务禁语\n1、你自己看说明去\n")
    assert _by_kind(_read(text, cues)).get("forbidden") == {"你自己看说明去"}
