"""Writes of collateral and guarantors: each takes the acting user and leaves an audit row."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.collateral.models import Collateral, EarTag, Guarantor, Haircut, Kind
from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.idnumber import IdNumberError, parse_id_number
from xindai.core.phone import PhoneError, parse_mobile
from xindai.customers.models import Customer
from xindai.loans.models import Loan

CENT = Decimal("0.01")
MSG_SETTLED = _("Loan %(iou)s is settled: no collateral or guarantor can be added to it.")
MSG_LIVESTOCK = _("Live animals need the species and a head count of at least 1.")
MSG_VALUE = _("Enter the value of the collateral (or the value per head for animals).")
MAX_VALUE = 10**11  # yuan: far above any collateral of a rural loan, and within the column
MSG_VALUE_TOO_BIG = _("The value of the collateral is above %(max)s yuan: check the value per head and the head count.")
MSG_TAGS_DUPLICATE = _("Ear tags entered twice: %(tags)s.")
MSG_TAGS_TAKEN = _("Ear tags already pledged on collateral in force: %(tags)s.")
MSG_TAGS_TOO_MANY = _("%(tags)s ear tags for %(heads)s head: there cannot be more tags than animals.")
MSG_TAGS_NOT_LIVESTOCK = _("Only live animals carry ear tags.")
MSG_TAGS_RELEASED = _("The collateral is released: its ear tags cannot change.")
MSG_NOT_SETTLED = _("Loan %(iou)s is not settled: its collateral is released only after settlement.")
MSG_RELEASE_DATE = _("The release date must be on or after the settlement date %(settled)s and not in the future.")
MSG_NOTHING_TO_RELEASE = _("Loan %(iou)s has no collateral or guarantee in force.")
MSG_OWN_GUARANTOR = _("The borrower cannot guarantee their own loan.")
MSG_GUARANTOR_TWICE = _("This person already guarantees the loan.")
MSG_HAIRCUT = _("A haircut is between 0 and 0.99 (0.3 means the value counts at 70%).")
MSG_TAGS_FILE = _("The file has no ear tags: put them in a column headed 耳标号.")

TAG_HEADER = "耳标号"


@dataclass
class CollateralData:
    kind: str
    value: Decimal | None
    valued_on: date
    valuer: str
    description: str = ""
    species: str = ""
    breed: str = ""
    head_count: int = 0
    farm: str = ""
    village_id: int | None = None
    value_per_head: Decimal | None = None
    insurer: str = ""
    policy_number: str = ""
    sum_insured: Decimal | None = None
    insured_from: date | None = None
    insured_to: date | None = None
    registry_number: str = ""
    registered_on: date | None = None
    ear_tags: list[str] = field(default_factory=list)


def parse_tags(text: str) -> list[str]:
    """Ear tags typed one a line or separated by commas/spaces, as written (upper-cased)."""
    return [t.strip().upper() for t in text.replace("，", ",").replace(",", " ").split() if t.strip()]


def _check_tags(tags: list[str], heads: int, *, exclude_collateral: int | None = None) -> None:
    seen, twice = set(), []
    for tag in tags:
        if tag in seen:
            twice.append(tag)
        seen.add(tag)
    if twice:
        raise BusinessError(MSG_TAGS_DUPLICATE, {"tags": "、".join(sorted(set(twice)))}, field="ear_tags")
    if len(tags) > heads:
        raise BusinessError(MSG_TAGS_TOO_MANY, {"tags": len(tags), "heads": heads}, field="ear_tags")
    taken = EarTag.objects.system("uniqueness check").filter(tag__in=tags, in_force=True)
    if exclude_collateral:
        taken = taken.exclude(collateral_id=exclude_collateral)
    taken = sorted(taken.values_list("tag", flat=True))
    if taken:
        raise BusinessError(MSG_TAGS_TAKEN, {"tags": "、".join(taken[:20])}, field="ear_tags")


def _save_tags(collateral: Collateral, tags: list[str]) -> None:
    try:
        with transaction.atomic():
            EarTag.objects.bulk_create([EarTag(collateral=collateral, tag=t) for t in tags])
    except IntegrityError:  # a concurrent pledge of the same tag: the constraint decides
        raise BusinessError(MSG_TAGS_TAKEN, {"tags": "、".join(tags[:20])}, field="ear_tags") from None


def collateral_add(*, actor, loan: Loan, data: CollateralData) -> Collateral:
    """Pledge collateral on a loan. Animals: species and head count; value = per head × heads
    when only the value per head is given. Ear tags unique among collateral in force."""
    with transaction.atomic(durable=True):
        loan = Loan.objects.visible_to(actor).select_for_update().get(pk=loan.pk)
        if loan.settled_on:
            raise BusinessError(MSG_SETTLED, {"iou": loan.iou_number})
        livestock = data.kind == Kind.LIVESTOCK
        if livestock and (not data.species or data.head_count < 1):
            raise BusinessError(MSG_LIVESTOCK, field="species" if not data.species else "head_count")
        value = data.value
        if value is None and livestock and data.value_per_head:
            value = (data.value_per_head * data.head_count).quantize(CENT, ROUND_HALF_UP)
        if not value or value <= 0:
            raise BusinessError(MSG_VALUE, field="value")
        if value > MAX_VALUE:
            raise BusinessError(MSG_VALUE_TOO_BIG, {"max": f"{MAX_VALUE:,}"}, field="value")
        if data.ear_tags and not livestock:
            raise BusinessError(MSG_TAGS_NOT_LIVESTOCK, field="ear_tags")
        _check_tags(data.ear_tags, data.head_count)
        values = {k: v for k, v in data.__dict__.items() if k != "ear_tags"}
        values["value"] = value
        if not livestock:
            values.update(species="", breed="", head_count=0, value_per_head=None)
        collateral = Collateral.objects.create(loan=loan, created_by=actor, **values)
        _save_tags(collateral, data.ear_tags)
        audit.record(
            actor,
            AuditAction.COLLATERAL_PLEDGED,
            collateral,
            changes={
                "loan": loan.iou_number,
                "kind": data.kind,
                "value": value,
                "head_count": data.head_count,
                "ear_tags": len(data.ear_tags),
            },
        )
    return collateral


def ear_tags_add(*, actor, collateral: Collateral, tags: list[str]) -> int:
    """Add ear tags to pledged animals (typed or from Excel); returns how many were added."""
    with transaction.atomic(durable=True):
        collateral = Collateral.objects.visible_to(actor).select_for_update().get(pk=collateral.pk)
        if collateral.released_on:
            raise BusinessError(MSG_TAGS_RELEASED)
        if collateral.kind != Kind.LIVESTOCK:
            raise BusinessError(MSG_TAGS_NOT_LIVESTOCK)
        existing = list(collateral.ear_tags.values_list("tag", flat=True))
        new = [t for t in tags if t not in existing]
        _check_tags(new, collateral.head_count - len(existing))
        _save_tags(collateral, new)
        audit.record(actor, AuditAction.EAR_TAGS_ADDED, collateral, changes={"ear_tags": new[:50], "count": len(new)})
    return len(new)


def tags_from_workbook(content: bytes) -> list[str]:
    """The ear tags in the first sheet's 耳标号 column (the project's workbook reader)."""
    from xindai.imports.cells import text
    from xindai.imports.workbook import FileProblem, read_sheet

    try:
        sheet = read_sheet(content, [TAG_HEADER], [TAG_HEADER])
    except FileProblem as err:
        raise BusinessError(translate_pure_error(err), field="file") from None
    tags = [text(row.get(TAG_HEADER)).upper() for _number, row in sheet.rows]
    tags = [t for t in tags if t]
    if not tags:
        raise BusinessError(MSG_TAGS_FILE, field="file")
    return tags


def loan_release(*, actor, loan: Loan, released_on: date) -> int:
    """Release (解除) all collateral and guarantees in force of a settled loan on `released_on`
    (on or after the settlement date, not in the future): an officer's action once the
    registration is cancelled (注销登记). Ear tags become free. Returns how many items."""
    with transaction.atomic(durable=True):
        loan = Loan.objects.visible_to(actor).select_for_update().get(pk=loan.pk)
        if not loan.settled_on:
            raise BusinessError(MSG_NOT_SETTLED, {"iou": loan.iou_number})
        if released_on < loan.settled_on or released_on > timezone.localdate():
            raise BusinessError(MSG_RELEASE_DATE, {"settled": loan.settled_on.isoformat()}, field="released_on")
        items = Collateral.objects.children_of(loan).filter(released_on__isnull=True)
        guarantees = Guarantor.objects.children_of(loan).filter(released_on__isnull=True)
        ids = list(items.values_list("pk", flat=True))
        guarantor_ids = list(guarantees.values_list("pk", flat=True))
        if not ids and not guarantor_ids:
            raise BusinessError(MSG_NOTHING_TO_RELEASE, {"iou": loan.iou_number})
        items.update(released_on=released_on, released_by=actor)
        guarantees.update(released_on=released_on)
        EarTag.objects.system("release of a loan in scope").filter(collateral_id__in=ids).update(in_force=False)
        audit.record(
            actor,
            AuditAction.COLLATERAL_RELEASED,
            loan,
            changes={"released_on": released_on, "collateral": len(ids), "guarantors": len(guarantor_ids)},
        )
    return len(ids) + len(guarantor_ids)


def guarantor_add(
    *,
    actor,
    loan: Loan,
    customer_id: int | None,
    name: str,
    id_number: str,
    mobile: str,
    relationship: str,
    amount: Decimal,
    signed_on: date,
) -> Guarantor:
    """A guarantor of a loan: a customer in scope (their name and numbers are taken from the
    record) or another person whose ID number is validated."""
    with transaction.atomic(durable=True):
        loan = Loan.objects.visible_to(actor).select_for_update().get(pk=loan.pk)
        if loan.settled_on:
            raise BusinessError(MSG_SETTLED, {"iou": loan.iou_number})
        if customer_id:
            customer = Customer.objects.visible_to(actor).get(pk=customer_id)
            name, id_number, mobile = customer.name, customer.id_number, customer.mobile
        else:
            customer = None
            try:
                id_number = parse_id_number(id_number).number
                mobile = parse_mobile(mobile) if mobile else ""
            except (IdNumberError, PhoneError) as err:
                field_name = "id_number" if isinstance(err, IdNumberError) else "mobile"
                raise BusinessError(translate_pure_error(err), field=field_name) from None
        if customer_id == loan.customer_id or id_number == loan.customer.id_number:
            raise BusinessError(MSG_OWN_GUARANTOR, field="customer")
        if Guarantor.objects.children_of(loan).filter(id_number=id_number, released_on__isnull=True).exists():
            raise BusinessError(MSG_GUARANTOR_TWICE, field="id_number")
        guarantor = Guarantor.objects.create(
            loan=loan,
            customer=customer,
            name=name,
            id_number=id_number,
            mobile=mobile,
            relationship=relationship,
            amount=amount.quantize(CENT, ROUND_HALF_UP),
            signed_on=signed_on,
            created_by=actor,
        )
        audit.record(
            actor,
            AuditAction.GUARANTOR_ADDED,
            guarantor,
            changes={"loan": loan.iou_number, "id_number": id_number, "amount": guarantor.amount},
        )
    return guarantor


def haircuts_update(*, actor, values: dict[str, Decimal]) -> None:
    """Set the haircut of each kind (抵押率设置)."""
    with transaction.atomic(durable=True):
        changes = {}
        for kind, haircut in values.items():
            if kind not in Kind.values:
                raise TypeError(kind)
            if haircut is None or not Decimal("0") <= haircut < Decimal("1"):
                raise BusinessError(MSG_HAIRCUT, field=kind)
            row, _created = Haircut.objects.select_for_update().get_or_create(kind=kind, defaults={"haircut": haircut})
            if row.haircut != haircut:
                changes[kind] = [row.haircut, haircut]
                row.haircut = haircut
                row.save(update_fields=["haircut"])
        audit.record(actor, AuditAction.HAIRCUTS_CHANGED, None, changes=changes, target_repr="haircuts")
