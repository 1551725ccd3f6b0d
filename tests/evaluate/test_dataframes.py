"""Rows from pandas and pyarrow: missing markers are empty cells, datetimes are dates, results go back as tables."""

import datetime as dt
import json
import pickle
import sys
from decimal import Decimal as D

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import perfrules as pr
from perfrules._cells import _pandas_texts, as_records, is_empty_cell
from tests.conftest import EXAMPLES, TARGET_SCHEME

PLAN = pr.compile_scheme(pr.load_scheme(EXAMPLES / "seed001" / "scheme.yaml"))
ROW = {
    "employee_id": "E1",
    "hire_date": dt.datetime(2024, 3, 1),
    "minor": 1,
    "moderate": 0,
    "severe": 0,
    "cover_shifts": 2,
    "extra_work": 0,
    "suggestions": 0,
    "trainer_adjust": 0,
    "dismissal_acts": 0,
}


def score(rows):
    return pr.score(PLAN, rows, period="2026-03", no_history=True)


@pytest.mark.parametrize("missing", [None, float("nan"), np.float64("nan"), pd.NA, pd.NaT, ""])
def test_missing_markers_are_empty_cells(missing):
    assert is_empty_cell(missing)
    # trainer_adjust has default 0: an empty cell takes it, whichever library wrote "empty".
    (result,) = score([{**ROW, "trainer_adjust": missing}])
    assert result.inputs["trainer_adjust"] == 0


@pytest.mark.parametrize("value", [0, D("NaN"), "0", "NaT", False])
def test_values_are_not_empty(value):
    assert not is_empty_cell(value)


@pytest.mark.parametrize("missing", [pd.NA, pd.NaT, np.float64("nan")])
def test_missing_without_default_is_named(missing):
    with pytest.raises(pr.InputError) as err:
        score([{**ROW, "minor": missing}])
    assert [(i.code, i.path) for i in err.value.issues] == [("missing-value", ("row 2", "minor"))]


def test_nullable_dataframe_columns():
    frame = pd.DataFrame([ROW, {**ROW, "employee_id": "E2", "trainer_adjust": None, "hire_date": None}])
    frame["trainer_adjust"] = frame["trainer_adjust"].astype("Int64")  # pd.NA, not NaN
    with pytest.raises(pr.InputError) as err:
        score(frame)  # hire date NaT: no date, said as such (not "'NaT' is not a date")
    assert [i.code for i in err.value.issues] == ["missing-date"]
    frame.loc[1, "hire_date"] = pd.Timestamp("2025-01-01")
    assert [r.inputs["trainer_adjust"] for r in score(frame)] == [0, 0]


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2024, 3, 1),
        dt.datetime(2024, 3, 1),
        dt.datetime(2024, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc),
        pd.Timestamp("2024-03-01", tz="Asia/Shanghai"),
        "2024-03-01T00:00:00+08:00",
        "2024-03-01 00:00:00Z",
    ],
)
def test_datetimes_are_dates(day):
    (result,) = score([{**ROW, "hire_date": day}])
    assert result.values["tenure_months"] == 25  # March 2024 to March 2026, both months counted


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (dt.datetime(2024, 3, 1, 9, 30), "has a time of day"),
        (dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone.utc), "has a time of day"),
        ("2024-03-01T08:00:00+08:00", "has a time of day"),
    ],
)
def test_a_time_of_day_is_refused(day, said):
    with pytest.raises(pr.InputError) as err:
        score([{**ROW, "hire_date": day}])
    assert err.value.issues[0].code == "bad-date" and said in err.value.issues[0].message


def test_parse_date_names_the_zone():
    from perfrules._plugins import parse_date

    with pytest.raises(ValueError, match="the day depends on the zone"):
        parse_date(dt.datetime(2024, 3, 1, 23, tzinfo=dt.timezone.utc))


@pytest.fixture(scope="module")
def results():
    rows = [{**ROW, "employee_id": f"E{k}", "minor": k, "trainer_adjust": 0} for k in range(1, 4)]
    return score(rows)


def test_to_pandas(results):
    frame = results.to_pandas()
    assert list(frame["employee_id"]) == ["E1", "E2", "E3"]
    assert list(frame.columns[:4]) == ["employee_id", "period", "score", "grade"]
    assert {"minor", "pay_swing", "flags"} <= set(frame.columns)
    assert list(frame["pay_swing"]) == [r.payouts["pay_swing"] for r in results]
    assert all(type(x) is D for x in frame["pay_swing"])  # exact, not float


def test_to_arrow(results):
    table = results.to_arrow()
    assert table.num_rows == 3
    assert table.schema.field("pay_swing").type == pa.decimal128(38, 2)
    assert table.schema.field("flags").type == pa.list_(pa.string())
    assert table.column("pay_swing").to_pylist() == [r.payouts["pay_swing"] for r in results]
    assert table.column("score").to_pylist() == [r.score for r in results]


def test_empty_results_have_the_fixed_columns():
    empty = pr.Results("s", "sha256:x", None, ())
    assert list(empty.to_pandas().columns) == ["employee_id", "period", "score", "grade", "flags"]
    assert empty.to_arrow().num_rows == 0


def test_json_ready_form(results):
    data = json.loads(json.dumps(results.to_dict()))
    assert data["results"][0]["payouts"]["pay_swing"] == str(results.results[0].payouts["pay_swing"])
    assert json.dumps(results.results[0].to_dict())


def test_results_still_pickle(results):
    assert pickle.loads(pickle.dumps(results)) == results


def test_missing_library_is_an_output_error(results, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    for method, extra in ((results.to_pandas, "pandas"), (results.to_arrow, "arrow")):
        with pytest.raises(pr.OutputError) as err:
            method()
        (issue,) = err.value.issues
        assert issue.code == "missing-extra" and f"perfrules[{extra}]" in issue.hint


@pytest.mark.parametrize("dtype", ["str", "string", pd.StringDtype("python"), object])
def test_text_frames_read_column_by_column_give_the_records_of_to_dict(dtype):
    # Text columns take a column-wise path (a Dask partition is one): the very dicts to_dict gives,
    # missing texts included (NaN or None, as the dtype has them), and the same keys.
    frame = pd.DataFrame({"employee_id": ["E1", "E2", None], 7: ["1", None, ""]}, dtype=dtype)
    got, want = as_records(frame), frame.to_dict("records")
    assert (_pandas_texts(frame) is None) == (dtype is object)  # the column-wise path is taken for texts
    assert repr(got) == repr(want)
    assert [[type(v) for v in r.values()] for r in got] == [[type(v) for v in r.values()] for r in want]
    assert as_records(frame.iloc[:0]) == [] and as_records(pd.DataFrame(index=range(2))) == [{}, {}]
    mixed = frame.assign(n=[1, 2, 3])  # not all text: left to to_dict
    assert repr(as_records(mixed)) == repr(mixed.to_dict("records"))


TINY = TARGET_SCHEME


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["0.000000000001", "65"], pa.decimal128),  # 33 places of hit.points below 1: 38 digits hold them
        (["1234567890123456", "0.0000000000000000000000001"], pa.decimal256),  # 16 whole digits and 25 places
    ],
)
def test_tables_carry_the_csv_columns_and_exact_types(tmp_path, values, kind):
    from perfrules._adapters import render_results

    plan = pr.compile_scheme(pr.scheme_from_text(TINY, fmt="yaml").scheme)
    rows = [
        {"employee_id": "A", "sales": "-0", "target": "3599", "v": values[0]},
        {"employee_id": "B", "sales": "0.001", "target": "93754.44", "v": values[1]},
    ]
    results = pr.score(plan, rows, period="2026-04")
    header, *lines = render_results(results, tmp_path / "r.csv").decode().splitlines()
    table, frame = results.to_arrow(), results.to_pandas()
    assert header == "employee_id,period,score,grade,hit,hit.points,flags"
    assert table.column_names == header.split(",") == list(frame.columns)
    for k, line in enumerate(lines):
        for name, cell in zip(header.split(","), line.split(","), strict=True):
            if name in ("hit", "hit.points", "score"):
                # Exact: the same number as the CSV's text, in the table and in the frame.
                assert table.column(name)[k].as_py() == D(cell) == frame[name][k], (name, cell)
    assert table.schema.field("hit.points").type == pa.decimal128(38, 33)
    assert isinstance(
        table.schema.field("score").type, pa.Decimal256Type if kind is pa.decimal256 else pa.Decimal128Type
    )
    assert table.schema.field("score").type.precision == (76 if kind is pa.decimal256 else 38)


@pytest.mark.parametrize("engine", ["row", "columnar"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "Float64"])
def test_a_pandas_float_column_is_refused_as_a_parquet_one_is(engine, dtype):
    # pandas.read_csv's default reads number columns as floats: 0.1 is then a guess, not the 0.1 written.
    frame = pd.DataFrame([ROW, {**ROW, "employee_id": "E2", "trainer_adjust": 0.1}])
    frame["trainer_adjust"] = frame["trainer_adjust"].astype(dtype)
    frame["extra_work"] = frame["extra_work"].astype(dtype)
    with pytest.raises(pr.InputError) as err:
        pr.score(PLAN, frame, period="2026-03", no_history=True, engine=engine)
    issues = err.value.issues
    assert [(i.code, i.path, i.source) for i in issues] == [
        ("float-column", ("extra_work",), "the DataFrame"),
        ("float-column", ("trainer_adjust",), "the DataFrame"),
    ]
    assert "floating-point" in issues[0].message and "dtype=str" in issues[0].hint and "decimal" in issues[0].hint
    # Read as text, the same numbers score (0.1 as written: it needs its reason).
    frame["trainer_reason"] = "cover"
    assert [r.inputs["trainer_adjust"] for r in score(frame.astype(str))][1] == D("0.1")


def test_a_pyarrow_float_column_is_refused():
    table = pa.Table.from_pylist([{**ROW, "trainer_adjust": 0.5}])
    with pytest.raises(pr.InputError) as err:
        score(table)
    assert [(i.code, i.path) for i in err.value.issues] == [("float-column", ("trainer_adjust",))]


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_a_pandas_category_column_reads_as_its_text_unless_it_holds_floats(engine):
    frame = pd.DataFrame([ROW, {**ROW, "employee_id": "E2", "minor": 2}]).astype({"minor": str})
    want = [r.inputs["minor"] for r in score(frame)]
    got = pr.score(PLAN, frame.astype({"minor": "category"}), period="2026-03", no_history=True, engine=engine)
    assert [r.inputs["minor"] for r in got] == want == [D(1), D(2)]
    with pytest.raises(pr.InputError) as err:
        pr.score(PLAN, frame.astype({"minor": float}).astype({"minor": "category"}), period="2026-03", engine=engine)
    assert [(i.code, i.path) for i in err.value.issues] == [("float-column", ("minor",))]
