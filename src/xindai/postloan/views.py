"""Post-loan pages: 贷后检查 (the list, the record, photos), 风险预警 (the list, acknowledging),
the rules, and the post-loan reports."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.core.forms import FIRST_DAY, LAST_DAY
from xindai.core.viewhelpers import PAGE_SIZES, paginate, require_perm, run_and_report, run_service
from xindai.loans.models import Loan, LoanType
from xindai.postloan import selectors, services
from xindai.postloan.forms import AckForm, InspectionForm, InspectionRuleForm, PeriodForm, WarningRulesForm
from xindai.postloan.models import InspectionRule, Level, RuleCode
from xindai.postloan.warnings import rules_in_force

view_loans = permission_required("loans.view", raise_exception=True)
manage_settings = permission_required("system.manage_settings", raise_exception=True)


def _as_of(request) -> date:
    """The ?as_of= date, within 1900–2199 (date arithmetic on year 1 or 9999 overflows); today else."""
    try:
        day = date.fromisoformat(request.GET.get("as_of", "").strip())
    except ValueError:
        return timezone.localdate()
    return day if FIRST_DAY <= day <= LAST_DAY else timezone.localdate()


def page_request(request) -> tuple[int, int]:
    """(page number ≥ 1, page size among PAGE_SIZES) from the query string."""
    size = int(request.GET["size"]) if request.GET.get("size", "").isdigit() else 20
    size = size if size in PAGE_SIZES else 20
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    return max(1, min(number, 10**6)), size


def _filters(request) -> dict:
    return {
        "officers": selectors.officers_in_scope(request.user),
        "villages": selectors.villages_in_scope(request.user),
        "params": request.GET,
    }


@view_loans
def inspection_list(request):
    as_of = _as_of(request)
    loans, totals, view = selectors.inspection_list(request.user, request.GET, as_of)
    page = paginate(request, loans, count=totals["count"])
    context = {"page": page, "totals": totals, "view": view, "as_of": as_of, **_filters(request)}
    return render(request, "postloan/inspection_list.html", context)


def inspection_create(request, pk):
    loan = get_object_or_404(
        Loan.objects.visible_to(request.user).select_related("customer", "customer__village"), pk=pk
    )
    require_perm(request.user, "loans.change")
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = (
            "inspected_on",
            "way",
            "head_count_found",
            "health",
            "use_of_funds",
            "findings",
            "risk_found",
            "next_steps",
            "signed",
        )
        saved = run_service(
            form,
            lambda: services.inspection_record(
                actor=request.user, loan=loan, photos=form.photo_list(request.FILES), **{f: d[f] for f in fields}
            ),
        )
        if saved:
            messages.success(request, _("Inspection of loan %(iou)s recorded.") % {"iou": loan.iou_number})
            return redirect("loans:detail", loan.pk)
    pledged = selectors.pledged_heads(loan)
    return render(request, "postloan/inspection_form.html", {"form": form, "loan": loan, "pledged": pledged})


@view_loans
def inspection_show(request, pk):
    inspection = selectors.inspection_in_scope(request.user, pk)
    context = {"inspection": inspection, "photos": selectors.photos_of(inspection)}
    return render(request, "postloan/inspection_detail.html", context)


@view_loans
def photo(request, pk):
    row = selectors.photo_in_scope(request.user, pk)
    response = HttpResponse(bytes(row.content), content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@view_loans
def warning_list(request):
    as_of = _as_of(request)
    number, size = page_request(request)
    page, rules, totals = selectors.warning_page(request.user, request.GET, as_of, number, size)
    selectors.warnings_for_rows(request.user, page.object_list, rules, as_of)
    context = {
        "page": page,
        "totals": totals,
        "as_of": as_of,
        "levels": Level.choices,
        "rules": RuleCode.choices,
        **_filters(request),
    }
    return render(request, "postloan/warning_list.html", context)


@require_POST
def warning_ack(request, pk):
    loan = get_object_or_404(Loan.objects.visible_to(request.user), pk=pk)
    require_perm(request.user, "loans.change")
    form = AckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a note: what was done about the warning."))
    else:
        run_and_report(
            request,
            lambda: services.warning_acknowledge(
                actor=request.user,
                loan=loan,
                rule=form.cleaned_data["rule"],
                note=form.cleaned_data["note"],
                as_of=timezone.localdate(),
            ),
            _("Warning acknowledged."),
        )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("loans:detail", loan.pk)


@manage_settings
def rule_settings(request):
    form = WarningRulesForm(
        request.POST if request.POST.get("form") == "warnings" else None, rules=rules_in_force(include_disabled=True)
    )
    if form.is_bound and form.is_valid():
        if run_service(form, lambda: services.warning_rules_update(actor=request.user, rows=form.rows()) or True):
            messages.success(request, _("Warning rules saved."))
            return redirect("postloan:rules")
    types = list(LoanType.objects.order_by("id"))
    stored = {r.loan_type_id: r for r in InspectionRule.objects.filter(loan_type__in=types)}
    return render(request, "postloan/rules.html", {"form": form, "types": [(t, stored.get(t.pk)) for t in types]})


@manage_settings
@require_POST
def inspection_rule(request):
    form = InspectionRuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Inspect within 1 to 365 days and every 1 to 24 months."))
        return redirect("postloan:rules")
    d = form.cleaned_data
    loan_type = get_object_or_404(LoanType, pk=d.pop("loan_type"))
    run_and_report(
        request,
        lambda: services.inspection_rule_set(actor=request.user, loan_type=loan_type, **d),
        _("Inspection rule saved."),
    )
    return redirect("postloan:rules")


@view_loans
def report(request):
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    d = form.cleaned_data if form.is_valid() else {}
    date_from, date_to = d.get("date_from") or today.replace(day=1), d.get("date_to") or today
    context = {
        "form": form,
        "date_from": date_from,
        "date_to": date_to,
        "collateral": selectors.collateral_by_kind_and_village(request.user),
        "officers": selectors.inspections_by_officer(request.user, date_from, date_to, today),
        "warnings": selectors.warning_counts(request.user, today),
    }
    return render(request, "postloan/report.html", context)
