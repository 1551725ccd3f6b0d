"""
Grades: the band of the score (or of ``grades.of``) a grade table puts it in (G1).

Forced distribution (G2) moves grades afterwards, over the whole population;
it is applied by the engine and explained here from the note it leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from .._formula import compile_table
from .._ir import NUM, Step, StepRef, TableLookup
from .._model import Grades, Scheme, TierTable
from .base import Context, Explaining, Line, Words, fact
from .wording import number

__all__ = ["GRADES"]


class _Grades:
    """Grade bands over the score, listed best first."""

    collection, kind = "grades", "grade"
    words: ClassVar[Words] = {
        "en": {
            "grade": "Grade {value}: {of} {x} is in band {band}",
            "distributed": (
                "Grade {value}: {of} {x} is in band {band} of grade {band_grade}; forced distribution, {note}"
            ),
            "no_grade": "No grade: not assessed this period ({of} {x})",
        },
        "zh": {
            "grade": "等级 {value}：{of} {x} 落在区间 {band}",
            "distributed": "等级 {value}：{of} {x} 落在等级 {band_grade} 的区间 {band}；强制分布，{note}",
            "no_grade": "不评等级：本期不参与考评（{of} {x}）",
        },
    }

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return [(("grades", "grade"), s.grades)] if s.grades is not None else []

    def check(self, ctx: Context, g: Grades) -> None:
        ctx.formula(("grades", "of"), g.of, NUM)
        ctx.lookups[("grades",)] = compile_table(TierTable(name="grade", tiers=g.tiers, match=g.match))

    def lower(self, ctx: Context, ref: StepRef, g: Grades) -> Step:
        value = fact("value", ctx.node(("grades", "of")))
        band = TableLookup(ctx.lookups[("grades",)], value, "number", labels=True)
        # grade.value is what forced distribution ranks by.
        outputs = (("grade", band), ("grade.value", value))
        return Step(ref, self.kind, outputs, g, prelude=(value,), after=(("score", "score"),))

    def explain(self, ex: Explaining, ref: StepRef, g: Grades) -> Line:
        label, of = ex.env.get("grade"), ex.facts(ref)["value"]
        if ex.scheme.assessed is not None and not ex.env["assessed"]:
            return Line("grade", "grade", "grade", None, None, {"of": g.of, "value": of, "not_assessed": True}, {})
        band = next((t.range_text() for t in g.tiers if t.label == label and t.contains(of)), None)
        facts = {"of": g.of, "value": of, "band": band}
        if ex.note is not None:  # forced distribution moved the grade the band gave
            facts.update(band_grade=label, distribution=ex.note)
            label = ex.final
        return Line("grade", "grade", "grade", None, label, facts, {})

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        f = line.facts
        key = "no_grade" if "not_assessed" in f else "distributed" if "distribution" in f else "grade"
        return w[key].format(
            value=line.value,
            of=f["of"],
            x=number(f["value"]),
            band=f.get("band"),
            band_grade=f.get("band_grade"),
            note=f.get("distribution"),
        )


GRADES = _Grades()
