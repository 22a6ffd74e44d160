#!/usr/bin/env python
"""Django's command-line utility; `rianru` wraps it."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from config.cli import run_django

    run_django(sys.argv)
