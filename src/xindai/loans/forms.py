import json
from datetime import date

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import ModelForm, RemoteSelect, parsed
from xindai.core.money import MoneyError, parse_amount, parse_rate
from xindai.core.scope import Reach, scope_for
from xindai.customers.models import Customer
from xindai.loans.models import MAX_MARKUP, MIN_MARKUP, GuaranteeGroup, Loan, LoanType, RepaymentMethod
from xindai.loans.services import LOAN_TYPE_FIELDS, MARKUP_RANGE, LoanTerms
from xindai.org.models import Branch, User

CUSTOM_PLAN_HELP = _("One line per principal repayment: date and amount, e.g. 2027-03-20 20000")
BAD_PLAN_LINE = _("Line %(line)s is not “date amount” (e.g. 2027-03-20 20000).")
GROUP_NEEDS_MEMBERS = _("Choose at least two customers to form a new joint-guarantee group.")


class LoanForm(ModelForm):
    amount = forms.CharField(label=_("loan amount"), max_length=30)
    annual_rate = forms.CharField(label=_("annual rate (%)"), max_length=12)
    custom_plan = forms.CharField(
        label=_("custom principal plan"),
        required=False,
        help_text=CUSTOM_PLAN_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_group_name = forms.CharField(label=_("or form a new group: name"), required=False, max_length=100)
    new_group_members = forms.ModelMultipleChoiceField(
        label=_("new group members"),
        required=False,
        queryset=Customer.objects.visible_to(AnonymousUser()),  # set per actor in __init__
        widget=forms.SelectMultiple(attrs={"data-picker": "1", "data-picker-url": "/customers/pick/"}),
    )

    class Meta:
        model = Loan
        fields = [
            "customer",
            "iou_number",
            "loan_type",
            "amount",
            "annual_rate",
            "method",
            "start_date",
            "end_date",
            "purpose",
            "handling_branch",
            "officer",
            "guarantee_group",
        ]
        widgets = {
            "customer": RemoteSelect(attrs={"data-picker": "1", "data-picker-url": "/customers/pick/"}),
            "guarantee_group": RemoteSelect(attrs={"data-picker": "1", "data-picker-url": "/loans/groups/pick/"}),
            "start_date": forms.DateInput(),
            "end_date": forms.DateInput(),
        }

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        visible = Customer.objects.visible_to(actor)
        self.fields["customer"].queryset = visible
        self.fields["customer"].label_from_instance = lambda c: f"{c.name}（{c.id_number[-4:]}）"
        self.fields["new_group_members"].queryset = visible
        self.fields["guarantee_group"].queryset = GuaranteeGroup.objects.visible_to(actor)
        types = LoanType.objects.filter(is_active=True)
        self.fields["loan_type"].queryset = types
        self.fields["loan_type"].widget.attrs["data-defaults"] = json.dumps(
            {str(t.pk): {"method": t.default_method, "rate": str(t.default_rate)} for t in types}
        )
        scope = scope_for(actor)
        branches = Branch.objects.filter(is_active=True).order_by("path")
        officers = User.objects.filter(is_active=True, is_loan_officer=True).select_related("branch")
        if scope.reach == Reach.BRANCH:
            branches = branches.filter(pk__in=scope.branch_ids)
            officers = officers.filter(branch_id__in=scope.branch_ids)
        elif scope.reach == Reach.PERSONAL:
            officers = User.objects.filter(pk=actor.pk)
        self.fields["handling_branch"].queryset = branches
        self.fields["officer"].queryset = officers.order_by("real_name")
        self.fields["officer"].label_from_instance = lambda u: f"{u.real_name}（{u.branch.name if u.branch else ''}）"
        if self.instance.pk:
            self.initial["amount"] = f"{self.instance.amount:.2f}"
            self.initial["annual_rate"] = f"{self.instance.annual_rate.normalize():f}"
        elif not self.is_bound:
            self.initial.setdefault("handling_branch", actor.branch_id)
            self.initial.setdefault("officer", actor.pk if actor.is_loan_officer else None)
            self.initial.setdefault("start_date", date.today().isoformat())  # noqa: DTZ011 - a form default

    def validate_unique(self):
        """The IOU number's uniqueness and the date order are the service's and the engine's to
        judge: they answer in the bank's words."""

    def clean_amount(self):
        return parsed(parse_amount, self.cleaned_data["amount"])

    def clean_annual_rate(self):
        return parsed(parse_rate, self.cleaned_data["annual_rate"])

    def clean_custom_plan(self):
        text = self.cleaned_data.get("custom_plan", "").strip()
        if not text:
            return None
        plan = []
        for number, line in enumerate(text.splitlines(), start=1):
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            try:
                plan.append((date.fromisoformat(parts[0]), parse_amount("".join(parts[1:]))))
            except (ValueError, MoneyError, IndexError):
                raise forms.ValidationError(BAD_PLAN_LINE % {"line": number}) from None
        return plan

    def clean(self):
        data = super().clean()
        if data.get("method") == RepaymentMethod.CUSTOM and not data.get("custom_plan"):
            self.add_error("custom_plan", _("A custom plan needs its principal dates and amounts."))
        members = data.get("new_group_members") or []
        if data.get("new_group_name") and len(members) < 2:
            self.add_error("new_group_members", GROUP_NEEDS_MEMBERS)
        return data

    def terms(self, group: GuaranteeGroup | None = None) -> LoanTerms:
        data = self.cleaned_data
        chosen_group = group or data.get("guarantee_group")
        return LoanTerms(
            customer_id=data["customer"].pk,
            iou_number=data["iou_number"].strip(),
            amount=data["amount"],
            loan_type=data["loan_type"],
            annual_rate=data["annual_rate"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            method=data["method"],
            handling_branch_id=data["handling_branch"].pk,
            officer_id=data["officer"].pk,
            purpose=data.get("purpose", ""),
            guarantee_group_id=chosen_group.pk if chosen_group else None,
            settlement_day=data["loan_type"].settlement_day,
            custom_plan=data.get("custom_plan"),
        )


class LoanTypeForm(ModelForm):
    class Meta:
        model = LoanType
        fields = LOAN_TYPE_FIELDS
        help_texts = {"lpr_spread_bp": _("LPR loans: rate = LPR + spread; 100 basis points = 1%; may be negative.")}

    def clean_penalty_markup(self):
        markup = self.cleaned_data["penalty_markup"]
        if markup is not None and not MIN_MARKUP <= markup <= MAX_MARKUP:
            raise forms.ValidationError(MARKUP_RANGE)
        return markup

    def clean(self):
        data = super().clean()
        if data.get("min_amount") and data.get("max_amount") and data["min_amount"] > data["max_amount"]:
            self.add_error("max_amount", _("The maximum amount cannot be below the minimum."))
        if (
            data.get("min_term_months")
            and data.get("max_term_months")
            and data["min_term_months"] > data["max_term_months"]
        ):
            self.add_error("max_term_months", _("The maximum term cannot be below the minimum."))
        day = data.get("settlement_day")
        if day is not None and not 1 <= day <= 28:
            self.add_error("settlement_day", _("The settlement day must be between 1 and 28."))
        return data


class ContractChangeForm(forms.Form):
    """A dated change of a loan's terms (合同变更); blank fields keep their terms."""

    effective_from = forms.DateField(label=_("effective from"))
    annual_rate = forms.DecimalField(label=_("annual rate (%)"), max_digits=7, decimal_places=4, required=False)
    penalty_markup = forms.DecimalField(label=_("penalty markup"), max_digits=5, decimal_places=4, required=False)
    compound_interest = forms.TypedChoiceField(
        label=_("compound interest on overdue interest"),
        choices=[("", _("unchanged")), ("1", _("yes")), ("0", _("no"))],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(label=_("reason"), max_length=200)


class LprQuoteForm(forms.Form):
    announced_on = forms.DateField(label=_("announced on"))
    one_year = forms.DecimalField(label=_("1-year LPR (%)"), max_digits=7, decimal_places=4)
    five_year = forms.DecimalField(label=_("5-year LPR (%)"), max_digits=7, decimal_places=4)


class BankDayForm(forms.Form):
    day = forms.DateField(label=_("date"))
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[("holiday", _("holiday")), ("workday", _("working day")), ("", _("as the week says"))],
        required=False,
    )
    name = forms.CharField(label=_("name"), max_length=40, required=False)
