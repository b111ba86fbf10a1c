"""Each action under two-person approval: what its request says it will do, and how it runs.

``describe`` computes the effect shown to the checker (figures before and after) from the
request's parameters, refusing what the action would refuse (the labels are stored in English and
translated where they are shown, the values as they were); ``run`` calls the action's own
service as the maker (its guard then records the approval in the service's transaction).
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as label

from xindai.core.approval import ACTION_LABELS, Action
from xindai.credit import restructure
from xindai.credit.approvals import Kind, register_kind
from xindai.credit.transfer import check_destination, loans_transfer
from xindai.credit.waiver import check_amounts, installment_waive, waiver_owing
from xindai.credit.writeoff import check_write_off, loan_write_off
from xindai.loans.contract import contract_change
from xindai.loans.models import Installment, Loan, RepaymentMethod
from xindai.loans.quality import CATEGORY_LABELS
from xindai.loans.services import loan_delete
from xindai.org.models import Branch, Region, Role, User
from xindai.org.permissions import label_of
from xindai.org.services import role_delete, role_save, user_update
from xindai.repayments import early, services
from xindai.repayments.classification import classification_set
from xindai.repayments.models import Repayment


def _loan(maker, loan_id) -> Loan:
    return Loan.objects.visible_to(maker).get(pk=loan_id)


def _category_label(code: str) -> str:
    return _(CATEGORY_LABELS[code]) if code else _("suggested from days overdue")


def _title(action: Action, loan) -> str:
    return f"{ACTION_LABELS[action]} · {loan.iou_number}" if loan else str(ACTION_LABELS[action])


# --- repayment reversal ------------------------------------------------------------------------


def _reversal_describe(maker, params, loan, target):
    entry = Repayment.objects.children_of(loan).get(pk=params["repayment_id"])
    return _title(Action.REPAYMENT_REVERSAL, loan), [
        [label("repayment"), f"{entry.paid_on} {entry.amount}", "—"],
        [label("outstanding principal"), loan.outstanding_principal, loan.outstanding_principal + entry.principal],
        [label("reason"), "", params["reason"]],
    ]


def _reversal_run(maker, params, loan_id, target):
    entry = Repayment.objects.visible_to(maker).select_related("early").get(pk=params["repayment_id"])
    if getattr(entry, "early", None) is not None:
        early.early_repayment_reverse(actor=maker, early_id=entry.early.pk, reason=params["reason"])
    else:
        services.repayment_reverse(actor=maker, repayment_id=entry.pk, reason=params["reason"])


# --- classification ----------------------------------------------------------------------------


def _classification_describe(maker, params, loan, target):
    return _title(Action.CLASSIFICATION, loan), [
        [label("classification"), _category_label(loan.classification_override), _category_label(params["category"])],
        [label("reason"), "", params["reason"]],
    ]


def _classification_run(maker, params, loan_id, target):
    classification_set(
        actor=maker,
        loan=_loan(maker, loan_id),
        category=params["category"],
        reason=params["reason"],
        as_of=timezone.localdate(),
    )


# --- extension and restructuring ---------------------------------------------------------------


def _change_args(params) -> dict:
    return {
        "kind": params["kind"],
        "effective_from": date.fromisoformat(params["effective_from"]),
        "new_end_date": date.fromisoformat(params["new_end_date"]),
        "method": params.get("method") or None,
        "annual_rate": Decimal(params["annual_rate"]) if params.get("annual_rate") else None,
    }


def _change_describe(maker, params, loan, target):
    args = _change_args(params)
    planned = restructure.preview(loan=loan, **args)
    method = args["method"] or loan.method
    rate = loan.annual_rate if args["annual_rate"] is None else args["annual_rate"]
    kind_label = restructure.LoanChange.Kind(args["kind"]).label
    return f"{kind_label} · {loan.iou_number}", [
        [label("effective from"), "", args["effective_from"]],
        [label("end date"), loan.end_date, args["new_end_date"]],
        [label("repayment method"), RepaymentMethod(loan.method).label, RepaymentMethod(method).label],
        [label("annual rate (%)"), loan.annual_rate, rate],
        [label("principal re-planned"), "", planned.principal],
        [label("installments"), len(planned.replaced), len(planned.rows)],
        [
            _("interest of the new installments"),
            sum(r.interest for r in planned.replaced),
            sum(r.interest for r in planned.rows),
        ],
        [label("reason"), "", params["reason"]],
    ]


def _change_run(maker, params, loan_id, target):
    restructure.loan_change_apply(actor=maker, loan_id=loan_id, reason=params["reason"], **_change_args(params))


# --- write-off ---------------------------------------------------------------------------------


def _write_off_describe(maker, params, loan, target):
    figures = check_write_off(maker, loan, timezone.localdate())
    zero = Decimal("0.00")
    return _title(Action.WRITE_OFF, loan), [
        [label("outstanding principal on the balance sheet"), figures["principal"], zero],
        [label("interest owed"), figures["interest"], zero],
        [label("penalty and compound interest owed"), figures["penalty"], zero],
        [label("reason"), "", params["reason"]],
    ]


def _write_off_run(maker, params, loan_id, target):
    loan_write_off(actor=maker, loan_id=loan_id, reason=params["reason"])


# --- loan deletion, change of terms ------------------------------------------------------------


def _delete_describe(maker, params, loan, target):
    return _title(Action.LOAN_DELETE, loan), [[label("loan amount"), loan.amount, "—"]]


def _delete_run(maker, params, loan_id, target):
    loan_delete(actor=maker, loan=_loan(maker, loan_id))


def _terms_describe(maker, params, loan, target):
    return _title(Action.TERMS_CHANGE, loan), [
        [label("effective from"), "", params["effective_from"]],
        [label("annual rate (%)"), loan.annual_rate, params["annual_rate"]],
        [label("penalty markup"), loan.penalty_markup, params["penalty_markup"]],
        [label("compound interest on overdue interest"), loan.compound_interest, params["compound_interest"]],
        [label("reason"), "", params["reason"]],
    ]


def _terms_run(maker, params, loan_id, target):
    contract_change(
        actor=maker,
        loan_id=loan_id,
        effective_from=date.fromisoformat(params["effective_from"]),
        reason=params["reason"],
        annual_rate=Decimal(params["annual_rate"]),
        penalty_markup=Decimal(params["penalty_markup"]),
        compound_interest=params["compound_interest"],
    )


# --- roles -------------------------------------------------------------------------------------


def _user_values(params) -> dict:
    """A user's new values from a request's parameters (keys to objects)."""
    models = {"role": Role, "branch": Branch, "region": Region}
    values = {}
    for name, value in params["values"].items():
        model = models.get(name)
        values[name] = model.objects.get(pk=value) if model and value is not None else value
    return values


def _role_describe(maker, params, loan, target):
    if params.get("user_id"):
        user = User.objects.get(pk=params["user_id"])
        values = _user_values(params)
        rows = [
            [label(name), getattr(user, name), values[name]] for name in values if values[name] != getattr(user, name)
        ]
        return f"{ACTION_LABELS[Action.ROLE_CHANGE]} · {user.display_name}", [
            [row[0], str(row[1] or "—"), str(row[2] or "—")] for row in rows
        ]

    role = Role.objects.filter(pk=params.get("role_id")).first()
    old = set(role.permissions) if role else set()
    if params.get("delete"):
        return f"{ACTION_LABELS[Action.ROLE_CHANGE]} · {role.name}", [[label("role"), role.name, "—"]]
    new = set(params["permissions"])
    return f"{ACTION_LABELS[Action.ROLE_CHANGE]} · {params['name']}", [
        [label("name"), role.name if role else "", params["name"]],
        [label("permissions added"), "", "、".join(label_of(c) for c in sorted(new - old))],
        [label("permissions removed"), "", "、".join(label_of(c) for c in sorted(old - new))],
    ]


def _role_run(maker, params, loan_id, target):
    if params.get("user_id"):
        user_update(actor=maker, user=User.objects.get(pk=params["user_id"]), **_user_values(params))
        return

    role = Role.objects.get(pk=params["role_id"]) if params.get("role_id") else None
    if params.get("delete"):
        role_delete(actor=maker, role=role)
        return
    values = {k: params[k] for k in ("name", "description", "permissions", "for_external") if k in params}
    role_save(actor=maker, role=role, **values)


# --- waiver ------------------------------------------------------------------------------------


def _waiver_amounts(params) -> dict:
    return {name: Decimal(params.get(name) or "0.00") for name in ("interest", "penalty", "compound")}


def _waiver_describe(maker, params, loan, target):
    row = Installment.objects.children_of(loan).get(pk=params["installment_id"], superseded_on__isnull=True)
    amounts = _waiver_amounts(params)
    check_amounts(row, **amounts)
    owed = waiver_owing(row)
    return f"{ACTION_LABELS[Action.WAIVER]} · {loan.iou_number} #{row.period}", [
        [label("interest owed"), owed["interest"], owed["interest"] - amounts["interest"]],
        [label("penalty interest owed"), owed["penalty"], owed["penalty"] - amounts["penalty"]],
        [label("compound interest owed"), owed["compound"], owed["compound"] - amounts["compound"]],
        [label("reason"), "", params["reason"]],
    ]


def _waiver_run(maker, params, loan_id, target):
    installment_waive(
        actor=maker, installment_id=params["installment_id"], reason=params["reason"], **_waiver_amounts(params)
    )


# --- portfolio transfer ------------------------------------------------------------------------


def _transfer_describe(maker, params, loan, target):
    officer, branch = check_destination(maker, params["officer_id"], params.get("branch_id"))
    loans = Loan.objects.visible_to(maker).filter(pk__in=params["loan_ids"])
    totals = loans.aggregate(n=Count("id"), p=Sum("outstanding_principal"))
    officers = "、".join(sorted({o for o in loans.values_list("officer__real_name", flat=True).distinct()}))
    return f"{ACTION_LABELS[Action.TRANSFER]} · {totals['n']} → {officer.display_name}", [
        [label("loans"), totals["n"], totals["n"]],
        [label("outstanding principal"), totals["p"], totals["p"]],
        [label("loan officer"), officers, officer.display_name],
        [label("handling branch"), "", branch.name],
        [label("effective from"), "", params["effective_from"]],
        [label("reason"), "", params["reason"]],
    ]


def _transfer_run(maker, params, loan_id, target):
    loans_transfer(
        actor=maker,
        loan_ids=params["loan_ids"],
        officer_id=params["officer_id"],
        branch_id=params.get("branch_id"),
        effective_from=date.fromisoformat(params["effective_from"]),
        reason=params["reason"],
    )


def _transfer_checker_sees(checker, params) -> bool:
    ids = set(params["loan_ids"])
    return Loan.objects.visible_to(checker).filter(pk__in=ids).count() == len(ids)


register_kind(Action.WAIVER, Kind(_waiver_describe, _waiver_run))
register_kind(Action.TRANSFER, Kind(_transfer_describe, _transfer_run, _transfer_checker_sees))
register_kind(Action.REPAYMENT_REVERSAL, Kind(_reversal_describe, _reversal_run))
register_kind(Action.CLASSIFICATION, Kind(_classification_describe, _classification_run))
register_kind(Action.EXTENSION, Kind(_change_describe, _change_run))
register_kind(Action.WRITE_OFF, Kind(_write_off_describe, _write_off_run))
register_kind(Action.LOAN_DELETE, Kind(_delete_describe, _delete_run))
register_kind(Action.TERMS_CHANGE, Kind(_terms_describe, _terms_run))
register_kind(Action.ROLE_CHANGE, Kind(_role_describe, _role_run))
