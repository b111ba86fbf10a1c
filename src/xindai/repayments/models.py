from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import ScopedModel, loan_rule, via

MONEY = {"max_digits": 14, "decimal_places": 2}


class Channel(models.TextChoices):
    COUNTER = "counter", _("counter")  # 柜面
    TRANSFER = "transfer", _("transfer")  # 转账
    DEBIT = "debit", _("automatic debit")  # 代扣
    IMPORT = "import", _("imported")  # 还款数据导入
    HISTORY = "history", _("history import")  # 历史导入: 已还期数 brought in with a loan file
    WAIVER = "waiver", _("waiver")  # 减免: amounts waived, not money received (credit app)
    OTHER = "other", _("other")


class Repayment(ScopedModel):
    """One entry of the repayment ledger (还款记录): what a payment paid of one installment.

    Never edited or deleted: a mistake is reversed (冲正) by a new entry with the negated
    amounts that names the entry it reverses.
    """

    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="repayments")
    installment = models.ForeignKey(
        "loans.Installment", verbose_name=_("installment"), on_delete=models.PROTECT, related_name="repayments"
    )
    # Value date (起息日): the day the money was paid; interest, penalty and compound run on it.
    paid_on = models.DateField(_("repayment date"), db_index=True)
    # Accounting date (记账日期): the day the entry was booked; collections and balances report
    # by it, so a period once closed never changes (a reversal is booked on its own day).
    accounting_date = models.DateField(_("accounting date"), db_index=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    principal = models.DecimalField(_("principal"), **MONEY)
    interest = models.DecimalField(_("interest"), **MONEY)
    penalty = models.DecimalField(_("penalty interest"), **MONEY)
    compound = models.DecimalField(_("compound interest"), **MONEY)
    # Days after the installment's due date (0 on or before it): the ledger's share of the
    # installment's late_*_days, so penalty as of a past date can be summed from the ledger.
    days_late = models.IntegerField(_("days late"), default=0)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            # An original entry is positive; a reversal (naming the entry it reverses) is negative.
            models.CheckConstraint(
                name="repayment_sign",
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
            ),
            models.CheckConstraint(
                name="repayment_booked_on_or_after_value_date", condition=Q(accounting_date__gte=models.F("paid_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.paid_on} {self.amount}"


class EarlyRepayment(ScopedModel):
    """An early repayment (提前还款): principal paid before it fell due, with interest to the day.

    The plan's unpaid installments from the current period on were superseded by ``version``:
    one installment due on the payment date (settled by ``repayment``) and, for a partial
    repayment, the regenerated rest of the plan. Reversing it restores the previous plan as a
    version of its own. (``previous_plan`` holds the replaced rows of records made before plan
    versions existed, when they were deleted.)
    """

    class Kind(models.TextChoices):
        PARTIAL = "partial", _("partial early repayment")
        FULL = "full", _("full early repayment")

    loan = models.ForeignKey(
        "loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="early_repayments"
    )
    repayment = models.OneToOneField(
        Repayment, verbose_name=_("repayment"), on_delete=models.PROTECT, related_name="early"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    paid_on = models.DateField(_("repayment date"))
    principal = models.DecimalField(_("principal"), **MONEY)
    interest = models.DecimalField(_("interest"), **MONEY)
    previous_plan = models.JSONField(_("replaced installments"), default=list, blank=True)
    version = models.OneToOneField(
        "loans.PlanVersion", verbose_name=_("plan version"), null=True, on_delete=models.PROTECT, related_name="early"
    )
    reversed_by = models.OneToOneField(
        "loans.PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="reverses_early"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("early repayment")
        verbose_name_plural = _("early repayments")
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.paid_on} {self.principal}"


class ClassificationChange(ScopedModel):
    """One change of a loan's five-category classification set by hand (五级分类认定), with why.

    The loan keeps the classification in force (``Loan.classification_override``; blank for
    the suggestion from days overdue); these rows are its history, newest first.
    """

    loan = models.ForeignKey(
        "loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="classification_changes"
    )
    previous = models.CharField(_("previous classification"), max_length=20, blank=True)
    category = models.CharField(_("classification"), max_length=20, blank=True)
    suggested = models.CharField(_("suggested classification"), max_length=20)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    scope_rule = staticmethod(via(loan_rule, "loan__"))

    class Meta:
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.category or '-'}"
