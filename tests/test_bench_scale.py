"""The scale benchmark's data and hand-written polars baseline agree with perfrules (a few hundred rows)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._cli.main import main

pytest.importorskip("polars")
BENCH = Path(__file__).parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_scale  # noqa: E402


def test_hand_written_polars_kpi_writes_perfrules_file(tmp_path):
    data, out = tmp_path / "kpi.csv", tmp_path / "hand.csv"
    bench_scale._kpi(data, 400)
    subprocess.run([sys.executable, str(BENCH / "hand" / "polars_kpi.py"), str(data), str(out)], check=True)
    # What the command line writes: amounts over an approval threshold held (merit over 5 points).
    scheme = str(bench_scale.EXAMPLES / "seed003-kpi" / "scheme.yaml")
    args = ["score", scheme, str(data), "--period", "2026-04", "--no-history", "--out", str(tmp_path / "pr.csv")]
    assert main(args) == 0
    assert out.read_bytes() == (tmp_path / "pr.csv").read_bytes()
    assert b"approval_held" in out.read_bytes()


def test_team_data_is_scored_alike_by_both_engines(tmp_path):
    data = tmp_path / "team.csv"
    bench_scale._team(data, 200)
    plan = pr.compile_scheme(pr.load_scheme(bench_scale.EXAMPLES / "seed000-team" / "scheme.yaml"))
    rows = read_population(data)
    row = pr.score(plan, rows, period="2026-04", no_history=True)
    col = pr.score(plan, rows, period="2026-04", no_history=True, engine="columnar")
    assert [r.to_dict() for r in row] == [r.to_dict() for r in col]
    assert any(r.flags for r in row)  # team tops and averages are exercised


def test_help_prints_what_the_benchmark_runs():
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench_scale.py"), "--help"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("Scale: the row engine") and "--only" in done.stdout
