"""
Every check of a scheme, decided: proven from the bounds, broken by a counterexample, or searched without one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import attrs

from .._compile import Plan, compile_scheme
from .._errors import SchemeError
from .._model import Scheme
from .checks import Check, check_issue, default_checks, parse_check, plain_names, prove
from .proven import Bounds, bounds
from .search import CannotSearch, Counterexample, search

__all__ = ["CheckOutcome", "check_scheme", "read_checks"]

Status = Literal["proven", "failed", "not refuted", "unknown"]


@attrs.frozen
class CheckOutcome:
    """
    What became of one check: ``proven`` (with why), ``failed`` (with a counterexample) or ``not refuted``.

    ``not refuted`` means the search found no counterexample in ``examples``
    rows: evidence, not a proof; ``unknown`` that it could neither be proven
    nor searched (a direction over a computed value, which no row can move alone).
    """

    check: Check
    status: Status
    reason: str
    counterexample: Counterexample | None = None
    examples: int = 0

    @property
    def label(self) -> str:
        """The check as a reader finds it: ``checks[2]`` or ``default``."""
        return "default" if self.check.index is None else f"checks[{self.check.index}]"

    def render(self) -> str:
        """Return the outcome as text: a headline, and for a failure the rows as CSV and their explanations."""
        head = f"{self.label} {self.check.text!r}: {self.status.upper()} ({self.reason})"
        if self.counterexample is None:
            return head
        ce = self.counterexample
        lines = [head, "counterexample:", ce.csv().rstrip("\n")]
        for row, text in zip(ce.rows, ce.explanations, strict=False):
            lines += [f"explanation of {row['employee_id']}:", text.rstrip("\n")]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the outcome as JSON-ready data."""
        ce = self.counterexample
        return {
            "check": self.check.text,
            "where": self.label,
            "status": self.status,
            "reason": self.reason,
            "examples": self.examples,
            "counterexample": None
            if ce is None
            else {"rows": list(ce.rows), "message": ce.message, "explanations": list(ce.explanations)},
        }


def read_checks(plan: Plan, proven: Bounds) -> list[Check]:
    """
    Return the scheme's declared checks, then the default ones; raise :class:`SchemeError` for any it cannot read.
    """
    known = {name: node.type for step in plan.steps.values() for name, node in step.outputs}
    known.update({i.name: i.kind.value_type for i in plan.inputs})
    known.update({p.name: "number" for p in plan.scheme.params})
    inputs = {i.metric.name: i.kind.value_type for i in plan.inputs}
    found, issues = [], []
    for k, text in enumerate(plan.scheme.checks):
        try:
            found.append(attrs.evolve(parse_check(plain_names(plan, text), k, known, inputs), text=text))
        except ValueError as exc:
            issues.append(check_issue(text, k, str(exc)))
    if issues:
        raise SchemeError(issues, "the scheme's checks cannot be read")
    return [*found, *default_checks(proven)]


def check_scheme(
    scheme_or_plan: Scheme | Plan, *, examples: int = 400, window: Decimal = Decimal(10**6)
) -> list[CheckOutcome]:
    """
    Decide every check of a scheme: prove it from the bounds, else search ``examples`` rows for a counterexample.

    Inputs with an open end are searched up to ``window`` away from the other
    end.  Raises :class:`SchemeError` when the scheme or a check has errors,
    ``ImportError`` when a search is needed and Hypothesis is not installed.
    """
    plan = scheme_or_plan if isinstance(scheme_or_plan, Plan) else compile_scheme(scheme_or_plan)
    proven = bounds(plan)
    out = []
    for check in read_checks(plan, proven):
        why = prove(check, proven)
        if why is not None:
            out.append(CheckOutcome(check, "proven", why))
            continue
        if check.form == "direction" and check.input not in {i.metric.name for i in plan.inputs}:
            why = f"{check.input} is computed, so no row can move it alone; the direction analysis could not prove it"
            out.append(CheckOutcome(check, "unknown", why))
            continue
        scored = [0]
        try:
            found = search(plan, check, examples=examples, window=window, tally=scored)
        except CannotSearch as exc:
            out.append(CheckOutcome(check, "unknown", str(exc)))
            continue
        if found is None and scored[0] == 0:
            out.append(CheckOutcome(check, "unknown", "no generated row could be scored, so nothing was searched"))
            continue
        if found is None:
            why = f"no counterexample in {examples} searched cases; {scored[0]} rows scored"
            out.append(CheckOutcome(check, "not refuted", why, None, examples))
        else:
            out.append(CheckOutcome(check, "failed", found.message, found, examples))
    return out
