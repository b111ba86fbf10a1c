"""Loan pages (新增贷款, 贷款管理) and loan types (贷款种类)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.core import approval
from xindai.core.errors import BusinessError
from xindai.core.viewhelpers import id_param, paginate, require_perm, run_and_report, run_service, wants_export
from xindai.customers.selectors import customer_detail
from xindai.jobs.exports import export_response
from xindai.loans import detail_sections, selectors, services
from xindai.loans.forms import LoanForm, LoanTypeForm
from xindai.loans.models import GuaranteeGroup, LoanType

view_loans = permission_required("loans.view", raise_exception=True)


@view_loans
def loan_list(request):
    filterset, loans, totals = selectors.loan_search(request.user, request.GET)
    if wants_export(request, "loans.export"):
        return export_response(request, "loans")
    return render(
        request,
        "loans/loan_list.html",
        {"filter": filterset, "page": _page(request, loans, totals), "totals": totals},
    )


def _page(request, loans, totals):
    page = paginate(request, loans.values_list("pk", flat=True), count=totals["count"])
    page.object_list = selectors.loans_for_page(request.user, page.object_list)
    return page


def _register(request, form):
    data = form.cleaned_data
    members = [c.pk for c in data.get("new_group_members") or []]
    return services.loan_register(
        actor=request.user,
        terms=form.terms(),
        new_group_name=data.get("new_group_name", ""),
        new_group_member_ids=members,
    )


@permission_required("loans.add", raise_exception=True)
def loan_create(request):
    initial = {}
    if request.GET.get("customer", "").isdigit():
        initial["customer"] = request.GET["customer"]
    form = LoanForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        loan = run_service(form, lambda: _register(request, form))
        if loan:
            messages.success(request, _("Loan %(iou)s registered with its repayment plan.") % {"iou": loan.iou_number})
            return redirect("loans:detail", loan.pk)
    return render(request, "loans/loan_form.html", {"form": form})


@permission_required("loans.add", raise_exception=True)
@require_POST
def loan_preview(request):
    """htmx: the plan the form's terms would generate, or what is wrong with them."""
    form = LoanForm(request.POST, actor=request.user)
    context = {"form": form}
    if form.is_valid():
        try:
            terms = form.terms()
            services.check_type_limits(terms)
            plan = services.plan_for(terms)
        except BusinessError as err:
            context["error"] = str(err)
        else:
            context["rows"] = plan
            context["totals"] = {
                "principal": sum(i.principal for i in plan),
                "interest": sum(i.interest for i in plan),
                "total": sum(i.total for i in plan),
            }
    return render(request, "loans/_preview.html", context)


def _date_param(request, name: str):
    """A date from the query string, None when absent or not a date (then today's plan is shown)."""
    try:
        return date.fromisoformat(request.GET.get(name, "").strip())
    except ValueError:
        return None


def loan_show(request, pk):
    loan = selectors.loan_detail(request.user, pk)
    require_perm(request.user, "loans.view")
    as_of = _date_param(request, "as_of") or timezone.localdate()  # the plan in force on a past date
    rows, totals = selectors.plan_rows(loan, as_of)
    return render(
        request,
        "loans/loan_detail.html",
        {
            "loan": loan,
            "rows": rows,
            "plan_as_of": as_of,
            "totals": totals,
            "history": selectors.loan_history(loan)[:50],
            "group_members": selectors.group_members(request.user, loan.guarantee_group),
            "locked": services.has_repayments(loan),
            "versions": selectors.plan_versions(request.user, loan),
            "arrears": selectors.loan_arrears(loan, loan.days_overdue),
            **detail_sections.context_for(request.user, loan),
        },
    )


def loan_edit(request, pk):
    loan = selectors.loan_detail(request.user, pk)
    require_perm(request.user, "loans.change")
    form = LoanForm(request.POST or None, instance=loan, actor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.loan_update(actor=request.user, loan=loan, terms=form.terms()))
        if saved:
            messages.success(request, _("Loan %(iou)s saved.") % {"iou": saved.iou_number})
            return redirect("loans:detail", saved.pk)
    return render(
        request, "loans/loan_form.html", {"form": form, "loan": loan, "locked": services.has_repayments(loan)}
    )


@require_POST
def loan_delete(request, pk):
    loan = selectors.loan_detail(request.user, pk)
    require_perm(request.user, "loans.delete")
    if approval.needs_approval(approval.Action.LOAN_DELETE):
        run_and_report(
            request,
            lambda: approval.submit(actor=request.user, action=approval.Action.LOAN_DELETE, loan=loan, params={}),
            str(approval.SUBMITTED),
        )
        return redirect("loans:detail", pk)
    deleted = run_and_report(
        request,
        lambda: services.loan_delete(actor=request.user, loan=loan),
        _("Loan %(iou)s deleted.") % {"iou": loan.iou_number},
    )
    return redirect("loans:list") if deleted else redirect("loans:detail", pk)


@permission_required("loans.add", raise_exception=True)
def customer_card(request):
    """htmx: the picked customer's address and contacts, from the customer record."""
    customer_id = id_param(request, "customer")
    if customer_id is None:
        return render(request, "loans/_customer_card.html", {})
    customer = customer_detail(request.user, customer_id)
    loans = selectors.customer_loans(request.user, customer)
    return render(request, "loans/_customer_card.html", {"customer": customer, "loans": loans})


@view_loans
def group_pick(request):
    """Guarantee groups with a member in the user's scope, by name (for the picker)."""
    query = request.GET.get("q", "").strip()
    groups = GuaranteeGroup.objects.visible_to(request.user)
    if query:
        groups = groups.filter(name__contains=query)
    return JsonResponse({"results": [{"id": g.pk, "text": g.name} for g in groups.order_by("name")[:20]]})


manage_types = permission_required("loans.manage_types", raise_exception=True)


@manage_types
def type_list(request):
    return render(request, "loans/type_list.html", {"types": LoanType.objects.all()})


@manage_types
def type_edit(request, pk=None):
    loan_type = get_object_or_404(LoanType, pk=pk) if pk else None
    form = LoanTypeForm(request.POST or None, instance=loan_type)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        saved = run_service(form, lambda: services.loan_type_save(actor=request.user, loan_type=loan_type, **data))
        if saved:
            messages.success(request, _("Loan type %(name)s saved.") % {"name": saved.name})
            return redirect("loans:type_list")
    return render(request, "loans/type_form.html", {"form": form, "loan_type": loan_type})
