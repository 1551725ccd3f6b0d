"""The hand-written baselines of benchmarks/hand write the bytes perfrules writes, on a small population."""

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from perfrules._cli.main import main
from tests.adapters.test_streamed import KPI, _kpi_rows
from tests.conftest import EXAMPLES

HAND = EXAMPLES.parent / "benchmarks" / "hand"


def test_decimal_kpi_writes_what_perfrules_writes(tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text("\n".join(_kpi_rows(200, seed=11)) + "\n", encoding="utf-8")
    ours, hand = tmp_path / "perfrules.csv", tmp_path / "hand.csv"
    assert main(["score", str(KPI), str(data), "--period", "2026-04", "--no-history", "--out", str(ours)]) == 0
    capsys.readouterr()
    done = subprocess.run(
        [sys.executable, str(HAND / "decimal_kpi.py"), str(data), str(hand)], capture_output=True, check=True
    )
    assert done.stdout == b""
    assert hand.read_bytes() == ours.read_bytes()
    assert b"approval_held" in ours.read_bytes() and b"first_place" in ours.read_bytes()


def _team_rows(n, seed=5):
    rnd = random.Random(seed)
    lines = ["employee_id,name,team,hire_date,mentor,month_score,sales,perf_bonus,role,admin_score"]
    agents: list[str] = []
    for k in range(n):
        emp, team = f"E{k:05d}", f"t{k // 10}"
        if k % 10 == 0:
            agents = []
            hire = f"20{rnd.randint(15, 25)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"
            lines.append(f"{emp},s,{team},{hire},,0,0,,supervisor,{rnd.randint(40, 100)}")
            continue
        hire = rnd.choice(("2024-01-10", "2025-06-01", "2026-03-01", "2026-04-05", "2026-02-28"))
        mentor = rnd.choice(agents) if agents and hire >= "2026-02" else ""
        score = rnd.choice((f"{rnd.randint(30, 110)}", f"{rnd.randint(3000, 11000) / 100:.2f}", "95.0"))
        bonus = rnd.choice(("", "0", f"{rnd.randint(0, 5000)}", f"{rnd.randint(0, 500000) / 100:.2f}"))
        lines.append(f"{emp},a,{team},{hire},{mentor},{score},{rnd.randint(0, 900000)},{bonus},agent,")
        agents.append(emp)
    return lines


def _team_both_ways(tmp_path: Path, capsys: Any, lines: list[str], script: str) -> str:
    # The seed-000 team scheme scored by perfrules and by the hand-written script: the same bytes; the text.
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ours, hand = tmp_path / "perfrules.csv", tmp_path / "hand.csv"
    scheme = EXAMPLES / "seed000-team" / "scheme.yaml"
    assert main(["score", str(scheme), str(data), "--period", "2026-04", "--no-history", "--out", str(ours)]) == 0
    capsys.readouterr()
    done = subprocess.run([sys.executable, str(HAND / script), str(data), str(hand)], capture_output=True, check=True)
    assert done.stdout == b""
    assert hand.read_bytes() == ours.read_bytes()
    return ours.read_text(encoding="utf-8")


def test_decimal_team_writes_what_perfrules_writes(tmp_path, capsys):
    text = _team_both_ways(tmp_path, capsys, _team_rows(200), "decimal_team.py")
    assert "gold_agent" in text and "new_hire" in text and ",200.00," in text and ",400.00," in text


def test_polars_team_writes_what_perfrules_writes(tmp_path, capsys):
    pytest.importorskip("polars")
    # Besides the random teams: a team above the 102 cap, and a team of trainees only (no eligible member).
    extra = [
        "X1,s,hi,2020-01-01,,0,0,,supervisor,70",
        "X2,a,hi,2021-01-01,,110,5,100.01,agent,",
        "X3,a,hi,2021-01-01,,104.5,5,0.05,agent,",
        "Y1,s,new,2020-01-01,,0,0,0,supervisor,45",
        "Y2,a,new,2026-04-01,X2,99,1000,0.15,agent,",
    ]
    text = _team_both_ways(tmp_path, capsys, _team_rows(300, seed=9) + extra, "polars_team.py")
    assert "gold_agent" in text and "supervisor_under_60" in text and ",200.00," in text and ",400.00," in text
    assert "team_average_over_102" in text and ",1000.00," in text
