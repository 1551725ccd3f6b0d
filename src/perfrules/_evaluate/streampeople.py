"""
Population values of a streamed population (tenure, days, roles, relations), worked out chunk by chunk.

:func:`~perfrules._evaluate.people.population_values` checks every relation
against every id of the population before anything is scored.  Read in
chunks, a relation may name someone further down the file: the first pass
keeps every id (they come in ascending order, so a sorted list) and the rows
whose relation names nobody seen so far, and checks those once every row
was read, so that the problems are those of the whole population, in its order.
Each row's values are a function of its date, role and relation cells alone:
those of a set of cells already worked out without a problem are looked up.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

from .._compile import Plan
from .._errors import InputError, Issue
from .._model import Period
from .inputs import Row
from .people import person_values, relation_issues

__all__ = ["StreamedPeople"]

_MEMO = 50_000  # distinct sets of cells remembered (each hire date with each role, in practice)


class _Sorted:
    # The ids read so far, ascending: a collection that answers `in` by bisection.
    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def __contains__(self, item: object) -> bool:
        ids = self.ids
        if not isinstance(item, str):
            return False
        at = bisect_left(ids, item)
        return at < len(ids) and ids[at] == item

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)


class StreamedPeople:
    """
    The population values of each chunk, and (on the first pass) the problems of the whole population.
    """

    def __init__(self, plan: Plan, period: Period | None) -> None:
        """
        Work out ``plan``'s population values for ``period``.
        """
        pop = plan.scheme.population
        assert pop is not None
        self.plan, self.period = plan, period
        self.columns = pop.relations()
        self.keep_ids = bool(self.columns) or any(a.charge_to is not None for a in plan.scheme.adjustments())
        self.ids: list[str] = []
        self.named: dict[str, list[tuple[int, str, str]]] = {relation: [] for relation in self.columns}
        self.issues: list[Issue] = []
        self.days: dict[tuple[str, str, str], tuple[Any, ...]] = {}
        dated = pop.hire_date is not None or pop.leave_date is not None
        self.no_period = dated and period is None
        # The cells a row's values come from, as one key: the values of a key seen before are looked up.
        own = [c for c in (pop.hire_date, pop.leave_date, pop.role) if c is not None]
        cells = [*own, *self.columns.values()]
        self.cells: Callable[[Mapping[str, str]], tuple[str, ...]] = (
            itemgetter(*cells) if len(cells) > 1 else (lambda text: tuple(text[c] for c in cells))
        )
        self.own = len(own)  # the relation cells follow the row's own
        self.memo: dict[tuple[str, ...], tuple[Any, ...]] = {}  # by every cell, for rows naming nobody
        self.memo_own: dict[tuple[str, ...], tuple[Any, ...]] = {}  # by the row's own cells: without relations

    def values(self, rows: Sequence[Row], checking: bool) -> list[tuple[Any, ...]] | None:
        """
        Return each row's population values (``None`` when they cannot be worked out); ``checking``: the first pass.
        """
        if self.no_period:
            return None
        if not checking:
            return self._values(rows, [])
        if self.keep_ids:
            ids = self.ids
            ids.extend(r.employee for r in rows)
            seen = _Sorted(ids)
            for relation, column in self.columns.items():
                named = self.named[relation]
                for row in rows:
                    other = row.text.get(column, "").strip()
                    # Someone already read is known now; anyone else is looked for once every row was read.
                    if other and (other == row.employee or other not in seen):
                        named.append((row.number, row.employee, other))
        return self._values(rows, self.issues)

    def _values(self, rows: Sequence[Row], issues: list[Issue]) -> list[tuple[Any, ...]]:
        # person_values() of each row, looked up by the row's cells when a row with the same cells was worked
        # out before without a problem; a row naming someone, by its own cells, with the names it gives.
        memo, memo_own, cells, own = self.memo, self.memo_own, self.cells, self.own
        out: list[tuple[Any, ...]] = []
        for row in rows:
            try:
                key = cells(row.text)
            except KeyError:  # a cell the row does not have: worked out the long way
                out += person_values(self.plan, [row], self.period, issues, self.days)
                continue
            found = memo.get(key)
            if found is None:
                base = memo_own.get(key[:own])
                if base is not None:
                    found = base + tuple([c.strip() for c in key[own:]])
                else:
                    before = len(issues)
                    found = person_values(self.plan, [row], self.period, issues, self.days)[0]
                    if len(issues) > before:  # a problem: reported for every row that has it
                        out.append(found)
                        continue
                    if len(memo_own) < _MEMO:
                        memo_own[key[:own]] = found[: len(found) - len(key) + own]
                if not any(found[len(found) - len(key) + own :]) and len(memo) < _MEMO:
                    memo[key] = found
            out.append(found)
        return out

    def problems(self) -> InputError | None:
        """
        Return the problems with dates, roles or relations of the whole population, once every row was read.
        """
        if self.no_period:
            issue = Issue(
                "period-required",
                "hire and leave dates need a period to count from",
                hint="score with a period, e.g. --period 2026-04",
            )
            return InputError([issue])
        issues: list[Issue] = []
        relation_issues(self.plan, _Sorted(self.ids), self.named, issues)
        issues += self.issues
        if not issues:
            return None
        return InputError(issues, f"{len(issues)} problem(s) with dates, roles or relations; nothing was scored")
