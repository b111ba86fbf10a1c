"""Writes of post-loan management: inspections (signed by their officer), acknowledgements of
warnings, and the rules. Each takes the acting user and leaves an audit row."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.loans.models import Loan, LoanType
from xindai.postloan.models import (
    Inspection,
    InspectionPhoto,
    InspectionRule,
    Level,
    RuleCode,
    WarningAck,
    WarningRule,
    Way,
)
from xindai.postloan.selectors import pledged_heads

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
# The first bytes of the image formats phones produce.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}

MSG_DATE = _("The inspection date must be between the loan's start date %(start)s and today.")
MSG_HEADS = _("Enter the head count found: %(pledged)s head are pledged on this loan.")
MSG_NOT_SIGNED = _("Sign the inspection: confirm that you made it and that the record is true.")
MSG_TOO_MANY_PHOTOS = _("At most %(max)s photos an inspection.")
MSG_PHOTO_TOO_BIG = _("Photo %(name)s is larger than %(max)s MB.")
MSG_PHOTO_TYPE = _("Photo %(name)s is not a JPEG, PNG, WebP or HEIC image.")
MSG_POSITION = _("The position of photo %(name)s is not a valid latitude and longitude.")
MSG_SETTLED = _("Loan %(iou)s is settled: it is no longer inspected.")
MSG_ACK_NOTE = _("Write a note: what was done about the warning.")
MSG_ACK_NOT_FIRING = _("This warning is not raised on the loan on %(day)s.")
MSG_THRESHOLD = _("The threshold of this rule is between 0 and %(max)s.")
# The largest threshold each rule takes: installments, payments, days, a ratio, a percent.
THRESHOLD_MAX = {
    RuleCode.PAYING_LATER: 12,
    RuleCode.PARTIAL_PAYMENTS: 100,
    RuleCode.GROUP_OVERDUE: 3650,
    RuleCode.LOW_COVERAGE: 100,
    RuleCode.INSPECTION_FINDING: 3650,
    RuleCode.HEAD_COUNT_SHORT: 100,
    RuleCode.MOBILE_VACANT: 100,
    RuleCode.INSURANCE_EXPIRING: 3650,
}
MSG_RULE_DAYS = _("Inspect within 1 to 365 days and every 1 to 24 months.")


@dataclass(frozen=True, slots=True)
class Photo:
    name: str
    content: bytes
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def image_type(photo: Photo) -> str:
    """The image's type from its first bytes, or a BusinessError."""
    head = photo.content[:16]
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heif"):
        return "image/heic"
    raise BusinessError(MSG_PHOTO_TYPE, {"name": photo.name}, field="photos")


def _check_photos(photos: list[Photo]) -> list[str]:
    if len(photos) > MAX_PHOTOS:
        raise BusinessError(MSG_TOO_MANY_PHOTOS, {"max": MAX_PHOTOS}, field="photos")
    types = []
    for photo in photos:
        if len(photo.content) > MAX_PHOTO_BYTES:
            raise BusinessError(
                MSG_PHOTO_TOO_BIG, {"name": photo.name, "max": MAX_PHOTO_BYTES // 1024 // 1024}, field="photos"
            )
        if (photo.latitude is not None and abs(photo.latitude) > 90) or (
            photo.longitude is not None and abs(photo.longitude) > 180
        ):
            raise BusinessError(MSG_POSITION, {"name": photo.name}, field="photos")
        types.append(image_type(photo))
    return types


def inspection_record(
    *,
    actor,
    loan: Loan,
    inspected_on: date,
    way: str,
    head_count_found: int | None,
    health: str,
    use_of_funds: str,
    findings: str,
    risk_found: bool,
    next_steps: str,
    signed: bool,
    photos: list[Photo] = (),
) -> Inspection:
    """Record an inspection (贷后检查) signed by `actor`, with its photos. The head count pledged
    is taken from the loan's collateral in force; on a visit it must be matched by a count."""
    photos = list(photos)
    types = _check_photos(photos)
    if not signed:
        raise BusinessError(MSG_NOT_SIGNED, field="signed")
    now = timezone.now()
    with transaction.atomic(durable=True):
        loan = Loan.objects.visible_to(actor).select_for_update().get(pk=loan.pk)
        if loan.settled_on and loan.settled_on < inspected_on:
            raise BusinessError(MSG_SETTLED, {"iou": loan.iou_number})
        if not loan.start_date <= inspected_on <= timezone.localdate():
            raise BusinessError(MSG_DATE, {"start": loan.start_date.isoformat()}, field="inspected_on")
        pledged = pledged_heads(loan)
        if pledged and way == Way.VISIT and head_count_found is None:
            raise BusinessError(MSG_HEADS, {"pledged": pledged}, field="head_count_found")
        inspection = Inspection.objects.create(
            loan=loan,
            inspected_on=inspected_on,
            way=way,
            head_count_pledged=pledged,
            head_count_found=head_count_found,
            health=health,
            use_of_funds=use_of_funds,
            findings=findings,
            risk_found=risk_found,
            next_steps=next_steps,
            officer=actor,
            signed_at=now,
        )
        InspectionPhoto.objects.bulk_create(
            [
                InspectionPhoto(
                    inspection=inspection,
                    content=photo.content,
                    content_type=kind,
                    taken_at=photo.taken_at or now,
                    latitude=photo.latitude,
                    longitude=photo.longitude,
                )
                for photo, kind in zip(photos, types, strict=True)
            ]
        )
        audit.record(
            actor,
            AuditAction.INSPECTION_RECORDED,
            inspection,
            changes={
                "loan": loan.iou_number,
                "inspected_on": inspected_on,
                "way": way,
                "head_count_found": head_count_found,
                "head_count_pledged": pledged,
                "risk_found": risk_found,
                "photos": len(photos),
            },
        )
    return inspection


def warning_acknowledge(*, actor, loan: Loan, rule: str, note: str, as_of: date) -> WarningAck:
    """Acknowledge a warning raised on a loan in scope, with a note (预警确认)."""
    from xindai.postloan.selectors import loan_warnings

    note = (note or "").strip()
    if not note:
        raise BusinessError(MSG_ACK_NOTE, field="note")
    with transaction.atomic(durable=True):
        loan = Loan.objects.visible_to(actor).select_for_update().get(pk=loan.pk)
        if rule not in {w["code"] for w in loan_warnings(actor, loan, as_of)}:
            raise BusinessError(MSG_ACK_NOT_FIRING, {"day": as_of.isoformat()})
        ack = WarningAck.objects.create(
            loan=loan, rule=rule, acknowledged_on=as_of, note=note[:200], acknowledged_by=actor
        )
        audit.record(actor, AuditAction.WARNING_ACKNOWLEDGED, loan, changes={"rule": rule, "note": ack.note})
    return ack


def warning_rules_update(*, actor, rows: dict[str, dict]) -> None:
    """Switch and tune the warning rules: {code: {"enabled", "level", "threshold"}}."""
    with transaction.atomic(durable=True):
        changes = {}
        for code, values in rows.items():
            if code not in RuleCode.values or values["level"] not in Level.values:
                raise TypeError(code)
            if values["threshold"] is None or not 0 <= values["threshold"] <= THRESHOLD_MAX[code]:
                raise BusinessError(MSG_THRESHOLD, {"max": THRESHOLD_MAX[code]}, field=f"{code}-threshold")
            from xindai.postloan.models import RULE_DEFAULTS

            level, threshold = RULE_DEFAULTS[code]
            row, _created = WarningRule.objects.select_for_update().get_or_create(
                code=code, defaults={"level": level, "threshold": threshold}
            )
            before = audit.snapshot(row, ["enabled", "level", "threshold"])
            row.enabled, row.level, row.threshold = values["enabled"], values["level"], values["threshold"]
            row.save()
            if diff := audit.diff(before, audit.snapshot(row, ["enabled", "level", "threshold"])):
                changes[code] = diff
        audit.record(actor, AuditAction.WARNING_RULES_CHANGED, None, changes=changes, target_repr="warning rules")


def inspection_rule_set(
    *, actor, loan_type: LoanType, first_within_days: int, every_months: int, after_overdue_days: int
) -> InspectionRule:
    """The inspection rule of a loan type."""
    if not (1 <= first_within_days <= 365 and 1 <= every_months <= 24 and 1 <= after_overdue_days <= 365):
        raise BusinessError(MSG_RULE_DAYS)
    with transaction.atomic(durable=True):
        rule, _created = InspectionRule.objects.select_for_update().get_or_create(loan_type=loan_type)
        before = audit.snapshot(rule, ["first_within_days", "every_months", "after_overdue_days"])
        rule.first_within_days, rule.every_months, rule.after_overdue_days = (
            first_within_days,
            every_months,
            after_overdue_days,
        )
        rule.save()
        audit.record(
            actor,
            AuditAction.INSPECTION_RULE_CHANGED,
            rule,
            changes=audit.diff(
                before, audit.snapshot(rule, ["first_within_days", "every_months", "after_overdue_days"])
            ),
            target_repr=loan_type.name,
        )
    return rule
