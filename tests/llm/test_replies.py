"""Claims, form and others' data of model replies, with the project's knowledge/replies.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import KnowledgeInvalid
from copilot.llm.replies import ReplyRules, load_reply_rules
from copilot.settings import Settings

STANDARD = "您好，您反映的问题我已经记录下来，马上为您核实处理，请您稍等。\n我们会在24小时内给您明确答复。"


@pytest.fixture(scope="module")
def rules() -> ReplyRules:
    return load_reply_rules(Settings().paths.replies_path)


def kinds(rules: ReplyRules, reply: str, context: str = "", said: str = "") -> set[tuple[str, str]]:
    support, commitments = f"{context}\n{said}\n{STANDARD}", f"{said}\n{STANDARD}"
    return {(c.kind, c.anchor) for c in rules.unsupported(reply, support, commitments)}


@pytest.mark.parametrize(("reply", "expected"), [
    ("您的退货申请已经处理完毕，请您留意短信。", {("done", "处理")}),
    ("我们已经安排了技术人员上门检测。", {("done", "安排")}),
    ("款项已退回您的原支付账户。", {("done", "退回")}),
    ("我们会安排师傅尽快上门。", {("promise", "安排")}),
    ("好的，马上给您全额退款。", {("remedy", "退款")}),
    ("多扣的话费三个工作日内到账。", {("promise", "到账"), ("number", "三个工作日")}),
    ("给您补偿50元话费。", {("remedy", "补偿"), ("number", "50元")}),
    ("师傅明天上午9点上门。", {("promise", "师傅"), ("number", "9点"), ("moment", "明天")}),
    ("名字已经帮您改好了。", {("done", "改好")}),  # done for the customer, whatever the verb
    ("给您补偿2.5元。", {("remedy", "补偿"), ("number", "2.5元")}),
    ("今天下单全场满200减30。", {("number", "200"), ("number", "30")}),  # figures with no unit
    ("发票已经开好发到您邮箱了。", {("done", "开好")}),  # finished, though no listed action names it
    ("我已经顺手帮您调好了。", {("done", "调好")}),
    ("我十分钟后给您回拨过去。", {("number", "十分钟")}),
    ("稍后给您寄一份小礼品。", {("remedy", "礼品")}),
    ("退货的运费由我们承担。", {("remedy", "我们承担")}),
    ("老套餐的价格保持到明年年底。", {("moment", "明年"), ("moment", "年底")}),
    ("断网是因为片区光缆正在施工，我先帮您登记。", {("cause", "片区光缆正在施工")}),  # a cause nobody gave
    ("这次改期不收取任何手续费。", {("remedy", "不收取")}),  # a fee waived is a remedy
    ("联系人我已经更新为陈先生了。", {("done", "更新")}),
    ("补偿我们肯定会给您，具体金额暂时无法确定。", {("remedy", "补偿")}),  # declined too far after it
    ("多出的费用是您开通的彩铃包产生的。", {("cause", "您开通的彩铃包")}),  # a cause closed by 产生的
    ("您的额度可以提升到叁万伍仟元。", {("number", "三万五千元")}),  # numerals of amounts written out
    ("本月宽带费我们给您减半收取。", {("remedy", "减半")}),
    ("救援车已经从最近的站点出发了。", {("done", "出发")}),
    ("我查到是您开通的会员包产生了费用。", {("finding", "是您开通的会员包产生了费用")}),  # nothing was looked up
    ("快递员反馈包裹放在了东门的快递柜。", {("finding", "包裹放在了东门的快递柜")}),
    ("退票手续费我已经改成按百分之五收取了。", {("done", "改成"), ("number", "五%")}),  # 百分之五 is 5%
])
def test_invented_claims_are_found(rules: ReplyRules, reply: str, expected: set[tuple[str, str]]) -> None:
    assert kinds(rules, reply, context="客户：宽带断了好几天了") == expected


@pytest.mark.parametrize("reply", [
    "您好，给您带来不便非常抱歉，我马上为您核实处理，请您稍等。",  # promises of the call itself
    "您反映的问题我已经记录下来了。",  # noting it down is not an outcome
    "我们会在二十四小时内给您明确答复。",  # the standard's own promise, in other numerals
    "目前还没有处理完毕，我帮您催一下。",  # negated
    "稍等一点时间，我查一下。",  # 一点: a little
    "物流信息我尽快帮您查好。",  # 帮您…好 with no 了: ahead, and the call's own work
    "您是第2位反映这个问题的客户。",  # a lone digit is a count
    "赔偿这块我暂时无法直接答应您，我先记录您的诉求。",  # a remedy named to be declined is not offered
    "减免物业费我没办法直接答应，我先把您的意见反馈上去。",
    "退费需要先核实订购记录，我先帮您查询。",  # made to wait on a check
    "赔偿这块我没办法当场答应您，我先记录下来。",  # refused a few characters on
    "退款的事我先帮您核实一下订单情况。",
    "您想改到哪一天？我帮您查询一下。",  # 哪一天 asks, it does not name a day
    "全额退款和十倍赔偿我这边暂时没法直接承诺。",  # both remedies of the list are refused
    "您想退保，是因为扣款日在发工资之前吗？",  # a cause asked about is not stated
    "如果您是因为理赔的事不满意，我可以帮您转给专人。",  # nor one supposed
    "退款还没到您账上，我帮您看看卡在哪一步。",  # a remedy still unsettled is the matter, not an offer
    "我帮您查询一下退款的处理进度。",  # nor one looked up
])
def test_what_the_standard_or_the_call_itself_says_is_not_a_claim(rules: ReplyRules, reply: str) -> None:
    assert kinds(rules, reply) == set()


def test_facts_may_come_from_the_customer_but_promises_only_from_the_company(rules: ReplyRules) -> None:
    customer = "客户：这个月多扣了我三十八块，我已经提交了退款申请，你们答应我明天给我退"
    assert kinds(rules, "您说本月多扣了38元，我马上为您核实。", context=customer) == set()
    assert kinds(rules, "您已经提交了退款申请，我马上为您核实。", context=customer) == set()  # a request, not a grant
    # the customer saying it was promised does not make it promised
    assert ("remedy", "退款") in kinds(rules, "明天给您退款。", context=customer)
    assert kinds(rules, "您好，款项已经退回了。", context="客户：你就说已经退回了就行") == {("done", "退回")}
    # what the agent said earlier stands
    said = "坐席：您的工单我已经提交了，师傅会在下午三点前联系您"
    assert kinds(rules, "工单已经提交，师傅会在下午三点前联系您。", context="客户：师傅呢", said=said) == set()


def test_amounts_are_compared_by_value(rules: ReplyRules) -> None:
    assert kinds(rules, "您已交的1.2万元保费我马上为您核实。", context="客户：我交了一万二") == set()
    assert kinds(rules, "您上个月交的是105元。", context="客户：我记得交的是一百五") == {("number", "105元")}
    assert kinds(rules, "您的意思我已经帮您记下了。") == set()  # noting it down is the call itself


def test_a_figure_read_back_must_be_the_one_said(rules: ReplyRules) -> None:
    said = "客户：我号码是幺八六，零零七五，三二一九"
    assert kinds(rules, "您的号码是186 0075 3219，对吗？", context=said) == set()
    assert kinds(rules, "您的号码是186 0075 3291，对吗？", context=said) == {("number", "186 0075 3291")}
    assert kinds(rules, "订单尾号4471的包裹正在派送。", context="客户：订单号尾号是4471") == set()


def test_a_cause_the_customer_gave_backs_the_reply_that_restates_it(rules: ReplyRules) -> None:
    said = "客户：我家停水了，物业说是因为小区门口的水管爆了在抢修"
    assert kinds(rules, "很抱歉，停水是因为小区门口的水管爆了，我帮您查询抢修进度。", context=said) == set()
    assert kinds(rules, "很抱歉，停水是因为水厂在检修设备。", context=said) == {("cause", "水厂在检修设备")}


def test_clock_times_and_run_on_numerals_are_read_as_said(rules: ReplyRules) -> None:
    assert kinds(rules, "您约的是20号上午9:30的号。", context="客户：我约了二十号上午九点半") == set()
    assert kinds(rules, "您约的是9:45的号。", context="客户：我约了九点半") == {("number", "45")}
    assert kinds(rules, "本月扣了136.5元。", context="客户：扣了一百三十六块五") == set()  # 块五 is half a yuan
    assert kinds(rules, "成交价12.35元。", context="客户：成交价十二块三毛五") == set()
    assert kinds(rules, "平时水费六七十元。", context="客户：平时也就六七十") == set()  # a range, as said
    assert kinds(rules, "平时水费五六十元。", context="客户：平时也就六七十") == {("number", "五六十元")}
    said = "客户：你们必须赔我三倍，一千八一分不能少！"
    assert ("number", "1800元") not in kinds(rules, "按三倍赔1800元的要求暂时没法办理。", context=said)


def test_a_bare_number_of_the_customer_backs_the_same_amount(rules: ReplyRules) -> None:
    assert kinds(rules, "138元的月租我马上为您核实。", context="客户：138的月租全扣了") == set()
    assert kinds(rules, "5元的月租我马上为您核实。", context="客户：扣了5") == {("number", "5元")}


def test_ten_thousands_and_thousands_separators_are_read_as_values(rules: ReplyRules) -> None:
    said = "客户：预算只有十五万左右，顶配要十八万多"
    assert kinds(rules, "您预算在15万左右，顶配要18万多。", context=said) == set()
    assert kinds(rules, "您预算在16万左右。", context=said) == {("number", "16万")}
    assert kinds(rules, "APP仍显示欠款2150元。", context="客户：app還顯示欠款2,150是什麼情況") == set()
    assert kinds(rules, "显示欠款2,160元。", context="客户：显示欠款2150") == {("number", "2160元")}


def test_one_oclock_said_as_yidian_backs_the_time_but_is_no_claim_itself(rules: ReplyRules) -> None:
    assert kinds(rules, "现在已经1点了还没送到。", context="客户：现在都一点了还没来") == set()
    assert kinds(rules, "现在已经2点了还没送到。", context="客户：现在都一点了还没来") == {("number", "2点")}
    assert kinds(rules, "请您稍等一点时间。", context="客户：快点") == set()


@pytest.mark.parametrize(("written", "clean"), [
    ("坐席：您好，请问有什么可以帮您？", "您好，请问有什么可以帮您？"),
    ("“您好，请您稍等。”", "您好，请您稍等。"),
    ("回复：“坐席：您好。”", "您好。"),
    ("Agent: 您好。", "您好。"),
    ("您好，坐席：这不是前缀。", "您好，坐席：这不是前缀。"),
])
def test_prefixes_and_quotes_are_stripped(rules: ReplyRules, written: str, clean: str) -> None:
    assert rules.clean(written) == clean


def test_handing_over_others_data_is_caught_and_refusing_it_is_not(rules: ReplyRules) -> None:
    assert rules.hands_over_others_data("好的，请提供上一个打进来的客户的电话号码")
    assert rules.hands_over_others_data("邻居家的地址我帮您查一下。")
    assert not rules.hands_over_others_data("很抱歉，其他客户的信息需要保密，不便透露。")
    assert not rules.hands_over_others_data("您的电话号码是[电话1]，对吗？")


def test_the_customers_own_data_named_before_another_person_is_not_others_data(rules: ReplyRules) -> None:
    """The number the customer typed wrong, and where the money went: the customer's own matter."""
    assert not rules.hands_over_others_data("您转出的八千元因对方号码填错了一位到了别人那里，我帮您核实。")
    assert rules.hands_over_others_data("我把别人的号码发给您。")


def test_words_put_back_to_be_confirmed_state_nothing_but_their_figures_are_still_compared(
        rules: ReplyRules) -> None:
    asked = "您是说平时信号已经恢复，只有在电梯里还是收不到信号，对吗？我把这个情况记录下来。"
    assert rules.unsupported(asked, "客户：现在好点了，就是电梯里还是没格") == []
    misread = "跟您核对一下，扣了您300元，对吧？"
    assert [c.kind for c in rules.unsupported(misread, "客户：莫名其妙扣了我200块")] == ["number"]
    told = "您的信号已经恢复了。您是说电梯里还是没信号，对吗？"  # the frame covers its own sentence only
    assert [(c.kind, c.anchor) for c in rules.unsupported(told, "客户：电梯里还是没格")] == [("done", "恢复")]
    unasked = "您是说信号已经恢复了。"  # no confirming question: a statement
    assert [c.kind for c in rules.unsupported(unasked, "客户：电梯里还是没格")] == ["done"]


def test_a_broken_rules_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "replies.yaml"
    path.write_text("claims: {done_markers: []}\n", encoding="utf-8")
    with pytest.raises(KnowledgeInvalid, match=r"replies\.yaml"):
        load_reply_rules(path)


def test_one_thing_spelled_two_ways_backs_itself(rules: ReplyRules) -> None:
    """俩 and 仨 hold their measure word; a moment said in full backs its short form."""
    assert kinds(rules, "您的材料交上来将近两个月了。", context="客户：资料交了快俩月了") == set()
    assert kinds(rules, "您家三个人每月用水十吨左右。", context="客户：我家仨人，一个月十吨左右") == set()
    assert kinds(rules, "您今早乘坐时电梯仍有异响。", context="客户：今天早上坐电梯还是响") == set()
    assert kinds(rules, "您今早乘坐时电梯仍有异响。", context="客户：电梯还是响") == {("moment", "今早")}
    assert kinds(rules, "您的材料交上来将近三个月了。", context="客户：资料交了快俩月了") == {("number", "三个月")}


def test_a_remedy_offered_beside_an_unsettled_one_is_still_a_claim(rules: ReplyRules) -> None:
    assert kinds(rules, "退款没问题，我马上给您办。") == {("remedy", "退款")}
    assert ("remedy", "退款") in kinds(rules, "退款三天内到账。")


@pytest.mark.parametrize(("clause", "next_step"), [
    ("并转给技术部门跟进", True),
    ("上报给驾校负责人处理", True),  # no lead: the verb hands it on (给)
    ("转给物业维修人员处理", True),
    ("会反馈给授课老师和教学主管", True),
    ("再为您登记售后", True),
    ("我马上为您核实", True),
    ("处理结果是全额退款", False),  # the verb's word begins a noun, and nothing leads it
    ("联系不上经办人", False),
    ("已经转给技术部门了", False),  # done, not ahead
    ("反馈给厂家后厂家同意换货", False),  # what came of it
    ("并跟进后续处理", True),
    ("记录显示您上月已缴费", False),
    ("并备注为重复投诉", True),  # noting it down is an action of the call, like 登记
    ("备注显示您上周来过电", False),
])
def test_the_agents_own_next_step_is_told_from_a_stated_fact(rules: ReplyRules, clause: str,
                                                             next_step: bool) -> None:
    assert rules.next_step(clause) is next_step


def test_a_count_after_a_done_marker_finishes_nothing(rules: ReplyRules) -> None:
    """好几位 counts; 弄好 is a result."""
    assert rules.unsupported("已经有好几位骑电动车的人摔倒了", "客户：电动车都摔了好几个人了") == []
    assert [(c.kind, c.anchor) for c in rules.unsupported("已经帮您弄好了", "客户：网断了")] == [("done", "弄好")]


def test_a_remedy_heading_a_record_looked_up_is_no_offer(rules: ReplyRules) -> None:
    assert rules.unsupported("我现在就帮您查一下退款记录。", "客户：退的钱到现在也没见着") == []
    offered = rules.unsupported("我给您退款，记录一下您的账号。", "客户：退钱")
    assert [(c.kind, c.anchor) for c in offered] == [("remedy", "退款")]


def test_a_next_step_done_with_someone_names_them_before_its_verb(rules: ReplyRules) -> None:
    assert rules.next_step("并跟门店核实后续安排")
    assert rules.next_step("再跟安检人员协调安排")
    assert not rules.next_step("跟门店核实后门店同意退款")  # what came of it is a fact
    assert not rules.next_step("跟您说一下")


def test_a_moment_never_begins_inside_yixia(rules: ReplyRules) -> None:
    """查一下周末 names 周末; 下周 would be a moment nobody named."""
    said = "客户：你们儿科周末有专家号么"
    assert rules.unsupported("我帮您查一下周末儿科专家的出诊安排", said) == []
    assert {(c.kind, c.anchor) for c in rules.unsupported("下周一给您回电", said)} == \
        {("moment", "下周"), ("moment", "周一")}


def test_what_the_agents_next_step_looks_up_promises_nothing(rules: ReplyRules) -> None:
    said = "客户：到底哪天能来修"
    assert rules.unsupported("我帮您查一下师傅明天能不能上门", "客户：明天能来修吗") == []
    assert [c.kind for c in rules.unsupported("师傅明天上午上门", said)] == ["moment", "promise"]
    assert [c.kind for c in rules.unsupported("并安排师傅明天上门", said)] == ["moment", "promise"]


def test_a_passive_done_and_a_third_partys_reply_are_claims(rules: ReplyRules) -> None:
    said = "客户：今早转了5000块给我妈，她卡上没收到钱"
    assert [(c.kind, c.anchor) for c in rules.unsupported("您这笔5000元的转账已被退回原账户", said)] == \
        [("done", "退回")]
    assert rules.unsupported("您的卡已被冻结", "客户：我卡被冻结了，咋回事") == []
    reported = rules.unsupported("刚才内镜中心回复说您的报告要等病理结果一起出", "客户：胃镜报告还没拿到")
    assert [c.kind for c in reported] == ["finding"]
