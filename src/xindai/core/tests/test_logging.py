"""With DEBUG, every 403 printed its traceback twice in the console (#18): Django's own console
handler on the `django` logger and the root's. A request's log record now reaches one handler."""

import logging


def handlers_below_root(name: str) -> list:
    """The handlers a record of `name` meets before the root logger's (whose console prints it)."""
    logger, reached = logging.getLogger(name), []
    while logger is not None and logger is not logging.root:
        reached += logger.handlers
        logger = logger.parent if logger.propagate else None
    return reached


def test_a_refused_request_is_printed_once_by_the_root_console():
    assert handlers_below_root("django.request") == []
    assert logging.getLogger("django.request").propagate and logging.getLogger("django").propagate
