"""The hand-written baselines of benchmarks/hand write the bytes perfrules writes, on a small population."""

import subprocess
import sys

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
    assert b"approval_required" in ours.read_bytes() and b"first_place" in ours.read_bytes()
