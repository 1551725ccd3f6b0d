"""
Scoring a population in chunks, in constant memory: read, check, evaluate and hand on 1,000 rows at a time.

:func:`stream_scores` reads the rows through ``open_rows()`` once for each
stage of the plan: a plan without group values is read once; a plan whose
later stages read group values (team, relation and population-wide values,
shared costs charged to a manager) is read once more per stage, each earlier
pass gathering those values per group as it goes (see :mod:`.gathered`:
per team a count, a sum, the largest value..., not a value per employee but
for ranks).  Population values (tenure, roles, relations) are worked out
per chunk, and the first pass checks every relation against every id
(:mod:`.streampeople`).  Rows must come in ascending employee-id order (the
order results are in); otherwise :class:`~perfrules._evaluate.inputs.Unordered`
is raised and the caller scores the whole population at once instead.

Problems are reported as :func:`~perfrules.score` reports them: every input
problem of every row at once, before any evaluation error; then every
problem with dates, roles or relations; the first evaluation error in
employee order (a later stage's only when no earlier stage failed); then
values that are not finite; then shared costs with nobody to bear the
rest.  Chunks handed on before a problem is found must be thrown away by
the caller (the command line writes to a temporary file).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from decimal import Decimal, localcontext
from itertools import islice, repeat
from operator import add, itemgetter
from typing import Any, NamedTuple

from .._compile import CONTEXT, Plan
from .._errors import EvaluationError, InputError, Issue, PerfrulesError
from .._kinds import charged_to
from .._model import Period
from .._plugins import NumberFormat, number_format
from .engine import _counts, _finite, _kinds, _phase, _run
from .gathered import Gathered, gather_problem
from .history import history_values
from .holds import Holding
from .inputs import Row, RowChecker
from .keptrows import KeptRows
from .parts import Hold
from .prune import pruned_stage
from .results import build_result, layout_of
from .splitholds import first_stage_holds
from .streampeople import StreamedPeople
from .teams import unshared_issues
from .trusted import first_feed, trusted_feed

__all__ = ["stream_problem", "stream_scores"]

# Rows a chunk: small enough that a chunk's rows, values and results stay in the processor's cache while
# each step goes over them (10,000 rows took 10-20% more CPU on the team scheme), large enough that the
# work per chunk is small beside the work per row.
_CHUNK = 1_000
# Bytes of rows the first pass keeps for the later ones (see keptrows.py), as estimated: 1.1 million rows of
# the seed-000 team scheme; the rows past them are read again.
_KEEP = 384 << 20
_ZERO = Decimal(0)
_VALUES = itemgetter(2)  # a Row's input values (Row is a named tuple: employee, number, values, text)


def stream_problem(plan: Plan, no_history: bool) -> str | None:
    """
    Return why ``plan`` cannot be scored in chunks, or ``None`` when it can.
    """
    s = plan.scheme
    if plan.history and not no_history:
        return "it reads history"
    if not first_stage_holds(plan):
        return "an amount over an approval threshold depends on population values"
    if layout_of(plan).reasons:
        return "it keeps the reasons of discretionary bonuses"
    if s.grades is not None and s.grades.distribution is not None:
        return "it has a forced distribution"
    return gather_problem(plan)


class _Problems:
    # What went wrong so far, kept in the order score() would report it.
    def __init__(self, plan: Plan, source: str | None, people: StreamedPeople | None) -> None:
        self.source, self.people = source, people
        self.counts: list[Issue] = []
        self.evaluation: PerfrulesError | None = None
        self.finite: PerfrulesError | None = None
        # Shared costs whose counterpart's cell is empty are refused after scoring, as score() does.
        self.charges = any(
            a.no_counterpart == "error" and charged_to(plan.scheme, a) for a in plan.scheme.adjustments()
        )
        self.unshared: list[Issue] = []
        # Only a power can overflow to infinity: without one, no value needs that check (asked once, not per chunk).
        self.powers = any("**" in f.text for f in plan.formulas.values())

    def raise_any(self, checker: RowChecker) -> None:
        checker.finish()  # input problems first, all of them
        if self.counts:
            n = len(self.counts)
            raise InputError(self.counts, f"{n} problem(s) in {self.source or 'the input'}; nothing was scored")
        found = None if self.people is None else self.people.problems()
        if found is not None:
            raise found
        if self.evaluation is not None:
            raise self.evaluation
        if self.finite is not None:
            raise self.finite
        if self.unshared:
            n = len(self.unshared)
            raise InputError(self.unshared, f"{n} shared cost(s) with nobody to bear the rest; nothing was scored")


def _stage(plan: Plan, run: Callable[[tuple[Any, ...]], tuple[Any, ...]], rows: list[Row], values: list[Any]) -> Any:
    try:  # one try around a chunk: the failing employee is found only when one fails
        return [run(v) for v in values]
    except ArithmeticError:
        return [_run(plan, run, row, v) for row, v in zip(rows, values, strict=True)]


def stream_scores(
    plan: Plan,
    open_rows: Callable[[], Iterable[Mapping[str, Any]]],
    *,
    period: Period | None,
    id_column: str = "employee_id",
    source: str | None = None,
    first_row: int = 2,
    numbers: NumberFormat | None = None,
    no_history: bool = False,
    progress: Callable[[int], None] | None = None,
    chunk: int = _CHUNK,
    trace: bool = False,
    holding: Holding | None = None,
    expected: int = 0,
    keep: int | None = None,
) -> Iterator[_Chunk]:
    """
    Yield the checked rows, the output tuples, (``trace``) the traces and (``holding``) the holds of each chunk.

    The chunks come in employee order.  A trace is what
    :attr:`~perfrules.Result.trace` holds (see the module's text for the rest).
    With ``holding`` (``plan`` is then the scheme copy whose hold inputs it
    names), every amount over its approval threshold is held as the command
    line holds it, and each row's :class:`~perfrules.Hold` values come with it.

    ``open_rows()`` gives the rows from the start each time it is called; a
    plan must have no :func:`stream_problem`.  Raises as :func:`~perfrules.score`
    does, after the last chunk when the problem was found late.  ``expected``
    (rows, 0 if unknown) sizes each pass's progress bar, so it can say how long is left.
    A later pass reads the first pass's first rows, up to ``keep`` bytes (``None``:
    the module's ``_KEEP``), as it kept them, not from ``open_rows()`` again (see :mod:`.keptrows`).
    """
    stages = plan.stages
    # Without history, every employee reads the same values: worked out once, not per chunk.
    empty: tuple[Any, ...] = ()
    if plan.history:
        past, _ = history_values(plan, None, period, ["-"], _kinds(plan), no_history=True)
        empty = past[0]
    if holding is not None:
        empty = holding.pad + empty
    people = None
    keep = _KEEP if keep is None else keep
    kept: KeptRows | None = None
    extras: list[Gathered | None] = [None]  # each later stage's group values, gathered by the pass before it
    for upto in range(1, len(stages) + 1):
        last = upto == len(stages)
        # A pass before the last runs its last stage cut down to what the group values read; should any
        # row fail, the pass is run again whole, so that the error is the one score() names.
        wanted = set() if last else Gathered(plan, stages[upto].groups).wanted
        if holding is not None and upto == 1:
            wanted |= holding.wanted
        cut = None if last else pruned_stage(plan, upto - 1, wanted)
        for run in (cut, None) if cut is not None else (None,):
            gathered = None if last else Gathered(plan, stages[upto].groups)
            if upto == 1 and plan.scheme.population is not None:  # the first pass checks the population
                people = StreamedPeople(plan, period)
            name = f"pass {upto}/{len(stages)}" if len(stages) > 1 else "scoring"
            if upto == 1 and len(stages) > 1 and keep > 0:
                kept = KeptRows(_later_text(plan), keep)
            options = _Options(id_column, source, first_row, numbers, holding, expected, people, kept)
            checker, problems = yield from _pass(
                plan, open_rows, upto, run, gathered, empty, extras, options, progress, chunk, trace and last, name,
            )  # fmt: skip
            if run is None or problems.evaluation is None:
                break
        problems.raise_any(checker)
        if gathered is not None:
            with localcontext(CONTEXT):
                gathered.finish()
        extras.append(gathered)


def _later_text(plan: Plan) -> tuple[str, ...]:
    # The text cells a pass after the first reads of a row: its team (group values are read by team) and the
    # relation of a shared cost that must have a counterpart (checked after scoring). Population values come
    # kept from the first pass, and a relation's group values are read by the employee's own id.
    names = {plan.team_column} if plan.team_column is not None else set()
    pop = plan.scheme.population
    if pop is not None:
        for adj in plan.scheme.adjustments():
            relation = charged_to(plan.scheme, adj)
            if relation is not None and adj.no_counterpart == "error":
                names.add(pop.relations()[relation])
    return tuple(sorted(names))


class _Options(NamedTuple):
    id_column: str
    source: str | None
    first_row: int
    numbers: NumberFormat | None
    holding: Holding | None
    expected: int  # rows expected (0 if not known), to size the progress bar
    people: StreamedPeople | None  # population values (dates, roles, relations), when the scheme has any
    kept: KeptRows | None  # the first pass's rows, kept for the later passes


#: One chunk handed on: its rows, their output tuples, their traces (or None) and their holds (or None).
_Chunk = tuple[list[Row], list[tuple[Any, ...]], list[tuple[Any, ...]] | None, list[tuple[Hold, ...]] | None]


class _Failed(Exception):
    # An evaluation error and the stage it came from: an earlier stage's error is reported first.
    def __init__(self, stage: int, error: EvaluationError) -> None:
        super().__init__(stage, error)
        self.stage, self.error = stage, error


def _pass(
    plan: Plan,
    open_rows: Callable[[], Iterable[Mapping[str, Any]]],
    upto: int,
    run: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None,
    gathered: Gathered | None,
    empty: tuple[Any, ...],
    extras: list[Gathered | None],
    options: _Options,
    progress: Callable[[int], None] | None,
    chunk: int,
    trace: bool,
    name: str,
) -> Generator[_Chunk, None, tuple[Any, _Problems]]:
    # One reading of the rows: stages[:upto] over each chunk; the last pass hands its chunks on.
    last = upto == len(plan.stages)
    source = options.source
    reading = plan if options.holding is None else options.holding.reading
    checker = RowChecker(reading, id_column=options.id_column, source=source, first_row=options.first_row, ordered=True)
    problems = _Problems(plan, source, options.people if upto == 1 else None)
    failed = len(plan.stages)  # the stage of the evaluation error found so far
    _phase(progress, name, options.expected)
    kept = options.kept
    for rows, known, taken in _chunks(checker, open_rows, upto, options, chunk):
        if checker.issues:
            continue  # only checking now: nothing is evaluated or handed on
        try:
            if upto == 1:  # each row's own checks: the first pass made them, and found nothing or stopped
                _counts(plan, rows, source)
        except InputError as exc:
            problems.counts += exc.issues
        people = known
        if options.people is not None and people is None:
            people = options.people.values(rows, upto == 1)
            if people is None or options.people.issues:
                continue  # population problems: only checking now, reported once every row was read
        if upto == 1 and kept is not None:  # every chunk comes here unless the file is refused
            kept.add(rows, taken, checker.n, people)
        if problems.counts or not failed:
            continue
        with localcontext(CONTEXT):
            try:
                # After an error in stage k, later rows still run the stages before k: score() would
                # have run those stages for everyone first, and named an error there instead.
                outs, traces, held = _evaluate(
                    plan, min(upto, failed), rows, (empty, people), extras, trace, run, options.holding
                )
            except _Failed as exc:
                if exc.stage < failed:
                    failed, problems.evaluation = exc.stage, exc.error
                if run is not None:
                    break  # the pass is run again whole
                continue
            if problems.evaluation is not None:
                continue
            if gathered is not None:
                gathered.add(rows, outs)
        if last:
            _checked(plan, outs, rows, problems)
            if problems.charges:
                problems.unshared += unshared_issues(plan, outs, rows)
            if problems.finite is None:
                yield rows, outs, traces, held
        if progress is not None:
            progress(checker.count)
    return checker, problems


def _chunks(
    checker: RowChecker,
    open_rows: Callable[[], Iterable[Mapping[str, Any]]],
    upto: int,
    options: _Options,
    chunk: int,
) -> Iterator[tuple[list[Row], list[tuple[Any, ...]] | None, int]]:
    # Each chunk's rows; their population values when kept by the first pass (else None); the source rows read.
    kept = options.kept
    skip = 0
    if upto > 1 and kept is not None:
        for rows, people in kept.read():
            checker.count += len(rows)
            yield rows, people, 0
        checker.n = kept.number or checker.n
        if kept.whole:
            return  # every row was kept: the source is not read again
        skip = kept.taken
    rows_in = iter(open_rows())
    if skip:
        deque(islice(rows_in, skip), maxlen=0)  # the rows read back from the first pass: not converted again
    while not checker.stopped:
        batch = list(islice(rows_in, chunk))  # the rows themselves, not copies
        if not batch:
            break
        with number_format(options.numbers):
            # A later pass reads rows the first checked whole and found no problem in: converted, not checked again.
            rows = first_feed(checker, batch) if upto == 1 else trusted_feed(checker, batch)
        yield rows, None, len(batch)
    if upto == 1 and kept is not None:
        kept.finish(not checker.stopped)


def _evaluate(
    plan: Plan,
    upto: int,
    rows: list[Row],
    base: tuple[tuple[Any, ...], list[tuple[Any, ...]] | None],
    extras: list[Gathered | None],
    trace: bool,
    cut: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None,
    holding: Holding | None = None,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]] | None, list[tuple[Hold, ...]] | None]:
    # Each stage in turn over the chunk; traced, each stage's facts follow its values (as score() keeps them).
    # ``cut`` stands in for the last stage run (see prune.py); ``holding`` holds amounts after the first stage.
    # The inputs, then (``base``) the values every row reads alike and each row's population values.
    held = None
    empty, people = base
    # (Tuples joined by map(add): no Python-level loop per row.)
    values: list[Any] = list(map(_VALUES, rows))
    if empty:
        values = list(map(add, values, repeat(empty)))
    if people is not None:
        assert len(people) == len(values)  # map() would stop at the shorter
        values = list(map(add, values, people))
    facts: list[tuple[Any, ...]] | None = None
    for k, stage in enumerate((plan.traced_stages if trace else plan.stages)[:upto]):
        gathered = extras[k]
        if gathered is not None:
            more = gathered.values(rows, values)
            assert len(more) == len(values)  # map() would stop at the shorter
            values = list(map(add, values, more))
        run = cut if cut is not None and k == upto - 1 else stage.run
        try:
            done = _stage(plan, run, rows, values)
            if holding is not None and not k:
                done, held = holding.apply(plan, run, rows, values, done)
        except EvaluationError as exc:
            raise _Failed(k, exc) from exc
        if trace:
            width = stage.width
            values = [o[:width] for o in done]
            more = [o[width:] for o in done]
            facts = more if facts is None else [f + m for f, m in zip(facts, more, strict=True)]
        else:
            values = done
    if facts is not None:
        return values, [v + f for v, f in zip(values, facts, strict=True)], held
    return values, None, held


def _checked(plan: Plan, outs: list[tuple[Any, ...]], rows: list[Row], problems: _Problems) -> None:
    # Non-finite values (a power can overflow to infinity) refuse the file as score() does. Bonus reasons
    # are checked by the whole path only: stream_problem refuses schemes that keep them.
    if problems.finite is not None or not problems.powers:
        return
    layout = layout_of(plan)
    try:
        _finite(plan, [build_result(layout, r.employee, o, None) for r, o in zip(rows, outs, strict=True)], rows)
    except EvaluationError as exc:
        problems.finite = exc
