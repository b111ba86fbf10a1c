from datetime import date

from xindai.postloan.services import inspection_record


def inspect(loan, officer, day: date, *, found=None, risk=False, way="visit", photos=()):
    return inspection_record(
        actor=officer,
        loan=loan,
        inspected_on=day,
        way=way,
        head_count_found=found,
        health="good",
        use_of_funds="购买母牛",
        findings="圈舍整洁" if not risk else "部分牛只已出售",
        risk_found=risk,
        next_steps="",
        signed=True,
        photos=photos,
    )
