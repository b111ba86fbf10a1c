"""How far a loan may be extended (《贷款通则》 第十二条; domain.md, Credit operations). Pure Python.

Terms by length: short-term up to 12 months, medium-term up to 60, long-term beyond. In total over
all extensions a short-term loan may gain at most its original term, a medium-term loan half of
it (whole months, rounded down: never more than half), a long-term loan 36 months.
"""

from datetime import date

from xindai.loans.schedule import add_months


def whole_months(start: date, end: date) -> int:
    """Months from start to end, a started month counting as one (the loan's term)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + (1 if end.day > start.day else 0)


def extension_months_allowed(original_term_months: int) -> int:
    if original_term_months <= 12:
        return original_term_months
    if original_term_months <= 60:
        return original_term_months // 2
    return 36


def latest_end_date(start: date, original_end: date) -> date:
    """The latest end date all extensions together may reach."""
    return add_months(original_end, extension_months_allowed(whole_months(start, original_end)))
