"""Repayment import (还款数据导入): repayments from the core banking system's file.

Columns 借据编号, 还款日期, 还款金额, 渠道 (optional), 备注 (optional). Each amount is applied
to the loan's oldest amounts owed as of its date — penalty and compound interest, interest,
then principal of the oldest installment, then the next (domain.md). The file is applied in
memory first, row after row in date order per loan, so every error is found (with its row)
before anything is written; then all of it is written in one transaction, or nothing.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.scope import system_scope
from xindai.imports import cells
from xindai.imports.loan_import import ImportResult, RowError, _Row
from xindai.imports.workbook import FileProblem, read_sheet
from xindai.loans.models import Installment, Loan
from xindai.repayments import arithmetic
from xindai.repayments.models import Channel, Repayment
from xindai.repayments.services import (
    PAID_FIELDS,
    _audit_changes,
    _entry,
    _post,
    last_payment_dates,
    owing_on,
    refresh_loans,
)

IOU, PAID_ON, AMOUNT, CHANNEL, REMARK = "借据编号", "还款日期", "还款金额", "渠道", "备注"
COLUMNS = [IOU, PAID_ON, AMOUNT, CHANNEL, REMARK]
REQUIRED = [IOU, PAID_ON, AMOUNT]
CHANNELS = {"柜面": Channel.COUNTER, "转账": Channel.TRANSFER, "代扣": Channel.DEBIT, "导入": Channel.IMPORT}
CHANNELS |= {"其他": Channel.OTHER, **{c.value: c.value for c in Channel}}

UNKNOWN_LOAN = gettext_lazy("No loan with this IOU number in your data scope.")
LOAN_SETTLED = gettext_lazy("The loan is already settled: nothing is owed.")
UNKNOWN_CHANNEL = gettext_lazy("Unknown channel; expected one of: 柜面、转账、代扣、其他.")
FUTURE = gettext_lazy("The repayment date is in the future.")
BEFORE_START = gettext_lazy("The repayment date is before the loan started (%(start)s).")
BEFORE_LAST = gettext_lazy("An earlier repayment on this loan is dated %(last)s; repayments are entered in date order.")
TOO_MUCH = gettext_lazy("The amount is more than all that is owed on the loan on that date (%(owed)s).")
NOT_POSITIVE = gettext_lazy("The amount must be greater than zero.")


class RepaymentImport:
    def __init__(self, content: bytes, actor, on_progress=None):
        self.actor = actor
        self.on_progress = on_progress
        self.result = ImportResult(kind="repayments")
        self.entries: list[tuple[Installment, Repayment]] = []
        self.touched: dict[int, Installment] = {}
        try:
            self.sheet = read_sheet(content, COLUMNS, REQUIRED)
        except FileProblem as err:
            self.sheet = None
            self.result.file_error = translate_pure_error(err)

    def validate(self, *, lock: bool = False) -> ImportResult:
        if self.sheet is None:
            return self.result
        self.result.rows = len(self.sheet.rows)
        rows = []
        for index, (number, values) in enumerate(self.sheet.rows):
            if self.result.stop_here():
                break
            if self.on_progress and index % 200 == 0:
                self.on_progress(index, len(self.sheet.rows))
            row = _Row(number, values, self.result.errors)
            parsed = (
                row.read(IOU, cells.required),
                row.read(PAID_ON, cells.a_date),
                row.read(AMOUNT, cells.amount),
                self._channel(row),
                cells.text(values.get(REMARK))[:200],
            )
            if not row.failed:
                rows.append((row, *parsed))
        viewer = self.actor if self.actor is not None else system_scope("import command")
        loans = Loan.objects.visible_to(viewer).select_related("loan_type").filter(iou_number__in={r[1] for r in rows})
        if lock:  # the one lock order: the loans (in id order), then their installments
            loans = loans.order_by("pk").select_for_update(of=("self",))
        by_iou = {loan.iou_number: loan for loan in loans}
        installments = (
            Installment.objects.children_of(list(by_iou.values()))
            .filter(settled_on__isnull=True, superseded_on__isnull=True)
            .order_by("loan_id", "period")
        )
        if lock:
            installments = installments.select_for_update()
        unpaid: dict[int, list[Installment]] = defaultdict(list)
        loan_by_id = {loan.pk: loan for loan in by_iou.values()}
        for item in installments:
            item.loan = loan_by_id[item.loan_id]
            unpaid[item.loan_id].append(item)
        last = last_payment_dates([i.pk for items in unpaid.values() for i in items])
        latest: dict[int, date] = {}
        for loan_id, items in unpaid.items():
            dates = [last[i.pk] for i in items if i.pk in last]
            if dates:
                latest[loan_id] = max(dates)
        rows.sort(key=lambda r: (r[1], r[2], r[0].number))
        for row, iou, paid_on, amount, channel, remark in rows:
            if self.result.stop_here():
                break
            loan = by_iou.get(iou)
            if loan is None:
                row.error(IOU, UNKNOWN_LOAN)
                continue
            self._apply(row, loan, unpaid[loan.pk], latest, paid_on, amount, channel, remark)
        self.result.repayments_created = len(self.entries)
        self.result.loans_affected = len({item.loan_id for item in self.touched.values()})
        self.result.ok = not self.result.errors
        return self.result

    def _channel(self, row: _Row) -> str | None:
        value = cells.compact(row.values.get(CHANNEL))
        if not value:
            return Channel.IMPORT
        if value not in CHANNELS:
            row.error(CHANNEL, UNKNOWN_CHANNEL)
            return None
        return CHANNELS[value]

    def _apply(self, row, loan, items, latest, paid_on, amount, channel, remark) -> None:
        if paid_on > timezone.localdate():
            row.error(PAID_ON, FUTURE)
            return
        if paid_on < loan.start_date:
            row.error(PAID_ON, BEFORE_START % {"start": loan.start_date.isoformat()})
            return
        if loan.pk in latest and paid_on < latest[loan.pk]:
            row.error(PAID_ON, BEFORE_LAST % {"last": latest[loan.pk].isoformat()})
            return
        open_items = [item for item in items if item.settled_on is None]
        if not open_items:
            row.error(IOU, LOAN_SETTLED)
            return
        try:
            owings = [owing_on(item, paid_on) for item in open_items]
        except BusinessError as err:
            row.error(AMOUNT, err)
            return
        owed = [
            arithmetic.Owed(principal=o.principal, interest=o.interest, penalty=o.penalty, compound=o.compound)
            for o in owings
        ]
        try:
            allocations = arithmetic.allocate_oldest_first(amount, owed)
        except arithmetic.RepaymentError as err:
            if err.code == "overpayment":
                row.error(AMOUNT, TOO_MUCH % {"owed": f"{sum(o.total for o in owed):,.2f}"})
            else:
                row.error(AMOUNT, NOT_POSITIVE)
            return
        for item, owing, allocation in zip(open_items, owed, allocations, strict=True):
            if allocation.total == 0:
                continue
            entry = _entry(item, allocation, paid_on, channel, remark, self.actor)
            _post(item, entry)
            if allocation.total == owing.total:
                item.settled_on = paid_on
            self.entries.append((item, entry))
            self.touched[item.pk] = item
        latest[loan.pk] = paid_on

    def execute(self) -> ImportResult:
        """Validate again under row locks and write everything, in one transaction."""
        actor = self.actor if getattr(self.actor, "pk", None) else None
        with transaction.atomic():
            self.result = ImportResult(kind="repayments")
            self.entries, self.touched = [], {}
            self.validate(lock=True)
            if not self.result.ok:
                return self.result
            Repayment.objects.bulk_create([entry for _item, entry in self.entries], batch_size=1000)
            touched = list(self.touched.values())
            Installment.objects.children_of({i.loan_id for i in touched}).bulk_update(
                touched, PAID_FIELDS, batch_size=1000
            )
            refresh_loans({item.loan_id for item in self.touched.values()})
            audit.record_many(
                actor, AuditAction.REPAYMENTS_IMPORTED, [(e, _audit_changes(i, e)) for i, e in self.entries]
            )
        return self.result


def import_repayments(content: bytes, actor, *, dry_run: bool = False, on_progress=None) -> ImportResult:
    job = RepaymentImport(content, actor, on_progress)
    result = job.validate()
    if result.ok and not dry_run:
        result = job.execute()
    return result


__all__ = ["RowError", "import_repayments"]
