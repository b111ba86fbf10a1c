"""Loan import (数据导入): a branch's existing loan book from the Excel template.

The whole file is validated before anything is written — every row, every column, every
error reported with its Excel row, column and value — and then imported in one transaction,
or not at all. Lookups (regions, branches, officers, types, existing customers and IOU
numbers) are loaded once for the whole file, so validation costs a handful of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, translate_pure_error
from xindai.core.idnumber import gender_from_id, parse_id_number
from xindai.core.pure import PureError
from xindai.core.scope import Reach, scope_for, system_scope
from xindai.customers.models import Customer
from xindai.imports import cells, statistics
from xindai.imports.example_row import EXAMPLE_ROW, is_example
from xindai.imports.workbook import FileProblem, Sheet, read_sheet
from xindai.loans import schedule
from xindai.loans.models import Loan, LoanType
from xindai.loans.services import LoanTerms, check_type_limits, guarantee_group_create, loans_bulk_create, plan_for
from xindai.org.models import Branch, Region, RegionLevel, User

NAME, ID, MOBILE, GENDER = "客户姓名", "身份证号码", "手机号码", "性别"
COUNTY, AREA, TOWNSHIP, VILLAGE, GROUP = "所在县区", "所在片区", "所在乡镇", "所在村", "所在社"
HOUSE, LANDLINE, SPOUSE, SPOUSE_MOBILE = "门牌号", "固定电话", "配偶姓名", "配偶手机号码"
IOU, AMOUNT, TYPE, RATE, PURPOSE = "借据编号", "贷款金额", "贷款种类", "年利率", "贷款用途"
START, END, METHOD, BRANCH, OFFICER = "贷款起期", "贷款止期", "还款方式", "经办支行", "信贷员"
JOINT_GROUP, PAID_PERIODS, BALANCE = "联保小组", "已还期数", "贷款余额"

REQUIRED = [NAME, ID, MOBILE, COUNTY, TOWNSHIP, VILLAGE, IOU, AMOUNT, TYPE, RATE, START, END, METHOD, BRANCH, OFFICER]
COLUMNS = [
    NAME,
    ID,
    MOBILE,
    GENDER,
    COUNTY,
    AREA,
    TOWNSHIP,
    VILLAGE,
    GROUP,
    HOUSE,
    LANDLINE,
    SPOUSE,
    SPOUSE_MOBILE,
    IOU,
    AMOUNT,
    TYPE,
    RATE,
    PURPOSE,
    START,
    END,
    METHOD,
    BRANCH,
    OFFICER,
    JOINT_GROUP,
    PAID_PERIODS,
    BALANCE,
]
GENDERS = {"男": "male", "女": "female", "male": "male", "female": "female"}

UNKNOWN_COUNTY = gettext_lazy("No county/district is named %(value)s; see the 参考数据 sheet.")
UNKNOWN_AREA = gettext_lazy("No area named %(value)s lies in %(parent)s.")
UNKNOWN_TOWNSHIP = gettext_lazy("No township named %(value)s lies in %(parent)s.")
UNKNOWN_VILLAGE = gettext_lazy("No village named %(value)s lies in %(parent)s.")
UNKNOWN_GROUP = gettext_lazy("No group named %(value)s lies in %(parent)s.")
UNKNOWN_BRANCH = gettext_lazy("No branch has this name or code; see the 参考数据 sheet.")
UNKNOWN_OFFICER = gettext_lazy("No loan officer has this real name or username; see the 参考数据 sheet.")
AMBIGUOUS_OFFICER = gettext_lazy("Several loan officers are called %(value)s; enter the username instead.")
UNKNOWN_TYPE = gettext_lazy("No loan type is named %(value)s; expected one of: %(choices)s.")
UNKNOWN_METHOD = gettext_lazy("Unknown repayment method; expected one of: %(choices)s.")
CUSTOM_METHOD = gettext_lazy("Loans with a custom plan (自定义) cannot be imported; register them in the app.")
GENDER_MISMATCH = gettext_lazy("The gender does not agree with the ID number (which says %(gender)s).")
GENDER_UNKNOWN = gettext_lazy("Enter 男 or 女.")
IOU_EXISTS = gettext_lazy("IOU number %(value)s is already in the system.")
IOU_TWICE = gettext_lazy("IOU number %(value)s also appears on row %(row)s.")
ID_OTHER_NAME = gettext_lazy("ID number already registered to %(name)s; the name must be the same.")
ID_OTHER_NAME_IN_FILE = gettext_lazy("The same ID number has the name %(name)s on row %(row)s.")
CUSTOMER_OUT_OF_SCOPE = gettext_lazy("This customer is registered outside your data scope.")
BRANCH_OUT_OF_SCOPE = gettext_lazy("This branch is outside your data scope.")
OFFICER_OUT_OF_SCOPE = gettext_lazy("This loan officer is outside your data scope.")
TOO_MANY_PAID = gettext_lazy("The plan has %(count)s installments; 已还期数 cannot be more.")
IMPORT_CONFLICT = gettext_lazy(
    "Another import or entry wrote some of these customers or loans at the same moment; nothing was imported. "
    "Check the file again."
)
BALANCE_MISMATCH = gettext_lazy(
    "The balance should be %(expected)s: the amount less the principal of the first %(paid)s installments."
)


MAX_ERRORS = 1_000
IMPORT_LOCK = 0x1D0A_1001  # pg_advisory_xact_lock key: loan imports write one at a time


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class ImportResult:
    """What an import did (or, with errors or in a dry run, would do)."""

    ok: bool = False
    customers_created: int = 0
    customers_matched: int = 0
    loans_created: int = 0
    installments_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    kind: str = "loans"
    repayments_created: int = 0
    loans_affected: int = 0
    too_many_errors: bool = False  # the check stopped after MAX_ERRORS
    rows: int = 0  # data rows in the file

    def stop_here(self) -> bool:
        """Whether the check has found enough errors to stop (a file of errors costs no more)."""
        if len(self.errors) >= MAX_ERRORS:
            self.too_many_errors = True
        return self.too_many_errors

    def as_dict(self) -> dict:
        if self.kind == "repayments":
            return {
                "ok": self.ok,
                "repayments_created": self.repayments_created,
                "loans_affected": self.loans_affected,
                "errors": [e.as_dict() for e in self.errors],
                **({"file_error": self.file_error} if self.file_error else {}),
                **({"too_many_errors": True} if self.too_many_errors else {}),
            }
        return {
            "ok": self.ok,
            "customers_created": self.customers_created,
            "customers_matched": self.customers_matched,
            "loans_created": self.loans_created,
            "installments_created": self.installments_created,
            "errors": [e.as_dict() for e in self.errors],
            **({"file_error": self.file_error} if self.file_error else {}),
            **({"too_many_errors": True} if self.too_many_errors else {}),
        }


class _Row:
    """One data row being validated: reads cells, collects its errors."""

    def __init__(self, number: int, values: dict, errors: list[RowError]):
        self.number, self.values, self.errors = number, values, errors
        self.failed = False

    def raw(self, column: str) -> str:
        return cells.text(self.values.get(column))

    def error(self, column: str, message) -> None:
        self.failed = True
        self.errors.append(RowError(self.number, column, self.raw(column), str(message)))

    def read(self, column: str, reader):
        try:
            return reader(self.values.get(column))
        except PureError as err:
            self.error(column, translate_pure_error(err))
            return None


class _Lookups:
    """Everything a row is checked against, loaded once for the file."""

    def __init__(self, viewer, sheet: Sheet):
        regions = Region.objects.filter(is_active=True).only("id", "name", "level", "parent_id", "path")
        self.children: dict[tuple[int | None, int, str], Region] = {}
        self.counties: dict[str, Region] = {}
        self.by_id: dict[int, Region] = {}
        for region in regions:
            self.by_id[region.pk] = region
            self.children[(region.parent_id, region.level, region.name)] = region
            if region.level == RegionLevel.COUNTY:
                self.counties[region.name] = region
        for region in self.by_id.values():
            parent = self.by_id.get(region.parent_id)
            if region.level == RegionLevel.TOWNSHIP and parent is not None and parent.level == RegionLevel.AREA:
                # A township filed under an area is found from its county too (片区 is optional).
                self.children.setdefault((parent.parent_id, region.level, region.name), region)
        self.branches: dict[str, Branch] = {}
        for branch in Branch.objects.filter(is_active=True):
            self.branches[branch.name] = self.branches[branch.code] = branch
        self.officers: dict[str, list[User]] = {}
        for officer in User.objects.filter(kind="bank", is_loan_officer=True, is_active=True):
            self.officers.setdefault(officer.username, []).append(officer)
            if officer.real_name != officer.username:
                self.officers.setdefault(officer.real_name, []).append(officer)
        self.types = {t.name: t for t in LoanType.objects.filter(is_active=True)}
        ids = {cells.compact(values.get(ID)).upper() for _number, values in sheet.rows}
        # ID numbers and IOU numbers are unique in the whole bank: which of the file's are taken is
        # known bank-wide, but a customer outside the scope is only ever "out of scope" — nothing of it shows.
        unique = system_scope("import uniqueness check")
        self.customers = {c.id_number: c for c in Customer.objects.visible_to(unique).filter(id_number__in=ids)}
        self.visible = set(Customer.objects.visible_to(viewer).filter(id_number__in=ids).values_list("pk", flat=True))
        ious = {cells.compact(values.get(IOU)) for _number, values in sheet.rows}
        self.ious = set(
            Loan.objects.visible_to(unique).filter(iou_number__in=ious).values_list("iou_number", flat=True)
        )
        scope = scope_for(viewer)
        self.scope = None if scope.reach == Reach.ALL else scope


@dataclass
class _NewCustomer:
    row: int
    values: dict


@dataclass
class _LoanRow:
    row: int
    terms: LoanTerms
    id_number: str
    group_name: str
    installments: int


class LoanImport:
    """Validate a loan file (`validate`), then write it (`execute`) — or refuse it whole."""

    def __init__(self, content: bytes, actor, on_progress: Callable[[int, int], None] | None = None):
        """`actor`: the user importing (their scope applies), or None for the import command,
        which reads as the named system scope "import command"."""
        self.actor = actor
        self.viewer = actor if actor is not None else system_scope("import command")
        self.on_progress = on_progress
        self.result = ImportResult()
        self.new_customers: dict[str, _NewCustomer] = {}
        self.matched: set[str] = set()
        self.loans: list[_LoanRow] = []
        try:
            self.sheet = read_sheet(content, COLUMNS, REQUIRED)
        except FileProblem as err:
            self.sheet = None
            self.result.file_error = translate_pure_error(err)

    # Validation ----------------------------------------------------------------------------

    def validate(self) -> ImportResult:
        if self.sheet is None:
            return self.result
        self.result.rows = len(self.sheet.rows)
        lookups = _Lookups(self.viewer, self.sheet)
        seen_ious: dict[str, int] = {}
        seen_ids: dict[str, tuple[int, str]] = {}
        for index, (number, values) in enumerate(self.sheet.rows):
            if self.result.stop_here():
                break
            if self.on_progress and index % 200 == 0:
                self.on_progress(index, len(self.sheet.rows))
            row = _Row(number, values, self.result.errors)
            if is_example(row.raw(NAME), row.raw(ID), row.raw(IOU)):
                row.error(NAME, EXAMPLE_ROW % {"row": number, "name": row.raw(NAME)})
                continue
            customer = self._customer(row, lookups, seen_ids)
            self._loan(row, lookups, seen_ious, customer)
        self.result.customers_created = len(self.new_customers)
        self.result.customers_matched = len(self.matched)
        self.result.loans_created = len(self.loans)
        self.result.installments_created = sum(loan.installments for loan in self.loans)
        self.result.ok = not self.result.errors
        return self.result

    def _customer(self, row: _Row, lookups: _Lookups, seen_ids: dict) -> str | None:
        name = row.read(NAME, cells.required)
        id_number = row.read(ID, cells.id_number)
        mobile = row.read(MOBILE, cells.mobile)
        gender = self._gender(row, id_number)
        chain = self._region(row, lookups)
        extra = {
            "house_number": cells.text(row.values.get(HOUSE))[:50],
            "landline": row.read(LANDLINE, cells.landline) or "",
            "spouse_name": cells.compact(row.values.get(SPOUSE))[:50],
            "spouse_mobile": row.read(SPOUSE_MOBILE, cells.optional_mobile) or "",
        }
        if not (name and id_number):
            return None
        if id_number in seen_ids and seen_ids[id_number][1] != name:
            first_row, first_name = seen_ids[id_number]
            row.error(NAME, ID_OTHER_NAME_IN_FILE % {"name": first_name, "row": first_row})
            return None
        seen_ids.setdefault(id_number, (row.number, name))
        existing = lookups.customers.get(id_number)
        if existing is not None:
            if existing.pk not in lookups.visible:  # before the name: nothing of it may show
                row.error(ID, CUSTOMER_OUT_OF_SCOPE)
            elif existing.name != name:
                row.error(NAME, ID_OTHER_NAME % {"name": existing.name})
            else:
                self.matched.add(id_number)
            return id_number
        if id_number not in self.new_customers and mobile and chain and gender and not row.failed:
            self.new_customers[id_number] = _NewCustomer(
                row.number, {"name": name, "id_number": id_number, "mobile": mobile, "gender": gender, **chain, **extra}
            )
        return id_number

    def _gender(self, row: _Row, id_number: str | None) -> str | None:
        if not id_number:
            return None
        derived = gender_from_id(id_number).value
        given = cells.compact(row.values.get(GENDER)).lower()
        if given and given not in GENDERS:
            row.error(GENDER, GENDER_UNKNOWN)
        elif given and GENDERS[given] != derived:
            row.error(GENDER, GENDER_MISMATCH % {"gender": "男" if derived == "male" else "女"})
        return derived

    def _region(self, row: _Row, lookups: _Lookups) -> dict | None:
        county_name = row.read(COUNTY, cells.required)
        if not county_name:
            return None
        county = lookups.counties.get(county_name)
        if county is None:
            row.error(COUNTY, UNKNOWN_COUNTY % {"value": county_name})
            return None
        parent, area = county, None
        if area_name := cells.compact(row.values.get(AREA)):
            area = lookups.children.get((county.pk, RegionLevel.AREA, area_name))
            if area is None:
                row.error(AREA, UNKNOWN_AREA % {"value": area_name, "parent": county.name})
                return None
            parent = area
        township = self._child(row, lookups, TOWNSHIP, RegionLevel.TOWNSHIP, parent, UNKNOWN_TOWNSHIP, county)
        village = township and self._child(row, lookups, VILLAGE, RegionLevel.VILLAGE, township, UNKNOWN_VILLAGE)
        if not village:
            return None
        group = None
        if cells.compact(row.values.get(GROUP)):
            group = self._child(row, lookups, GROUP, RegionLevel.GROUP, village, UNKNOWN_GROUP)
            if group is None:
                return None
        if area is None and township.parent_id != county.pk:
            area = lookups.by_id[township.parent_id]  # a township filed under an area
        return {"county": county, "area": area, "township": township, "village": village, "group": group}

    def _child(self, row, lookups, column, level, parent, message, county=None):
        name = row.read(column, cells.required)
        if not name:
            return None
        found = lookups.children.get((parent.pk, level, name))
        if found is None:
            row.error(column, message % {"value": name, "parent": parent.name})
        return found

    def _loan(self, row: _Row, lookups: _Lookups, seen_ious: dict, id_number: str | None) -> None:
        iou = row.read(IOU, cells.required)
        if iou:
            if iou in lookups.ious:
                row.error(IOU, IOU_EXISTS % {"value": iou})
            elif iou in seen_ious:
                row.error(IOU, IOU_TWICE % {"value": iou, "row": seen_ious[iou]})
            seen_ious.setdefault(iou, row.number)
        amount = row.read(AMOUNT, cells.amount)
        rate = row.read(RATE, cells.rate)
        start, end = row.read(START, cells.a_date), row.read(END, cells.a_date)
        loan_type = self._pick(row, TYPE, lookups.types, UNKNOWN_TYPE)
        method = self._method(row)
        branch = self._branch(row, lookups)
        officer = self._officer(row, lookups)
        paid = row.read(PAID_PERIODS, cells.whole) or 0
        balance = row.read(BALANCE, cells.amount) if cells.compact(row.values.get(BALANCE)) else None
        if row.failed or None in (iou, amount, rate, start, end, loan_type, method, branch, officer, id_number):
            return
        terms = LoanTerms(
            customer_id=0,
            iou_number=iou,
            amount=amount,
            loan_type=loan_type,
            annual_rate=rate,
            start_date=start,
            end_date=end,
            method=method,
            handling_branch_id=branch.pk,
            officer_id=officer.pk,
            purpose=cells.text(row.values.get(PURPOSE))[:200],
            paid_periods=paid,
        )
        plan = self._plan(row, terms)
        if plan is None:
            return
        if paid > len(plan):
            row.error(PAID_PERIODS, TOO_MANY_PAID % {"count": len(plan)})
            return
        expected = amount - sum((item.principal for item in plan[:paid]), Decimal("0.00"))
        if balance is not None and balance != expected:
            row.error(BALANCE, BALANCE_MISMATCH % {"expected": f"{expected:,.2f}", "paid": paid})
            return
        group_name = cells.compact(row.values.get(JOINT_GROUP))[:100]
        self.loans.append(_LoanRow(row.number, terms, id_number, group_name, len(plan)))

    def _plan(self, row: _Row, terms: LoanTerms) -> list[schedule.Installment] | None:
        try:
            check_type_limits(terms)
            return plan_for(terms)
        except BusinessError as err:
            column = {"amount": AMOUNT, "loan_type": TYPE, "annual_rate": RATE, "start_date": START}.get(err.field, END)
            row.error(column, err)
            return None

    def _pick(self, row: _Row, column: str, choices: dict, message):
        value = row.read(column, cells.required)
        if value is None:
            return None
        if value not in choices:
            row.error(column, message % {"value": value, "choices": "、".join(choices)})
            return None
        return choices[value]

    def _method(self, row: _Row) -> str | None:
        value = row.read(METHOD, cells.required)
        if value is None:
            return None
        try:
            method = schedule.method_from_label(value)
        except schedule.ScheduleError:
            row.error(METHOD, UNKNOWN_METHOD % {"choices": "、".join(schedule.METHOD_LABELS.values())})
            return None
        if method is schedule.Method.CUSTOM:
            row.error(METHOD, CUSTOM_METHOD)
            return None
        return method.value

    def _branch(self, row: _Row, lookups: _Lookups) -> Branch | None:
        value = row.read(BRANCH, cells.required)
        if value is None:
            return None
        branch = lookups.branches.get(value)
        if branch is None:
            row.error(BRANCH, UNKNOWN_BRANCH)
        elif (scope := lookups.scope) is not None and scope.reach == Reach.BRANCH and branch.pk not in scope.branch_ids:
            row.error(BRANCH, BRANCH_OUT_OF_SCOPE)
            return None
        return branch

    def _officer(self, row: _Row, lookups: _Lookups) -> User | None:
        value = row.read(OFFICER, cells.required)
        if value is None:
            return None
        found = lookups.officers.get(value, [])
        if not found:
            row.error(OFFICER, UNKNOWN_OFFICER)
            return None
        if len(found) > 1:
            row.error(OFFICER, AMBIGUOUS_OFFICER % {"value": value})
            return None
        officer = found[0]
        scope = lookups.scope
        if scope is not None and (
            (scope.reach == Reach.BRANCH and officer.branch_id not in scope.branch_ids)
            or (scope.reach == Reach.PERSONAL and officer.pk != self.actor.pk)
        ):
            row.error(OFFICER, OFFICER_OUT_OF_SCOPE)
            return None
        return officer

    # Writing -------------------------------------------------------------------------------

    def execute(self) -> ImportResult:
        """Validate and write, all in one transaction; nothing when the file has errors.

        Loan imports take turns (a transaction-level lock) and check the file again once it is
        theirs, so of two clerks importing the same rows at once one imports them and the other
        is told, row by row, that they are already in the system."""
        if self.sheet is None:
            return self.result
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
                self._reset()
                if not self.validate().ok:
                    return self.result
                self._write()
        except IntegrityError:
            raise BusinessError(IMPORT_CONFLICT) from None
        return self.result

    def _reset(self) -> None:
        self.result, self.new_customers, self.matched, self.loans = ImportResult(), {}, set(), []

    def _write(self) -> None:
        actor = self.actor if getattr(self.actor, "pk", None) else None
        ids = self._create_customers(actor)
        groups: dict[str, list[_LoanRow]] = {}
        for loan in self.loans:
            loan.terms.customer_id = ids[loan.id_number]
            if loan.group_name:
                groups.setdefault(loan.group_name, []).append(loan)
        for name, members in groups.items():
            group = guarantee_group_create(
                actor=actor, name=name, member_ids=sorted({ids[m.id_number] for m in members})
            )
            for member in members:
                member.terms.guarantee_group_id = group.pk
        loans_bulk_create(actor=actor, terms_list=[loan.terms for loan in self.loans])
        audit.record(actor, AuditAction.LOANS_IMPORTED, changes=self.result.as_dict() | {"errors": []})
        if len(self.loans) >= statistics.ANALYZE_AFTER_LOANS:
            transaction.on_commit(statistics.refresh_statistics)

    def _create_customers(self, actor) -> dict[str, int]:
        ids = {number: customer.pk for number, customer in self._matched_customers().items()}
        officer_of = {loan.id_number: loan.terms for loan in reversed(self.loans)}
        new = []
        for number, pending in self.new_customers.items():
            terms = officer_of[number]
            birth = parse_id_number(number).birth_date
            new.append(
                Customer(
                    **pending.values,
                    birth_date=birth,
                    registered_branch_id=terms.handling_branch_id,
                    registered_by_id=terms.officer_id,
                    created_by=actor,
                    updated_by=actor,
                )
            )
        created = Customer.objects.bulk_create(new, batch_size=2000)
        ids.update({customer.id_number: customer.pk for customer in created})
        if created:
            audit.record(actor, AuditAction.CUSTOMERS_IMPORTED, changes={"customers": len(created)})
        return ids

    def _matched_customers(self) -> dict[str, Customer]:
        return {c.id_number: c for c in Customer.objects.visible_to(self.viewer).filter(id_number__in=self.matched)}


def import_loans(content: bytes, actor, *, dry_run: bool = False, on_progress=None) -> ImportResult:
    """Validate a loan file and, unless `dry_run` or it has errors, import it (all or nothing)."""
    job = LoanImport(content, actor, on_progress)
    return job.validate() if dry_run else job.execute()
