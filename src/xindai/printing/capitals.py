"""The amount in capitals (中文大写金额) as the bank's printed forms write it: 人民币壹拾万元整.

Pure Python, no Django. The writing rules are those of the People's Bank of China,
《支付结算办法》(银发〔1997〕393号) 附件一《正确填写票据和结算凭证的基本规定》:

- 人民币 stands right before the amount, with no gap (第三条).
- An amount that ends at 元 ends with 整 (or 正); after 角 整 may be written or left out; after
  分 it is never written (第二条: "中文大写金额数字到'元'为止的，在'元'之后，应写'整'（或'正'）
  字，在'角'之后，可以不写'整'（或'正'）字。大写金额数字有'分'的，'分'后面不写'整'（或'正'）
  字"). Our forms write it after 角 too, as the rest of the system does: 1005.30 →
  人民币壹仟零伍元叁角整.
- A 0 between digits is written 零; a run of zeros is one 零 (第四条(一)(二): ¥1,409.50 →
  壹仟肆佰零玖元伍角, ¥6,007.14 → 陆仟零柒元壹角肆分). Zeros that only end a 万 or 亿 group
  write nothing there (¥107,000.53 → 壹拾万柒仟元零伍角叁分, 第四条(三)).
- When the 元 digit is 0 but 角 is not, 零 may or may not follow 元 (第四条(三)); when 角 is 0
  and 分 is not, 零 must follow 元 (第四条(四): ¥16,409.02 → 壹万陆仟肆佰零玖元零贰分;
  ¥325.04 → 叁佰贰拾伍元零肆分).
- 壹 is written before 拾 (10.00 → 壹拾元整), as bank forms do so that nothing can be added
  in front of 拾.
(Text of the rules as reproduced e.g. at http://m.studyofnet.com/432243873.html.)

The digit-to-word algorithm is the system's one, `xindai.core.money.amount_in_words`; this
module is the forms' strict door to it: a printed amount comes from the books, so anything
that is not already an exact, non-negative amount in fen is a bug to stop, not to round.
"""

from decimal import Decimal

from xindai.core.money import CENT, MAX_WORDS_AMOUNT, amount_in_words
from xindai.core.pure import PureError, _

PREFIX = "人民币"

MSG_NOT_DECIMAL = _("An amount in capitals needs a Decimal amount in yuan, not %(kind)s.")
MSG_NOT_FINITE = _("An amount in capitals needs a finite amount.")
MSG_NEGATIVE = _("An amount in capitals cannot be written for a negative amount.")
MSG_TOO_PRECISE = _("An amount in capitals needs an amount in yuan with at most 2 decimal places (to the fen).")
MSG_TOO_LARGE = _("An amount in capitals can be written up to 9,999,999,999,999.99 yuan.")


class CapitalsError(PureError):
    """An amount that cannot be printed in capitals. Codes: not_decimal, not_finite,
    negative, too_precise, too_large."""


def amount_in_capitals(amount: Decimal) -> str:
    """人民币 + the capitals of `amount`: 100000.00 → 人民币壹拾万元整, 0.05 → 人民币伍分.

    `amount` is a Decimal, 0 <= amount <= 9,999,999,999,999.99, exact to the fen (trailing
    zeros such as 1.500 are fine, 1.505 is not). Anything else raises CapitalsError.
    """
    if not isinstance(amount, Decimal):
        raise CapitalsError("not_decimal", MSG_NOT_DECIMAL, kind=type(amount).__name__)
    if not amount.is_finite():
        raise CapitalsError("not_finite", MSG_NOT_FINITE)
    if amount < 0:
        raise CapitalsError("negative", MSG_NEGATIVE)
    if amount > MAX_WORDS_AMOUNT:
        raise CapitalsError("too_large", MSG_TOO_LARGE)
    if amount != amount.quantize(CENT):
        raise CapitalsError("too_precise", MSG_TOO_PRECISE)
    return PREFIX + amount_in_words(amount)
