"""Contract terms pages: a dated contract change of a loan, the LPR table and the bank calendar."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xindai.core import approval
from xindai.core.viewhelpers import require_perm, run_service
from xindai.loans import calendar, contract, lpr, selectors
from xindai.loans.forms import BankDayForm, ContractChangeForm, LprQuoteForm
from xindai.loans.models import BankDay, LprQuote

manage_settings = permission_required("system.manage_settings", raise_exception=True)


def contract_change(request, pk):
    loan = selectors.loan_detail(request.user, pk)
    require_perm(request.user, "loans.change_terms")
    form = ContractChangeForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(form, lambda: _change_or_submit(request.user, loan, data))
        if done:
            version, submitted = done
            messages.success(
                request,
                str(approval.SUBMITTED)
                if submitted
                else _("Contract change in force from %(date)s: plan version %(version)s.")
                % {"date": version.effective_from.isoformat(), "version": version.number},
            )
            return redirect("loans:detail", loan.pk)
    return render(request, "loans/contract_form.html", {"loan": loan, "form": form})


def _change_or_submit(user, loan, data):
    """The change now, or its request when changes of terms need a second person's approval."""
    params = {
        "effective_from": data["effective_from"].isoformat(),
        "reason": data["reason"],
        "annual_rate": str(loan.annual_rate if data["annual_rate"] is None else data["annual_rate"]),
        "penalty_markup": str(loan.penalty_markup if data["penalty_markup"] is None else data["penalty_markup"]),
        "compound_interest": loan.compound_interest if data["compound_interest"] is None else data["compound_interest"],
    }
    return approval.submit_or_run(
        approval.Action.TERMS_CHANGE,
        actor=user,
        loan=loan,
        params=params,
        run=lambda: contract.contract_change(
            actor=user,
            loan_id=loan.pk,
            effective_from=data["effective_from"],
            reason=data["reason"],
            annual_rate=data["annual_rate"],
            penalty_markup=data["penalty_markup"],
            compound_interest=data["compound_interest"],
        ),
    )


@manage_settings
def lpr_list(request):
    form = LprQuoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quote = run_service(form, lambda: lpr.lpr_quote_save(actor=request.user, **form.cleaned_data))
        if quote:
            messages.success(request, _("LPR of %(date)s saved.") % {"date": quote.announced_on.isoformat()})
            return redirect("loans:lpr")
    return render(request, "loans/lpr_list.html", {"form": form, "quotes": LprQuote.objects.all()[:60]})


@manage_settings
def bank_calendar(request):
    year = _year(request.GET.get("year"))
    form = BankDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: calendar.bank_day_set(
                actor=request.user, day=data["day"], kind=data["kind"] or None, name=data["name"]
            ),
        )
        if saved:
            messages.success(request, _("Bank calendar saved for %(date)s.") % {"date": data["day"].isoformat()})
            return redirect(f"{request.path}?year={data['day'].year}")
    days = BankDay.objects.filter(day__year=year)
    return render(request, "loans/calendar.html", {"form": form, "days": days, "year": year})


def _year(value: str | None) -> int:
    today = timezone.localdate()
    if value and value.isdigit() and date.min.year < int(value) < date.max.year:
        return int(value)
    return today.year
