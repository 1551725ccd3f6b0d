"""
What the columnar engine cannot compute exactly yet, found before anything is computed, naming the element.

:func:`columnar_issues` walks every step of a plan (and asks :mod:`.groups`
about each group value); :func:`require_columnar` raises them all at once.
"""

from __future__ import annotations

from decimal import Decimal

from .._compile import Plan
from .._errors import CompileError, Issue
from .._formula import BUILTINS
from .._ir import Apply, Arith, Compare, Const, Fact, Node, Ref, children, walk
from .groups import group_calls, group_problem

__all__ = ["EACH", "EXP_OF_PLACES", "FN", "columnar_issues", "require_columnar"]

FN = {id(BUILTINS[name].impl): name for name in ("min", "max", "clamp", "abs", "floor", "ceil", "round", "div")}
"""The built-in functions the columnar engine computes as columns, by the id of their implementation."""
EACH = "[{fn}(x) for x in {0}]"
"""The template of a function applied to each item of a list (a tier table per occurrence)."""
EXP_OF_PLACES = {Decimal(1).scaleb(-k): -k for k in range(11)}
"""The exponent of each constant ``round()`` takes as its places (``0.01`` → ``-2``)."""


def _node_problem(node: Node) -> str | None:
    if isinstance(node, Arith) and node.op == "**":
        return "the operator '**'"
    if isinstance(node, Apply) and FN.get(id(node.fn)) == "round":
        places = node.args[1]
        if not (isinstance(places, Const) and places.value in EXP_OF_PLACES):
            return "round() with places that are not a constant"
    if (
        isinstance(node, Compare)
        and node.ops[0] not in ("and", "or")
        and any(o.type != "number" for o in node.operands)
    ):
        return "a comparison of values other than numbers"
    # A function without a column form is called once per distinct argument, lists too (.values.by_value).
    by_value = isinstance(node, Apply) and id(node.fn) not in FN
    mapped = by_value and node.inline in (None, EACH)  # type: ignore[union-attr]
    if node.type == "list" and not isinstance(node, Ref | Fact) and not mapped:
        return "a list computed from a list"
    if not by_value and not isinstance(node, Fact) and any(c.type == "list" for c in children(node)):
        return "a list other than as the argument of a function"
    if isinstance(node, Const) and node.type == "number" and not isinstance(node.value, Decimal):
        return "a constant that is not a number"
    return None


def columnar_issues(plan: Plan) -> list[Issue]:
    """
    Return every reason the columnar engine cannot score ``plan`` (empty when it can), each naming the element.
    """
    issues = []

    def refuse(path: tuple[str | int, ...], what: str) -> None:
        where = ".".join(str(p) for p in path) or "scheme"
        issues.append(
            Issue(
                "columnar-unsupported",
                f"{where}: the columnar engine cannot compute {what}",
                path,
                hint="score this scheme with the row engine (engine='row', the default)",
            )
        )

    groups = group_calls(plan)
    for ref in plan.order:
        step = plan.steps.get(ref)
        if step is None:
            problem = group_problem(plan, groups[ref[1]]) if ref[1] in groups else "this value"
            if problem is not None:
                refuse(ref, problem)
            continue
        seen: set[str] = set()
        for root in (*step.prelude, *((step.guard,) if step.guard is not None else ()), *step.otherwise):
            _collect(root, seen)
        for _, root in step.outputs:
            _collect(root, seen)
        for what in sorted(seen):
            refuse(ref, what)
    return issues


def _collect(root: Node, seen: set[str]) -> None:
    for node in walk(root):
        problem = _node_problem(node)
        if problem is not None:
            seen.add(problem)


def require_columnar(plan: Plan) -> None:
    """
    Raise :class:`CompileError` with every ``columnar-unsupported`` issue unless the columnar engine can score ``plan``.
    """
    try:
        import polars  # noqa: F401 - only to say plainly when the optional extra is missing
    except ImportError:
        issue = Issue(
            "columnar-unsupported",
            "the columnar engine needs polars, which is not installed",
            (),
            hint="pip install 'perfrules[columnar]', or score with the row engine",
        )
        raise CompileError([issue], "the columnar engine is not installed; nothing was scored") from None
    issues = columnar_issues(plan)
    if issues:
        raise CompileError(issues, f"the columnar engine cannot score {plan.scheme.name!r}; nothing was scored")
