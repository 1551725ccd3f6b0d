"""A Dask DataFrame scored on a local cluster of two worker processes equals the whole population scored at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import perfrules as pr
from perfrules._adapters import result_rows
from tests.conftest import ONE_STAGE_HOLDS

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

ROOT = Path(__file__).parents[2]
TEAMS = ROOT / "tests" / "evaluate" / "fixtures" / "split-teams.yaml"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def frame(rows: list[dict[str, str]], parts: int = 4) -> Any:
    return dd.from_pandas(pd.DataFrame(rows, dtype=object), npartitions=parts, sort=False)


def read(path: Path) -> list[dict[str, str]]:
    return pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")


def whole(plan: pr.Plan, rows: list[dict[str, str]], **options: Any) -> list[dict[str, str]]:
    return list(result_rows(pr.score(plan, rows, **options)))


def dask_rows(plan: pr.Plan, ddf: Any, **options: Any) -> list[dict[str, str]]:
    out = pr.score_dask(plan, ddf, unheld=True, **options).compute()  # compared with score(), which holds nothing
    assert list(out.columns) == list(whole_columns(plan, options))
    return sorted(out.to_dict("records"), key=lambda r: r["employee_id"])


def whole_columns(plan: pr.Plan, options: dict[str, Any]) -> list[str]:
    from perfrules._adapters import result_columns

    return result_columns(plan)


@pytest.mark.parametrize(
    ("name", "period", "engine"),
    [
        ("seed003-kpi", "2026-04", "row"),  # all_max, all_min: one pass for them, then the scoring pass
        ("seed003-kpi", "2026-04", "columnar"),
        ("seed003-quarter", "2026-Q2", "row"),  # all_top and a forced distribution over everyone
        ("seed001", "2026-04", "row"),
        ("seed003-gs", "2026-04", "columnar"),
    ],
)
def test_examples_on_two_workers_equal_one_process(client: Any, name: str, period: str, engine: str) -> None:
    plan = pr.compile_scheme(pr.load_scheme(ROOT / "examples" / name / "scheme.yaml"))
    rows = read(ROOT / "examples" / name / "data.csv")
    options = {"period": period, "history": pr.RecordedHistory()}
    expected = whole(plan, rows, **options)
    assert dask_rows(plan, frame(rows), engine=engine, **options) == expected


def test_teams_partitioned_by_team_on_two_workers(client: Any) -> None:
    from tests.evaluate.test_split import population

    plan = pr.compile_scheme(pr.load_scheme(TEAMS))
    rows = population(400, 7)
    expected = whole(plan, rows)
    assert any(r["grade"] for r in expected)
    by_team = dd.from_pandas(pd.DataFrame(rows, dtype=object).set_index("team", drop=False), npartitions=4)
    assert by_team.npartitions > 1
    assert dask_rows(plan, by_team.reset_index(drop=True)) == expected
    assert dask_rows(plan, frame(rows, 4)) == expected  # or any other way
    # The columnar engine reads each row's team value, rank, share and top from the whole's shares.
    assert dask_rows(plan, frame(rows, 4), engine="columnar") == expected


def test_an_empty_partition_is_skipped(client: Any) -> None:
    plan = pr.compile_scheme(pr.load_scheme(TEAMS))
    from tests.evaluate.test_split import population

    rows = population(40, 3)
    ddf = frame(rows, 4)
    filtered = ddf[ddf["employee_id"] > "E5"]  # some partitions may be left empty
    kept = [r for r in rows if r["employee_id"] > "E5"]
    empty = pd.DataFrame(columns=list(rows[0]), dtype=object)
    with_empty = dd.concat([filtered, dd.from_pandas(empty, npartitions=1)])
    assert dask_rows(plan, with_empty) == whole(plan, kept)


def test_an_employee_in_two_partitions_is_refused(client: Any) -> None:
    plan = pr.compile_scheme(pr.load_scheme(ROOT / "examples" / "seed003-gs" / "scheme.yaml"))
    rows = read(ROOT / "examples" / "seed003-gs" / "data.csv")
    twice = dd.concat([frame(rows, 2), frame(rows[:1], 1)])
    with pytest.raises(pr.InputError, match="more than one partition") as err:
        pr.score_dask(plan, twice, period="2026-04").compute()
    assert err.value.issues[0].code == "duplicate-employee"


def test_what_cannot_be_split_is_refused_before_scoring(client: Any) -> None:
    plan = pr.compile_scheme(pr.load_scheme(ROOT / "examples" / "seed000-team" / "scheme.yaml"))
    rows = read(ROOT / "examples" / "seed000-team" / "data.csv")
    with pytest.raises(pr.CompileError) as err:
        pr.score_dask(plan, frame(rows), period="2026-04", no_history=True)
    assert {i.code for i in err.value.issues} == {"split-unsupported"}


def test_a_float_column_is_refused_before_any_task_runs(client: Any) -> None:
    # dd.read_csv's default reads number columns as floats: refused as score() refuses a pandas one.
    plan = pr.compile_scheme(pr.load_scheme(ROOT / "examples" / "seed003-gs" / "scheme.yaml"))
    floats = pd.DataFrame(read(ROOT / "examples" / "seed003-gs" / "data.csv"))
    floats["workload"] = floats["workload"].astype("float64")
    named = ["workload"]
    for engine in ("row", "columnar"):
        with pytest.raises(pr.InputError) as err:
            pr.score_dask(plan, dd.from_pandas(floats, npartitions=2), period="2026-04", engine=engine)
        assert [(i.code, i.path[0], i.source) for i in err.value.issues] == [
            ("float-column", name, "the Dask DataFrame") for name in named
        ]
        assert "dtype=str" in str(err.value.issues[0].hint)


def test_a_bad_cell_is_reported_with_its_partition(client: Any) -> None:
    plan = pr.compile_scheme(pr.load_scheme(ROOT / "examples" / "seed003-kpi" / "scheme.yaml"))
    rows = read(ROOT / "examples" / "seed003-kpi" / "data.csv")
    rows[-1]["buyers"] = "many"
    with pytest.raises(pr.InputError) as err:
        pr.score_dask(plan, frame(rows), period="2026-04", history=pr.RecordedHistory(), unheld=True)
    assert err.value.issues[0].source is not None and err.value.issues[0].source.startswith("partition ")


def test_a_sweep_on_the_cluster_equals_one_process(client: Any) -> None:
    old = pr.load_scheme(ROOT / "examples" / "seed003-kpi" / "scheme.yaml")
    new = pr.load_scheme(ROOT / "tests" / "analysis" / "fixtures" / "kpi-v2.yaml")
    months = sorted((ROOT / "examples" / "seed003-kpi" / "months").glob("*.csv"))
    batches = [(m.stem, read(m)) for m in months]
    here = pr.sweep(old, {"v2": new}, batches, no_history=True)
    there = pr.sweep(old, {"v2": new}, batches, no_history=True, dask=True)
    assert (there.totals, there.changes, there.engines) == (here.totals, here.changes, here.engines)
    assert there.change("v2") == 225


def test_a_history_source_the_workers_cannot_receive_is_refused(client: Any, tmp_path: Path) -> None:
    plan = pr.compile_scheme(pr.load_scheme(ROOT / "examples" / "seed003-kpi" / "scheme.yaml"))
    rows = read(ROOT / "examples" / "seed003-kpi" / "data.csv")
    with pr.Ledger(tmp_path / "results.db") as book:
        with pytest.raises(pr.InputError) as err:
            pr.score_dask(plan, frame(rows), period="2026-04", history=book, unheld=True)
        assert err.value.issues[0].code == "history-not-portable"
        with pytest.raises(pr.InputError, match="cannot be sent to the workers"):
            pr.sweep(plan, {"same": plan}, [("2026-04", rows)], history=book, dask=True)


def _csv(ddf: Any) -> bytes:
    # The Dask result as one CSV file, as `perfrules score --out` writes one.
    return ddf.compute().to_csv(index=False, lineterminator="\n").encode("utf-8")


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_the_kpi_example_holds_merit_as_the_command_line_does(client: Any, tmp_path: Path, engine: str) -> None:
    # The command line holds merit over 5 points (W2), and so does score_dask: byte for byte the same file.
    from perfrules._cli.main import main

    scheme, data = ROOT / "examples" / "seed003-kpi" / "scheme.yaml", ROOT / "examples" / "seed003-kpi" / "data.csv"
    out = tmp_path / "x.csv"
    assert main(["score", str(scheme), str(data), "--period", "2026-04", "--no-history", "--out", str(out)]) == 0
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    got = _csv(pr.score_dask(plan, frame(read(data), 3), period="2026-04", no_history=True, engine=engine))
    assert b"approval_held" in got
    assert got == out.read_bytes()


def test_many_holds_over_partitions_equal_the_command_lines(client: Any, tmp_path: Path) -> None:
    # Holding merit brings second_look to life (a fixpoint per employee); all_max(score) sees the held scores.
    from perfrules._adapters import read_population, render_results, score_held
    from tests.adapters.test_streamed import _kpi_rows
    from tests.adapters.test_streamed_holds import SECOND_LOOK, _plan

    plan = _plan(tmp_path, SECOND_LOOK)
    data = tmp_path / "data.csv"
    data.write_text("\n".join(_kpi_rows(300, seed=11)) + "\n", encoding="utf-8")
    _, results = score_held(plan, read_population(data), {}, period="2026-04", no_history=True)
    assert sum(1 for r in results if r.held) > 100
    assert any(len(r.held) == 2 for r in results)
    got = _csv(pr.score_dask(plan, frame(read(data), 4), period="2026-04", no_history=True))
    assert got == render_results(results, "x.csv")


def test_a_one_stage_scheme_holds_on_the_cluster(client: Any, tmp_path: Path) -> None:
    from perfrules._adapters import render_results, score_held

    scheme = tmp_path / "one.yaml"
    scheme.write_text(ONE_STAGE_HOLDS, encoding="utf-8")
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    assert len(plan.stages) == 1
    rows = [
        {"employee_id": f"E{k:03d}", "discipline": ("", "2", "20", "2;20", "10")[k % 5], "shifts": str(k % 3)}
        for k in range(40)
    ]
    _, results = score_held(plan, rows, {})
    assert {tuple(h.adjustment for h in r.held) for r in results} >= {("discipline_ded",), ("cover",)}
    assert _csv(pr.score_dask(plan, frame(rows, 3))) == render_results(results, "x.csv")


def test_an_approval_on_population_values_is_refused_unless_unheld(client: Any, tmp_path: Path) -> None:
    # Whether best_tasks is held depends on all_max: no partition can tell alone, and nothing is paid in silence.
    from tests.adapters.test_streamed import _kpi_rows
    from tests.adapters.test_streamed_holds import SECOND_LOOK, _plan

    extra = SECOND_LOOK.replace("second_look", "best_tasks").replace(
        "merit == 0", "tasks_rating == all_max(tasks_rating)"
    )
    plan = _plan(tmp_path, extra)
    data = tmp_path / "data.csv"
    data.write_text("\n".join(_kpi_rows(30)) + "\n", encoding="utf-8")
    with pytest.raises(pr.CompileError) as err:
        pr.score_dask(plan, frame(read(data)), period="2026-04", no_history=True)
    assert [i.code for i in err.value.issues] == ["approval-unheld"]
    flagged = pr.score_dask(plan, frame(read(data)), period="2026-04", no_history=True, unheld=True).compute()
    assert flagged["flags"].str.contains("approval_required").any()
    assert not flagged["flags"].str.contains("approval_held").any()


def test_each_partition_works_its_holds_out_once_and_is_scored_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The first pass hands each partition's holds back; the scoring pass reuses them (no cluster:
    # the synchronous scheduler runs every task here, so the count is seen).  Rows that changed are held again.
    import dask

    from perfrules._adapters import partitions, read_population, render_results, score_held
    from perfrules._evaluate import held_plan, part_holds, splitholds
    from tests.adapters.test_streamed import _kpi_rows
    from tests.adapters.test_streamed_holds import SECOND_LOOK, _plan

    plan = _plan(tmp_path, SECOND_LOOK)
    data = tmp_path / "data.csv"
    data.write_text("\n".join(_kpi_rows(120, seed=5)) + "\n", encoding="utf-8")
    _, results = score_held(plan, read_population(data), {}, period="2026-04", no_history=True)
    calls: list[int] = []
    worked_out = splitholds._holds_of

    def counted(*args: Any) -> Any:
        calls.append(len(args[2]))
        return worked_out(*args)

    monkeypatch.setattr(splitholds, "_holds_of", counted)
    scored: list[int] = []
    scoring = partitions._scored

    def scored_once(*args: Any) -> Any:
        scored.append(len(args[1]))
        return scoring(*args)

    monkeypatch.setattr(partitions, "_scored", scored_once)
    out = tmp_path / "out.csv"
    with dask.config.set(scheduler="synchronous"):  # written as bench_dask.py writes it
        scored_frame = pr.score_dask(plan, frame(read(data), 4), period="2026-04", no_history=True)
        scored_frame.to_csv(out, single_file=True, index=False, lineterminator="\n")
    assert out.read_bytes() == render_results(results, "x.csv")
    assert sorted(calls) == [30, 30, 30, 30]  # once per partition, not once per pass
    assert sorted(scored) == [30, 30, 30, 30]  # the check of ids reads the rows written: scored once
    gated, holds = held_plan(plan)
    rows = read(data)
    options = {"period": "2026-04", "no_history": True}
    first, held = part_holds(gated, holds, rows[:60], **options)
    again, same = part_holds(gated, holds, rows[:60], held, **options)
    assert (again, same) == (first, held) and len(calls) == 5
    fewer, other = part_holds(gated, holds, rows[:59], held, **options)  # another part: worked out again
    assert len(calls) == 6 and other.rows == 59 and fewer == first[:59]
