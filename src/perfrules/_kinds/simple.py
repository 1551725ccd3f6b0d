"""
Kinds that are one formula each: derived metrics, flags, who counts in teams, who is assessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from .._ir import Step, StepRef
from .._model import Condition, Flag, Metric, Scheme
from .base import Context, Explaining, Line
from .checks import limits
from .wording import number, what

__all__ = ["ASSESSED", "CONDITIONS", "ELIGIBLE", "FLAGS", "METRICS"]


class _Metrics:
    """Derived metrics (M1, M2): a value computed by a formula; inputs get no step."""

    collection, kind = "metrics", "metric"
    messages: ClassVar[tuple[str, ...]] = ("metric",)

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return ((("metrics", m.name), m) for m in s.metrics)

    def check(self, ctx: Context, m: Metric) -> None:
        ctx.formula(("metrics", m.name, "formula"), m.formula, "number")
        limits(ctx, ("metrics", m.name), m.min, m.max)

    def lower(self, ctx: Context, ref: StepRef, m: Metric) -> Step:
        if m.formula is None:
            return Step(ref, self.kind, (), m)  # an input: read, not computed
        return Step(ref, self.kind, ((ctx.keys.get(m.name, m.name), ctx.node((*ref, "formula"))),), m)

    def explain(self, ex: Explaining, ref: StepRef, m: Metric) -> Line:
        value = ex.env[ex.step(ref).outputs[0][0]]  # metrics.name when another element shares the name
        return Line(f"metrics.{m.name}", "metric", m.name, m.label, value, {"formula": m.formula}, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        return w["metric"].format(what=what(line), formula=line.facts["formula"], value=number(line.value))


class _Flags:
    """Flags (H4): outcomes that are not money, raised when a condition holds."""

    collection, kind = "flags", "flag"
    messages: ClassVar[tuple[str, ...]] = ("flag_on",)

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return ((("flags", f.name), f) for f in s.flags)

    def check(self, ctx: Context, f: Flag) -> None:
        ctx.formula(("flags", f.name, "when"), f.when, "bool")

    def lower(self, ctx: Context, ref: StepRef, f: Flag) -> Step:
        return Step(ref, self.kind, ((f.name, ctx.node((*ref, "when"))),), f)

    def explain(self, ex: Explaining, ref: StepRef, f: Flag) -> Line:
        facts = {"when": f.when, "reason": f.reason}
        return Line(f"flags.{f.name}", "flag", f.name, f.label, ex.env[f.name], facts, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        f = line.facts
        return w["flag_on"].format(what=what(line), reason=f["reason"], when=f["when"]) if line.value else None


class _Conditions:
    """Named conditions: true/false rules formulas read, explained but not reported as outcomes."""

    collection, kind = "conditions", "condition"
    messages: ClassVar[tuple[str, ...]] = ("condition", "yes", "no")

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return ((("conditions", c.name), c) for c in s.conditions)

    def check(self, ctx: Context, c: Condition) -> None:
        ctx.formula(("conditions", c.name, "when"), c.when, "bool")

    def lower(self, ctx: Context, ref: StepRef, c: Condition) -> Step:
        return Step(ref, self.kind, ((c.name, ctx.node((*ref, "when"))),), c)

    def explain(self, ex: Explaining, ref: StepRef, c: Condition) -> Line:
        return Line(
            f"conditions.{c.name}", "condition", c.name, c.label, ex.env[c.name], {"when": c.when}, ex.reads(ref)
        )

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        held = w["yes"] if line.value else w["no"]
        return w["condition"].format(what=what(line), when=line.facts["when"], held=held)


class _Eligible:
    """Who counts in team values (T2): one condition per employee."""

    collection, kind = "teams", "team"
    messages: ClassVar[tuple[str, ...]] = ("team_yes", "team_no")

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return [(("teams", "eligible"), s.teams)] if s.teams is not None and s.teams.eligible is not None else []

    def check(self, ctx: Context, teams: Any) -> None:
        ctx.formula(("teams", "eligible"), teams.eligible, "bool")

    def lower(self, ctx: Context, ref: StepRef, teams: Any) -> Step:
        return Step(ref, self.kind, (("team_eligible", ctx.node(("teams", "eligible"))),), teams)

    def explain(self, ex: Explaining, ref: StepRef, teams: Any) -> Line:
        facts = {"when": teams.eligible}
        return Line("teams.eligible", "team", "team_eligible", None, ex.env["team_eligible"], facts, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        return w["team_yes" if line.value else "team_no"].format(when=line.facts["when"])


class _Assessed:
    """Who is assessed this period (H3)."""

    collection, kind = "assessed", "assessed"
    messages: ClassVar[tuple[str, ...]] = ("assessed_yes", "assessed_no")

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return [(("assessed", "assessed"), s.assessed)] if s.assessed is not None else []

    def check(self, ctx: Context, rule: Any) -> None:
        ctx.formula(("assessed", "when"), rule.when, "bool")

    def lower(self, ctx: Context, ref: StepRef, rule: Any) -> Step:
        return Step(ref, self.kind, (("assessed", ctx.node(("assessed", "when"))),), rule)

    def explain(self, ex: Explaining, ref: StepRef, rule: Any) -> Line:
        facts = {"when": rule.when, "reason": rule.reason}
        return Line("assessed", "assessed", "assessed", None, ex.env["assessed"], facts, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        f = line.facts
        return w["assessed_yes" if line.value else "assessed_no"].format(when=f["when"], reason=f["reason"])


METRICS, FLAGS, CONDITIONS = _Metrics(), _Flags(), _Conditions()
ELIGIBLE, ASSESSED = _Eligible(), _Assessed()
