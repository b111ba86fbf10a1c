"""The due and overdue lists' rows and the repayment ledger's rows drawn in Python: through the
template engine a due row cost ~1.3 ms of CPU (~27 ms a page of 20); these give the same HTML
(repayments/tests/test_due_row.py compares them with the templates they replace)."""

from django import template
from django.template.defaultfilters import add, date
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from xindai.core.masking import shown
from xindai.core.templatetags.rows import overdue_bucket, pk_url, reach
from xindai.core.templatetags.xindai import money

register = template.Library()


def _name(row, attribute: str = "name") -> str:
    return "" if row is None else getattr(row, attribute)


def _days_left(days_overdue) -> str:
    """`{% widthratio days_overdue 1 -1 %}`."""
    try:
        return str(round(float(days_overdue) * -1))
    except (ValueError, TypeError, OverflowError):
        return ""


def _money(value) -> str:
    return escape(money(value))


@register.simple_tag(takes_context=True)
def due_row(context, row) -> str:
    """One `<tr>` of repayments/due_list.html, with the whitespace around it that the loop gave."""
    user = context.get("user")
    confirms = user is not None and user.has_perm("repayments.confirm")
    overdue = context.get("view") == "overdue"
    loan = row.loan
    customer = loan.customer
    check = ""
    if confirms:
        check = (
            f'<td><input type="checkbox" class="form-check-input" name="ids" value="{escape(row.pk)}"'
            f' aria-label="{escape(gettext("Select"))}"></td>'
        )
    customer_url = pk_url("customers:detail", customer.pk)
    mobile = "" if customer.mobile in (None, "") else escape(shown(user, "mobile", customer.mobile))
    payable = ""
    if row.payable_on != row.due_date:
        payable = gettext("payable %(d)s") % {"d": escape(date(row.payable_on, "m-d"))}
        payable = f'<div class="small text-body-secondary">{payable}</div>'
    if overdue:
        extra = f'<td class="xd-num">{_money(row.penalty_owed)}</td><td class="xd-num">{_money(row.compound_owed)}</td>'
        after = (
            f'<td class="xd-num xd-overdue">{escape(row.days_overdue)}</td>'
            f"<td>{overdue_bucket(context.get('buckets'), row.bucket)}</td>"
            f'<td class="xd-num {"text-danger" if row.arrears_off else ""}" data-testid="row-off-balance">'
            f"{_money(row.arrears_off)}</td>\n    "
        )
    else:
        extra = ""
        after = f'<td class="xd-num">{_days_left(row.days_overdue)}</td>'
    branch = escape(_name(loan.handling_branch))
    address = escape(add(add(_name(customer.county), _name(customer.township)), _name(customer.village)))
    confirm = ""
    if confirms and row.payable:
        confirm = (
            f'<a class="btn btn-sm btn-outline-primary py-0" href="{pk_url("repayments:confirm", row.pk)}'
            f'?next={escape(context.get("next", ""))}" data-testid="confirm-link">{escape(gettext("Confirm"))}</a>'
        )
    return SafeString(
        f'\n  <tr data-testid="due-row">\n    {check}\n'
        f'    <td class="text-nowrap"><a href="{customer_url}" hx-get="{customer_url}"'
        f' hx-target="#xd-modal-content">{escape(customer.name)}</a></td>\n'
        f'    <td class="text-nowrap">{mobile}</td>\n'
        f'    <td class="text-nowrap"><a href="{pk_url("loans:detail", loan.pk)}">{escape(loan.iou_number)}</a></td>'
        f'<td class="xd-num">{escape(row.period)}</td>\n'
        f'    <td class="text-nowrap">{escape(date(row.due_date, "Y-m-d"))}{payable}</td>\n'
        f'    <td class="xd-num">{_money(row.principal_owed)}</td><td class="xd-num">{_money(row.interest_owed)}</td>\n'
        f"    {extra}\n"
        f'    <td class="xd-num fw-semibold{" xd-overdue" if overdue else ""}">{_money(row.total_owed)}</td>\n'
        f"    {after}\n"
        f'    <td class="text-nowrap">{escape(_name(loan.officer, "real_name"))}</td>'
        f'<td class="xd-trunc" title="{branch}">{branch}</td>\n'
        f'    <td class="xd-trunc" title="{address}">{address}</td>\n'
        f'    <td class="text-nowrap">{reach(context, customer)}{confirm}</td>\n'
        "  </tr>"
    )


@register.simple_tag(takes_context=True)
def ledger_row(context, r) -> str:
    """One `<tr>` of repayments/_ledger.html (show_loan: an IOU column; reversible: a reverse link)."""
    loan = ""
    if context.get("show_loan"):
        loan = f'<td><a href="{pk_url("loans:detail", r.loan_id)}">{escape(r.loan.iou_number)}</a></td>'
    marks = ""
    if r.reverses_id:
        marks = f'<span class="badge text-bg-warning">{escape(gettext("reversal"))}</span> '
    elif r.is_reversed:
        marks = f'<span class="badge text-bg-secondary">{escape(gettext("reversed"))}</span> '
    if r.is_early:
        marks += f'<span class="badge text-bg-info">{escape(gettext("early repayment"))}</span> '
    reverse = ""
    if context.get("reversible"):
        link = ""
        if not r.reverses_id and not r.is_reversed and not r.is_early:
            link = (
                f'<a class="btn btn-sm btn-outline-danger py-0" href="{pk_url("repayments:reverse", r.pk)}"'
                f' data-testid="reverse-link">{escape(gettext("Reverse"))}</a>'
            )
        reverse = f"<td>{link}</td>"
    amounts = "".join(
        f'<td class="xd-num">{_money(value)}</td>'
        for value in (r.amount, r.principal, r.interest, r.penalty, r.compound)
    )
    created_by = "" if r.created_by is None else escape(r.created_by.display_name)
    return SafeString(
        f'<tr{' class="xd-neg"' if r.reverses_id else ""} data-testid="ledger-row">'
        f'<td class="text-nowrap">{escape(date(r.paid_on, "Y-m-d"))}</td>{loan}'
        f'<td class="xd-num">{escape(r.installment.period)}</td>{amounts}<td>{escape(r.get_channel_display())}</td>\n'
        f"    <td>{marks}{escape(r.remark)}</td><td>{created_by}</td>"
        f'<td class="text-nowrap">{escape(date(template_localtime(r.created_at), "Y-m-d H:i"))}</td>\n'
        f"    {reverse}</tr>"
    )
