"""Two clerks import the same or overlapping files at the same moment: one imports the rows,
the other is told in Chinese which rows are already in the system — never a server error."""

import threading

import pytest
from django.db import connection

from xindai.imports import loan_import as li
from xindai.imports.loan_import import import_loans
from xindai.imports.tests.files import loan_row, workbook
from xindai.loans.models import Loan
from xindai.loans.tests.factories import loan_type

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*calls):
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as err:  # noqa: BLE001 - the test reports what each clerk got
            results[index] = err
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_of_two_imports_of_overlapping_rows_one_wins_and_the_other_is_told_why(world):
    loan_type("畜牧业贷款")
    first = workbook([loan_row(n) for n in range(1, 41)])
    second = workbook([loan_row(n) for n in range(21, 61)])
    results = _at_once(lambda: import_loans(first, world.admin), lambda: import_loans(second, world.manager_a))
    assert all(not isinstance(r, Exception) for r in results), results
    winner, loser = sorted(results, key=lambda r: not r.ok)
    assert winner.ok and not loser.ok
    assert Loan.objects.count() == 40
    taken = {e.message for e in loser.errors if e.column == li.IOU}
    assert any(message.startswith("借据编号") and message.endswith("已在系统中。") for message in taken), taken
