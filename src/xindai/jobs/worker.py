"""What a worker process and the work it runs share: whether it was asked to stop.

`xindai worker` sets `stop_requested` on SIGTERM/SIGINT; the work it is doing checks it between
units (one message, one chunk of rows) and gives back what it has not begun, so the process
stops within seconds having finished only what was in flight.
"""

import threading

stop_requested = threading.Event()


def stopping() -> bool:
    return stop_requested.is_set()


worker_id = ""  # set by `xindai worker`; "" when jobs run in the web process (tests)
