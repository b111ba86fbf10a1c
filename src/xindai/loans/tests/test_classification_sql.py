"""The classification of a list page in SQL names each step once: referring to an annotation
writes it out again, and the CASE per category over the days overdue once made the loan page's
statement 28 kB with 78 SELECTs, ~70 ms of CPU to compile on every request."""

from datetime import date

from xindai.loans.classification import with_classification
from xindai.loans.models import Loan
from xindai.loans.owed import with_status


def test_the_loan_page_statement_stays_small(db):
    as_of = date(2026, 6, 1)
    sql = str(with_classification(with_status(Loan.objects.system("tests"), as_of), as_of).query)
    assert sql.count("SELECT") <= 10 and len(sql) < 8000
