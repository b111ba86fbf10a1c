"""/api/v1: the same selectors, services, forms, scope and masking as the pages; views parse,
call and answer. Lists page by cursor; writes answer 201 with the new record."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from xindai.api import idempotency, inputs
from xindai.api import serializers as out
from xindai.api.pagination import PARAMETERS as PAGE
from xindai.api.pagination import Keyset, in_order, page_schema
from xindai.api.problems import bad_request
from xindai.api.views_base import ApiView, body, bound, filtered, form_data, need, valid

PROBLEMS = {
    (code, "application/problem+json"): OpenApiResponse(out.ProblemSerializer)
    for code in (400, 401, 403, 404, 409, 422, 429)
}


def _params(filterset_class, *extra) -> list[OpenApiParameter]:
    """The page's filter names as query parameters (`sort` is the cursor's, not taken here)."""
    names = [name for name in filterset_class.base_filters if name != "sort"]
    return [OpenApiParameter(name, str) for name in names] + list(extra) + PAGE


def _query(request):
    params = request.query_params.copy()
    for name in ("sort", "cursor", "size", "page"):
        params.pop(name, None)
    return params


def _page(serializer, rows, following, request):
    return Response({"next": following, "results": serializer(rows, many=True, context={"request": request}).data})


def _doc(summary, response, *, request=None, parameters=(), tags=None, responses=None, idempotent=False, op=None):
    codes = {200: response} if response is not None else {}
    codes.update(responses or {})
    codes.update(PROBLEMS)
    params = list(parameters) + ([idempotency.PARAMETER] if idempotent else [])
    return extend_schema(
        summary=summary, request=request, responses=codes, parameters=params, tags=tags, operation_id=op
    )


# Customers --------------------------------------------------------------------------------------


class CustomerList(ApiView):
    from xindai.customers.filters import CustomerFilter

    keyset = Keyset("-id")

    @_doc(
        "客户查询",
        page_schema(out.CustomerSerializer),
        parameters=_params(CustomerFilter),
        tags=["customers"],
        op="customers_list",
    )
    def get(self, request):
        from xindai.customers import selectors

        need(request.user, "customers.view")
        filterset, customers = selectors.customer_search(request.user, _query(request))
        ids, following = self.keyset.keys(request, filtered(filterset).qs)
        return _page(out.CustomerSerializer, in_order(customers.filter(pk__in=ids), ids), following, request)

    @_doc("客户新增", None, request=inputs.CustomerIn, responses={201: out.CustomerSerializer}, tags=["customers"])
    def post(self, request):
        from xindai.customers import selectors, services
        from xindai.customers.forms import CustomerForm

        need(request.user, "customers.add")
        data = _region_chain(form_data(body(request), inputs.CustomerIn().fields))
        form = valid(bound(CustomerForm, data, actor=request.user))
        customer = services.customer_create(actor=request.user, **form.service_values())
        shown = selectors.customer_detail(request.user, customer.pk)
        return Response(out.CustomerSerializer(shown, context={"request": request}).data, status=201)


class CustomerDetail(ApiView):
    @_doc("客户详情", out.CustomerSerializer, tags=["customers"])
    def get(self, request, pk):
        from xindai.customers import selectors

        customer = selectors.customer_detail(request.user, pk)
        need(request.user, "customers.view")
        return Response(out.CustomerSerializer(customer, context={"request": request}).data)

    @_doc("客户修改", out.CustomerSerializer, request=inputs.CustomerPatch, tags=["customers"])
    def patch(self, request, pk):
        from xindai.customers import selectors, services
        from xindai.customers.forms import CustomerForm

        customer = selectors.customer_detail(request.user, pk)
        need(request.user, "customers.change")
        current = CustomerForm(instance=customer, actor=request.user)
        data = form_data({name: current[name].value() for name in current.fields}, current.fields)
        for name in ("county", "township", "village", "group"):
            data[name] = getattr(customer, f"{name}_id") or ""
        for key, values in form_data(body(request), inputs.CustomerIn().fields).lists():
            data.setlist(key, values)
        form = valid(CustomerForm(data, instance=customer, actor=request.user))
        services.customer_update(actor=request.user, customer=customer, **form.service_values())
        shown = selectors.customer_detail(request.user, pk)
        return Response(out.CustomerSerializer(shown, context={"request": request}).data)


def _region_chain(data):
    """The county and township of the given village, as the page's cascade would have chosen them."""
    from xindai.org.models import Region, RegionLevel
    from xindai.org.selectors import region_chain

    village = data.get("village")
    if not str(village).isdigit():
        return data
    found = Region.objects.filter(pk=int(village), level=RegionLevel.VILLAGE).first()
    if found is not None:
        chain = region_chain(found)
        for name, level in (("county", RegionLevel.COUNTY), ("township", RegionLevel.TOWNSHIP)):
            if not data.get(name) and level in chain:
                data[name] = chain[level].pk
    return data


# Loans ------------------------------------------------------------------------------------------


def _loan_rows(user, ids):
    from xindai.loans import selectors

    return selectors.loans_for_page(user, ids)


class LoanList(ApiView):
    from xindai.loans.filters import LoanFilter

    keyset = Keyset("-start_date", "-id")

    @_doc("贷款查询", page_schema(out.LoanSerializer), parameters=_params(LoanFilter), tags=["loans"], op="loans_list")
    def get(self, request):
        from xindai.loans import selectors

        need(request.user, "loans.view")
        filterset, loans, _totals = selectors.loan_search(request.user, _query(request))
        filtered(filterset)
        ids, following = self.keyset.keys(request, loans)
        return _page(out.LoanSerializer, _loan_rows(request.user, ids), following, request)

    @_doc(
        "新增贷款 (with its plan)",
        None,
        request=inputs.LoanIn,
        responses={201: out.LoanSerializer},
        tags=["loans"],
        idempotent=True,
    )
    def post(self, request):
        need(request.user, "loans.add")
        return idempotency.run(request, "loans.create", lambda: self._create(request))

    def _create(self, request):
        from xindai.loans import services
        from xindai.loans.forms import LoanForm

        form = valid(LoanForm(form_data(body(request), inputs.LoanIn().fields), actor=request.user))
        loan = services.loan_register(actor=request.user, terms=form.terms())
        return Response(out.LoanSerializer(_loan_rows(request.user, [loan.pk])[0]).data, status=201)


class LoanPreview(ApiView):
    @_doc("还款计划预览", out.PlanPreviewSerializer, request=inputs.LoanIn, tags=["loans"])
    def post(self, request):
        from xindai.loans import services
        from xindai.loans.forms import LoanForm

        need(request.user, "loans.add")
        form = valid(LoanForm(form_data(body(request), inputs.LoanIn().fields), actor=request.user))
        rows, totals = services.plan_preview(form.terms())
        return Response(out.PlanPreviewSerializer({"rows": rows, "totals": totals}).data)


class LoanDetail(ApiView):
    @_doc(
        "贷款详情: the plan in force on as_of, plan versions, ledger",
        out.LoanDetailSerializer,
        parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD (default today)")],
        tags=["loans"],
    )
    def get(self, request, pk):
        from xindai.loans import selectors
        from xindai.repayments.loan_section import ledger_section

        loan = selectors.loan_detail(request.user, pk)
        need(request.user, "loans.view")
        as_of = _date(request, "as_of") or timezone.localdate()
        rows, totals = selectors.plan_rows(loan, as_of)
        loan.plan_as_of, loan.plan, loan.plan_totals = as_of, rows, totals
        loan.plan_versions_list = list(selectors.plan_versions(request.user, loan))
        loan.ledger = list(ledger_section(request.user, loan)["repayments"])  # the loan page's ledger
        loan.arrears = selectors.loan_arrears(loan, loan.days_overdue)
        data = out.LoanDetailSerializer(loan, context={"request": request}).data
        return Response(data)


def _date(request, name: str):
    from datetime import date

    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        from django.utils.translation import gettext as _

        message = _("Enter a date as YYYY-MM-DD.")
        raise bad_request(message, [{"field": name, "detail": message}]) from None


# Installments and repayments ------------------------------------------------------------------


class InstallmentList(ApiView):
    from xindai.repayments.filters import InstallmentFilter

    keyset = Keyset("payable_on", "id")

    @_doc(
        "到期/逾期: installments due or overdue as of a date, with what each owes on it",
        page_schema(out.OwedInstallmentSerializer),
        parameters=_params(
            InstallmentFilter,
            OpenApiParameter("view", str, enum=["overdue", "due"]),
            OpenApiParameter("as_of", str, description="YYYY-MM-DD (default today)"),
            OpenApiParameter("within", int, description="due: within so many days (default 7)"),
        ),
        tags=["repayments"],
    )
    def get(self, request):
        from xindai.repayments import selectors

        need(request.user, "repayments.view")
        params = _query(request)
        options, filterset, rows, _totals = selectors.installment_search(request.user, params)
        if options.is_bound and not options.is_valid():
            valid(options)
        filtered(filterset)
        view, as_of, _within = options.values()
        ids, following = self.keyset.keys(request, rows)
        page = selectors.rows_for_page(request.user, ids, as_of, view)
        return _page(out.OwedInstallmentSerializer, page, following, request)


def _repayment(request, entry):
    return out.RepaymentSerializer(entry, context={"request": request}).data


class RepaymentCreate(ApiView):
    @_doc(
        "还款确认 (one installment)",
        None,
        request=inputs.RepaymentIn,
        responses={201: out.RepaymentSerializer},
        tags=["repayments"],
        idempotent=True,
    )
    def post(self, request):
        need(request.user, "repayments.confirm")
        return idempotency.run(request, "repayments.create", lambda: self._confirm(request))

    def _confirm(self, request):
        from xindai.loans.models import Installment
        from xindai.repayments import services
        from xindai.repayments.forms import ConfirmForm

        data = body(request)
        installment_id = data.get("installment")
        if not isinstance(installment_id, int) or isinstance(installment_id, bool):
            raise bad_request(_required(), [{"field": "installment", "detail": _required()}])
        # In scope or 404 (the owed figures are the service's to compute, under its lock).
        installment = get_object_or_404(Installment.objects.visible_to(request.user).only("pk"), pk=installment_id)
        form = valid(bound(ConfirmForm, form_data(data, ("paid_on", "amount", "channel", "remark"))))
        values = form.cleaned_data
        entry = services.repayment_confirm(
            actor=request.user,
            installment_id=installment.pk,
            amount=values["amount"],
            paid_on=values["paid_on"],
            channel=values["channel"],
            remark=values["remark"],
        )
        return Response(_repayment(request, entry), status=201)


def _required():
    from django.utils.translation import gettext as _

    return _("Give the id of an installment.")


class RepaymentBatch(ApiView):
    @_doc(
        "批量处理: settle many installments in full on one date, all or nothing",
        None,
        request=inputs.BatchIn,
        responses={201: out.BatchResultSerializer},
        tags=["repayments"],
        idempotent=True,
    )
    def post(self, request):
        need(request.user, "repayments.confirm")
        return idempotency.run(request, "repayments.batch", lambda: self._batch(request))

    def _batch(self, request):
        from django.utils.translation import gettext as _

        from xindai.repayments import services
        from xindai.repayments.forms import BatchForm

        data = body(request)
        ids = data.get("installments")
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            message = _("Give the ids of the installments as a list of numbers.")
            raise bad_request(message, [{"field": "installments", "detail": message}])
        form = valid(bound(BatchForm, form_data(data, ("paid_on", "channel", "remark", "expected_total"))))
        values = form.cleaned_data
        done = services.repayments_confirm_batch(
            actor=request.user,
            installment_ids=ids,
            paid_on=values["paid_on"],
            channel=values["channel"],
            remark=values["remark"],
            expected_total=values.get("expected_total"),
        )
        result = {name: getattr(done, name) for name in ("count", "principal", "interest", "penalty", "compound")}
        return Response(out.BatchResultSerializer({**result, "total": done.total}).data, status=201)


class RepaymentReverse(ApiView):
    @_doc(
        "冲正: reverse a repayment with a reason",
        None,
        request=inputs.ReverseIn,
        responses={201: out.RepaymentSerializer},
        tags=["repayments"],
    )
    def post(self, request, pk):
        from xindai.repayments import early, selectors, services
        from xindai.repayments.forms import ReverseForm

        entry = selectors.repayment_in_scope(request.user, pk)
        need(request.user, "repayments.reverse")
        reason = valid(ReverseForm(form_data(body(request), ("reason",)))).cleaned_data["reason"]
        if early_record := getattr(entry, "early", None):
            early.early_repayment_reverse(actor=request.user, early_id=early_record.pk, reason=reason)
            reversal = entry.__class__.objects.visible_to(request.user).get(reverses=entry)
        else:
            reversal = services.repayment_reverse(actor=request.user, repayment_id=entry.pk, reason=reason)
        return Response(_repayment(request, reversal), status=201)


# Contacts and messages --------------------------------------------------------------------------


class ContactList(ApiView):
    from xindai.customers.filters import ContactFilter

    keyset = Keyset("-contacted_at", "-id")

    @_doc("沟通查询", page_schema(out.ContactSerializer), parameters=_params(ContactFilter), tags=["customers"])
    def get(self, request):
        from xindai.customers import selectors

        need(request.user, "customers.view")
        filterset, contacts = selectors.contact_search(request.user, _query(request))
        ids, following = self.keyset.keys(request, filtered(filterset).qs)
        return _page(out.ContactSerializer, in_order(contacts.filter(pk__in=ids), ids), following, request)

    @_doc("沟通登记", None, request=inputs.ContactIn, responses={201: out.ContactSerializer}, tags=["customers"])
    def post(self, request):
        from xindai.customers import services
        from xindai.customers.forms import ContactForm

        need(request.user, "customers.add_contact")
        form = valid(bound(ContactForm, form_data(body(request), inputs.ContactIn().fields), actor=request.user))
        contact = services.contact_create(actor=request.user, **form.cleaned_data)
        return Response(out.ContactSerializer(contact, context={"request": request}).data, status=201)


class MessageList(ApiView):
    from xindai.messaging.filters import MessageFilter

    keyset = Keyset("-created_at", "-id")

    @_doc("发送记录", page_schema(out.MessageSerializer), parameters=_params(MessageFilter), tags=["messages"])
    def get(self, request):
        from xindai.messaging import selectors

        need(request.user, "messaging.view")
        filterset, rows, _totals = selectors.message_search(request.user, _query(request))
        filtered(filterset)
        ids, following = self.keyset.keys(request, rows)
        return _page(out.MessageSerializer, in_order(rows.filter(pk__in=ids), ids), following, request)

    @_doc(
        "发送短信/语音 to one customer (queued; sent by the worker)",
        None,
        request=inputs.MessageIn,
        responses={201: out.SendingSerializer},
        tags=["messages"],
    )
    def post(self, request):
        from django.utils.translation import gettext as _

        from xindai.customers.models import Customer
        from xindai.messaging import sending
        from xindai.messaging.models import Purpose

        need(request.user, "messaging.send")
        data = body(request)
        customer_id, text = data.get("customer"), data.get("text")
        if not isinstance(customer_id, int) or isinstance(customer_id, bool):
            message = _("Give the id of a customer.")
            raise bad_request(message, [{"field": "customer", "detail": message}])
        if not isinstance(text, str) or not text.strip():
            message = _("Enter the text of the message.")
            raise bad_request(message, [{"field": "text", "detail": message}])
        channel = data.get("channel") or "sms"
        if channel not in ("sms", "voice"):
            message = _("The channel is sms or voice.")
            raise bad_request(message, [{"field": "channel", "detail": message}])
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
        done = sending.mass_send(
            actor=request.user,
            recipients=sending.from_customers(Customer.objects.visible_to(request.user).filter(pk=customer.pk)),
            text=text,
            purpose=Purpose.MANUAL,
            source="API",
            channel=channel,
        )
        return Response(out.SendingSerializer(done).data, status=201)


# Reports and reference data -------------------------------------------------------------------


class Report(ApiView):
    @_doc(
        "统计报表: disbursement / collection (date_from, date_to), balance / quality (as_of) by any grouping",
        out.ReportSerializer,
        parameters=[
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=["disbursement", "collection", "balance", "quality"]
            ),
            OpenApiParameter("group", str, enum=["county", "township", "village", "customer", "branch", "officer"]),
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("as_of", str),
            OpenApiParameter("loan_type", int),
            OpenApiParameter("branch", int),
            OpenApiParameter("officer", int),
            OpenApiParameter("region", int),
        ],
        tags=["reports"],
    )
    def get(self, request, kind):
        from django.http import Http404

        from xindai.reports import selectors
        from xindai.reports.forms import ReportForm
        from xindai.reports.queries import KINDS

        if kind not in KINDS:
            raise Http404
        need(request.user, "reports.view")
        params = _query(request)
        params["kind"] = kind
        form = valid(ReportForm(params))
        choice = form.choices()
        report = selectors.report_for(request.user, kind, choice["group"], choice, form.filters())
        return Response(
            {
                "kind": report.kind,
                "group": report.group,
                "date_from": _iso(report.date_from),
                "date_to": _iso(report.date_to),
                "as_of": _iso(report.as_of),
                "rows": [_figures(row) for row in report.rows],
                "total": _figures(report.total),
            }
        )


def _iso(day):
    return day.isoformat() if day else None


def _figures(row: dict) -> dict:
    from decimal import Decimal

    shown = {}
    for key, value in row.items():
        if key in ("detail", "drill_pk", "cells"):
            continue
        if isinstance(value, Decimal):
            value = f"{value:.4f}" if key == "npl_ratio" else f"{value:.2f}"
        shown[key] = value
    return shown


class RegionList(ApiView):
    keyset = Keyset("id")

    @_doc(
        "区划 (the region tree as rows with parent_id)",
        page_schema(out.RegionSerializer),
        parameters=[OpenApiParameter("parent", int), OpenApiParameter("level", int), *PAGE],
        tags=["reference"],
    )
    def get(self, request):
        from xindai.org.models import Region

        rows = Region.objects.all()
        for name in ("parent", "level"):
            raw = request.query_params.get(name, "")
            if raw:
                if not raw.isdigit():
                    raise bad_request(_whole(), [{"field": name, "detail": _whole()}])
                rows = rows.filter(**{f"{name}_id" if name == "parent" else name: int(raw)})
        ids, following = self.keyset.keys(request, rows)
        return _page(out.RegionSerializer, in_order(Region.objects.filter(pk__in=ids), ids), following, request)


def _whole():
    from django.utils.translation import gettext as _

    return _("Enter a whole number.")


class BranchList(ApiView):
    keyset = Keyset("id")

    @_doc("网点 (branches)", page_schema(out.BranchSerializer), parameters=PAGE, tags=["reference"])
    def get(self, request):
        from xindai.org.models import Branch

        ids, following = self.keyset.keys(request, Branch.objects.all())
        return _page(out.BranchSerializer, in_order(Branch.objects.filter(pk__in=ids), ids), following, request)


class LoanTypeList(ApiView):
    keyset = Keyset("id")

    @_doc("贷款种类 (loan types)", page_schema(out.LoanTypeSerializer), parameters=PAGE, tags=["reference"])
    def get(self, request):
        from xindai.loans.models import LoanType

        ids, following = self.keyset.keys(request, LoanType.objects.all())
        return _page(out.LoanTypeSerializer, in_order(LoanType.objects.filter(pk__in=ids), ids), following, request)
