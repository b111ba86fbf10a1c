from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xindai.core.scope import Reach, Scope, ScopedModel, customer_rule, loan_rule, sending_rule
from xindai.customers.models import Customer


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    VOICE = "voice", _("voice call")


class Direction(models.TextChoices):
    OUTBOUND = "out", _("sent")
    INBOUND = "in", _("received")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")  # 待发送
    SENDING = "sending", _("sending")  # 发送中
    SUBMITTED = "submitted", _("submitted")  # 已提交
    DELIVERED = "delivered", _("delivered")  # 已送达
    FAILED = "failed", _("failed")  # 失败
    CANCELLED = "cancelled", _("cancelled")  # 已取消


class CallOutcome(models.TextChoices):
    """A call's result as the voice providers report it (voice.CallOutcome), in words."""

    ANSWERED = "answered", pgettext_lazy("call", "answered")  # 接通
    NO_ANSWER = "no_answer", _("not answered")  # 未接
    BUSY = "busy", _("busy")  # 忙
    POWER_OFF = "power_off", _("phone switched off")  # 关机
    VACANT = "vacant", _("number not in service")  # 空号
    FAILED = "failed", _("call failed")  # 失败


class Purpose(models.TextChoices):
    LOGIN_CODE = "login_code", _("sign-in code")
    MANUAL = "manual", _("manual sending")  # 短信群发
    REMINDER = "reminder", _("advance reminder")  # 提前提醒
    COLLECTION = "collection", _("scheduled collection")  # 定时催缴
    MANUAL_COLLECTION = "manual_collection", _("manual collection")  # 人工催缴
    REPLY = "reply", _("automatic reply")  # 智能回复
    ANSWER = "answer", _("officer's answer")  # 信贷员回复
    NOTICE = "notice", _("notice to an officer")  # 转人工提醒
    INBOUND = "inbound", _("received")  # 上行短信


AUTOMATIC = (Purpose.REMINDER, Purpose.COLLECTION)


class SmsTemplate(models.Model):
    """A message template (短信模板): the text with {参数}, and for automatic kinds when it applies."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("advance reminder")  # 提前提醒
        SCHEDULED = "scheduled", _("scheduled collection")  # 定时催缴
        MANUAL = "manual", _("manual collection")  # 人工催缴
        GENERAL = "general", _("general")  # 群发通知
        REPLY = "reply", _("automatic reply")  # 智能回复

    name = models.CharField(_("template name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.SMS)
    retry_times = models.PositiveSmallIntegerField(_("call again if unanswered (times)"), default=2)
    retry_minutes = models.PositiveSmallIntegerField(_("minutes between calls"), default=30)
    voice_fallback = models.BooleanField(
        _("call when the SMS was not delivered"),
        default=False,
        help_text=_("For SMS templates: a borrower whose reminder failed is called with the same text."),
    )
    text = models.TextField(_("text"))
    provider_code = models.CharField(
        _("provider template code"),
        max_length=50,
        blank=True,
        help_text=_("The code of the template approved by the SMS provider (Aliyun TemplateCode, Tencent TemplateId)."),
    )
    loan_type = models.ForeignKey(
        "loans.LoanType", verbose_name=_("only for loan type"), null=True, blank=True, on_delete=models.PROTECT
    )
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("only for branch"), null=True, blank=True, on_delete=models.PROTECT
    )
    days_before = models.PositiveSmallIntegerField(_("days before the due date"), null=True, blank=True)
    send_times = models.CharField(
        _("send times"), max_length=100, blank=True, help_text=_("Times of day, e.g. 09:00 or 09:00,16:00.")
    )
    overdue_from = models.PositiveSmallIntegerField(_("from day overdue"), null=True, blank=True)
    overdue_to = models.PositiveSmallIntegerField(_("up to day overdue"), null=True, blank=True)
    every_days = models.PositiveSmallIntegerField(_("every how many days"), null=True, blank=True)
    is_active = models.BooleanField(_("automatic sending on"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def times(self) -> list[str]:
        return [t.strip() for t in self.send_times.split(",") if t.strip()]


class MassSending(ScopedModel):
    """One mass sending (短信群发) or manual collection run: who sent what to how many."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.MANUAL)
    template = models.ForeignKey(SmsTemplate, null=True, blank=True, on_delete=models.PROTECT)
    text = models.TextField(_("text"))
    source = models.CharField(_("recipients from"), max_length=200, blank=True)
    messages_count = models.PositiveIntegerField(_("messages"), default=0)
    skipped_opted_out = models.PositiveIntegerField(_("skipped (opted out)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Sent from the compose page, the messages are built by a background job: the form's token
    # makes a second submit of the same page find this batch instead of making another; `built`
    # counts the messages made so far (a retried job goes on from there), `built_at` says all are.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    built = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)

    scope_rule = staticmethod(sending_rule)

    class Meta:
        verbose_name = _("mass sending")
        verbose_name_plural = _("mass sendings")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.messages_count}"


def message_rule(scope: Scope, prefix: str = "") -> Q:
    """Messages to a customer are seen like the customer — and, when they are about a loan, only
    with that loan (an automatic reply names loans); inbound messages by any matched customer in
    scope; messages to users or typed numbers by the user who sent them (and all-data users)."""
    if scope.reach == Reach.ALL:
        return Q()
    if scope.reach == Reach.NOTHING:
        return Q(pk__in=[])
    to_customer = (
        Q(**{f"{prefix}customer__isnull": False})
        & customer_rule(scope, f"{prefix}customer__")
        & (Q(**{f"{prefix}loan__isnull": True}) | loan_rule(scope, f"{prefix}loan__"))
    )
    customers = Customer.objects.within(scope).values("pk")
    links = Message.matched_customers.through.objects.filter(
        message_id=OuterRef(f"{prefix}pk"), customer_id__in=customers
    )
    from_matched = Q(**{f"{prefix}direction": "in", f"{prefix}loan__isnull": True}) & Q(Exists(links))
    rule = to_customer | from_matched
    if scope.user_id is None:
        return rule
    return rule | Q(**{f"{prefix}customer__isnull": True, f"{prefix}created_by_id": scope.user_id})


class Message(ScopedModel):
    """Every SMS or call the system sends or receives, whatever the backend (发送记录).

    It is the outbox too: a row is written first (queued), and a worker sends it after the
    transaction that wrote it commits, claiming it so no other worker sends it as well.
    """

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.SMS)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.OUTBOUND)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.MANUAL)
    recipient = models.CharField(_("number"), max_length=20, db_index=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    installment = models.ForeignKey(
        "loans.Installment", verbose_name=_("installment"), null=True, blank=True, on_delete=models.SET_NULL
    )
    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), null=True, blank=True, on_delete=models.SET_NULL)
    template = models.ForeignKey(
        SmsTemplate, verbose_name=_("template"), null=True, blank=True, on_delete=models.PROTECT
    )
    sending = models.ForeignKey(MassSending, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    # The automatic slot this message fills: (template, installment, slot_date, slot) is unique.
    slot_date = models.DateField(_("slot date"), null=True, blank=True)
    slot = models.CharField(_("slot"), max_length=5, blank=True)
    text = models.TextField(_("text"))
    params = models.JSONField(_("template parameters"), default=list, blank=True)
    segments = models.PositiveSmallIntegerField(_("segments"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    backend = models.CharField(_("provider"), max_length=30, blank=True)
    provider_id = models.CharField(_("provider message ID"), max_length=100, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("send from"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=50, blank=True)
    error_message = models.CharField(_("error"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Calls: the result and how long the borrower listened.
    call_outcome = models.CharField(_("call result"), max_length=10, blank=True, choices=CallOutcome.choices)
    duration_s = models.PositiveIntegerField(_("duration (s)"), default=0)
    # Inbound messages: every customer the number matched, the intent, and who answered it.
    matched_customers = models.ManyToManyField(
        "customers.Customer", verbose_name=_("matched customers"), blank=True, related_name="+"
    )
    intent = models.CharField(_("intent"), max_length=20, blank=True)
    reply_to = models.ForeignKey(
        "self", verbose_name=_("in reply to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = staticmethod(message_rule)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Never twice for the same template, installment, date and time slot — even when two
            # reminder engines run at once: the second insert is refused by the database.
            models.UniqueConstraint(
                fields=["template", "installment", "slot_date", "slot"],
                condition=Q(slot_date__isnull=False),
                name="message_once_per_slot",
            ),
            # A push delivered twice stores one inbound message.
            models.UniqueConstraint(
                fields=["backend", "provider_id"], condition=Q(direction="in"), name="message_inbound_once"
            ),
        ]
        indexes = [
            # The worker's queue: messages waiting to be sent, by when they may go.
            models.Index(fields=["next_attempt_at", "id"], condition=Q(status="queued"), name="message_queue_idx"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="message_claimed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text[:20]}"


class IntentRule(models.Model):
    """A rule of the automatic replies (智能回复): keywords or a pattern → an intent and its reply."""

    intent = models.CharField(_("intent"), max_length=20)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, help_text=_("Separated by commas."))
    pattern = models.CharField(_("pattern (regular expression)"), max_length=200, blank=True)
    priority = models.SmallIntegerField(_("priority"), default=0)
    reply = models.ForeignKey(
        SmsTemplate, verbose_name=_("reply template"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("reply rule")
        verbose_name_plural = _("reply rules")
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return f"{self.intent}: {self.keywords or self.pattern}"


class OptOut(models.Model):
    """A number that asked not to receive non-mandatory messages (退订)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    source = models.CharField(_("how"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("opted out at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self) -> str:
        return self.number


class AutoSwitch(models.Model):
    """The global switch of automatic sending (自动发送启停), with who switched it and when. One row."""

    enabled = models.BooleanField(_("automatic sending on"), default=False)
    replies_enabled = models.BooleanField(_("automatic replies on"), default=True)
    allowed_from = models.TimeField(_("send from"), default="08:00")
    allowed_to = models.TimeField(_("send until"), default="20:00")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("automatic sending")
        verbose_name_plural = _("automatic sending")

    def __str__(self) -> str:
        return "on" if self.enabled else "off"
