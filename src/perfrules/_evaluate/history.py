"""
History: values of earlier periods, for ``prior()``, ``streak()``, ``previous_streak()`` and the totals.

Earlier periods are found in the scheme's calendar, not by what happens to be
recorded: ``prior(x, 1)`` in March reads February, whether or not February
was recorded.  A history source answers two questions for one scheme lineage
(the scheme's name, whatever its version): the results recorded for exactly
one period, and the first period recorded.  Periods before the first one are
before history (absent); a period after it that was never recorded is
missing, and the scheme's ``history.missing`` rule says what happens: an error
(the default) or absent, listed in the results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

from .._compile import Plan
from .._errors import InputError, Issue
from .._formula import HIRE_SPAN, MAX_HISTORY, history_name, total_of
from .._model import Period
from .inputs import Row
from .totals import declared_start, hire_dates, hire_span, late_windows, total, total_line, window_span

__all__ = ["HistoryNote", "HistorySource", "RecordedHistory", "history_lines", "history_values"]

_ZERO = Decimal(0)
_BEFORE, _MISSING = object(), object()  # a period before history starts; one that was never recorded


@runtime_checkable
class HistorySource(Protocol):
    """
    Where earlier periods' results come from: the results ledger, or your own store.
    """

    def recorded(self, scheme: str, period: Period) -> Mapping[str, Mapping[str, Any]] | None:
        """
        Return the results scheme ``scheme`` recorded for exactly ``period``, as ``{employee: data}``, or None.
        """
        ...

    def first(self, scheme: str) -> Period | None:
        """
        Return the earliest period recorded for scheme ``scheme``, or None when there is none.
        """
        ...


class RecordedHistory:
    """
    A history source held in memory: ``{Period: {employee: result data}}`` for one scheme lineage.
    """

    def __init__(self, periods: Mapping[Period, Mapping[str, Mapping[str, Any]]] | None = None) -> None:
        self.periods = dict(periods or {})

    def recorded(self, scheme: str, period: Period) -> Mapping[str, Mapping[str, Any]] | None:
        """
        Return the results recorded for the period with exactly these dates, or None.
        """
        return next((v for p, v in self.periods.items() if (p.start, p.end) == (period.start, period.end)), None)

    def first(self, scheme: str) -> Period | None:
        """
        Return the earliest period held, or None.
        """
        return min(self.periods, default=None)


@attrs.frozen
class HistoryNote:
    """
    What history a period's results read: whether any (``used``), which periods, which were missing.

    ``used`` is false when scoring was asked to go without history
    (``no_history``): history rules then read nothing, and the results say so.
    ``before`` is the last day of the latest period looked at that lay before
    history began (ISO date), if any: recording a period that ends on or
    after it changes what these results would read.  ``begins`` is the first
    day of the period the scheme declared its history begins with (None
    without a declaration), ``cut`` the last day of the latest period looked
    at that lay before it: moving the declared start changes what these
    results would read when it moves to ``cut`` or earlier, or past a period read.
    """

    used: bool
    read: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    before: str | None = None
    begins: str | None = None
    cut: str | None = None

    def worth_telling(self) -> bool:
        """
        Return whether the results must carry this note: history was not read, or periods were missing.
        """
        return not self.used or bool(self.missing)

    def to_dict(self) -> dict[str, Any]:
        """
        Return the note as JSON-ready data.
        """
        return {"used": self.used, "read": list(self.read), "missing": list(self.missing)}


_GROUPS = ("indicators", "sections", "penalties", "bonuses", "payouts", "inputs")


def _stored(
    entry: Mapping[str, Any] | None, name: str, flag: bool = False, shared: frozenset[str] = frozenset()
) -> Any:
    # Read one named value back from stored result data; None when absent. Inputs are kept under their
    # columns' names: metrics.minor is input minor, and minor, when a metric shares it, never the input.
    if entry is None:
        return None
    groups: tuple[str, ...] = _GROUPS
    if name.startswith("metrics."):
        name, groups = name.removeprefix("metrics."), ("inputs",)
    elif name in shared:
        groups = _GROUPS[:-1]
    if name == "score":
        return Decimal(entry["score"])
    if flag:  # a flag is stored only in the list of flags raised; a condition in its own group
        held = entry.get("conditions", {}).get(name)
        if held is not None:
            return bool(held) or None
        return any(f["name"] == name for f in entry.get("flags", ())) or None
    for group in groups:
        value = entry.get(group, {}).get(name)
        if value is not None and not isinstance(value, list):
            return Decimal(value)
    return None


class _Window:
    # Earlier periods in calendar order, fetched only as far back as some call needs.
    def __init__(self, plan: Plan, source: HistorySource, period: Period) -> None:
        self.plan, self.source, self.period = plan, source, period
        self.first = source.first(plan.scheme.name)
        self.begins = declared_start(plan)
        self.periods: list[Any] = []
        self.read: list[Period] = []
        self.missing: list[Period] = []
        self.before: Period | None = None
        self.cut: Period | None = None

    def at(self, back: int) -> Any:
        while len(self.periods) < back:
            p = self.plan.scheme.calendar.shift(self.period, -len(self.periods) - 1)
            if self.begins is not None and p.start < self.begins.start:
                self.cut = self.cut or p  # by declaration: recording it later changes nothing, moving begins does
                self.periods.append(_BEFORE)
                continue
            if self.begins is None and (self.first is None or p.end < self.first.start):
                self.before = self.before or p  # the first one found is the latest
                self.periods.append(_BEFORE)
                continue
            data = self.source.recorded(self.plan.scheme.name, p)
            (self.missing if data is None else self.read).append(p)
            self.periods.append(_MISSING if data is None else data)
        return self.periods[back - 1]


def _refuse(
    plan: Plan, period: Period | None, missing: Sequence[Period] = (), late: Sequence[Issue] = ()
) -> InputError:
    name = plan.scheme.name
    if missing or late:
        labels = ", ".join(p.label for p in sorted(missing))
        said = Issue(
            "history-missing",
            f"scheme {name!r} reads earlier periods, and {labels} before {period.label if period else '-'} "
            "was never recorded",
            hint="score and record the missing period(s) first, or declare history: {missing: absent}",
        )
        issues = [*late, said] if missing else list(late)
        return InputError(issues, "earlier periods cannot be read as the scheme needs; nothing was scored")
    if period is None:
        issue = Issue("history-required", f"scheme {name!r} reads earlier periods; score it with a period")
    elif period.kind == "custom":
        issue = Issue(
            "history-required",
            f"scheme {name!r} reads earlier periods, and {period.label} is not a period of its calendar",
            hint="score a calendar period (2026-04, 2026-Q2), or ask for no history explicitly",
        )
    else:
        issue = Issue(
            "history-required",
            f"scheme {name!r} reads earlier periods (prior, streak) but no history source was given",
            hint="pass the ledger (--ledger FILE, history=ledger), or ask for no history (--no-history, "
            "no_history=True)",
        )
    return InputError([issue], "earlier periods cannot be read as the scheme needs; nothing was scored")


def history_values(
    plan: Plan,
    source: HistorySource | None,
    period: Period | None,
    employees: Sequence[str | Row],
    kinds: Mapping[str, str],
    *,
    no_history: bool = False,
) -> tuple[list[tuple[Any, ...]], HistoryNote]:
    """
    Return, for each employee, the values of the plan's history calls in :attr:`Plan.history` order, and a note.

    With ``no_history`` nothing is read: numbers are 0, conditions false,
    streaks 0, and the note says so.  Otherwise a source and a calendar
    period are required.  ``kinds`` gives each name's type (``number`` or ``bool``).
    ``employees`` are ids, or checked rows (totals since hire read each row's hire date).
    """
    rows = [e for e in employees if not isinstance(e, str)]
    ids = [e if isinstance(e, str) else e.employee for e in employees]
    if no_history:
        empty = tuple(
            False if fn == "has_prior" or (fn == "prior" and kinds[name] == "bool") else _ZERO
            for fn, name, _ in plan.history
        )
        return [empty for _ in employees], HistoryNote(used=False)
    if source is None or period is None or period.kind == "custom":
        raise _refuse(plan, period)
    window = _Window(plan, source, period)
    shared = frozenset(i.column for i in plan.inputs if i.name != i.column)
    # What each call needs, worked out once, not once per employee: its type and, for prior() and
    # has_prior(), the one period it reads (None when that period is missing or before history).
    calls = []
    for fn, name, n in plan.history:
        found = window.at(n) if fn in ("prior", "has_prior") else None
        calls.append((fn, name, n, kinds[name] == "bool", found if isinstance(found, Mapping) else None))
    # A total reads every period of its span (a missing one is noted, and refused by default); a total
    # since hire, each employee's own span, as far back as the earliest hire among them.
    spans = {
        (fn, n): [window.at(k) for k in range(1, window_span(plan, period, fn, n) + 1)]
        for fn, _, n in plan.history
        if total_of(fn) and not fn.endswith("_hire")
    }
    hired = (
        {e: hire_span(plan, period, d) for e, d in hire_dates(plan, rows).items()} if HIRE_SPAN in plan.history else {}
    )
    deepest = [window.at(k) for k in range(1, max(hired.values(), default=0) + 1)]
    out = []
    for emp in ids:
        row: list[Any] = []
        for fn, name, n, flag, table in calls:
            if (fn, name, n) == HIRE_SPAN:
                row.append(Decimal(hired.get(emp, 0)))
                continue
            if total_of(fn):
                periods = deepest[: hired.get(emp, 0)] if fn.endswith("_hire") else spans[(fn, n)]
                row.append(
                    total(fn, [_stored(p.get(emp), name, flag, shared) for p in periods if isinstance(p, Mapping)])
                )
                continue
            if fn in ("prior", "has_prior"):
                entry = table.get(emp) if table is not None else None
                if fn == "has_prior":
                    # The employee was scored in that period, and the value was kept then.
                    row.append(entry is not None and (flag or _stored(entry, name, shared=shared) is not None))
                    continue
                value = _stored(entry, name, flag, shared)
                row.append(value if value is not None else (False if flag else _ZERO))
                continue
            run = 0
            for back in range(1, MAX_HISTORY + 1):
                found = window.at(back)  # periods are read as deep as some streak reaches, no deeper
                if not isinstance(found, Mapping) or not _stored(found.get(emp), name, flag, shared):
                    break  # a missing period, or one before history, ends a streak
                run += 1
            row.append(Decimal(run))
        out.append(tuple(row))
    late = late_windows(plan, period, window.first, ids, hired)
    if late or (window.missing and plan.scheme.history.missing == "error"):
        raise _refuse(plan, period, window.missing if plan.scheme.history.missing == "error" else (), late)
    before = window.before.end.isoformat() if window.before is not None else None
    read, missing = tuple(p.label for p in window.read), tuple(p.label for p in sorted(window.missing))
    begins = window.begins.start.isoformat() if window.begins is not None else None
    cut = window.cut.end.isoformat() if window.cut is not None else None
    return out, HistoryNote(True, read, missing, before, begins, cut)


def _status(label: str, note: HistoryNote) -> str:
    if label in note.read:
        return "read"
    return "missing" if label in note.missing else "before"


def _total_call(w: Mapping[str, str], fn: str, name: str, n: int) -> str:
    # A total as the formula writes it, its function and window words in the catalogue's language.
    total, window = total_of(fn) or (fn, None)
    said = w.get(f"function.{total}", total)
    if window is None:
        return f"{said}({name}, {n})"
    return f"{said}({name}, {w.get('function.since', 'since')}={w.get(f'function.{window}', window)})"


def history_lines(
    plan: Plan, period: Period, note: HistoryNote, values: Mapping[str, Any], words: Mapping[str, str]
) -> list[str]:
    """
    Return lines naming, for each history call of one result, the earlier period(s) its value came from.

    ``values`` are the result's named values (:attr:`Result.values`); ``note`` is :attr:`Results.history`.
    ``words`` are a message catalogue's ``history`` sentences with its ``function.<name>``, ``true`` and
    ``false`` words: the explain phase's ``history_lines`` takes a language and gives them.
    """
    w = words
    out = [w["head"].format(period=period.label)]
    if not note.used:
        return [*out, w["none"]]
    step = plan.scheme.calendar.shift
    declared = declared_start(plan)
    if declared is not None:  # a total cut by the declared start says so, and where
        w = {**w, "total_before": w["total_before_declared"].replace("{begins}", declared.label)}
    # A name a metric shares is said as formulas write it: prior(penalties.minor, 1), prior(metrics.minor, 1).
    named = plan.scheme.named()
    qualify = {n: f"{c}.{n}" for c, n, _ in named if c not in ("metrics", "tables") and f"metrics.{n}" in plan.index}
    for fn, key, n in plan.history:
        value, name = values.get(history_name(fn, key, n)), qualify.get(key, key)
        if (fn, key, n) == HIRE_SPAN:
            continue  # how far back since hire reaches: said on each total's line
        if total_of(fn) is not None:
            k = (
                int(values.get(history_name(*HIRE_SPAN), 0))
                if fn.endswith("_hire")
                else window_span(plan, period, fn, n)
            )
            parts = total_line(w, period, step, lambda label: _status(label, note), k)
            out.append(w["total"].format(call=_total_call(w, fn, name, n), value=value, parts=parts))
            continue
        if fn in ("prior", "has_prior"):
            label = step(period, -n).label
            where = w[_status(label, note)].format(label=label)
            shown = w.get(str(value).lower(), str(value).lower()) if isinstance(value, bool) else value
            call = f"{w.get(f'function.{fn}', fn)}({name}, {n})"  # a catalogue names functions in its language
            out.append(w["prior"].format(call=call, value=shown, where=where))
            continue
        run = int(value or 0)
        labels = [step(period, -k).label for k in range(1, run + 1)]
        counted = w["counted"].format(labels=", ".join(labels)) if labels else w["nothing"]
        stop = ""
        if run < MAX_HISTORY:
            label = step(period, -run - 1).label
            stop = w["stop_" + _status(label, note)].format(label=label)
        call = f"{w.get('function.previous_streak', 'previous_streak')}({name})"
        out.append(w["streak"].format(call=call, value=run, counted=counted, stop=stop))
    return out
