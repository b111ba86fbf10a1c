"""`python -m xindai.imports.tests.peak OUT ARGS…`: runs `xindai ARGS…` and writes its peak
resident memory in kB (VmHWM, this process's own since its exec) to OUT when it exits."""

import atexit
import sys
from pathlib import Path


def _report(out: str) -> None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            Path(out).write_text(line.split()[1])


if __name__ == "__main__":
    out, *args = sys.argv[1:]
    atexit.register(_report, out)
    sys.argv = ["xindai", *args]
    from xindai.__main__ import main

    main()
