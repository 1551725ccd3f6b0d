"""
The declared ranking (issue 11): the keys ranks, tops and forced distribution order by, after their own value.

Each key that is a formula is a value of its own (``ranking.key0`` ...),
computed with everything else; the engine orders by them between stages and
after grading.  ``employee_id`` is no formula: the engine orders by the ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from .._ir import NUM, Node, Step, StepRef
from .._model import Ranking, Scheme
from .base import Context, Explaining, Line
from .wording import number

__all__ = ["RANKING", "key_name"]

#: The key that orders by employee id, and is no formula.
EMPLOYEE_ID = "employee_id"


def key_name(k: int) -> str:
    """
    Return the name of the value of the ranking's key number ``k`` (``ranking.key0``).
    """
    return f"ranking.key{k}"


class _Ranking:
    """The keys that order ranks, tops and forced distribution."""

    collection, kind = "ranking", "ranking"
    messages: ClassVar[tuple[str, ...]] = ("ranking", "asc", "desc")

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return [(("ranking", "keys"), s.ranking)] if s.ranking is not None else []

    def check(self, ctx: Context, r: Ranking) -> None:
        keys = r.parsed()
        for k, (text, _) in enumerate(keys):
            path = ("ranking", "keys", k)
            if text == EMPLOYEE_ID:
                if k != len(keys) - 1:
                    ctx.error(
                        "ranking-key",
                        "employee_id is the last key: no two people have the same id, so keys after it never count",
                        path,
                    )
                continue
            ctx.formula(path, text, NUM)

    def lower(self, ctx: Context, ref: StepRef, r: Ranking) -> Step:
        outputs: list[tuple[str, Node]] = []
        for k, (text, _) in enumerate(r.parsed()):
            if text != EMPLOYEE_ID and ("ranking", "keys", k) in ctx.formulas:
                outputs.append((key_name(k), ctx.node(("ranking", "keys", k))))
        return Step(ref, self.kind, tuple(outputs), r)

    def explain(self, ex: Explaining, ref: StepRef, r: Ranking) -> Line:
        keys = []
        for k, (text, desc) in enumerate(r.parsed()):
            value = ex.env.get(key_name(k)) if text != EMPLOYEE_ID else None
            keys.append((text, "desc" if desc else "asc", value))
        return Line("ranking", self.kind, "ranking", None, None, {"keys": keys, "ties": r.ties}, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        keys = line.facts["keys"]
        if not keys:
            return None
        text = ", ".join(f"{t} {w[o]}" + (f" ({number(v)})" if v is not None else "") for t, o, v in keys)
        return w["ranking"].format(keys=text)


RANKING = _Ranking()
