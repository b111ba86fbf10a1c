"""The request bodies, for the schema: each write is then validated by the page's own form (the
same rules, the same Chinese messages), so these only say what the fields are."""

from rest_framework import serializers


class CustomerIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=40)
    gender = serializers.CharField(required=False, allow_blank=True, help_text="male/female; from the ID number")
    mobile = serializers.CharField(max_length=30)
    county = serializers.IntegerField(required=False, help_text="region ids; the village decides")
    township = serializers.IntegerField(required=False)
    village = serializers.IntegerField()
    group = serializers.IntegerField(required=False, allow_null=True)
    house_number = serializers.CharField(required=False, allow_blank=True)
    landline = serializers.CharField(required=False, allow_blank=True)
    spouse_name = serializers.CharField(required=False, allow_blank=True)
    spouse_mobile = serializers.CharField(required=False, allow_blank=True)
    status = serializers.CharField(required=False)
    registered_branch = serializers.IntegerField()
    registered_by = serializers.IntegerField()
    remarks = serializers.CharField(required=False, allow_blank=True)


class CustomerPatch(CustomerIn):
    """Only the fields given change; the others keep their values."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class LoanIn(serializers.Serializer):
    customer = serializers.IntegerField()
    iou_number = serializers.CharField(max_length=40)
    loan_type = serializers.IntegerField()
    amount = serializers.CharField(help_text="yuan, e.g. 50000.00")
    annual_rate = serializers.CharField(help_text="percent, e.g. 4.35")
    method = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    purpose = serializers.CharField(required=False, allow_blank=True)
    handling_branch = serializers.IntegerField()
    officer = serializers.IntegerField()
    guarantee_group = serializers.IntegerField(required=False, allow_null=True)
    custom_plan = serializers.CharField(required=False, allow_blank=True, help_text="lines of 'date amount'")


class RepaymentIn(serializers.Serializer):
    installment = serializers.IntegerField()
    paid_on = serializers.DateField()
    amount = serializers.CharField(required=False, allow_blank=True, help_text="empty: all that is owed")
    channel = serializers.CharField(required=False)
    remark = serializers.CharField(required=False, allow_blank=True)


class BatchIn(serializers.Serializer):
    installments = serializers.ListField(child=serializers.IntegerField(), max_length=1000)
    paid_on = serializers.DateField()
    channel = serializers.CharField(required=False)
    remark = serializers.CharField(required=False, allow_blank=True)
    expected_total = serializers.CharField(required=False, help_text="refused if the total owed differs")


class ReverseIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ContactIn(serializers.Serializer):
    customer = serializers.IntegerField()
    contacted_at = serializers.CharField(help_text="YYYY-MM-DD HH:MM")
    channel = serializers.IntegerField()
    place = serializers.CharField(required=False, allow_blank=True)
    subject = serializers.CharField(max_length=100)
    content = serializers.CharField(required=False, allow_blank=True)
    follow_up_on = serializers.DateField(required=False, allow_null=True)


class MessageIn(serializers.Serializer):
    customer = serializers.IntegerField()
    text = serializers.CharField()
    channel = serializers.ChoiceField(choices=["sms", "voice"], required=False)
