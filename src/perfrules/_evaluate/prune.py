"""
A stage's generated function cut down to the values a pass needs (the population values it folds).

A streamed scheme with population-wide values reads its rows once per stage
(:mod:`.stream`); the passes before the last need only the values the next
stage's group calls read (``score`` for ``all_max(score)``), not every payout
and flag.  :func:`pruned_stage` keeps the statements those values depend on,
in their order and on their own line numbers (so an error names the same step),
and returns ``None`` for the rest.  Only a value the pass folds is ever read
from the pruned function's output; every row is scored again by the whole
function in the last pass.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from typing import Any

from .._compile import Plan

__all__ = ["pruned_stage"]


def _names(node: ast.AST) -> tuple[set[str], set[str]]:
    stores: set[str] = set()
    loads: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            (stores if isinstance(n.ctx, ast.Store) else loads).add(n.id)
    return stores, loads


def pruned_stage(plan: Plan, k: int, wanted: Collection[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]] | None:
    """
    Return stage ``k``'s function computing only the outputs at positions ``wanted`` (others ``None``).

    ``None`` when the function is not of the shape the code generator writes.
    """
    run = plan.stages[k].run
    code = run.__code__
    try:
        tree = ast.parse(plan.source)
    except SyntaxError:  # pragma: no cover - the plan's own source
        return None
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == run.__name__), None)
    if fn is None or fn.lineno != code.co_firstlineno or len(fn.body) < 2:
        return None
    unpack, ret = fn.body[0], fn.body[-1]
    if not (
        isinstance(unpack, ast.Assign)
        and isinstance(ret, ast.Return)
        and isinstance(ret.value, ast.Tuple)
        and all(isinstance(e, ast.Name) for e in ret.value.elts)
    ):
        return None
    names = [e.id for e in ret.value.elts if isinstance(e, ast.Name)]
    if any(not 0 <= i < len(names) for i in wanted):
        return None
    needed = {names[i] for i in wanted}
    kept: list[ast.stmt] = []
    for stmt in reversed(fn.body[1:-1]):
        stores, loads = _names(stmt)
        if not stores or stores & needed:  # a statement that assigns nothing is kept as it is
            kept.append(stmt)
            needed |= loads
    kept.reverse()
    defined = _names(unpack)[0].union(*(_names(s)[0] for s in kept))
    ret.value.elts = [
        e if isinstance(e, ast.Name) and e.id in defined else ast.copy_location(ast.Constant(None), e)
        for e in ret.value.elts
    ]
    fn.body = [unpack, *kept, ret]
    module = ast.Module(body=[fn], type_ignores=[])
    ns = dict(run.__globals__)
    exec(compile(module, code.co_filename, "exec"), ns)  # noqa: S102 - the plan's own generated source, cut
    pruned: Callable[[tuple[Any, ...]], tuple[Any, ...]] = ns[run.__name__]
    return pruned
