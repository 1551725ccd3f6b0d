"""python manage.py score_month --period 2026-03: score a month's metrics and keep the pay."""

from functools import cache
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import perfrules
from payroll.models import MonthlyMetrics, MonthlyPay


@cache
def plan() -> perfrules.Plan:
    """Return the compiled scheme, built once per process and shared: a Plan is immutable."""
    return perfrules.compile_scheme(perfrules.load_scheme(settings.PERFRULES_SCHEME))


class Command(BaseCommand):
    """Score every employee's metrics for one period; write all the pay or none of it."""

    help = "Score a month's metrics with perfrules and keep each employee's pay."

    def add_arguments(self, parser: Any) -> None:
        """Take the period to score."""
        parser.add_argument("--period", required=True, help="the period to score, such as 2026-03")

    def handle(self, *args: Any, period: str, **options: Any) -> None:
        """Score the period's rows and replace its pay in one transaction."""
        rows = list(MonthlyMetrics.objects.filter(period=period).order_by("employee_id").values())
        if not rows:
            raise CommandError(f"no metrics for {period}")
        try:
            results = perfrules.score(plan(), rows, period=period)
        except perfrules.PerfrulesError as exc:
            raise CommandError(_problems(exc, rows)) from None
        with transaction.atomic():  # a month's pay is replaced whole, never half-way
            MonthlyPay.objects.filter(period=period).delete()
            MonthlyPay.objects.bulk_create(
                MonthlyPay(
                    employee_id=r.employee,
                    period=period,
                    score=r.score,
                    grade=r.grade or "",
                    bonus=r.payouts["bonus"],
                    scheme_digest=results.digest,
                    explanation=perfrules.render_text(perfrules.explain(plan(), r)),
                )
                for r in results
            )
        self.stdout.write(f"scored {len(results)} employees for {period}")


def _problems(exc: perfrules.PerfrulesError, rows: list[dict[str, Any]]) -> str:
    # perfrules numbers rows from 2 (a file's line 1 is its header): name the employee instead.
    lines = []
    for issue in getattr(exc, "issues", ()):
        where = issue.path[0] if issue.path else ""
        if where.startswith("row ") and where[4:].isdigit() and 2 <= int(where[4:]) < len(rows) + 2:
            where = f"employee {rows[int(where[4:]) - 2]['employee_id']}"
        lines.append(f"{where}: [{issue.code}] {issue.message}" + (f" ({issue.hint})" if issue.hint else ""))
    return "\n".join(lines) or str(exc)
