"""Settings of the example site: one app, and sqlite (in memory for the tests)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "example-only-not-secret"  # noqa: S105 - an example site, never deployed
INSTALLED_APPS = ["payroll"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PAYROLL_DB", ":memory:"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
# The scheme the site scores with: kept as a file under version control, next to the code.
PERFRULES_SCHEME = BASE_DIR.parent / "scheme.yaml"
