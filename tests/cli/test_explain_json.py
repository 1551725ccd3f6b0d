"""``explain --json --ledger`` carries the lines naming the period each history value came from."""

import json

from perfrules._cli import main
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "seed000-team"
MONTHS = ("2026-04", "2026-05", "2026-06")


def test_explain_json_with_the_ledger_has_history_lines(tmp_path, capsys):
    ledger = tmp_path / "l.db"
    for month in MONTHS:
        data = str(FOLDER / "months" / f"{month}.csv")
        assert 0 == main(["score", str(FOLDER / "scheme.yaml"), data, "--period", month, "--ledger", str(ledger)])
    july = str(FOLDER / "months" / "2026-07.csv")
    argv = ["explain", str(FOLDER / "scheme.yaml"), july, "--employee", "S2", "--period", "2026-07", "--json"]
    capsys.readouterr()
    assert 0 == main([*argv, "--ledger", str(ledger)])
    data = json.loads(capsys.readouterr().out)
    assert "S2" == data["employee"] and data["lines"]
    assert any("held in 2026-06, 2026-05, 2026-04" in line for line in data["history"])
