"""What the API answers, field by field: money as strings with two decimals, dates ISO, personal
data through core/masking.py exactly as on the pages (`shown(user, kind, value)`)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xindai.core.masking import shown


def money(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs)


def rate(**kwargs):
    return serializers.DecimalField(max_digits=9, decimal_places=4, coerce_to_string=True, read_only=True, **kwargs)


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="real_name")


def ref(source=None, user=False):
    kind = UserRefSerializer if user else RefSerializer
    return kind(source=source, read_only=True, allow_null=True)


class Personal(serializers.Field):
    """A personal value as the requesting user may see it (masked without customers.view_personal)."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return shown(self.context["request"].user, self.kind, value) or ""


extend_schema_field({"type": "string"})(Personal)


class CustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    gender = serializers.CharField()
    id_number = Personal("id_number")
    mobile = Personal("mobile")
    landline = Personal("landline")
    house_number = Personal("house_number")
    spouse_name = Personal("spouse_name")
    spouse_mobile = Personal("spouse_mobile")
    county = ref()
    township = ref()
    village = ref()
    group = ref()
    status = serializers.CharField()
    registered_branch = ref()
    registered_by = ref(user=True)
    remarks = serializers.CharField()
    created_at = serializers.DateTimeField()


class LoanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    iou_number = serializers.CharField()
    customer = ref()
    loan_type = ref()
    amount = money()
    annual_rate = rate()
    method = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    purpose = serializers.CharField()
    handling_branch = ref()
    officer = ref(user=True)
    outstanding_principal = money()
    settled_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    days_overdue = serializers.IntegerField(allow_null=True, required=False)
    category = serializers.CharField(allow_null=True, required=False)


class InstallmentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.IntegerField()
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    payable_on = serializers.DateField()
    principal = money()
    interest = money()
    principal_paid = money()
    interest_paid = money()
    penalty_paid = money()
    compound_paid = money()
    balance = money()
    settled_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class PlanVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    effective_from = serializers.DateField()
    annual_rate = rate()
    penalty_markup = rate()
    compound_interest = serializers.BooleanField()
    lpr = rate(allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class RepaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    loan_id = serializers.IntegerField()
    installment_id = serializers.IntegerField()
    paid_on = serializers.DateField()
    accounting_date = serializers.DateField()
    amount = money()
    principal = money()
    interest = money()
    penalty = money()
    compound = money()
    days_late = serializers.IntegerField()
    channel = serializers.CharField()
    remark = serializers.CharField()
    reverses_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class LoanDetailSerializer(LoanSerializer):
    penalty_markup = rate()
    compound_interest = serializers.BooleanField()
    rate_type = serializers.CharField()
    guarantee_group = ref()
    plan_as_of = serializers.DateField()
    plan = InstallmentRowSerializer(many=True)
    plan_totals = serializers.DictField(child=money())
    plan_versions = PlanVersionSerializer(many=True, source="plan_versions_list")
    ledger = RepaymentSerializer(many=True)
    arrears = serializers.DictField(child=money())


class OwedInstallmentSerializer(serializers.Serializer):
    """An installment due or overdue as of a date, with what it owes on that date."""

    id = serializers.IntegerField()
    loan_id = serializers.IntegerField()
    iou_number = serializers.CharField(source="loan.iou_number")
    customer = ref(source="loan.customer")
    mobile = Personal("mobile", source="loan.customer.mobile")
    village = ref(source="loan.customer.village")
    officer = ref(source="loan.officer", user=True)
    handling_branch = ref(source="loan.handling_branch")
    period = serializers.IntegerField()
    due_date = serializers.DateField()
    payable_on = serializers.DateField()
    days_overdue = serializers.IntegerField(required=False)
    principal_owed = money()
    interest_owed = money()
    penalty_owed = money()
    compound_owed = money()
    total_owed = money()
    arrears_on = money(required=False, help_text="overdue: interest owed on the balance sheet (表内)")
    arrears_off = money(required=False, help_text="overdue: interest owed off the balance sheet (表外)")


class PlanPreviewRowSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    principal = money()
    interest = money()
    total = money()
    balance = money()


class PlanPreviewSerializer(serializers.Serializer):
    rows = PlanPreviewRowSerializer(many=True)
    totals = serializers.DictField(child=money())


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = ref()
    contacted_at = serializers.DateTimeField()
    channel = ref()
    place = serializers.CharField()
    subject = serializers.CharField()
    content = Personal("text")
    follow_up_on = serializers.DateField(allow_null=True)
    recorded_by = ref(user=True)


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.CharField()
    channel = serializers.CharField()
    purpose = serializers.CharField()
    recipient = Personal("recipient")
    customer = ref()
    loan_id = serializers.IntegerField(allow_null=True)
    text = Personal("text")
    segments = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class SendingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    messages_count = serializers.IntegerField()
    skipped_opted_out = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class BatchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    principal = money()
    interest = money()
    penalty = money()
    compound = money()
    total = money()


class RegionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()


class BranchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()


class LoanTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    default_method = serializers.CharField()
    default_rate = rate()
    min_amount = money()
    max_amount = money()
    min_term_months = serializers.IntegerField()
    max_term_months = serializers.IntegerField()
    rate_type = serializers.CharField()
    penalty_markup = rate()
    settlement_day = serializers.IntegerField()
    is_active = serializers.BooleanField()


class ReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    group = serializers.CharField()
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    as_of = serializers.DateField(allow_null=True)
    rows = serializers.ListField(child=serializers.DictField())
    total = serializers.DictField()


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)
