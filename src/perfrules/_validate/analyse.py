"""
Semantic analysis of a scheme: names, references, formulas and evaluation order.

This is the part of validation that compilation needs too, so it runs once and
its results (compiled formulas and tables, the order of steps) are reused by
the compiler.  It never evaluates anything.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import attrs

from .._errors import Issue
from .._formula.formula import CompiledFormula, FormulaError, compile_formula
from .._formula.functions import BOOL, BUILTINS, LIST, NUM, Function, Type
from .._formula.groups import GROUP_FUNCTIONS, RELATION_SCOPES, groups_for
from .._formula.history import HISTORY_FUNCTIONS
from .._formula.tables import Lookup, compile_table
from .._model import Bonus, Indicator, Penalty, Scheme, TierTable
from .._plugins import metric_type
from .._suggest import did_you_mean
from .people import group_scopes, population_types

__all__ = ["Analysis", "StepRef", "analyse_scheme", "indicator_table", "step_of"]

Path = tuple[str | int, ...]
StepRef = tuple[str, str]  # (collection, name): ("indicators", "conversion"), ("score", "score")

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

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
    "tables": "table",
    "metrics": "in",
    "params": "param",
}


@attrs.define
class Analysis:
    """
    What analysis learnt about a scheme, for the linter and the compiler.
    """

    scheme: Scheme
    issues: list[Issue] = attrs.field(factory=list)
    types: dict[str, Type] = attrs.field(factory=dict)
    functions: dict[str, Function] = attrs.field(factory=dict)
    lookups: dict[Path, Lookup] = attrs.field(factory=dict)
    formulas: dict[Path, CompiledFormula] = attrs.field(factory=dict)
    order: list[StepRef] = attrs.field(factory=list)
    deps: dict[StepRef, set[StepRef]] = attrs.field(factory=dict)
    stages: dict[StepRef, int] = attrs.field(factory=dict)
    groups: dict[str, tuple[str, str, str]] = attrs.field(factory=dict)
    used: set[str] = attrs.field(factory=set)

    @property
    def ok(self) -> bool:
        """
        Whether no error (warnings aside) was found.
        """
        return not any(i.severity == "error" for i in self.issues)

    def error(self, code: str, message: str, path: Path, hint: str | None = None) -> None:
        """
        Record an error at ``path``.
        """
        self.issues.append(Issue(code, message, path, hint=hint))


def indicator_table(ind: Indicator) -> TierTable | None:
    """
    Return the inline table of an indicator as a :class:`TierTable`, if it has one.
    """
    if ind.tiers is None:
        return None
    return TierTable(name=ind.name, tiers=ind.tiers)


def _declare(a: Analysis) -> None:
    s = a.scheme
    seen: dict[str, Path] = {}
    for collection, name, item in s.named():
        path: Path = (collection, name)
        if name in seen:
            a.error(
                "duplicate-name",
                f"name {name!r} is used twice (also at {'.'.join(map(str, seen[name]))})",
                path,
                f"formulas refer to elements by name, so each needs its own: rename this one, e.g. "
                f"'{name}_{_SUFFIX.get(collection, 'x')}'",
            )
            continue
        if name in RESERVED or name in BUILTINS or name in GROUP_FUNCTIONS or name in HISTORY_FUNCTIONS:
            a.error("reserved-name", f"{name!r} is a reserved name", path, "choose another name")
            continue
        seen[name] = path
        if collection == "tables":
            continue
        a.types[name] = _type_of(a, collection, item, path)
    a.types["score"] = NUM
    if s.assessed is not None:
        a.types["assessed"] = BOOL
    for name, kind in population_types(s).items():
        if name in seen:
            a.error(
                "duplicate-name",
                f"role {name[3:]!r} gives formulas the name {name!r}, also used at {'.'.join(map(str, seen[name]))}",
                ("population", "roles"),
                "rename the element or the role",
            )
            continue
        a.types[name] = kind
    a.functions = dict(BUILTINS)
    for table in s.tables:
        if table.name in a.types or table.name in RESERVED or table.name in BUILTINS:
            continue
        lookup = compile_table(table)
        a.lookups[("tables", table.name)] = lookup
        a.functions[table.name] = Function(
            table.name, (NUM,), NUM, lookup.fn, table.label or f"tier table {table.name}"
        )


def _type_of(a: Analysis, collection: str, item: Any, path: Path) -> Type:
    if collection == "flags":
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
        return LIST if kind.value_type == "list" else NUM
    return NUM


def _formula(a: Analysis, path: Path, text: str | None, want: Type) -> CompiledFormula | None:
    if text is None:
        return None
    # Team functions exist only in a scheme with teams, and not in the rule that
    # says who counts in a team (that would read the team before it is known).
    groups = groups_for(str(path[0]), group_scopes(a.scheme))
    try:
        compiled = compile_formula(text, a.types, a.functions, want=want, label=".".join(map(str, path)), groups=groups)
    except FormulaError as exc:
        a.issues.append(exc.issue(path, text))
        a.used.update(_names_in(text))  # so a typo elsewhere does not also report "unused"
        return None
    a.formulas[path] = compiled
    a.used.update(compiled.names)
    a.used.update(name for _, arg, cond in compiled.groups for name in (arg, cond) if name)
    a.used.update(arg for _, arg, _ in compiled.history)
    for fn, arg, _ in compiled.history:
        if not _kept(a.scheme, arg):
            a.error(
                "history-unavailable",
                f"{fn}() cannot read {arg!r}: earlier periods keep inputs, indicators, "
                "sections, penalties, bonuses, payouts, flags and the score",
                path,
                "make it an indicator, payout or flag so its value is kept",
            )
    return compiled


def _kept(s: Scheme, name: str) -> bool:
    # What a period's stored results hold, and so what history can read.
    if name == "score":
        return True
    kept = ("indicators", "sections", "penalties", "bonuses", "payouts", "flags")
    return any(
        (coll in kept or (coll == "metrics" and getattr(item, "formula", None) is None)) and n == name
        for coll, n, item in s.named()
    )


def _names_in(text: str) -> set[str]:
    # The names a broken formula mentions, so a typo in it does not also make
    # its metrics look unused. Text that does not parse is scanned for words.
    try:
        tree = ast.parse(" ".join(text.split("\n")).strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return set(_WORD.findall(text))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _ref(a: Analysis, path: Path, name: str | None, pool: dict[str, Any], what: str) -> None:
    if name is not None and name not in pool:
        a.error(
            "unknown-reference",
            f"unknown {what} {name!r}{did_you_mean(name, pool)}",
            path,
            f"declare the {what} or fix the name",
        )


def _check_indicator(a: Analysis, ind: Indicator, sections: dict[str, Any], tables: dict[str, Any]) -> None:
    path: Path = ("indicators", ind.name)
    scorers = ind.scorers()
    if len(scorers) != 1:
        got = ", ".join(scorers) or "none"
        a.error(
            "indicator-scorer",
            f"an indicator needs exactly one scorer, got {got}",
            path,
            "give one of: table, tiers, target, shortfall, formula",
        )
    if ind.formula is None and ind.input is None:
        a.error("missing-key", "missing required key 'input'", path, "name the metric this indicator scores")
    _formula(a, (*path, "input"), ind.input, NUM)
    _formula(a, (*path, "formula"), ind.formula, NUM)
    _formula(a, (*path, "veto"), ind.veto, BOOL)
    if ind.target is not None:
        _formula(a, (*path, "target", "target"), ind.target.target, NUM)
    _ref(a, (*path, "table"), ind.table, tables, "tier table")
    _ref(a, (*path, "section"), ind.section, sections, "section")
    inline = indicator_table(ind)
    if inline is not None:
        a.lookups[path + ("tiers",)] = compile_table(inline)


def _check_adjustment(a: Analysis, adj: Penalty | Bonus, sections: dict[str, Any], payouts: dict[str, Any]) -> None:
    collection = "penalties" if isinstance(adj, Penalty) else "bonuses"
    path: Path = (collection, adj.name)
    sources = [k for k in ("count", "occurrences", "when") if getattr(adj, k) is not None]
    if not sources:
        a.error("adjustment-source", "say how often it applies: give count, occurrences or when", path)
    if adj.count is not None and adj.occurrences is not None:
        a.error("adjustment-source", "give count or occurrences, not both", path)
    amounts = [k for k in ("amount", "schedule", "tiers", "levels", "range") if getattr(adj, k) is not None]
    if adj.occurrences is None and not {"amount", "schedule"} & set(amounts):
        a.error(
            "adjustment-amount",
            "say how much: give amount or schedule",
            path,
            "tiers, levels and range apply to each of the occurrences",
        )
    if adj.occurrences is not None and adj.amount is not None and adj.tiers is not None:
        a.error("adjustment-amount", "give amount or tiers for occurrences, not both", path)
    _formula(a, (*path, "count"), adj.count, NUM)
    _formula(a, (*path, "when"), adj.when, BOOL)
    if adj.occurrences is not None:
        if a.types.get(adj.occurrences) != LIST:
            a.error(
                "occurrences-not-list",
                f"occurrences must name a metric of type 'list', got {adj.occurrences!r}",
                (*path, "occurrences"),
                "declare it with type: list (one value per occurrence: 5;12;40)",
            )
        a.used.add(adj.occurrences)
    if adj.unit == "money" and adj.section is not None:
        a.error(
            "adjustment-unit",
            "a money amount cannot go into a section of points",
            (*path, "section"),
            "use payout: to add it to a payout, or unit: points",
        )
    if adj.unit == "points" and adj.payout is not None:
        a.error("adjustment-unit", "points cannot go into a payout", (*path, "payout"), "use unit: money, or section:")
    if adj.share is not None and adj.counterpart is None:
        a.error("missing-key", "a shared cost needs 'counterpart' (who bears the rest)", path)
    declared = a.scheme.population.relations() if a.scheme.population is not None else {}
    relation = adj.counterpart in RELATION_SCOPES.values()
    if adj.share is not None and relation and adj.counterpart not in declared:
        a.error(
            "undeclared-relation",
            f"counterpart {adj.counterpart!r} is charged through population.{adj.counterpart}, "
            "which the scheme does not declare",
            (*path, "counterpart"),
            f"declare population: {{{adj.counterpart}: <the column holding each employee's {adj.counterpart}'s id>}}",
        )
    if adj.range is not None and adj.range[0] > adj.range[1]:
        a.error("bad-range", f"range minimum {adj.range[0]} is above its maximum {adj.range[1]}", (*path, "range"))
    _ref(a, (*path, "section"), adj.section, sections, "section")
    _ref(a, (*path, "payout"), adj.payout, payouts, "payout")
    if adj.tiers is not None:
        a.lookups[path + ("tiers",)] = compile_table(TierTable(name=adj.name, tiers=adj.tiers))
    if isinstance(adj, Penalty) or not adj.signed:
        for key in ("amount", "cap"):
            value = getattr(adj, key)
            if value is not None and value < 0:
                a.error(
                    "negative-amount",
                    f"{key} must be 0 or more, got {value}",
                    (*path, key),
                    "write amounts as positive numbers; a penalty subtracts them",
                )


def _check(a: Analysis) -> None:
    s = a.scheme
    sections = {x.name: x for x in s.sections}
    tables = {x.name: x for x in s.tables}
    payouts = {x.name: x for x in s.payouts}
    for m in s.metrics:
        _formula(a, ("metrics", m.name, "formula"), m.formula, NUM)
    for ind in s.indicators:
        _check_indicator(a, ind, sections, tables)
    for sec in s.sections:
        _formula(a, ("sections", sec.name, "veto"), sec.veto, BOOL)
    for adj in s.adjustments():
        _check_adjustment(a, adj, sections, payouts)
    _formula(a, ("score", "formula"), s.score.formula, NUM)
    _formula(a, ("score", "veto"), s.score.veto, BOOL)
    if s.grades is not None:
        _formula(a, ("grades", "of"), s.grades.of, NUM)
    for p in s.payouts:
        _formula(a, ("payouts", p.name, "formula"), p.formula, NUM)
        _formula(a, ("payouts", p.name, "when"), p.when, BOOL)
    for f in s.flags:
        _formula(a, ("flags", f.name, "when"), f.when, BOOL)
    if s.teams is not None and s.teams.eligible is not None:
        _formula(a, ("teams", "eligible"), s.teams.eligible, BOOL)
    if s.assessed is not None:
        _formula(a, ("assessed", "when"), s.assessed.when, BOOL)
    pop = s.population
    if pop is not None and (pop.role is None) != (not pop.roles):
        missing = "roles" if pop.role is not None else "role"
        a.error(
            "missing-key",
            f"population.role and population.roles go together: {missing!r} is missing",
            ("population", missing),
            "role: names the column holding each employee's role; roles: lists the roles it may hold",
        )


def step_of(path: Path) -> StepRef:
    """
    Return the step a formula at ``path`` belongs to: ``("indicators", "x")``, ``("score", "score")``...
    """
    head = str(path[0])
    if head in ("score", "grades", "teams", "assessed"):
        return {
            "score": ("score", "score"),
            "grades": ("grades", "grade"),
            "teams": ("teams", "eligible"),
            "assessed": ("assessed", "assessed"),
        }[head]
    return head, str(path[1])


def analyse_scheme(scheme: Scheme) -> Analysis:
    """
    Check every name, reference and formula of ``scheme`` and work out the step order.
    """
    a = Analysis(scheme)
    _declare(a)
    _check(a)
    if a.ok:
        from .order import order  # order builds on this module's Analysis

        order(a)
    return a
