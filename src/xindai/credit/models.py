"""Credit operations (信贷业务操作): two-person approval, extension and restructuring, write-off."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindai.core.approval import ACTION_LABELS
from xindai.core.scope import Reach, ScopedModel, loan_rule, via
from xindai.loans.models import MONEY, RATE, RepaymentMethod

ACTION_CHOICES = [(action.value, label) for action, label in ACTION_LABELS.items()]


class ApprovalPolicy(models.Model):
    """Whether an action needs a second person's approval (系统设置 · 双人复核), and for how long
    a request waits before it expires."""

    action = models.CharField(_("action"), max_length=30, choices=ACTION_CHOICES, unique=True)
    required = models.BooleanField(_("needs approval"), default=False)
    expiry_hours = models.PositiveIntegerField(_("request expires after (hours)"), default=72)

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="approvalpolicy_expiry_positive", condition=Q(expiry_hours__gt=0))]

    def __str__(self) -> str:
        return self.action


class CreditSettings(models.Model):
    """The credit operations' settings (系统设置 · 信贷业务). One row."""

    max_extensions = models.PositiveSmallIntegerField(
        _("extensions allowed per loan"), default=1, help_text=_("《贷款通则》: a loan is normally extended once.")
    )
    waive_interest = models.BooleanField(
        _("interest may be waived"),
        default=False,
        help_text=_("Off: only penalty and compound interest can be waived."),
    )
    watch_months = models.PositiveSmallIntegerField(
        _("watch period after an extension or restructuring (months)"),
        default=12,
        help_text=_("During it the loan is classified special mention or worse."),
    )

    class Meta:
        verbose_name = _("credit settings")
        verbose_name_plural = _("credit settings")
        constraints = [
            models.CheckConstraint(name="creditsettings_extensions", condition=Q(max_extensions__gte=1)),
            models.CheckConstraint(name="creditsettings_watch", condition=Q(watch_months__gte=1)),
        ]

    def __str__(self) -> str:
        return str(_("credit settings"))


def approval_rule(scope, prefix: str = "") -> Q:
    """A request about a loan is seen with the loan; one about a branch's loans (a transfer) by the
    branch's scope; one about neither (a role) only by all-data users."""
    if scope.reach == Reach.ALL:
        return Q()
    about_loan = Q(**{f"{prefix}loan__isnull": False}) & loan_rule(scope, f"{prefix}loan__")
    if scope.reach == Reach.BRANCH:
        return about_loan | Q(**{f"{prefix}loan__isnull": True, f"{prefix}branch_id__in": scope.branch_ids})
    return about_loan


class ApprovalRequest(ScopedModel):
    """A maker's request for an action under two-person approval (审批申请), with what it would do."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        EXPIRED = "expired", _("expired")

    action = models.CharField(_("action"), max_length=30, choices=ACTION_CHOICES, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    loan = models.ForeignKey(
        "loans.Loan", verbose_name=_("loan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target = models.CharField(_("object"), max_length=64)  # what the action's guard names (the loan, the role)
    summary = models.CharField(_("request"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)
    # What the action would change: [[label, before, after], ...], computed when it was asked.
    effect = models.JSONField(_("effect"), default=list)
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason of the decision"), max_length=200, blank=True)

    scope_rule = staticmethod(approval_rule)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="approval_pending_idx")]
        constraints = [
            models.CheckConstraint(
                name="approval_checker_not_maker", condition=Q(checker__isnull=True) | ~Q(checker=models.F("maker"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target}"


class LoanChange(ScopedModel):
    """An extension (展期) or a restructuring (重组) of a loan: its new plan version and watch period."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("extension")  # 展期
        RESTRUCTURING = "restructuring", _("restructuring")  # 重组

    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    version = models.OneToOneField(
        "loans.PlanVersion", verbose_name=_("plan version"), on_delete=models.PROTECT, related_name="credit_change"
    )
    effective_from = models.DateField(_("effective from"))
    old_end_date = models.DateField(_("end date before"))
    new_end_date = models.DateField(_("new end date"))
    old_method = models.CharField(_("method before"), max_length=20, choices=RepaymentMethod.choices)
    new_method = models.CharField(_("new method"), max_length=20, choices=RepaymentMethod.choices)
    old_rate = models.DecimalField(_("annual rate before (%)"), **RATE)
    new_rate = models.DecimalField(_("new annual rate (%)"), **RATE)
    principal = models.DecimalField(_("principal re-planned"), **MONEY)
    # Classified 关注 or worse until this day (a restructured loan overdue again: 次级 or worse).
    watch_until = models.DateField(_("watched until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("extension or restructuring")
        verbose_name_plural = _("extensions and restructurings")
        ordering = ["loan", "effective_from", "id"]
        indexes = [models.Index(fields=["loan", "watch_until"], name="loanchange_watch_idx")]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.kind} {self.effective_from}"


class WriteOff(ScopedModel):
    """A write-off (核销) of a loss-class loan: what left the balance sheet on its date (表外 record).

    The debt remains (账销案存): repayments booked on or after the date are recoveries after
    write-off (核销后收回), reported on their own and not as collections.
    """

    loan = models.OneToOneField(
        "loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="write_off"
    )
    written_off_on = models.DateField(_("written off on"), db_index=True)
    principal = models.DecimalField(_("principal written off"), **MONEY)
    interest = models.DecimalField(_("interest written off"), **MONEY)
    penalty = models.DecimalField(_("penalty and compound interest written off"), **MONEY)
    ledger_before = models.BigIntegerField(_("last ledger entry before the write-off"), default=0)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        ordering = ["-written_off_on", "-id"]
        constraints = [models.CheckConstraint(name="writeoff_principal_positive", condition=Q(principal__gt=0))]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.written_off_on}"


class Waiver(ScopedModel):
    """A waiver (减免) of penalty, compound interest and (where allowed) interest on an installment.

    Its ledger entry (``repayment``, channel 减免) takes the waived amounts off what is owed as a
    payment would, on its date — never an edit; it is not money collected (the collection report
    leaves it out) and it is reversed like any entry.
    """

    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="waivers")
    repayment = models.OneToOneField(
        "repayments.Repayment", verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="waiver"
    )
    waived_on = models.DateField(_("waived on"), db_index=True)
    interest = models.DecimalField(_("interest waived"), **MONEY)
    penalty = models.DecimalField(_("penalty interest waived"), **MONEY)
    compound = models.DecimalField(_("compound interest waived"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")
        ordering = ["-waived_on", "-id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.waived_on}"

    @property
    def total(self):
        return self.interest + self.penalty + self.compound


class LoanAssignment(ScopedModel):
    """A transfer (移交) of a loan to another officer and/or branch from a date, and who had it
    before: the loan's officer and branch on any past date follow from these rows."""

    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="assignments")
    effective_from = models.DateField(_("effective from"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loan officer"), on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("handling branch"), on_delete=models.PROTECT, related_name="+"
    )
    previous_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("previous officer"), on_delete=models.PROTECT, related_name="+"
    )
    previous_branch = models.ForeignKey(
        "org.Branch", verbose_name=_("previous branch"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("portfolio transfer")
        verbose_name_plural = _("portfolio transfers")
        ordering = ["loan", "effective_from", "id"]
        indexes = [models.Index(fields=["loan", "effective_from"], name="assignment_loan_date_idx")]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.effective_from}"
