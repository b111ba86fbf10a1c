#!/usr/bin/env python
"""The developer's entry point, for tools that look for manage.py: like the `xindai` command,
but DEBUG defaults to on so that checks such as `makemigrations --check` run without a
SECRET_KEY. Production runs the `xindai` command, whose settings refuse that."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from xindai.__main__ import main  # noqa: E402

if __name__ == "__main__":
    os.environ.setdefault("DEBUG", "1")
    main()
