"""
Whole-plan code generation: the lowered steps become one Python function per stage.

Every step's nodes become a few lines over local variables ``v_<name>``
(see :mod:`perfrules._ir.python`); every decision that depends only on the
scheme was taken when the kinds lowered it, so the function holds no branch
it could do without.  Constants (Decimal literals, tier lookups, rounding
modes) are bound in the function's globals under names that say what they
are; the function has no builtins.  It takes the tuple of converted inputs
and returns the tuple of every value, in :attr:`Generated.outputs` order.

Each line is mapped to the step it computes, so when arithmetic fails the
traceback's line number names the step without any bookkeeping on the fast
path; the source is registered with :mod:`linecache`, so a traceback shows
the generated line too.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from typing import Any

import attrs

from .._errors import CompileError, Issue
from .._formula import group_name
from .._ir import Emitter, StepRef, var
from .._validate import Analysis

__all__ = ["FILENAME", "Generated", "Stage", "generate"]

FILENAME = "<perfrules plan"
"""Generated functions' file names start with this: ``<perfrules plan 3>``."""

_SERIAL = itertools.count(1)


@attrs.frozen
class Stage:
    """
    One generated function of a plan: a stage of evaluation.

    It takes every value so far plus this stage's team values (``groups``, as
    ``(function, name)`` in order) and returns the first ``width`` values of
    the plan's outputs (then, when traced, this stage's facts).
    """

    run: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    width: int
    groups: tuple[tuple[str, ...], ...]
    facts: tuple[tuple[StepRef, str], ...]


@attrs.frozen
class Generated:
    """
    The generated functions with their source, output layout and line-to-step map.
    """

    stages: tuple[Stage, ...]
    source: str
    outputs: tuple[str, ...]
    lines: dict[int, StepRef]
    facts: tuple[tuple[StepRef, str], ...] = ()
    filename: str = FILENAME + ">"


def generate(a: Analysis, inputs: tuple[str, ...], *, traced: bool = False) -> Generated:
    """
    Write, compile and return the plan's functions for the analysed scheme.

    A scheme without team values has one stage: one function from the inputs
    to every value.  Each team value read by a formula starts a new stage:
    stage ``k`` takes every value so far plus the team values the engine
    worked out after stage ``k - 1``, and returns every value so far.  With
    ``traced`` each function also returns the facts an explanation needs.
    """
    ns: dict[str, Any] = {"__builtins__": {}}
    em = Emitter(ns, traced=traced)
    count = max(a.stages.values(), default=0) + 1
    outputs, source, refs = list(inputs), list[str](), dict[int, StepRef]()
    stages, all_facts = [], []
    for k in range(count):
        em.body, em.facts = [], []
        groups = tuple(a.groups[name] for coll, name in a.order if coll == "groups" and a.stages[(coll, name)] == k)
        start = [*outputs, *(group_name(*call) for call in groups)]
        new: list[str] = []
        if k == 0:
            em.ref = None
            for p in a.scheme.params:
                em.emit(f"{var(p.name)} = {em.const(p.value, f'param_{p.name}')}")
                new.append(p.name)
        for ref in a.order:
            if ref[0] != "groups" and a.stages.get(ref, 0) == k:
                new += em.step(a.steps[ref])
        outputs = [*start, *new]
        unpack = "".join(f"{var(n)}, " for n in start)
        header = [f"def run_{k}(_in):", f"    ({unpack}) = _in" if start else "    pass"]
        first = len(source) + len(header) + 1
        refs.update({first + j: ref for j, (_, ref) in enumerate(em.body) if ref is not None})
        returned = ", ".join([var(n) for n in outputs] + [f"_fact{j}" for j in range(len(em.facts))])
        source += header + [f"    {line}" for line, _ in em.body] + [f"    return ({returned},)", ""]
        stages.append((k, len(outputs), groups, tuple(em.facts)))
        all_facts += em.facts
    text = "\n".join(source) + "\n"
    filename = f"{FILENAME} {next(_SERIAL)}{' traced' if traced else ''}>"
    # Registered so that a traceback through the generated code shows its lines.
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    try:
        exec(compile(text, filename, "exec"), ns)  # noqa: S102 - written from an allow-listed, type-checked scheme
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        # Analysis accepted the scheme, so this is the engine's fault, not the author's: say so plainly.
        issue = Issue("compile-error", f"the checked scheme could not be compiled ({type(exc).__name__}: {exc})", ())
        raise CompileError([issue], "a validated scheme could not become a plan; please report this") from exc
    built = tuple(Stage(ns[f"run_{k}"], width, groups, facts) for k, width, groups, facts in stages)
    return Generated(built, text, tuple(outputs), refs, tuple(all_facts), filename)
