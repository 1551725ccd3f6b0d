"""
Semantic analysis of a scheme: names, then each rule kind's own checks, then its nodes and their order.

This is the part of validation that compilation needs too, so it runs once:
every formula is parsed and checked once, each element is lowered once to
the intermediate representation, and the order of evaluation is read off the
nodes (which values each step reads).  It never evaluates anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from .._formula import (
    BUILTINS,
    GROUP_FUNCTIONS,
    HIRE_SPAN,
    HISTORY_FUNCTIONS,
    Function,
    Scope,
    compile_table,
    metric_key,
    total_of,
)
from .._ir import BOOL, LIST, NUM, TEXT, Path, Step, StepRef, Type
from .._kinds import KINDS, Context, group_scopes, population_types
from .._limits import number_problem
from .._model import Scheme
from .._plugins import metric_type
from .._suggest import did_you_mean
from .constraints import constraint_issues
from .order import order_steps
from .tables import table_findings

__all__ = ["Analysis", "StepRef", "analyse_scheme", "step_of"]

RESERVED = (
    "score",
    "grade",
    "assessed",
    "team_eligible",
    "tenure_months",
    "days_employed",
    "period_days",
    "True",
    "False",
)

_SUFFIX = {
    "indicators": "pts",
    "penalties": "ded",
    "bonuses": "add",
    "sections": "sec",
    "payouts": "pay",
    "flags": "flag",
    "conditions": "if",
    "tables": "table",
    "metrics": "in",
    "params": "param",
}

#: What a period's stored results keep, and so what history can read.
_KEPT = ("indicators", "sections", "penalties", "bonuses", "payouts", "flags", "conditions")


@attrs.define
class Analysis(Context):
    """
    What analysis learnt about a scheme, for the linter and the compiler: the checked context and the lowered steps.
    """

    steps: dict[StepRef, Step] = attrs.field(factory=dict)
    order: list[StepRef] = attrs.field(factory=list)
    deps: dict[StepRef, set[StepRef]] = attrs.field(factory=dict)
    stages: dict[StepRef, int] = attrs.field(factory=dict)
    groups: dict[str, tuple[str, str, str, str]] = attrs.field(factory=dict)

    @property
    def ok(self) -> bool:
        """
        Whether no error (warnings aside) was found.
        """
        return not any(i.severity == "error" for i in self.issues)


def _declare(a: Analysis) -> None:
    s = a.scheme
    seen: dict[str, Path] = {}
    tables: dict[str, Path] = {}  # called, never read: their names may repeat an element's (csat(csat))
    metrics: dict[str, Path] = {}  # a metric may share its name with one other element (metric minor, penalty minor)
    typed: list[tuple[str, str, Any, Path]] = []
    for collection, name, item in s.named():
        path: Path = (collection, name)
        names = tables if collection == "tables" else metrics if collection == "metrics" else seen
        if name in names:
            a.error(
                "duplicate-name",
                f"name {name!r} is used twice (also at {'.'.join(map(str, names[name]))})",
                path,
                f"formulas refer to elements by name, so each needs its own: rename this one, e.g. "
                f"'{name}_{_SUFFIX.get(collection, 'x')}'",
            )
            continue
        if name in RESERVED or name in BUILTINS or name in GROUP_FUNCTIONS or name in HISTORY_FUNCTIONS:
            a.error("reserved-name", f"{name!r} is a reserved name", path, "choose another name")
            continue
        names[name] = path
        if collection != "tables":
            typed.append((collection, name, item, path))
    shared = metrics.keys() & seen.keys()
    a.keys = {name: metric_key(name, shared) for name in metrics}
    qualified, both = {}, {}
    for collection, name, item, path in typed:
        key = a.keys[name] if collection == "metrics" else name
        a.types[key] = _type_of(a, collection, item, path)
        qualified[f"{collection}.{name}"] = key
        if collection != "metrics" and name in shared:
            both[name] = (f"metrics.{name}", f"{collection}.{name}")
    a.names = Scope(qualified, both)
    seen.update(metrics)
    a.types["score"] = NUM
    for rule in KINDS:  # names a kind gives formulas besides its elements' own (the grade and its values)
        provides = getattr(rule, "provides", None)
        if provides is not None:
            for name, t in provides(s).items():
                if name in seen:
                    a.error(
                        "duplicate-name",
                        f"{name!r} is given by the grades, also used at {'.'.join(map(str, seen[name]))}",
                        seen[name],
                        "rename one of them",
                    )
                a.types[name] = t
    if s.assessed is not None:
        a.types["assessed"] = BOOL
    for name, given in population_types(s).items():
        if name in seen:
            a.error(
                "duplicate-name",
                f"role {name[3:]!r} gives formulas the name {name!r}, also used at {'.'.join(map(str, seen[name]))}",
                ("population", "roles"),
                "rename the element or the role",
            )
            continue
        a.types[name] = given
    a.functions = dict(BUILTINS)
    for table in s.tables:
        if table.name in RESERVED or table.name in BUILTINS:
            continue
        lookup = compile_table(table)
        a.lookups[("tables", table.name)] = lookup
        a.functions[table.name] = Function(
            table.name, (NUM,), NUM, lookup.fn, table.label or f"tier table {table.name}"
        )


def _type_of(a: Analysis, collection: str, item: Any, path: Path) -> Type:
    if collection in ("flags", "conditions"):
        return BOOL
    if collection == "metrics" and item.formula is None:
        kind = metric_type(item.type)
        if kind is None:
            from .._plugins import metric_types

            a.error(
                "unknown-type",
                f"unknown metric type {item.type!r}{did_you_mean(item.type, metric_types())}",
                (*path, "type"),
                "use a built-in type or install the plugin that provides it",
            )
            return NUM
        return {"list": LIST, "text": TEXT}.get(kind.value_type, NUM)
    return NUM


def _check(a: Analysis) -> None:
    s = a.scheme
    for kind in KINDS:
        for _, element in kind.elements(s):
            kind.check(a, element)
    a.issues.extend(i for i in table_findings(s) if i.severity == "error")
    a.issues.extend(constraint_issues(s))
    for m in s.metrics:
        if m.scale is not None and (m.type != "percent" or m.formula is not None):
            a.error(
                "bad-scale",
                f"metric {m.name!r}: scale says how a percent cell without % reads; it is a {m.type} "
                f"{'derived by a formula' if m.formula is not None else 'read from the row'}",
                ("metrics", m.name, "scale"),
                "remove scale:, or make the metric type: percent",
            )
    for m in s.metrics:
        _check_default(a, m)
    for kind in KINDS:  # checks that need every formula checked first
        review = getattr(kind, "review", None)
        if review is not None:
            review(a)
    pop = s.population
    if pop is not None and (pop.role is None) != (not pop.roles):
        missing = "roles" if pop.role is not None else "role"
        a.error(
            "missing-key",
            f"population.role and population.roles go together: {missing!r} is missing",
            ("population", missing),
            "role: names the column holding each employee's role; roles: lists the roles it may hold",
        )
    kept = {"score"} | {n for coll, n, _ in s.named() if coll in _KEPT}
    kept |= {a.keys.get(m.name, m.name) for m in s.metrics if m.formula is None}
    for path, f in a.formulas.items():
        for fn, arg, _ in f.history:
            if fn == HIRE_SPAN[0]:
                continue  # not a value of its own: how far back a total since hire reaches
            if arg not in kept:
                a.error(
                    "history-unavailable",
                    f"{fn}() cannot read {arg!r}: earlier periods keep inputs, indicators, "
                    "sections, penalties, bonuses, payouts, flags and the score",
                    path,
                    "make it an indicator, payout or flag so its value is kept",
                )
            window = (total_of(fn) or ("", None))[1]
            if window == "hire" and (pop is None or pop.hire_date is None):
                a.error(
                    "history-window",
                    f"{fn.rsplit('_', 1)[0]}({arg}, since=hire) needs each employee's hire date",
                    path,
                    "declare the column that holds it: population: {hire_date: hire_date}",
                )
            elif window is not None and window != "hire" and _SPAN[window] <= _SPAN.get(s.period, _SPAN[window]):
                a.error(
                    "history-window",
                    f"{fn.rsplit('_', 1)[0]}({arg}, since={window}) in a scheme that scores {s.period} periods: "
                    + (
                        "custom periods have no calendar to total over"
                        if s.period == "custom"
                        else f"a {window} holds no earlier {s.period} of its own"
                    ),
                    path,
                    "a window must be longer than the scheme's period: since=year in a monthly or quarterly scheme",
                )
    _check_begins(a)


def _check_default(a: Analysis, m: Any) -> None:
    # A default is what an empty cell takes, so it means what the same value typed in a cell means
    # (a percent in points: 100 is 1.00) and is refused where such a cell would be (out of min/max,
    # not whole for a count): an empty cell must not pay what a typed one could not.
    kind = None if m.default is None or m.formula is not None else metric_type(m.type)
    if kind is None:
        return  # no default, a derived metric, or an unknown type (reported as unknown-type)
    path = ("metrics", m.name, "default")
    if kind.value_type == "list":
        a.error(
            "bad-default",
            f"metric {m.name!r}: a list's empty cell is no occurrences; default {m.default} would not be used",
            path,
            "remove default:",
        )
        return
    try:
        value = kind.parse(m.default, m)
        refused = number_problem(value) if isinstance(value, Decimal) else None
        if refused is not None:
            raise ValueError(refused.message)
    except (ValueError, TypeError, ArithmeticError) as exc:
        a.error(
            "bad-default",
            f"metric {m.name!r}: default {m.default} is refused as a cell would be: {str(exc)[:200]}",
            path,
            "give a default a cell of this metric may hold (inside min/max, of its type and scale), or remove it",
        )


def _check_begins(a: Analysis) -> None:
    # history.begins must be where one of the scheme's own periods starts: a cut inside a period would
    # leave that period half before history.
    s = a.scheme
    begins = s.history.begins
    if begins is None:
        return
    start = s.calendar.resolve(begins).start  # the model read the label already
    if s.period == "custom" or s.calendar.containing(s.period, start).start != start:
        a.error(
            "bad-value",
            f"history.begins: {begins!r} is not where a {s.period} period of the scheme's calendar starts",
            ("history", "begins"),
            "name the first period of the scheme's own kind that history holds: begins: 2026-01 in a monthly "
            "scheme, begins: 2026-Q1 in a quarterly one",
        )


#: Months in each period kind, to tell whether a window holds earlier periods of the scheme's kind.
_SPAN = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def _lower(a: Analysis) -> None:
    for kind in KINDS:
        for ref, element in kind.elements(a.scheme):
            a.steps[ref] = kind.lower(a, ref, element)


def step_of(path: Path) -> StepRef:
    """
    Return the step a formula at ``path`` belongs to: ``("indicators", "x")``, ``("score", "score")``...
    """
    head = str(path[0])
    fixed = {"score": "score", "grades": "grade", "teams": "eligible", "assessed": "assessed"}
    if head in fixed:
        return head, fixed[head]
    return head, str(path[1])


def analyse_scheme(scheme: Scheme) -> Analysis:
    """
    Check every name, reference and formula of ``scheme``, lower it, and work out the step order.
    """
    a = Analysis(scheme, scopes=group_scopes(scheme))
    _declare(a)
    _check(a)
    if a.ok:
        _lower(a)
        found = order_steps(scheme, a.steps, a.formulas)
        a.issues.extend(found.issues)
        a.order, a.stages, a.groups = list(found.order), dict(found.stages), dict(found.groups)
        a.deps = {k: set(v) for k, v in found.deps.items()}
    return a
