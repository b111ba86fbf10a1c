"""`xindai demo` builds a lived-in book whose history went through the real repayment services."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Sum
from django.utils import timezone

from xindai.loans.models import Loan
from xindai.repayments.models import EarlyRepayment, Repayment


@pytest.mark.django_db
def test_the_demo_history_goes_through_the_ledger():
    call_command("demo", customers=120, stdout=StringIO())

    # Every balance follows from the ledger.
    assert Repayment.objects.system("tests").count() > 500
    for loan in Loan.objects.system("tests").annotate(collected=Sum("repayments__principal")):
        assert loan.outstanding_principal == loan.amount - (loan.collected or Decimal("0.00")), loan.iou_number
    assert Loan.objects.system("tests").filter(settled_on__isnull=False).exists()

    # Late, partial, reversed, early and overdue cases, as in a real book.
    assert Repayment.objects.system("tests").filter(days_late__gt=0, penalty__gt=0).exists()
    assert Repayment.objects.system("tests").filter(remark="部分还款").exists()
    assert Repayment.objects.system("tests").filter(reverses__isnull=False).count() == 1
    # Each past day's payments were booked that day; the reversal today.
    assert (
        not Repayment.objects.system("tests")
        .filter(reverses__isnull=True)
        .exclude(accounting_date=F("paid_on"))
        .exclude(remark="冲正后重新确认")
        .exists()
    )
    assert Repayment.objects.system("tests").get(reverses__isnull=False).accounting_date == timezone.localdate()
    assert EarlyRepayment.objects.system("tests").system("tests").filter(kind="partial").exists()
    assert EarlyRepayment.objects.system("tests").system("tests").filter(kind="full").exists()
    # A lived-in message log (#18): sent and delivered, some failed, replies answered and one waiting.
    from xindai.customers.models import Contact
    from xindai.messaging.models import Message

    messages = Message.objects.system("tests")
    for status in ("delivered", "failed"):
        assert messages.filter(direction="out", status=status).exists(), status
    assert messages.filter(direction="in", handled_at__isnull=False).exists()
    assert messages.filter(direction="in", handled_at__isnull=True).count() >= 1
    assert Contact.objects.system("tests").exists()
    today = timezone.localdate()
    assert (
        Loan.objects.system("tests")
        .filter(installments__settled_on__isnull=True, installments__due_date__lt=today)
        .exists()
    )

    # A second run on a database that has its demo adds nothing.
    before = (Loan.objects.system("tests").count(), Repayment.objects.system("tests").count())
    call_command("demo", stdout=StringIO())
    assert (Loan.objects.system("tests").count(), Repayment.objects.system("tests").count()) == before
