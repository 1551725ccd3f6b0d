"""
The compile phase: a validated scheme becomes an immutable, reusable :class:`Plan`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .._errors import SchemeError
from .._formula import CompiledFormula, Lookup, history_name
from .._ir import Step, StepRef
from .._kinds import population_names
from .._load import unstructure
from .._model import Metric, Scheme
from .._plugins import MetricType, metric_type
from .._validate import Constraint, analyse_scheme, read_constraints
from .codegen import Stage, generate
from .convert import CellError, converter
from .reader import generate_reader

__all__ = ["CellError", "InputSpec", "Plan", "compile_scheme", "scheme_digest"]


@attrs.frozen
class InputSpec:
    """
    One input the plan reads from each row: the metric, its type, and the compiled cell converter.

    ``name`` is what the value is called inside the engine (formulas, the
    generated code, group and history values): the metric's name, or
    ``metrics.<name>`` when another element of the scheme has that name too.
    The row's column is always the metric's own name (:attr:`column`).
    """

    metric: Metric
    kind: MetricType
    convert: Callable[[Any], Any] = attrs.field(eq=False, repr=False)
    name: str = ""

    @property
    def column(self) -> str:
        """
        The column the value is read from, and the name results and the ledger keep it under.
        """
        return self.metric.name


@attrs.frozen(eq=False)
class Plan:
    """
    A compiled scheme: the inputs to read and one generated function that computes everything.

    ``read(row)`` turns a row of raw cells into the tuple of converted inputs
    (in :attr:`inputs` order).  A scheme without team values has one stage,
    whose function returns the tuple of every value, in :attr:`outputs`
    order; with team values, :attr:`stages` are run in turn with the team
    values worked out between them.  :attr:`traced_stages` also return the
    intermediate facts named in :attr:`facts`, for explanations; they only
    run when tracing is asked for.
    Plans are immutable and hold no per-run state, so one plan can serve many
    threads at once.  Pickling a plan pickles its scheme and compiles again on
    load, which makes it safe to send to worker processes.
    """

    scheme: Scheme
    digest: str
    inputs: tuple[InputSpec, ...]
    outputs: tuple[str, ...]
    index: Mapping[str, int]
    stages: tuple[Stage, ...]
    traced_stages: tuple[Stage, ...]
    facts: tuple[tuple[StepRef, str], ...]
    read: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    source: str
    order: tuple[StepRef, ...]
    lines: Mapping[int, StepRef]
    formulas: Mapping[tuple[str | int, ...], CompiledFormula]
    lookups: Mapping[tuple[str | int, ...], Lookup]
    steps: Mapping[StepRef, Step] = attrs.field(factory=dict)
    """Every element lowered to the intermediate representation: what the code and explanations are made from."""
    filenames: tuple[str, ...] = ()
    """The file names the generated functions are registered under in :mod:`linecache`."""
    team_column: str | None = None
    eligible: int | None = None
    assessed: int | None = None
    """Where ``assessed`` (H3: who is assessed this period) sits in the outputs, when the scheme says."""
    people: tuple[str, ...] = ()
    """Population values (``tenure_months``...); they follow the history values in the first stage's input."""
    history: tuple[tuple[str, str, int], ...] = ()
    """History calls, as ``(function, name, n)``; their values follow the inputs in the first stage's input."""
    constraints: tuple[Constraint, ...] = ()
    """The scheme's declared input constraints, read: every row's inputs must keep them."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (compile_scheme, (self.scheme,))


def scheme_digest(scheme: Scheme) -> str:
    """
    Return a content hash of the scheme: equal schemes give equal digests.
    """
    text = json.dumps(unstructure(scheme), default=str, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _inputs(s: Scheme, keys: Mapping[str, str]) -> tuple[InputSpec, ...]:
    limits: dict[str, tuple[frozenset[Decimal] | None, tuple[Decimal, Decimal] | None]] = {}
    for adj in s.adjustments():
        if adj.occurrences is not None and adj.tiers is None and adj.amount is None:
            levels = frozenset(adj.levels) if adj.levels is not None else None
            limits[adj.occurrences] = (levels, adj.range)
    out = []
    for m in s.metrics:
        if m.formula is None:
            kind = metric_type(m.type)
            assert kind is not None  # analysis refused unknown types
            levels, ranged = limits.get(m.name, (None, None))
            out.append(InputSpec(m, kind, converter(m, kind, levels, ranged), keys.get(m.name, m.name)))
    return tuple(out)


def compile_scheme(scheme: Scheme) -> Plan:
    """
    Validate ``scheme`` and compile it into a :class:`Plan`.

    Raises :class:`SchemeError` with every error when the scheme is invalid;
    warnings do not stop compilation.
    """
    a = analyse_scheme(scheme)
    if not a.ok:
        raise SchemeError([i for i in a.issues if i.severity == "error"], "the scheme has errors")
    inputs = _inputs(scheme, a.keys)
    history = tuple(sorted({call for f in a.formulas.values() for call in f.history}))
    people = population_names(scheme)
    names = tuple(i.name for i in inputs) + tuple(history_name(*call) for call in history) + people
    gen, traced = generate(a, names), generate(a, names, traced=True)
    eligible = gen.outputs.index("team_eligible") if "team_eligible" in gen.outputs else None
    return Plan(
        scheme=scheme,
        digest=scheme_digest(scheme),
        inputs=inputs,
        outputs=gen.outputs,
        index={n: k for k, n in enumerate(gen.outputs)},
        stages=gen.stages,
        traced_stages=traced.stages,
        facts=traced.facts,
        team_column=scheme.teams.column if scheme.teams is not None else None,
        history=history,
        people=people,
        eligible=eligible,
        assessed=gen.outputs.index("assessed") if "assessed" in gen.outputs else None,
        read=generate_reader(inputs),
        source=gen.source,
        order=tuple(a.order),
        lines=gen.lines,
        formulas=dict(a.formulas),
        lookups=dict(a.lookups),
        steps=dict(a.steps),
        filenames=(gen.filename, traced.filename),
        constraints=read_constraints(scheme),
    )
