"""The `bedside` console script: Django's management commands under one name.

`bedside seed`, `bedside import-roster FILE`, `bedside worker`, `bedside scheduler`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bedside.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1:
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)
