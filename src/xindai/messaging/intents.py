"""What a borrower's SMS reply means (pure: no Django).

A reply is first normalized (`normalize`): full-width to half-width, the traditional characters
that matter to simplified, latin lower-cased and stripped of tone marks, spaces, punctuation and
emoji dropped, runs of three or more of the same letter collapsed to one (digits are left alone).
Keywords and patterns are then matched against the normalized text, so they never need to
spell out spaces, punctuation or traditional variants.

A `Rule` says "this text means that intent": it matches when any of its keywords is a
substring of the normalized text, or when its pattern (a regular expression, case-insensitive)
is found in it. `recognize` tries the active rules by descending priority (equal priorities
in the order given) and the first rule that matches decides. A rule whose intent is UNKNOWN
is a guard: it stops the search, so a message that merely looks like a lower-priority intent
("剩余额度" contains "余额") is left unrecognized instead of being answered wrongly. An empty
message is always UNKNOWN.

Precedence of the built-in rules (`DEFAULT_RULES`), highest first:

110 UNKNOWN     a reversed opt-out ("取消退订", "误退订"): neither opt-out nor an automatic opt-in,
                since dropped punctuation could hide "取消，退订"; a person decides.
100 OPT_OUT     退订, TD, T (only as the whole message), 别发了, 不要再发 ... wins over everything
                else, also when the reply quotes our footer "回TD退订" or says more.
 90 OPT_IN      订阅, 恢复, 重新订阅, 开通短信 ... (never on 退订, 订阅号 or "没订阅").
 80 HUMAN       an explicit request for a person (转人工, 信贷员, 客服) or to be contacted (电话,
                联系我) — unless the contact is refused ("别打电话了"); beats the questions below.
 70 HOW_TO_PAY  怎么还, 在哪还, 还款方式, 可以微信还吗 ("怎么还有逾期" is not: 还 there means "still").
 65 REPAYMENT   about a date or a period: 什么时候还, 还款日, 到期, 这个月/下次/每月 ... 多少, 逾期, 罚息.
 61 UNKNOWN     credit line (额度): not a balance question.
 60 BALANCE     what remains: 余额, 剩余, 欠多少, 还欠, 还有多少, 一共多少, 结清, 本金.
 55 REPAYMENT   the amount due: 要还多少, 应还, 该交多少.
 45 REPAYMENT   还款, 还钱, 还贷 in general (not a statement "已经还款了", "会按时还款").
 40 BALANCE     查询, 查一下, a bare 还多少, the pinyin "yue"/"ye"/"cx".

So "还多少" is resolved by what surrounds it: with a period ("这个月还多少", "下次还多少") or a
modal verb ("要还多少") it asks for the next installment (REPAYMENT); with 欠/剩/有/一共
("还欠多少", "还有多少没还", "一共要还多少", "还要还多少") or on its own it asks for what is
still owed (BALANCE).

The app may pass its own rules (stored in the database, in the same shape) instead of the
built-in ones, or in addition: ``recognize(text, [*DEFAULT_RULES, *stored])``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from xindai.core.pure import PureError, _


class Intent(StrEnum):
    BALANCE = "balance"  # 余额查询: outstanding principal per loan and total
    REPAYMENT = "repayment"  # 还款查询: next due date and amount; overdue amount with penalty
    HOW_TO_PAY = "how_to_pay"  # 还款方式: how and where to pay
    OPT_OUT = "opt_out"  # 退订
    OPT_IN = "opt_in"  # 订阅 / 恢复短信
    HUMAN = "human"  # 转人工 / 信贷员 / 电话
    UNKNOWN = "unknown"


class RuleError(PureError):
    """A rule an administrator wrote that cannot be used."""


# --- normalization -------------------------------------------------------------------------

_TRADITIONAL_PAIRS = (
    "餘余 馀余 額额 還还 詢询 訂订 閱阅 轉转 貸贷 貨货 員员 電电 話话 錢钱 銷销 號号 碼码 請请 問问 時时 間间 "
    "幫帮 聯联 繫系 係系 變变 動动 麼么 麽么 嗎吗 這这 個个 們们 給给 謝谢 務务 繳缴 納纳 匯汇 銀银 網网 "
    "點点 現现 櫃柜 臺台 檯台 發发 別别 復复 複复 關关 閉闭 斷断 訊讯 簡简 資资 經经 絡络 撥拨 機机 辦办 "
    "應应 該该 結结 總总 計计 筆笔 帳账 賬账 帐账 單单 據据 則则 罰罚 滯滞 寶宝 掃扫 門门 處处 裡里 裏里 "
    "邊边 來来 過过 煩烦 詳详 細细 說说 試试 題题 對对 錯错 為为 沒没 夠够 負负 擔担 幾几 後后 見见 業业 "
    "戶户 頭头 會会 幣币 塊块 萬万 設设 開开 啟启 續续 綁绑 約约 雲云 閃闪 費费 讓让 擾扰 騷骚 収收 數数 "
    "條条 實实 際际 確确 認认 誤误 歡欢 卻却 遲迟 報报 訴诉 專专 責责 違违 帶带 讀读"
)
_TRADITIONAL = str.maketrans({pair[0]: pair[1] for pair in _TRADITIONAL_PAIRS.split()})
_PHRASES = (("甚么", "什么"),)
_REPEATS = re.compile(r"(\D)\1{2,}")


def _simplified(text: str) -> str:
    return text.translate(_TRADITIONAL)


def _letters_and_digits(text: str) -> str:
    """Drop spaces, punctuation, symbols, emoji and combining marks (tone marks, after NFKD)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def normalize(text: str) -> str:
    """The text as rules see it: "Ｔ Ｄ！" → "td", "餘額？" → "余额", "yú é" → "yue",
    "好好好好" → "好" (pairs like 谢谢 and digits like 1000 are kept)."""
    text = unicodedata.normalize("NFKD", text or "")  # full-width → half-width, é → e and a tone mark
    text = _letters_and_digits(_simplified(text).lower())
    for old, new in _PHRASES:
        text = text.replace(old, new)
    return _REPEATS.sub(r"\1", text)


# --- rules ---------------------------------------------------------------------------------

_KEYWORD_SEPARATORS = re.compile(r"[,，、;；|｜\n\r]+")

MSG_INTENT = _("Choose what the rule recognizes (%(choices)s); “%(intent)s” is not one of them.")
MSG_PATTERN = _("The pattern is not a valid regular expression: %(error)s.")
MSG_EMPTY = _("Give the rule at least one keyword or a pattern.")
MSG_SHORT = _(
    "The keyword “%(keyword)s” is a single letter or digit and would match almost every message; "
    "use a pattern such as ^%(keyword)s$ to match it as the whole message."
)


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords as an administrator writes them: "余额,查询，还多少、欠多少" (separated by
    commas, 、, semicolons, | or new lines; spaces are part of a keyword and vanish in
    normalization, so "yu e" is one keyword)."""
    return tuple(part for part in _KEYWORD_SEPARATORS.split(text) if part.strip())


def _normalized_keywords(keywords: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(keywords, str):
        keywords = parse_keywords(keywords)
    normalized = (normalize(keyword) for keyword in keywords)
    return tuple(dict.fromkeys(keyword for keyword in normalized if keyword))


def _intent(value: Intent | str) -> Intent:
    try:
        return Intent(value)
    except ValueError:
        choices = ", ".join(Intent)
        raise RuleError("rule_intent", MSG_INTENT, choices=choices, intent=value) from None


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(_simplified(pattern), re.IGNORECASE)
    except re.error as err:
        raise RuleError("rule_pattern", MSG_PATTERN, error=str(err)) from None


@dataclass(frozen=True)
class Rule:
    """A text that contains any of `keywords`, or in which `pattern` is found, means `intent`.

    Keywords may be given as one string the way an administrator types them ("余额,查询,还多少");
    they and the text are normalized alike, so "餘額" and "余 额" are the same keyword. The
    pattern is applied to the normalized text (simplified, lower-case, no spaces or
    punctuation), case-insensitively. `intent` may be given as its stored value ("balance").
    A rule that cannot work raises RuleError (codes rule_intent, rule_pattern, rule_empty,
    rule_short) so an admin form can show why.
    """

    intent: Intent
    keywords: tuple[str, ...] = ()
    pattern: str | None = None
    priority: int = 0
    active: bool = True
    _regex: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keywords = _normalized_keywords(self.keywords)
        for keyword in keywords:
            if len(keyword) == 1 and keyword.isascii():
                raise RuleError("rule_short", MSG_SHORT, keyword=keyword)
        regex = _compiled(self.pattern)
        if not keywords and regex is None:
            raise RuleError("rule_empty", MSG_EMPTY)
        object.__setattr__(self, "intent", _intent(self.intent))
        object.__setattr__(self, "keywords", keywords)
        object.__setattr__(self, "pattern", self.pattern or None)
        object.__setattr__(self, "_regex", regex)

    def matches(self, normalized: str) -> bool:
        """Whether this rule recognizes an already normalized text."""
        if any(keyword in normalized for keyword in self.keywords):
            return True
        return self._regex is not None and self._regex.search(normalized) is not None


def _by_priority(rules: Iterable[Rule]) -> list[Rule]:
    """Active rules, highest priority first; equal priorities keep their order."""
    return sorted((rule for rule in rules if rule.active), key=lambda rule: -rule.priority)


def match(text: str, rules: Sequence[Rule] | None = None) -> Rule | None:
    """The rule that decides what `text` means (None: nothing matched, or the text is empty)."""
    normalized = normalize(text)
    if not normalized:
        return None
    for rule in _by_priority(DEFAULT_RULES if rules is None else rules):
        if rule.matches(normalized):
            return rule
    return None


def recognize(text: str, rules: Sequence[Rule] | None = None) -> Intent:
    """What a borrower's reply means; `rules` replaces the built-in DEFAULT_RULES."""
    rule = match(text, rules)
    return rule.intent if rule else Intent.UNKNOWN


# --- the built-in rules ---------------------------------------------------------------------
# Written against normalized text: simplified, lower-case, no spaces or punctuation.

_NEG = "(?:不要|不需要|不用|不必|别|请勿|勿|无需)"
_HOW = "(?:怎么样?|怎样|咋样?|咋个|如何|肿么)"
_WHERE = "(?:哪里|哪儿|哪边|哪个地方|什么地方|啥地方|哪)"
_WHEN = "(?:什么时候|什么时间|啥时候|啥时间|几月几号|几号|哪一天|哪天|何时|几时|多会儿?|啥日子)"
# 还 meaning "repay", not the adverb "still/again" (还有, 还没, 还能, 还这么多): only before
# what is repaid, a particle, or at the end.
_REPAY = r"还(?=款|钱|贷|账|利|本|清|完|上|给|第|月|\d|呢|啊|呀|吗|嘛|哦|吧|$)"
_PAY = f"(?:{_REPAY}|交|缴|付|支付)"
_CHANNEL = (
    "(?:微信|支付宝|余额宝|手机银行|网上银行|网银|掌上银行|云闪付|转账|柜台|柜面|网点|营业厅|信用社|"
    "银行卡|现金|扫码|代扣|自动扣款?)"
)
_PERIOD = (
    "(?:这个月|这月|本月|当月|下个月|下月|这一期|这期|本期|当期|下一期|下期|这次|下一次|下次|"
    "每个月|每月|每期|一个月|每季度|这季度|本季度|下季度|今年)"
)
_AMOUNT = "(?:多少|几多|好多|多钱)"


def _any(*alternatives: str) -> str:
    return "|".join(alternatives)


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(Intent.UNKNOWN, pattern="(?:取消|撤销|撤回|误)退订|退订错", priority=110),
    Rule(
        Intent.OPT_OUT,
        keywords=(
            "退订",
            "退定",
            "取消短信",
            "取消订阅",
            "取消通知",
            "取消提醒",
            "取消推送",
            "取消发送",
            "关闭短信",
            "关闭通知",
            "关闭提醒",
            "停止发送",
            "停发",
            "拒收",
            "屏蔽",
            "不再接收",
        ),
        pattern=_any(
            "^(?:t+|(?:td)+|stop|unsubscribe)$",
            "(?<![a-z])td(?![a-z])",  # "回td退订", "td谢谢" — never "tds" or a name like "tdong"
            f"{_NEG}再?(?:给我)?(?:发|推送|推)(?=了|短信|信息|消息|通知|这|啦|送|过来|给我|$)",
            "不(?:想|要|愿意|需要|用)再?(?:收|接收|接到|收到)(?=短信|信息|消息|通知|提醒|了|$)",
            f"{_NEG}再?(?:还款|催收|催款)?(?:短信|提醒|通知|消息|信息)",
            f"{_NEG}再?骚扰",
        ),
        priority=100,
    ),
    Rule(
        Intent.OPT_IN,
        pattern="^(?!.*(?:没|不|别|未|无).{0,2}(?:订阅|恢复|开通))(?:.*订阅(?!号)|恢复(?:一下|吧|了)?$|"
        ".*(?:恢复|开通)(?:短信|通知|提醒|发送|接收|推送)|.*(?:重新|继续|再次)(?:订阅|接收|开通)|.*继续(?:给我)?发)",
        priority=90,
    ),
    Rule(
        Intent.HUMAN,
        keywords=(
            "人工",
            "信贷员",
            "信货员",
            "信代员",
            "经理",
            "客服",
            "真人",
            "工作人员",
            "业务员",
            "专员",
            "负责人",
            "投诉",
        ),
        priority=80,
    ),
    Rule(
        Intent.HUMAN,
        pattern=f"^(?!.*{_NEG}再?(?:给我|跟我|和我)?(?:打|回电|来电|联系|电话|找))"
        ".*(?:电话|联系我|联系你|联系方式|怎么联系|来电|回电|打给我|给我打|打我手机|回个话)",
        priority=80,
    ),
    Rule(
        Intent.HOW_TO_PAY,
        keywords=(
            "还款方式",
            "还款渠道",
            "还款途径",
            "还款方法",
            "还款账号",
            "还款账户",
            "还款卡",
            "还款地点",
            "还款流程",
            "付款方式",
            "缴费方式",
            "支付方式",
            "交款方式",
            "转账账号",
            "收款账号",
            "收款账户",
            "对公账户",
            "自动扣",
        ),
        pattern=_any(
            f"{_HOW}(?:才能|能|可以|去|来)?{_PAY}",
            f"{_WHERE}(?:能|可以|去)?{_PAY}",
            f"哪(?:个|家)(?:银行|网点|营业厅|信用社)(?:能|可以|去)?{_PAY}",
            f"(?:还款|还清|提前还).*{_HOW}(?:办|弄|操作)",
            "(?:网点|营业厅|柜台|信用社|银行)在?(?:哪|什么地方|啥地方)",
            # a payment channel, asked about — "我已经微信还了" is a statement, not a question
            f"^(?!.*已)(?:.*(?:能|可以|可不可以|能不能|行不行|是否|支持)(?:用|通过|在)?{_CHANNEL}"
            f"|.*{_CHANNEL}.{{0,4}}?(?:{_PAY}|可以|能|行))",
        ),
        priority=70,
    ),
    Rule(
        Intent.REPAYMENT,
        keywords=(
            "还款日",
            "还款时间",
            "扣款日",
            "扣款时间",
            "到期",
            "下次还款",
            "下期还款",
            "还款计划",
            "最后期限",
            "截止日期",
            "第几期",
            "月供",
            "逾期",
            "罚息",
            "滞纳金",
            "违约金",
            "超期",
            "过期",
            "拖欠",
            "晚还",
            "迟还",
            "晚交",
            "还晚了",
            "宽限期",
        ),
        pattern=_any(
            f"{_WHEN}(?:要|需要|该|得|应该|应|需|能|才能|可以|去)?(?:{_REPAY}|交|缴|扣|付)",
            f"^(?=.*{_PERIOD})(?=.*(?:多少|几|还款|应还|要还|得还|该还|扣款|金额))",
            "还(?:有|剩|差)(?:多少|几)天|(?:多少|几)天(?:到期|还款|后还)|离还款",
        ),
        priority=65,
    ),
    Rule(Intent.UNKNOWN, keywords=("额度",), priority=61),
    Rule(
        Intent.BALANCE,
        keywords=(
            "余额",
            "余款",
            "剩余",
            "剩下",
            "还剩",
            "欠款",
            "欠钱",
            "结清",
            "还清",
            "提前还",
            "本金",
            "未还",
            "待还",
        ),
        pattern=_any(
            f"欠(?:了|你们|你|银行|贷款)?{_AMOUNT}",
            f"还(?:有|剩|差|欠|要还|得还|需要还|需还)(?:{_AMOUNT}|几期|几笔)",
            f"(?:一共|总共|全部|总计|合计|一起|总)(?:要|得|需要|还)?(?:还|欠)?{_AMOUNT}",
            f"(?:贷款|借款|贷了|借了)(?:还有)?{_AMOUNT}",
            f"还(?:清|完).{{0,4}}{_AMOUNT}",
        ),
        priority=60,
    ),
    Rule(
        Intent.REPAYMENT,
        keywords=("应还", "应交", "应缴"),
        pattern=f"(?:要|应|该|得|需|需要|应该)(?:还|交|缴|付)(?:{_AMOUNT}|金额|几)",
        priority=55,
    ),
    # "我要还款" asks; "已经还款了", "会按时还款的" only tell
    Rule(Intent.REPAYMENT, pattern="^(?!.*(?:已|会|按时|保证|一定|尽快|马上)).*(?:还款|还钱|还贷)", priority=45),
    Rule(
        Intent.BALANCE,
        keywords=("查询", "还多少", "查一下", "查下", "帮我查", "我的贷款", "贷款情况", "贷款信息", "借款情况"),
        pattern="^(?:查+|yue|yuer|yve|ye|cx|cxye|chaxun|qianduoshao|huanduoshao)$",
        priority=40,
    ),
)
