"""What a borrower's SMS reply means: normalization, the built-in rules and rules an admin writes."""

from dataclasses import replace

import pytest

from xindai.messaging.intents import DEFAULT_RULES, Intent, Rule, RuleError, match, normalize, parse_keywords, recognize


def cases(*texts: str):
    """Parametrize values with the text itself as the id (readable in pytest's output)."""
    return [pytest.param(text, id=text or "<empty>") for text in texts]


def cases_to(*pairs: tuple[str, Intent]):
    return [pytest.param(text, intent, id=f"{text}->{intent}") for text, intent in pairs]


# --- normalization -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("ＴＤ", "td", id="full-width latin"),
        pytest.param("Ｔ\u3000Ｄ", "td", id="full-width with an ideographic space"),
        pytest.param("１２３４５", "12345", id="full-width digits"),
        pytest.param("餘額", "余额", id="traditional 余额"),
        pytest.param("還款時間", "还款时间", id="traditional 还款时间"),
        pytest.param("甚麼時候還", "什么时候还", id="traditional 甚麼 becomes 什么"),
        pytest.param("轉人工，請聯繫我", "转人工请联系我", id="traditional with punctuation"),
        pytest.param("訂閱", "订阅", id="traditional 订阅"),
        pytest.param("余 额", "余额", id="space inside a word"),
        pytest.param(" 余\t额\n", "余额", id="tabs and new lines"),
        pytest.param("余额？！。，、", "余额", id="Chinese punctuation"),
        pytest.param("余额?!.,;:'\"()", "余额", id="ASCII punctuation"),
        pytest.param("【余额】《查询》“好”", "余额查询好", id="Chinese brackets and quotes"),
        pytest.param("余额😀👍🏽🙏", "余额", id="emoji with skin tone"),
        pytest.param("👨‍👩‍👧余额❤️", "余额", id="zero-width joiner and variation selector"),
        pytest.param("Yu E", "yue", id="lower-case latin"),
        pytest.param("yú é", "yue", id="pinyin tone marks"),
        pytest.param("好好好好", "好", id="long run collapses"),
        pytest.param("TTT", "t", id="repeated letter collapses"),
        pytest.param("谢谢", "谢谢", id="a reduplicated pair stays"),
        pytest.param("10000元", "10000元", id="digits never collapse"),
        pytest.param("", "", id="empty"),
        pytest.param("  。。。 ", "", id="only punctuation"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


# --- the built-in rules: what must match ---------------------------------------------------

BALANCE = cases(
    "查询",
    "余额",
    "余额查询",
    "还多少",
    "欠多少",
    "还欠多少钱",
    "贷款还有多少",
    "余額",
    "yu e",
    "YÚ É",
    "查詢餘額",
    "我还欠你们多少钱？",
    "还有多少没还",
    "还要还多少",
    "一共要还多少",
    "帮我查一下贷款余额",
    "剩余本金多少",
    "全部还清要多少钱",
    "我的贷款还剩多少",
    "请问我贷款还有多少啊🙏",
    "欠 多 少",
    "CX",
)
REPAYMENT = cases(
    "什么时候还",
    "哪天还款",
    "下次还款",
    "还款日",
    "这个月还多少",
    "下次还多少",
    "逾期多少",
    "要还多少",
    "什麼時候還款",
    "每个月还多少钱",
    "几号扣款",
    "月供多少",
    "逾期了罚息多少",
    "还有几天到期",
    "这期应还多少",
    "啥时候还啊",
    "多会儿还",
    "我要还款",
    "这个月还欠多少",
)
HOW_TO_PAY = cases(
    "怎么还",
    "在哪还",
    "还款方式",
    "怎么交钱",
    "去哪里还",
    "可以微信还吗",
    "怎样还款？",
    "咋还",
    "支付宝能还吗",
    "手机银行可以还款吗",
    "再哪还",
    "去哪个网点还",
    "信用社在哪",
    "還款方式",
    "如何还贷款",
    "能用云闪付吗",
    "是自动扣款吗",
    "这个月怎么还",
    "哪个网点能还",
    "提前还款怎么办理",
)
OPT_OUT = cases(
    "TD",
    "td",
    "Ｔ Ｄ",
    "退订",
    "T",
    "t",
    "ttt",
    "取消短信",
    "别发了",
    "不要再发",
    "回TD退订",
    "退訂",
    "退定",
    "不要再给我发短信了",
    "别发了，我已经还了",
    "不想再收到短信",
    "不需要短信提醒",
    "以后别再发信息了！",
    "STOP",
    "请勿再发",
    "TD谢谢",
    "【新代】您的贷款将于4月1日到期，应还1000.00元。回TD退订",
    "退订，转人工",
)
OPT_IN = cases(
    "订阅",
    "恢复",
    "重新订阅",
    "恢复短信",
    "訂閱",
    "恢复一下",
    "重新接收短信",
    "开通短信提醒",
    "继续发吧",
    "恢复订阅",
    "我要订阅还款提醒",
    "恢复 短信 通知",
)
HUMAN = cases(
    "转人工",
    "人工",
    "信贷员",
    "找信贷员",
    "电话",
    "打电话给我",
    "联系我",
    "客服",
    "余额不对，转人工",
    "请让信贷员给我回个电话",
    "你们电话多少",
    "轉人工",
    "我要投诉",
    "人工服务",
    "信货员",
    "怎么联系你们",
    "什么时候还？转人工",
)


@pytest.mark.parametrize("text", BALANCE)
def test_balance(text):
    assert recognize(text) == Intent.BALANCE


@pytest.mark.parametrize("text", REPAYMENT)
def test_repayment(text):
    assert recognize(text) == Intent.REPAYMENT


@pytest.mark.parametrize("text", HOW_TO_PAY)
def test_how_to_pay(text):
    assert recognize(text) == Intent.HOW_TO_PAY


@pytest.mark.parametrize("text", OPT_OUT)
def test_opt_out(text):
    assert recognize(text) == Intent.OPT_OUT


@pytest.mark.parametrize("text", OPT_IN)
def test_opt_in(text):
    assert recognize(text) == Intent.OPT_IN


@pytest.mark.parametrize("text", HUMAN)
def test_human(text):
    assert recognize(text) == Intent.HUMAN


# --- near misses: what must not match, and what it is instead ------------------------------

NOT_BALANCE = cases_to(
    ("这个月还多少", Intent.REPAYMENT),
    ("还有多少天到期", Intent.REPAYMENT),
    ("什么时候还清", Intent.REPAYMENT),
    ("剩余额度还有多少", Intent.UNKNOWN),
    ("还能贷多少", Intent.UNKNOWN),
    ("余额不对，转人工", Intent.HUMAN),
    ("微信余额可以还吗", Intent.HOW_TO_PAY),
    ("余额TD", Intent.OPT_OUT),
)
NOT_REPAYMENT = cases_to(
    ("还欠多少", Intent.BALANCE),
    ("怎么还", Intent.HOW_TO_PAY),
    ("什么时候还能贷款", Intent.UNKNOWN),
    ("这个月已经还了", Intent.UNKNOWN),
    ("我已经还款了", Intent.UNKNOWN),
    ("收到，会按时还款的", Intent.UNKNOWN),
    ("下个月再说", Intent.UNKNOWN),
    ("逾期了别发了", Intent.OPT_OUT),
    ("还款日是哪天，转人工", Intent.HUMAN),
)
NOT_HOW_TO_PAY = cases_to(
    ("怎么还有逾期", Intent.REPAYMENT),
    ("怎么还这么多", Intent.UNKNOWN),
    ("怎么还没到账", Intent.UNKNOWN),
    ("我已经微信还了", Intent.UNKNOWN),
    ("哪天还", Intent.REPAYMENT),
    ("怎么联系信贷员", Intent.HUMAN),
    ("微信号是多少", Intent.UNKNOWN),
    ("你们是哪个银行", Intent.UNKNOWN),
)
NOT_OPT_OUT = cases_to(
    ("TDS", Intent.UNKNOWN),
    ("Tdong", Intent.UNKNOWN),
    ("T 谢谢", Intent.UNKNOWN),
    ("我不要发票", Intent.UNKNOWN),
    ("退款", Intent.UNKNOWN),
    ("取消贷款", Intent.UNKNOWN),
    ("短信收到了", Intent.UNKNOWN),
    ("请勿回复", Intent.UNKNOWN),
    ("发了吗", Intent.UNKNOWN),
    ("别催了，我明天就还", Intent.UNKNOWN),
    ("取消退订", Intent.UNKNOWN),
    ("误退订了", Intent.UNKNOWN),
)
NOT_OPT_IN = cases_to(
    ("退订", Intent.OPT_OUT),
    ("取消订阅", Intent.OPT_OUT),
    ("订阅号是什么", Intent.UNKNOWN),
    ("征信什么时候恢复", Intent.UNKNOWN),
    ("我没订阅过", Intent.UNKNOWN),
    ("重新发一下", Intent.UNKNOWN),
    ("不要恢复短信", Intent.UNKNOWN),
)
NOT_HUMAN = cases_to(
    ("别打电话了", Intent.UNKNOWN),
    ("不用联系我", Intent.UNKNOWN),
    ("不要再给我打电话", Intent.UNKNOWN),
    ("不用打电话，告诉我余额就行", Intent.BALANCE),
    ("不客气", Intent.UNKNOWN),
    ("人家还没发工资", Intent.UNKNOWN),
    ("别再打电话也别发短信了", Intent.OPT_OUT),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    NOT_BALANCE + NOT_REPAYMENT + NOT_HOW_TO_PAY + NOT_OPT_OUT + NOT_OPT_IN + NOT_HUMAN,
)
def test_near_misses(text, expected):
    assert recognize(text) == expected


UNKNOWN = cases(
    "",
    "   ",
    "。。。",
    "😀🙏",
    "你好",
    "您好",
    "在吗",
    "谢谢",
    "谢谢！",
    "谢谢谢谢",
    "好的",
    "好的👌",
    "好好好好",
    "收到",
    "嗯嗯",
    "知道了",
    "ok",
    "1",
    "12345",
    "13812345678",
    "马建国",
    "今天天气怎么样",
    "你们贷款利率多少",
    "我想再贷一笔款",
)


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown(text):
    assert recognize(text) == Intent.UNKNOWN
    assert match(text) is None or match(text).intent == Intent.UNKNOWN


# --- precedence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    cases_to(
        ("别发了，我已经还了", Intent.OPT_OUT),
        ("退订，余额多少", Intent.OPT_OUT),
        ("不要再发了，转人工", Intent.OPT_OUT),
        ("余额不对，转人工", Intent.HUMAN),
        ("这个月还多少？打电话给我", Intent.HUMAN),
        ("这个月怎么还", Intent.HOW_TO_PAY),
        ("查询还款方式", Intent.HOW_TO_PAY),
        ("查询还款日", Intent.REPAYMENT),
        ("逾期了还欠多少", Intent.REPAYMENT),
        ("这个月还多少", Intent.REPAYMENT),
        ("还欠多少", Intent.BALANCE),
        ("还有多少没还", Intent.BALANCE),
        ("要还多少", Intent.REPAYMENT),
        ("还要还多少", Intent.BALANCE),
        ("这个月还要还多少", Intent.REPAYMENT),
        ("还多少", Intent.BALANCE),
    ),
)
def test_precedence(text, expected):
    assert recognize(text) == expected


def test_default_rules_cover_every_intent_and_are_active():
    assert {rule.intent for rule in DEFAULT_RULES} == set(Intent)
    assert all(rule.active for rule in DEFAULT_RULES)
    opt_out = max(rule.priority for rule in DEFAULT_RULES if rule.intent == Intent.OPT_OUT)
    assert opt_out > max(rule.priority for rule in DEFAULT_RULES if rule.intent not in (Intent.OPT_OUT, Intent.UNKNOWN))


def test_match_names_the_deciding_rule():
    rule = match("余额不对，转人工")
    assert rule is not None and rule.intent == Intent.HUMAN and "人工" in rule.keywords
    assert match("") is None


# --- rules an admin writes -----------------------------------------------------------------


def test_admin_keywords_are_split_and_normalized():
    rule = Rule("balance", "余额,查询，还多少、欠多少；餘額|yu e\n", priority=10)
    assert rule.intent is Intent.BALANCE
    assert rule.keywords == ("余额", "查询", "还多少", "欠多少", "yue")
    assert parse_keywords("余额, 查询 ，，") == ("余额", " 查询 ")


def test_admin_rule_with_keywords_and_a_pattern():
    rule = Rule(Intent.BALANCE, "余额,查询,还多少,欠多少", pattern=r"^(?:ye|cxye)$", priority=10)
    rules = [rule]
    assert recognize("YE", rules) == Intent.BALANCE  # the pattern, on the normalized text
    assert recognize("C X Y E！", rules) == Intent.BALANCE
    assert recognize("餘 額？", rules) == Intent.BALANCE  # a keyword, after normalization
    assert recognize("yes", rules) == Intent.UNKNOWN
    assert recognize("退订", rules) == Intent.UNKNOWN  # the given rules replace the built-in ones


def test_pattern_is_case_insensitive_and_simplified():
    assert recognize("td", [Rule(Intent.OPT_OUT, pattern="^TD$")]) == Intent.OPT_OUT
    assert recognize("还款", [Rule(Intent.REPAYMENT, pattern="還款")]) == Intent.REPAYMENT


def test_higher_priority_wins_whatever_the_order():
    low = Rule(Intent.BALANCE, ("还多少",), priority=1)
    high = Rule(Intent.REPAYMENT, pattern="月.*还多少", priority=5)
    assert recognize("这个月还多少", [low, high]) == Intent.REPAYMENT
    assert recognize("这个月还多少", [high, low]) == Intent.REPAYMENT
    assert recognize("还多少", [low, high]) == Intent.BALANCE


def test_equal_priorities_keep_the_given_order():
    first = Rule(Intent.BALANCE, ("还多少",), priority=3)
    second = Rule(Intent.REPAYMENT, ("还多少",), priority=3)
    assert recognize("还多少", [first, second]) == Intent.BALANCE
    assert recognize("还多少", [second, first]) == Intent.REPAYMENT


def test_inactive_rules_are_ignored():
    rule = Rule(Intent.HUMAN, ("找小王",), priority=90)
    assert recognize("找小王", [rule]) == Intent.HUMAN
    assert recognize("找小王", [replace(rule, active=False)]) == Intent.UNKNOWN


def test_stored_rules_extend_the_built_in_ones():
    rules = [*DEFAULT_RULES, Rule(Intent.HUMAN, "找小王,王主任", priority=85)]
    assert recognize("我找小王", rules) == Intent.HUMAN
    assert recognize("余额", rules) == Intent.BALANCE
    assert recognize("TD", rules) == Intent.OPT_OUT  # below opt-out's priority, it cannot take it over


def test_an_unknown_rule_silences_lower_ones():
    rules = [*DEFAULT_RULES, Rule(Intent.UNKNOWN, ("余额宝",), priority=75)]
    assert recognize("余额宝") == Intent.BALANCE
    assert recognize("余额宝", rules) == Intent.UNKNOWN


def test_replace_keeps_the_rule_valid():
    rule = replace(Rule(Intent.BALANCE, "余额"), keywords="余額,欠多少")
    assert rule.keywords == ("余额", "欠多少")


def test_empty_text_is_unknown_even_for_a_rule_matching_everything():
    assert recognize("。。😀", [Rule(Intent.BALANCE, pattern="^")]) == Intent.UNKNOWN


@pytest.mark.parametrize(
    ("values", "code"),
    [
        pytest.param({"intent": "loan", "keywords": "余额"}, "rule_intent", id="unknown intent"),
        pytest.param({"intent": "balance", "pattern": "(余额"}, "rule_pattern", id="broken pattern"),
        pytest.param({"intent": "balance", "keywords": "，,😀"}, "rule_empty", id="keywords that normalize away"),
        pytest.param({"intent": "balance", "pattern": ""}, "rule_empty", id="empty pattern, no keywords"),
        pytest.param({"intent": "opt_out", "keywords": "退订,T"}, "rule_short", id="single-letter keyword"),
    ],
)
def test_unusable_rules_are_refused(values, code):
    with pytest.raises(RuleError) as caught:
        Rule(**values)
    assert caught.value.code == code
    assert str(caught.value)  # a message the admin form can show
