"""Django's command-line utility for the example site: python manage.py score_month --period 2026-03."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "payroll_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
