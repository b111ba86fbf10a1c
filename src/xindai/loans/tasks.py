"""Background work of the loans: the daily LPR repricing engine, enqueued by the worker's clock."""

from django.tasks import task

from xindai.loans.contract import reprice_due


@task()
def run_repricing() -> int:
    """Apply the repricing dates that have come (``contract.reprice_due``); returns how many."""
    return reprice_due()[1]
