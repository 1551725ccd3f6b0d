"""
Every optional import, with its package missing, is refused with the project's error and a hint naming
the extra that installs it (``pip install 'perfrules[xlsx]'``), and that extra does install it.
"""

import re
import sys

import pytest
import tomllib

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._cli import main
from tests.conftest import ROOT

SCHEME = """
name: extras
metrics: {sales: {type: money, min: 0, max: 1000}}
payouts:
  pay: {formula: "sales / 10"}
checks:
  - "pay <= sales"
"""
ROWS = [{"employee_id": "E1", "sales": "100"}, {"employee_id": "E2", "sales": "200"}]
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]


@pytest.fixture
def plan():
    return pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)


@pytest.fixture
def files(tmp_path, plan):
    scheme, data = tmp_path / "s.yaml", tmp_path / "d.csv"
    scheme.write_text(SCHEME, encoding="utf-8")
    data.write_text("employee_id,sales\nE1,100\nE2,200\n", encoding="utf-8")
    return tmp_path


def _cli(*argv):
    def run(tmp, made, capsys):
        assert 0 != main([a.format(tmp=tmp) for a in argv])
        return capsys.readouterr().err

    return run


def _api(call):
    def run(tmp, made, capsys):
        with pytest.raises(pr.PerfrulesError) as err:
            call(tmp, made)
        return "\n".join(i.render() for i in err.value.issues)

    return run


def _raises(call, kind):
    def run(tmp, made, capsys):
        with pytest.raises(kind) as err:
            call(tmp, made)
        return str(err.value)

    return run


def _plan(tmp):
    return pr.compile_scheme(pr.load_scheme(tmp / "s.yaml"))


def _dask_frame(tmp):
    # Made before dask is hidden: score_dask is asked to score a frame a caller already holds.
    pytest.importorskip("dask.dataframe")
    import dask.dataframe as dd
    import pandas as pd

    return dd.from_pandas(pd.DataFrame(ROWS, dtype=object), npartitions=1)


def _xlsx(tmp):
    pytest.importorskip("openpyxl")
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["employee_id", "sales"])
    wb.active.append(["E1", 100])
    wb.save(tmp / "d.xlsx")


def _parquet(tmp):
    pl = pytest.importorskip("polars")
    pl.DataFrame({"employee_id": ["E1"], "sales": ["100"]}).write_parquet(tmp / "d.parquet")


# (the package hidden, the extra its hint must name, what is prepared while it is installed, the use of it)
CASES = {
    "columnar engine": ("polars", "columnar", None, _api(lambda t, m: pr.score(_plan(t), ROWS, engine="columnar"))),
    "columnar CLI": (
        "polars",
        "columnar",
        None,
        _cli(
            "score",
            "{tmp}/s.yaml",
            "{tmp}/d.csv",
            "--period",
            "2026-04",
            "--engine",
            "columnar",
            "--out",
            "{tmp}/r.csv",
        ),
    ),
    "Parquet in": ("polars", "columnar", _parquet, _api(lambda t, m: read_population(t / "d.parquet"))),
    "Parquet out": (
        "polars",
        "columnar",
        None,
        _cli("score", "{tmp}/s.yaml", "{tmp}/d.csv", "--period", "2026-04", "--out", "{tmp}/r.parquet"),
    ),
    "sweep": (
        "polars",
        "columnar",
        None,
        _api(lambda t, m: pr.sweep(_plan(t), {"v": _plan(t)}, [(None, ROWS)], engine="columnar")),
    ),
    "DataFrame": ("pandas", "pandas", None, _api(lambda t, m: pr.score(_plan(t), ROWS).to_pandas())),
    "Arrow table": ("pyarrow", "arrow", None, _api(lambda t, m: pr.score(_plan(t), ROWS).to_arrow())),
    "workbook in": ("python_calamine", "xlsx", _xlsx, _api(lambda t, m: read_population(t / "d.xlsx"))),
    "workbook out": (
        "openpyxl",
        "xlsx",
        None,
        _cli("score", "{tmp}/s.yaml", "{tmp}/d.csv", "--period", "2026-04", "--out", "{tmp}/r.xlsx"),
    ),
    "score_dask": ("dask", "dask", _dask_frame, _api(lambda t, m: pr.score_dask(_plan(t), m))),
    "sweep on dask": (
        "dask",
        "dask",
        None,
        _api(lambda t, m: pr.sweep(_plan(t), {"v": _plan(t)}, [(None, ROWS)], dask=True)),
    ),
    "check search": (
        "hypothesis",
        "check",
        None,
        _raises(lambda t, m: pr.check_scheme(pr.load_scheme(t / "s.yaml"), examples=5), ImportError),
    ),
    "check CLI": ("hypothesis", "check", None, _cli("check", "{tmp}/s.yaml")),
}
# The distribution each hidden package comes from, as the extras name it.
DISTRIBUTIONS = {"python_calamine": "python-calamine", "dask": "dask[dataframe]"}


@pytest.mark.parametrize("case", list(CASES))
def test_a_missing_extra_is_named(case, files, monkeypatch, capsys):
    package, extra, prepare, use = CASES[case]
    made = prepare(files) if prepare is not None else None  # while the package is there
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, package, None)  # import package now raises ImportError
    said = use(files, made, capsys)
    assert f"pip install 'perfrules[{extra}]'" in said, said
    wanted = DISTRIBUTIONS.get(package, package)
    assert any(d.split(">")[0].split("<")[0].split("=")[0].strip() == wanted for d in EXTRAS[extra]), EXTRAS[extra]


def test_every_optional_import_has_a_case():
    # Every package perfrules imports beyond its dependencies is hidden by one case above.
    optional = {"polars", "pandas", "pyarrow", "python_calamine", "openpyxl", "dask", "hypothesis"}
    # Statements (not prose that starts a line with "from"), import_module("x") and export's _need("x", ...).
    imported = re.compile(r'^\s*import (\w+)|^\s*from (\w+)[\w.]* import |(?:import_module|_need)\("(\w+)', re.M)
    found = set()
    for path in (ROOT / "src" / "perfrules").rglob("*.py"):
        found |= {"".join(names) for names in imported.findall(path.read_text(encoding="utf-8"))}
    required = {"attrs", "yaml", "tomli", "perfrules", "__future__"}
    assert {n for n in found - required if n not in sys.stdlib_module_names} == optional
    assert optional == {c[0] for c in CASES.values()}
