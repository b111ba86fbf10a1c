"""贷款计算器: the repayment schedule of any terms, computed on the fly and stored nowhere."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from xindai.loans.calculator_form import CalculatorForm, schedule_totals
from xindai.loans.models import RepaymentMethod


@permission_required("loans.view", raise_exception=True)
def calculator(request):
    form = CalculatorForm(request.GET or None)
    rows = form.schedule if form.is_bound and form.is_valid() else None
    context = {"form": form, "rows": rows, "totals": schedule_totals(rows) if rows else None}
    if rows:
        context["method_label"] = RepaymentMethod(form.cleaned_data["method"]).label
    return render(request, "loans/calculator.html", context)
