"""Existing loans keep the terms they had: each gets its type's terms copied, a plan version 1
holding its installments, and penalty rates on them as computed until now; loan types' markups
are brought into the 30 %–50 % range (new loans only); the LPR history and the bank calendar
(from the chinese-calendar package) are seeded."""

from django.db import migrations

COPY_TERMS = """
UPDATE loans_loan l SET penalty_markup = t.penalty_markup, compound_interest = t.compound_interest,
       rate_type = t.rate_type, lpr_spread_bp = t.lpr_spread_bp, repricing = t.repricing,
       holiday_rule = t.holiday_rule
FROM loans_loantype t WHERE t.id = l.loan_type_id
"""
VERSIONS = """
INSERT INTO loans_planversion (loan_id, number, kind, effective_from, annual_rate, penalty_markup,
                               compound_interest, reason, created_by_id, created_at)
SELECT id, 1, 'original', start_date, annual_rate, penalty_markup, compound_interest, '', created_by_id, created_at
FROM loans_loan
"""
INSTALLMENTS = """
UPDATE loans_installment i
SET version_id = v.id, payable_on = i.due_date, in_force_from = l.start_date,
    penalty_rate = l.annual_rate * (1 + l.penalty_markup),
    compound_rate = CASE WHEN l.compound_interest THEN l.annual_rate * (1 + l.penalty_markup) ELSE 0 END
FROM loans_loan l JOIN loans_planversion v ON v.loan_id = l.id AND v.number = 1
WHERE l.id = i.loan_id
"""
CLAMP_TYPES = "UPDATE loans_loantype SET penalty_markup = LEAST(GREATEST(penalty_markup, 0.3), 0.5)"


def seed(apps, schema_editor):
    from xindai.loans.seeds import lpr_history, seed_bank_calendar

    LprQuote = apps.get_model("loans", "LprQuote")
    for announced_on, one_year, five_year in lpr_history():
        LprQuote.objects.get_or_create(announced_on=announced_on, defaults={"one_year": one_year, "five_year": five_year})
    seed_bank_calendar(apps.get_model("loans", "BankDay"))


class Migration(migrations.Migration):
    dependencies = [("loans", "0006_contract_terms_plan_versions")]
    operations = [
        migrations.RunSQL(COPY_TERMS, migrations.RunSQL.noop),
        migrations.RunSQL(VERSIONS, migrations.RunSQL.noop),
        migrations.RunSQL(INSTALLMENTS, migrations.RunSQL.noop),
        migrations.RunSQL(CLAMP_TYPES, migrations.RunSQL.noop),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
