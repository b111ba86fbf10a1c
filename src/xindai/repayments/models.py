from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import ScopedQuerySet, loan_rule, via

MONEY = {"max_digits": 14, "decimal_places": 2}


class Channel(models.TextChoices):
    COUNTER = "counter", _("counter")  # 柜面
    TRANSFER = "transfer", _("transfer")  # 转账
    DEBIT = "debit", _("automatic debit")  # 代扣
    IMPORT = "import", _("imported")  # 还款数据导入
    OTHER = "other", _("other")


class Repayment(models.Model):
    """One entry of the repayment ledger (还款记录): what a payment paid of one installment.

    Never edited or deleted: a mistake is reversed (冲正) by a new entry with the negated
    amounts that names the entry it reverses.
    """

    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="repayments")
    installment = models.ForeignKey(
        "loans.Installment", verbose_name=_("installment"), on_delete=models.PROTECT, related_name="repayments"
    )
    paid_on = models.DateField(_("repayment date"), db_index=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    principal = models.DecimalField(_("principal"), **MONEY)
    interest = models.DecimalField(_("interest"), **MONEY)
    penalty = models.DecimalField(_("penalty interest"), **MONEY)
    compound = models.DecimalField(_("compound interest"), **MONEY)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
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
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.paid_on} {self.amount}"
