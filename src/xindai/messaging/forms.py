import re
import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import DateField, Form, ModelForm
from xindai.messaging.models import AutoSwitch, Channel, IntentRule, SmsTemplate
from xindai.messaging.parameters import NAMES as PARAMETERS
from xindai.messaging.selectors import STAT_GROUPS
from xindai.messaging.services import AUTO_SWITCH_FIELDS, RULE_FIELDS, TEMPLATE_FIELDS
from xindai.org.models import Branch, Role

TIMES_HELP = _("Times of day, e.g. 09:00 or 09:00,16:00.")


class TemplateForm(ModelForm):
    class Meta:
        model = SmsTemplate
        fields = TEMPLATE_FIELDS
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean_send_times(self):
        value = self.cleaned_data["send_times"].replace("，", ",").replace("：", ":")
        times = [t.strip() for t in value.split(",") if t.strip()]
        for item in times:
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", item):
                raise forms.ValidationError(_("Enter times as HH:MM separated by commas, e.g. 09:00,16:00."))
        return ",".join(times)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == SmsTemplate.Kind.ADVANCE and data.get("days_before") is None:
            self.add_error("days_before", _("An advance reminder needs the number of days before the due date."))
        if kind in (SmsTemplate.Kind.ADVANCE, SmsTemplate.Kind.SCHEDULED) and not data.get("send_times"):
            self.add_error("send_times", _("An automatic template needs at least one send time."))
        if kind == SmsTemplate.Kind.SCHEDULED and data.get("overdue_from") is None:
            self.add_error("overdue_from", _("A scheduled collection notice needs the day overdue it starts from."))
        low, high = data.get("overdue_from"), data.get("overdue_to")
        if low is not None and high is not None and high < low:
            self.add_error("overdue_to", _("The last day must not be before the first."))
        return data


class ComposeForm(Form):
    # The page's own token: the same page sent twice makes one batch (sending.sending_start).
    token = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)
    channel = forms.ChoiceField(
        label=_("send as"), choices=[("sms", _("SMS")), ("voice", _("voice call"))], initial="sms", required=False
    )
    template = forms.ModelChoiceField(
        label=_("template"), queryset=SmsTemplate.objects.all(), required=False, empty_label=_("— write the text —")
    )
    text = forms.CharField(
        label=_("text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Parameters: %(params)s") % {"params": "、".join("{" + p + "}" for p in PARAMETERS)},
    )

    def __init__(self, *args, collection: bool = False, voice: bool = False, **kwargs):
        """A collection notice (人工催缴) is written from the manual templates only; a voice notice
        (语音群发) is always a call, from the voice templates."""
        super().__init__(*args, **kwargs)
        kinds = [SmsTemplate.Kind.MANUAL] if collection else [SmsTemplate.Kind.GENERAL, SmsTemplate.Kind.MANUAL]
        templates = SmsTemplate.objects.filter(kind__in=kinds)
        self.voice = voice
        if voice:
            templates = templates.filter(channel=Channel.VOICE)
            self.fields["channel"].initial = "voice"  # and whatever is posted, a call (clean_channel)
        self.fields["template"].queryset = templates

    def clean_channel(self):
        return "voice" if self.voice else self.cleaned_data["channel"] or "sms"


class UsersForm(Form):
    role = forms.ModelChoiceField(label=_("role"), queryset=Role.objects.all(), required=False)
    branch = forms.ModelChoiceField(label=_("branch"), queryset=Branch.objects.all(), required=False)


class NumbersForm(Form):
    numbers = forms.CharField(
        label=_("mobile numbers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Type or paste numbers, separated by spaces, commas or new lines."),
    )


class AutoSwitchForm(ModelForm):
    class Meta:
        model = AutoSwitch
        fields = AUTO_SWITCH_FIELDS
        widgets = {
            "allowed_from": forms.TimeInput(attrs={"type": "time"}),
            "allowed_to": forms.TimeInput(attrs={"type": "time"}),
        }


INTENT_CHOICES = [
    ("balance", _("balance enquiry")),
    ("repayment", _("repayment enquiry")),
    ("how_to_pay", _("how to repay")),
    ("opt_out", _("opt out")),
    ("opt_in", _("opt in")),
    ("human", _("talk to the loan officer")),
]


class RuleForm(ModelForm):
    intent = forms.ChoiceField(label=_("intent"), choices=INTENT_CHOICES)

    class Meta:
        model = IntentRule
        fields = RULE_FIELDS
        # In the bank's words: staff fill in keywords; the pattern is an administrator's advanced option.
        labels = {
            "intent": _("when the customer asks about"),
            "keywords": _("keywords in the customer's message"),
            "priority": _("order (higher first)"),
            "reply": _("reply with the template"),
            "pattern": _("advanced matching rule (optional)"),
        }
        help_texts = {
            "keywords": _("Separate them with commas, e.g. 余额,还多少. A message containing any of them matches."),
            "priority": _("When a message matches several rules, the one with the higher number answers."),
            "pattern": _("Usually left empty: the keywords are enough. Filled in by the system administrator only."),
        }

    ADVANCED = ("pattern",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].queryset = SmsTemplate.objects.filter(kind=SmsTemplate.Kind.REPLY)


class StatisticsForm(forms.Form):
    """短信统计's period and grouping from the query string: a wrong date is the default one."""

    date_from = DateField(required=False)
    date_to = DateField(required=False)
    group = forms.CharField(required=False)

    def period(self):

        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        date_from = data.get("date_from") or today - timedelta(days=30)
        date_to = data.get("date_to") or today
        group = data.get("group") if data.get("group") in dict(STAT_GROUPS) else "day"
        return date_from, date_to, group
