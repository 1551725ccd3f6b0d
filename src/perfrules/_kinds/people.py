"""
What a scheme's population declares, as seen by formulas and the engine: names, group scopes, charges.

Hire and leave dates give formulas numbers, roles give true/false names,
relations (mentor, manager) give group scopes, and a shared cost whose
counterpart is a relation is charged through it (P7).
"""

from __future__ import annotations

from .._formula import RELATION_SCOPES
from .._ir import BOOL, NUM, Type
from .._model import Bonus, Penalty, Scheme

__all__ = ["charged_to", "charges_name", "group_scopes", "population_names", "population_types"]


def population_types(s: Scheme) -> dict[str, Type]:
    """
    Return the names a scheme's population columns provide to formulas, with their types, in input order.

    Hire and leave dates give ``tenure_months``, ``days_employed`` and
    ``period_days``; each declared role ``r`` gives ``is_r``.
    """
    pop = s.population
    if pop is None:
        return {}
    names: dict[str, Type] = {}
    if pop.hire_date is not None:
        names["tenure_months"] = NUM
    if pop.hire_date is not None or pop.leave_date is not None:
        names.update(days_employed=NUM, period_days=NUM)
    names.update({f"is_{role}": BOOL for role in pop.roles})
    return names


def population_names(s: Scheme) -> tuple[str, ...]:
    """
    Return the names of the population values each row carries: the formula names, then relations' ids.

    Each relation's id (``manager.id``, ``mentor.id``) is not a formula name;
    results use it to say who bears the other part of a shared cost (P7).
    """
    pop = s.population
    hidden = tuple(f"{rel}.id" for rel in pop.relations()) if pop is not None else ()
    return (*population_types(s), *hidden)


def charged_to(s: Scheme, adj: Penalty | Bonus) -> str | None:
    """
    Return the relation (``manager``, ``mentor``) a shared cost's other part is charged to, or ``None``.

    A ``counterpart`` that names a declared relation is charged into that
    person's own result (P7); any other counterpart is a label only.
    """
    if adj.share is None or s.population is None or adj.counterpart not in s.population.relations():
        return None
    return adj.counterpart


def charges_name(relation: str, adj: str) -> str:
    """
    Return the name of the value holding what ``adj`` charges a person through ``relation``.
    """
    return f"charges_{relation}__{adj}"


def group_scopes(s: Scheme) -> frozenset[str]:
    """
    Return the scopes of group functions a scheme's formulas may use: ``all``, ``team``, ``mentees``, ``reports``.
    """
    relations = s.population.relations() if s.population is not None else {}
    return frozenset(
        {"all"}
        | ({"team"} if s.teams is not None else set())
        | {scope for scope, relation in RELATION_SCOPES.items() if relation in relations}
    )
