#!/usr/bin/env python
"""Same as the `xindai` console command, for tools that look for manage.py."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from xindai.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
