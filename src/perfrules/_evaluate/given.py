"""
Where population values computed elsewhere reach the evaluation of one part of a population.

:func:`~perfrules._evaluate.split.score_part` sets :data:`GIVEN` while it
scores one part; the row engine's team values (:mod:`.teams`), the columnar
engine's population-wide values (:mod:`.groups`) and the forced distribution
(:mod:`.distribution`) then ask it first.  Nothing here imports the rest of the
evaluate phase, so both can read it without a circle.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

__all__ = ["GIVEN", "Given", "given"]


class Given(Protocol):
    """
    Group values for a part of a population, worked out over the whole of it (see :mod:`.split`).
    """

    def team_values(
        self, plan: Any, stage: Any, teams: Sequence[str], values: Sequence[tuple[Any, ...]], ids: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """Return each employee's values of ``stage.groups``, as :func:`.teams.team_values` does."""

    def group_values(self, plan: Any, call: tuple[str, ...], env: dict[str, Any], n: int, teams: Any) -> Any:
        """Return the column of ``call`` for the columnar engine (``teams``: each row's team, or ``None``)."""

    def distributed(self, plan: Any, results: list[Any], rows: list[Any]) -> list[Any]:
        """Return the results with the forced distribution over the whole population applied."""


#: The population values of the part being scored, or ``None`` (a whole population).
GIVEN: ContextVar[Given | None] = ContextVar("perfrules_given_population", default=None)


@contextmanager
def given(population: Given | None) -> Iterator[None]:
    """
    Make ``population`` the source of group values while the block runs (nothing changes for ``None``).
    """
    token = GIVEN.set(population)
    try:
        yield
    finally:
        GIVEN.reset(token)
