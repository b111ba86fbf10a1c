"""Collateral (抵质押物) and guarantors (保证人) pages."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.collateral import selectors, services
from xindai.collateral.forms import (
    CollateralForm,
    CoverageForm,
    EarTagUploadForm,
    GuarantorForm,
    HaircutForm,
    ReleaseForm,
)
from xindai.collateral.models import Kind
from xindai.core.viewhelpers import paginate, require_perm, run_and_report, run_service

view_loans = permission_required("loans.view", raise_exception=True)


def loan_collateral(request, pk):
    """A loan's collateral and guarantors, with the forms to add them."""
    loan = selectors.loan_in_scope(request.user, pk)
    require_perm(request.user, "loans.view")
    context = {
        "loan": loan,
        "collateral": selectors.loan_collateral(request.user, loan),
        "guarantors": selectors.loan_guarantors(request.user, loan),
        "coverage": selectors.loan_coverage(request.user, loan),
        "release_form": ReleaseForm(initial={"released_on": loan.settled_on}),
        "upload_form": EarTagUploadForm(),
    }
    return render(request, "collateral/loan_collateral.html", context)


def collateral_create(request, pk):
    loan = selectors.loan_in_scope(request.user, pk)
    require_perm(request.user, "loans.change")
    form = CollateralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = run_service(
            form, lambda: services.collateral_add(actor=request.user, loan=loan, data=form.data_object())
        )
        if item:
            messages.success(request, _("Collateral pledged on loan %(iou)s.") % {"iou": loan.iou_number})
            return redirect("collateral:loan", loan.pk)
    return render(request, "collateral/collateral_form.html", {"form": form, "loan": loan})


@require_POST
def ear_tags_upload(request, pk):
    item = selectors.collateral_in_scope(request.user, pk)
    require_perm(request.user, "loans.change")
    form = EarTagUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the Excel file with the ear tags."))
        return redirect("collateral:loan", item.loan_id)

    def add():
        tags = services.tags_from_workbook(form.cleaned_data["file"].read())
        return services.ear_tags_add(actor=request.user, collateral=item, tags=tags)

    run_and_report(request, add, _("Ear tags imported."))
    return redirect("collateral:loan", item.loan_id)


@require_POST
def loan_release(request, pk):
    loan = selectors.loan_in_scope(request.user, pk)
    require_perm(request.user, "loans.change")
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the release date."))
        return redirect("collateral:loan", loan.pk)
    day = form.cleaned_data["released_on"]
    run_and_report(
        request,
        lambda: services.loan_release(actor=request.user, loan=loan, released_on=day),
        _("Collateral and guarantees of loan %(iou)s released on %(day)s.") % {"iou": loan.iou_number, "day": day},
    )
    return redirect("collateral:loan", loan.pk)


def guarantor_create(request, pk):
    loan = selectors.loan_in_scope(request.user, pk)
    require_perm(request.user, "loans.change")
    form = GuarantorForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.guarantor_add(
                actor=request.user,
                loan=loan,
                customer_id=d["customer"].pk if d.get("customer") else None,
                name=d.get("name", ""),
                id_number=d.get("id_number", ""),
                mobile=d.get("mobile", ""),
                relationship=d["relationship"],
                amount=d["amount"],
                signed_on=d["signed_on"],
            ),
        )
        if saved:
            messages.success(request, _("Guarantor added to loan %(iou)s.") % {"iou": loan.iou_number})
            return redirect("collateral:loan", loan.pk)
    return render(request, "collateral/guarantor_form.html", {"form": form, "loan": loan})


@view_loans
def collateral_list(request):
    rows, totals = selectors.collateral_search(request.user, request.GET)
    page = paginate(request, rows, count=totals["count"])
    return render(request, "collateral/collateral_list.html", {"page": page, "totals": totals, "kinds": Kind.choices})


@view_loans
def coverage_list(request):
    form = CoverageForm(request.GET or None)
    below = (form.cleaned_data.get("below") if form.is_valid() else None) or Decimal("1.00")
    page = paginate(request, selectors.below_coverage(request.user, below))
    return render(request, "collateral/coverage_list.html", {"form": form, "page": page, "below": below})


@view_loans
def guarantor_list(request):
    page = paginate(request, selectors.guarantor_search(request.user, request.GET))
    return render(request, "collateral/guarantor_list.html", {"page": page})


@permission_required("system.manage_settings", raise_exception=True)
def haircut_settings(request):
    form = HaircutForm(request.POST or None, current=selectors.haircuts())
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.haircuts_update(actor=request.user, values=form.cleaned_data) or True):
            messages.success(request, _("Haircuts saved."))
            return redirect("collateral:haircuts")
    return render(request, "collateral/haircuts.html", {"form": form})
