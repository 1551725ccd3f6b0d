"""
The first pass's checked rows, kept compactly so that a later pass does not read and convert the file again.

A streamed plan with group values reads its rows once per stage (see
:mod:`.stream`).  The first pass checks and converts every row; a later pass
would convert the same cells into the same :class:`~perfrules._evaluate.inputs.Row`
values and work out the same population values again (see :mod:`.trusted`).
:class:`KeptRows` keeps them instead, a column at a time: each row's id (the
string the first pass already holds), its number, its input values (the
tuple the reader gave) and its population values, and of the text cells a
later pass reads (its team; a shared cost's relation, checked for a
counterpart) one string per distinct cell, so that a later pass rebuilds each
chunk's rows without reading a line.  A rebuilt row's text holds those cells
only: dates, roles and relations were read into its population values.

Memory grows with the rows kept, about 200 bytes a row on the seed-000 team
scheme (mostly the input values themselves), so rows are kept only up to a
budget of bytes (their size as :func:`sys.getsizeof` counts it, every
distinct object once, a list slot a cell: an estimate above what they take);
a later pass reads the rest of the file as before, skipping the rows it was
handed.
Only a first pass that found no problem is ever read back (every problem
refuses the file before a later pass starts).
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import Any

from .inputs import Row

__all__ = ["KeptRows", "mappings_maker"]

_EMPLOYEE, _NUMBER, _VALUES, _TEXT = map(attrgetter, ("employee", "number", "values", "text"))
_SAMPLE = 32  # a chunk's size is worked out afresh every so many chunks (in between, as the last one's)


_SHARED = 1 << 16  # ids of objects seen more than once in a chunk remembered (counted once, not per chunk)


class _Sizes:
    # Bytes of the objects a chunk keeps. An object that comes more than once in a chunk (a value the
    # reader looked up, a row's population values shared by every row with the same cells) is likely
    # shared by other chunks too: counted once, its id remembered (the kept chunks keep it alive, so
    # no other object can take its id meanwhile).
    def __init__(self) -> None:
        self.shared: set[int] = set()

    def __call__(self, objects: list[Any]) -> int:
        ids = list(map(id, objects))
        distinct = dict(zip(ids, objects, strict=True))
        shared = self.shared
        size = sum(map(sys.getsizeof, [o for i, o in distinct.items() if i not in shared]))
        if len(distinct) < len(ids) and len(shared) < _SHARED:
            shared.update(i for i, n in Counter(ids).items() if n > 1)
        return size


class _Chunk:
    # One chunk's rows, a column at a time; the text cells a list per name, or (``mapped``) a mapping per row.
    __slots__ = ("emps", "mapped", "numbers", "people", "texts", "values")

    def __init__(self, emps: list[str], numbers: Any, values: list[Any], texts: Any, people: Any) -> None:
        self.emps, self.numbers, self.values, self.texts, self.people = emps, numbers, values, texts, people
        self.mapped = False


def mappings_maker(names: Sequence[str], columns: bool = False) -> Callable[[list[Any]], list[dict[str, str]]]:
    """
    Return a function that makes each row's mapping from ``names``: from a list of rows, or of ``columns``.

    It gives what ``dict(zip(names, cells))`` gives (the last of equal names
    keeps its value, in the first one's place) with a dict display a row,
    two to four times as fast.
    """
    ns: dict[str, Any] = {"__builtins__": {}, "_zip": zip, **{f"_k{k}": name for k, name in enumerate(names)}}
    cells = "".join(f"c{k}, " for k in range(len(names)))
    pairs = ", ".join(f"_k{k}: c{k}" for k in range(len(names)))
    rows = "_zip(*block)" if columns else "block"
    source = f"def rows(block):\n    return [{{{pairs}}} for {cells}in {rows}]\n"
    exec(compile(source, "<perfrules row mappings>", "exec"), ns)  # noqa: S102 - numbered names only
    made: Callable[[list[Any]], list[dict[str, str]]] = ns["rows"]
    return made


class KeptRows:
    """
    A first pass's rows and population values, chunk by chunk, up to ``limit`` bytes, for the passes after it.
    """

    def __init__(self, names: Sequence[str], limit: int) -> None:
        """
        Keep rows up to about ``limit`` bytes, with their text cells ``names`` (those the later passes read).
        """
        self.names = tuple(names)
        self.limit = limit
        self.size = 0  # bytes kept, as estimated
        self.per_row = 0.0  # bytes a row, as the last chunk measured took
        self.sizes = _Sizes()
        self.chunks: list[_Chunk] = []
        self.rows = 0  # rows kept
        self.taken = 0  # rows of the source the kept chunks came from (what a later pass skips)
        self.number = 0  # the number of the row after the last kept one
        self.full = False  # a chunk was not kept: a later pass reads the rest of the source
        self.whole = False  # every row of the source was kept: a later pass reads nothing
        self.strings: list[dict[str, str]] = [{} for _ in self.names]  # one string per distinct cell
        self.getters = [itemgetter(name) for name in self.names]
        self.texts = mappings_maker(self.names, columns=True) if self.names else None

    def add(self, rows: list[Row], taken: int, number: int, people: list[tuple[Any, ...]] | None) -> None:
        """
        Keep ``rows`` (read from ``taken`` rows of the source; the next row is number ``number``).
        """
        if self.full:
            return
        values = list(map(_VALUES, rows))
        if not len(self.chunks) % _SAMPLE and rows:
            sizes = self.sizes
            size = sizes(list(map(_EMPLOYEE, rows))) + sizes(values) + sizes(list(chain.from_iterable(values)))
            if people is not None:
                size += sizes(people) + sizes(list(chain.from_iterable(people)))
            # A list slot a row for its id, number, values, population values and each text cell.
            self.per_row = size / len(rows) + 8 * (4 + len(self.names))
        self.size += int(self.per_row * len(rows))
        if self.size > self.limit:
            self.full = True
            return
        emps = list(map(_EMPLOYEE, rows))
        numbers: Any = list(map(_NUMBER, rows))
        first = numbers[0] if numbers else 0
        # Numbers one after another, the usual case: the first and how many, not a number a row.
        numbers = (
            range(first, first + len(rows)) if numbers == list(range(first, first + len(rows))) else array("q", numbers)
        )
        texts: Any = None
        mapped = False
        if self.names:
            got = list(map(_TEXT, rows))
            try:
                columns = [list(map(get, got)) for get in self.getters]
            except KeyError:  # a row without one of the cells (the checker left it out): the cells it has
                mapped, names = True, self.names
                texts = [{k: t[k] for k in names if k in t} for t in got]
            else:
                texts = [list(map(s.setdefault, c, c)) for s, c in zip(self.strings, columns, strict=True)]
        chunk = _Chunk(emps, numbers, values, texts, people)
        chunk.mapped = mapped
        self.chunks.append(chunk)
        self.rows += len(rows)
        self.taken += taken
        self.number = number

    def finish(self, exhausted: bool) -> None:
        """
        Note that the pass ended (``exhausted``: every row of the source was read), and let the cells go.
        """
        self.whole = exhausted and not self.full
        self.strings = []

    def read(self) -> Iterator[tuple[list[Row], list[tuple[Any, ...]] | None]]:
        """
        Yield each kept chunk's rows as the checker gave them, with their population values.
        """
        make = tuple.__new__
        for c in self.chunks:
            texts: Any = c.texts
            if texts is None or self.texts is None:
                texts = repeat({}, len(c.emps))
            elif not c.mapped:
                texts = self.texts(texts)
            yield list(map(make, repeat(Row), zip(c.emps, c.numbers, c.values, texts, strict=True))), c.people
