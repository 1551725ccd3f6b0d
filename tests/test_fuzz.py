"""Fuzzing: no formula, scheme document or data file can make perfrules raise anything but its own errors.

Three Hypothesis-driven fuzzers feed (a) formula texts, (b) mutated scheme
documents from examples/ and (c) mutated data files and cells through load,
validate, compile, score, explain, render, the ledger (its public API) and the
command line.  Anything that escapes as something other than a
:class:`perfrules.PerfrulesError` fails the test, with the input that did it.

The default run is short (a few seconds each).  The long run is a command:

    PERFRULES_FUZZ_SECONDS=600 python -m pytest -q tests/test_fuzz.py -s

which keeps drawing new cases for that many seconds in all (split between the
three fuzzers) and prints how many ran.  Every crash found is kept as a
regression test in tests/test_security.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._cli.main import main as cli
from perfrules._load import read_document
from tests.conftest import EXAMPLES

LONG = float(os.environ.get("PERFRULES_FUZZ_SECONDS", "0"))
SHORT_EXAMPLES = {"formula": 250, "scheme": 300, "data": 300}
RAN: dict[str, int] = {}

FOLDERS = sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml") if (p.parent / "data.csv").exists())
PERIOD = {"month": "2026-04", "quarter": "2026-Q2"}


def _period(scheme):
    return PERIOD.get(getattr(scheme, "period", "month"), "2026-04")


# -- the oracle ---------------------------------------------------------------


def only_project_errors(step, *args, **kwargs):
    """Run one public call: return its value, or None if it raised the project's own error."""
    try:
        return step(*args, **kwargs)
    except pr.PerfrulesError:
        return None
    except BaseException as exc:  # anything else is a defect: show the call and the input
        try:
            shown = repr(args)[:600]
        except ValueError:  # an integer too long for repr
            shown = "<input too long to show>"
        raise AssertionError(f"{getattr(step, '__name__', step)} raised {type(exc).__name__}: {exc!s:.300}\n{shown}")


def through_everything(text=None, data=None, rows=None, period=None, fmt=None, ledger=False):
    """Load (text or data), validate, compile, score, explain and render: only PerfrulesError may escape."""
    if text is not None:
        loaded = only_project_errors(pr.scheme_from_text, text, fmt=fmt, partial=True)
        if loaded is None or loaded.scheme is None:
            return
        scheme = loaded.scheme
        report = only_project_errors(pr.validate, scheme, loaded.source_map)
    else:
        scheme = only_project_errors(pr.scheme_from_data, data)
        if scheme is None:
            return
        report = only_project_errors(pr.validate, scheme)
    assert report is not None, "validate() is documented never to raise"
    report.render()
    json.dumps(report.to_dict())
    plan = only_project_errors(pr.compile_scheme, scheme)
    if plan is None or rows is None:
        return
    results = only_project_errors(pr.score, plan, rows, period=period or _period(scheme), trace=True)
    if results is None:
        return
    json.dumps(results.to_dict())
    for r in results.results[:3]:
        for v in r.row:
            assert not (isinstance(v, Decimal) and not v.is_finite()), f"{r.employee}: non-finite value stored"
        trace = only_project_errors(pr.explain, plan, r)
        if trace is not None:
            only_project_errors(pr.render_text, trace, "en")
            only_project_errors(pr.render_text, trace, "zh")
            only_project_errors(pr.render_json, trace)
    if ledger:
        publish_twice(results, scheme)


def publish_twice(results, scheme):
    """Publish results to a fresh ledger (its public API), twice: only PerfrulesError may escape."""
    with tempfile.TemporaryDirectory() as tmp:

        def publish():
            with pr.Ledger(Path(tmp) / "ledger.db") as book:
                book.publish(results, scheme)
                book.publish(results, scheme)

        only_project_errors(publish)


def run_budget(name, body, *strategies):
    """Run ``body`` on Hypothesis cases: a short fixed budget, or batches until PERFRULES_FUZZ_SECONDS (shared) pass."""
    RAN[name] = 0

    def fresh(examples):
        # A new test function each batch, so each batch draws from a new random seed.
        def batch(case):
            body(*case)

        quiet = list(HealthCheck) if LONG else []
        test = given(st.tuples(*strategies))(batch)
        settings(max_examples=examples, deadline=None, database=None, suppress_health_check=quiet)(test)()

    if not LONG:
        fresh(SHORT_EXAMPLES[name])
        return
    end = time.monotonic() + LONG / 3
    while time.monotonic() < end:
        fresh(200)
    print(f"\nfuzz {name}: {RAN[name]} cases in {LONG / 3:.0f} s, no failure")


# -- (a) formula texts -----------------------------------------------------------

ATOMS = ["a", "b", "c", "ok", "p", "0", "1", "2.5", "100", "-1", "1e17", "0.0001", "1e-28", "True", "False"]
NASTY_ATOMS = [
    "1e999999999",
    "1e-999999999",
    "9" * 40,
    "0" * 5000,
    "1_0",
    "0x10",
    "1j",
    "'x'",
    "__class__",
    "a.real",
    "p\n",
    "\ud800",
    "n",
    "1if ok else 0",
    "...",
    "None",
]
OPS = [" + ", " - ", " * ", " / ", " ** ", " < ", " >= ", " == ", " and ", " or ", " if ok else ", ""]
CALLS = ["min", "max", "abs", "round", "div", "clamp", "floor", "ceil", "count", "total", "tb", "prior", "nope"]


def formula_texts():
    atom = st.sampled_from(ATOMS) | st.sampled_from(NASTY_ATOMS)
    return st.recursive(
        atom,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(OPS), inner).map("".join),
            st.tuples(st.sampled_from(["-", "not ", "(", ""]), inner, st.sampled_from([")", ""])).map("".join),
            st.tuples(st.sampled_from(CALLS), st.lists(inner, max_size=4)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        ),
        max_leaves=12,
    ) | st.text(alphabet="ab0129.+-*/()<>=!,_ e", max_size=60)


FORMULA_SCHEME = """name: fuzz
params: {{p: 3}}
metrics:
  a: {{type: number}}
  b: {{type: number}}
  c: {{type: count}}
  xs: {{type: list}}
tables:
  tb:
    tiers:
      - {{range: '< 1', points: 0}}
      - {{range: '>= 1', points: 1}}
flags:
  ok: {{when: "a >= 0", reason: fine}}
score:
  formula: {formula}
"""

CELLS = st.sampled_from(["0", "1", "-1", "2.5", "0.0001", "1e17", "99999999999999999", "", "1;2;3"])


@st.composite
def formula_cases(draw):
    text = draw(formula_texts())
    rows = [
        {"employee_id": f"e{k}", "a": draw(CELLS), "b": draw(CELLS), "c": draw(CELLS), "xs": draw(CELLS)}
        for k in range(draw(st.integers(1, 3)))
    ]
    return text, rows


def test_fuzz_formulas():
    def check(case):
        RAN["formula"] += 1
        text, rows = case
        only_project_errors(pr.compile_formula, text, {"a": "number", "b": "number", "ok": "bool"})
        through_everything(text=FORMULA_SCHEME.format(formula=json.dumps(text)), rows=rows)

    run_budget("formula", check, formula_cases())


# -- (b) mutated scheme documents --------------------------------------------------------

NASTY_VALUES = [
    None,
    True,
    "",
    "p\n",
    "\ud800",
    "x" * 3000,
    "[0, 1e999999999)",
    "a * n ** -1",
    "1if ok else 0",
    Decimal("1e999999999"),
    Decimal("-1e999999999"),
    Decimal("9e999999"),
    Decimal("1e-999999999"),
    Decimal("1e400"),
    Decimal("0"),
    Decimal("-1"),
    Decimal("1.5"),
    Decimal("1E+17"),
    Decimal("0.0000000000000000000000000001"),
    [],
    [Decimal(1), Decimal(2), Decimal(3)],
    {},
    {"unknown": 1},
    ["a", "a"],
]
EXTRA_KEYS = [
    "unknown",
    "formula",
    "when",
    "tiers",
    "schedule",
    "levels",
    "range",
    "roles",
    "weight",
    "share",
    "places",
]
YAML_NASTY = [
    "1e999999999",
    "-1e999999999",
    "9e999999",
    "1e-999999999",
    "1e400",
    "-1",
    "1.5",
    "0",
    "''",
    '"\\ud800"',
    '"p\\n"',
    "[]",
    "{}",
    "[a, a]",
    "&a [*a]",
    "*nowhere",
    "!!python/object:os.system x",
    "[" * 40 + "]" * 40,
    "9" * 5000,
    "~",
    "yes",
    ".nan",
    "'a * n ** -1'",
]


def _documents():
    docs = {}
    for folder in FOLDERS:
        text = (folder / "scheme.yaml").read_text(encoding="utf-8")
        docs[folder.name] = (text, read_document(text).data)
    return docs


DOCS = _documents()


def _paths(data, path=()):
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*path, i))


def _mutate_data(data, rnd):
    data = json.loads(json.dumps(data, default=str))  # a deep copy; Decimals become text
    paths = list(_paths(data))
    for _ in range(rnd.randint(1, 3)):
        path = rnd.choice(paths)
        if not path:
            continue
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            op = rnd.random()
            if op < 0.6:
                parent[path[-1]] = rnd.choice(NASTY_VALUES)
            elif op < 0.75 and isinstance(parent, dict):
                del parent[path[-1]]
            elif op < 0.9:
                value = parent[path[-1]]
                parent[path[-1]] = [value] * rnd.randint(2, 4) if rnd.random() < 0.5 else {"x": value}
            elif isinstance(parent, dict):
                parent[rnd.choice(EXTRA_KEYS)] = rnd.choice(NASTY_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    return data


def _mutate_text(text, rnd):
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 3)):
        k = rnd.randrange(len(lines))
        op = rnd.random()
        line = lines[k]
        if op < 0.5 and ":" in line:
            key = line.split(":", 1)[0]
            lines[k] = f"{key}: {rnd.choice(YAML_NASTY)}"
        elif op < 0.6:
            del lines[k]
        elif op < 0.7:
            lines.insert(k, line)
        elif op < 0.85 and ":" in line:
            # An anchor here and an alias there.
            key, value = line.split(":", 1)
            if value.strip():
                lines[k] = f"{key}: &z {value.strip()}"
                j = rnd.randrange(len(lines))
                if ":" in lines[j] and j != k:
                    lines[j] = lines[j].split(":", 1)[0] + ": *z"
        else:
            tokens = re.split(r"(\W)", line)
            if tokens:
                tokens[rnd.randrange(len(tokens))] = rnd.choice(["1e999999999", "-1", "\t", "'", "{", "[", "*a"])
                lines[k] = "".join(tokens)
    return "\n".join(lines)


def _rows(folder):
    return read_population(EXAMPLES / folder / "data.csv")


ROWS = {folder.name: _rows(folder.name) for folder in FOLDERS}


def test_fuzz_scheme_documents():
    def check(name, rnd, as_text):
        RAN["scheme"] += 1
        text, data = DOCS[name]
        rows = [dict(r) for r in ROWS[name]]
        if as_text:
            through_everything(text=_mutate_text(text, rnd), rows=rows, ledger=rnd.random() < 0.2)
        else:
            through_everything(data=_mutate_data(data, rnd), rows=rows, ledger=rnd.random() < 0.2)

    run_budget("scheme", check, st.sampled_from(sorted(DOCS)), st.randoms(use_true_random=False), st.booleans())


# -- (c) mutated data files and cells ----------------------------------------------------

CELL_NASTY = [
    "1e999999999",
    "1e400",
    "-1e400",
    "1e-999999999",
    "-1",
    "1.5",
    "NaN",
    "sNaN",
    "inf",
    "-Infinity",
    "",
    "  ",
    "１２",
    "9" * 5000,
    "0x10",
    "1,000",
    "5%",
    "1e999999%",
    "1;2;-3",
    ";".join(["1"] * 2000),
    "\ud800",
    "\x00",
    "2026-13-45",
    "0000-01-01",
    10**5000,
    -(10**20),
    float("nan"),
    float("inf"),
    1e308,
    Decimal("sNaN"),
    Decimal("1e999999999"),
    True,
    None,
    [1, 2],
    {"a": 1},
    b"1",
]
PERIODS = [None, "2026-04", "0000-01", "2026-13", "2026-Q5", 202604, "", "9999-12", "2026-04-30..2026-04-01"]


def _mutate_rows(rows, rnd):
    rows = [dict(r) for r in rows]
    for _ in range(rnd.randint(1, 4)):
        if not any(isinstance(r, dict) for r in rows):
            break
        row = rnd.choice([r for r in rows if isinstance(r, dict)])
        op = rnd.random()
        if op < 0.7 and row:
            row[rnd.choice(sorted(row))] = rnd.choice(CELL_NASTY)
        elif op < 0.8 and row:
            del row[rnd.choice(sorted(row))]
        elif op < 0.9:
            rows.append(dict(row))
        else:
            # By identity: == on rows holding a signalling NaN raises InvalidOperation.
            rows[next(i for i, r in enumerate(rows) if r is row)] = rnd.choice([[1, 2], "row", None, 7])
    return rows


def _text(value):
    # str() of an integer over 4,300 digits raises: such a cell is written as its digits.
    if isinstance(value, int) and value.bit_length() > 10_000:
        return "9" * 5000
    return str(value)


def _plain(value):
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return (
        value
        if isinstance(value, str | bool | float | None) or (isinstance(value, int) and value.bit_length() < 10_000)
        else _text(value)
    )


def _csv_text(rows, rnd):
    header = sorted({k for r in rows if isinstance(r, dict) for k in r})
    out = io.StringIO()
    out.write(",".join(header) + "\n")
    for r in rows:
        if isinstance(r, dict):
            out.write(",".join(_text(r.get(k, "")).replace(",", ";") for k in header) + "\n")
    text = out.getvalue()
    if rnd.random() < 0.3:
        k = rnd.randrange(len(text) + 1)
        text = text[:k] + rnd.choice(['"', "\x00", ",,,", "\n\n", "x" * 200_000, "\ufeff"]) + text[k:]
    return text


def test_fuzz_data():
    plans = {}
    for name in sorted(DOCS):
        scheme = pr.scheme_from_text(DOCS[name][0]).scheme
        plans[name] = (scheme, pr.compile_scheme(scheme))

    def check(name, rnd, period):
        RAN["data"] += 1
        scheme, plan = plans[name]
        rows = _mutate_rows(ROWS[name], rnd)
        if rnd.random() < 0.8:
            results = only_project_errors(pr.score, plan, rows, period=period, trace=True)
            if results is not None:
                for r in results.results[:2]:
                    trace = only_project_errors(pr.explain, plan, r)
                    if trace is not None:
                        only_project_errors(pr.render_text, trace)
                publish_twice(results, scheme)
            row = next((r for r in rows if isinstance(r, dict)), {})
            only_project_errors(pr.evaluate, plan, row, employee=_text(row.get("employee_id", "e")), period=period)
            return
        # Through a file and the command line: exit codes 0, 1 or 2 only, nothing else escapes.
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / ("data.json" if rnd.random() < 0.3 else "data.csv")
            if data.suffix == ".json":
                data.write_text(
                    json.dumps(_plain(rows), default=str) if rnd.random() < 0.8 else "[" * 5000, encoding="utf-8"
                )
            else:
                data.write_text(_csv_text(rows, rnd), encoding="utf-8", errors="surrogatepass")
            args = ["score", str(EXAMPLES / name / "scheme.yaml"), str(data), "--out", str(Path(tmp) / "out.csv")]
            if isinstance(period, str) and period:
                args += ["--period", period]
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                try:
                    code = cli(args)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 2
            assert code in (0, 1, 2), code

    run_budget(
        "data", check, st.sampled_from(sorted(DOCS)), st.randoms(use_true_random=False), st.sampled_from(PERIODS)
    )


@pytest.mark.parametrize("seed", range(3))
def test_mutators_do_change_their_input(seed):
    # The fuzzers are worth something only if the mutations reach the engine.
    rnd = random.Random(seed)
    text, data = DOCS["seed001"]
    assert _mutate_text(text, rnd) != text or _mutate_data(data, rnd) != data
