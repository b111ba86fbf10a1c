"""The loan types the bank starts with; administrators change them in the app."""

from decimal import Decimal

from django.db import migrations

TYPES = [
    # name, method, rate %, min amount, max amount, min months, max months
    ("畜牧业贷款", "quarterly_interest", "5.2200", "10000.00", "300000.00", 6, 36),
    ("农户小额信用贷款", "equal_installment", "5.6000", "1000.00", "100000.00", 1, 36),
    ("农户联保贷款", "quarterly_interest", "5.8000", "10000.00", "500000.00", 6, 36),
    ("个人经营贷款", "equal_installment", "6.0000", "10000.00", "1000000.00", 6, 60),
]


def create_types(apps, schema_editor):
    LoanType = apps.get_model("loans", "LoanType")
    for name, method, rate, low, high, min_months, max_months in TYPES:
        LoanType.objects.get_or_create(name=name, defaults={
            "default_method": method, "default_rate": Decimal(rate), "penalty_markup": Decimal("0.5"),
            "compound_interest": True, "settlement_day": 20, "min_amount": Decimal(low), "max_amount": Decimal(high),
            "min_term_months": min_months, "max_term_months": max_months,
        })


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial")]
    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
