"""The command line as a terminal user and a script see it: version, JSON, exit codes, places, colour, progress."""

import io
import json
import os
import pty
import re
import signal
import subprocess
import sys
import time

import pytest

import perfrules as pr
from perfrules._cli import main
from perfrules._cli.progress import Progress, progress
from tests.conftest import ROOT

SCHEME = "name: n\nmetrics: {sales: money}\npayouts: {pay: {formula: sales}}\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "s.yaml").write_text(SCHEME)
    (tmp_path / "d.csv").write_text("employee_id,sales\nE1,5\nE2,7.5\n")
    return tmp_path


def score_args(files, *more, data="d.csv"):
    return ["score", str(files / "s.yaml"), str(files / data), "--period", "2026-04", *more]


def test_version(capsys):
    with pytest.raises(SystemExit) as err:
        main(["--version"])
    assert (0, f"perfrules {pr.__version__}\n") == (err.value.code, capsys.readouterr().out)


class TestJson:
    """--json on every command that prints results, and for its errors."""

    def test_score(self, files, capsys):
        assert 0 == main(score_args(files, "--json"))
        data = json.loads(capsys.readouterr().out)
        assert (["E1", "E2"], "7.50") == (
            [r["employee"] for r in data["results"]],
            data["results"][1]["payouts"]["pay"],
        )

    def test_score_errors(self, files, capsys):
        (files / "bad.csv").write_text('employee_id,sales\nE1,"0,8"\n')
        assert 1 == main(score_args(files, "--json", data="bad.csv"))
        data = json.loads(capsys.readouterr().out)
        assert (False, "input-error") == (data["ok"], data["error"])
        assert [("ambiguous-number", 2, 2)] == [(i["code"], i["line"], i["column"]) for i in data["issues"]]

    def test_rollup(self, examples, tmp_path, capsys):
        ledger = str(tmp_path / "l.db")
        team = examples / "seed000-team"
        for month in ("2026-04", "2026-05", "2026-06"):
            argv = ["score", str(team / "scheme.yaml"), str(team / "months" / f"{month}.csv"), "--period", month]
            assert 0 == main([*argv, "--ledger", ledger])
        capsys.readouterr()
        assert 0 == main(["rollup", str(team / "scheme.yaml"), "--ledger", ledger, "--period", "2026-Q2", "--json"])
        assert "2026-Q2" == json.loads(capsys.readouterr().out)["period"]


class TestPlaces:
    """file:line:col: severity [code] message, first on each problem's line."""

    def test_scheme(self, examples, capsys):
        assert 1 == main(["validate", str(examples / "broken.yaml")])
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith(f"{examples / 'broken.yaml'}:11:7: error [tier-gap] no tier holds values")
        assert lines[2].startswith(f"{examples / 'broken.yaml'}:24:15: error [unknown-name] unknown name 'sales_q'")

    def test_data_cell_line_and_column(self, files, capsys):
        (files / "bad.csv").write_text('employee_id,note,sales\nE1,"two\nlines",5\nE2,x,lots\n')
        assert 1 == main(score_args(files, data="bad.csv"))
        lines = capsys.readouterr().err.splitlines()
        assert lines[1].startswith(f"{files / 'bad.csv'}:4:3: error [bad-value] sales: expected a number, got 'lots'")


def run_in_terminal(argv, env=None):
    """Run the command line with standard output and error on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfrules", *argv],
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "xterm", **(env or {})},
    )
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, out.decode()


class TestColour:
    """Colour on a terminal; none with NO_COLOR or when piped."""

    def test_terminal(self, examples):
        code, out = run_in_terminal(["validate", str(examples / "broken.yaml")])
        assert 1 == code and "\x1b[31m\x1b[1merror\x1b[0m" in out and "\x1b[36mhint:" in out

    def test_no_color(self, examples):
        code, out = run_in_terminal(["validate", str(examples / "broken.yaml")], env={"NO_COLOR": "1"})
        assert 1 == code and "error [unknown-name]" in out and "\x1b[" not in out

    def test_piped(self, examples):
        done = subprocess.run(
            [sys.executable, "-m", "perfrules", "validate", str(examples / "broken.yaml")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "error [unknown-name]" in done.stdout and "\x1b[" not in done.stdout + done.stderr


class TestProgress:
    """A line from the first second, through every phase, with an ETA when the size is known."""

    def test_line(self):
        now = [100.0]
        bar = Progress(io.StringIO(), clock=lambda: now[0])
        bar.phase("reading d.csv")
        now[0] = 100.5
        assert re.fullmatch(r"reading d\.csv [|/\\-]  0\.5 s  \(total 0\.5 s\)", bar.line())
        bar.phase("stage 2/3", 200_000)
        bar(50_000)
        now[0] = 101.5
        assert "stage 2/3  [######------------------]  50,000/200,000  1.0 s  ETA 3.0 s  (total 1.5 s)" == bar.line()

    def test_drawn_within_the_first_second_while_nothing_reports(self):
        stream = io.StringIO()
        with progress(enabled=True, stream=stream) as bar:
            bar.phase("reading big.csv")
            time.sleep(0.5)  # a step that reports nothing, such as decoding a file
        assert "\rreading big.csv" in stream.getvalue() and stream.getvalue().endswith("\r\x1b[K")

    def test_nothing_for_a_quick_run(self):
        stream = io.StringIO()
        with progress(enabled=True, stream=stream) as bar:
            bar.phase("reading small.csv")
        assert "" == stream.getvalue()

    @pytest.mark.parametrize(
        ("example", "phases"),
        [
            ("seed002", ["checking", "scoring"]),
            (
                "seed000-team",
                ["checking", "history and population values", "stage 1/2", "stage 2/2", "building results"],
            ),
        ],
    )
    def test_score_reports_each_phase(self, examples, example, phases):
        class Recorder:
            def __init__(self):
                self.seen = []

            def phase(self, name, total):
                self.seen.append((name, total, []))

            def __call__(self, done):
                self.seen[-1][2].append(done)

        plan = pr.compile_scheme(pr.load_scheme(examples / example / "scheme.yaml"))
        rows = pr._adapters.read_population(examples / example / "data.csv")
        bar = Recorder()
        pr.score(plan, rows, period="2026-04", progress=bar, no_history=True)
        n = len(rows)
        assert phases == [name for name, _, _ in bar.seen]
        assert all(total in (n, 0) for _, total, _ in bar.seen)
        assert all(done[-1] == n for _, total, done in bar.seen if total and done)
        assert any(name.startswith(("stage", "scoring")) and done for name, _, done in bar.seen)


def _exit_0(tmp):
    return main(["validate", str(ROOT / "examples" / "seed001" / "scheme.yaml")])


def _exit_1(tmp):
    return main(["validate", str(ROOT / "examples" / "broken.yaml")])


def _exit_2(tmp):
    (tmp / "s.yaml").write_text(SCHEME)
    with pytest.raises(SystemExit) as err:
        main(["score", str(tmp / "s.yaml"), "d.csv", "--period", "2026-13"])
    return err.value.code


def _exit_141(tmp):
    (tmp / "s.yaml").write_text(SCHEME)
    (tmp / "d.csv").write_text("employee_id,sales\n" + "".join(f"E{i:05},{i}\n" for i in range(20000)))
    shell = f"set -o pipefail; {sys.executable} -m perfrules score s.yaml d.csv --period 2026-04 | head -1"
    done = subprocess.run(["bash", "-c", shell], cwd=tmp, capture_output=True, text=True, check=False)
    assert "" == done.stderr
    return done.returncode


def _exit_143(tmp):
    (tmp / "s.yaml").write_text(SCHEME)
    (tmp / "d.csv").write_text("employee_id,sales\nE1,5\n")
    code = "import sys, time, perfrules._adapters.output as o\no.os.fsync = lambda fd: time.sleep(30)\n"
    code += "from perfrules._cli import main\nsys.exit(main(sys.argv[1:]))\n"
    argv = ["score", "s.yaml", "d.csv", "--period", "2026-04", "--out", "r.csv"]
    proc = subprocess.Popen([sys.executable, "-c", code, *argv], cwd=tmp)
    deadline = time.monotonic() + 20
    while not any(p.name.endswith(".tmp") for p in tmp.iterdir()):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=20)


SCENARIOS = {0: _exit_0, 1: _exit_1, 2: _exit_2, 141: _exit_141, 143: _exit_143}


def documented_exit_codes():
    text = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    section = text.split("## Exit codes", 1)[1]
    return [int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.MULTILINE)]


def test_every_documented_exit_code_has_a_scenario():
    assert sorted(SCENARIOS) == documented_exit_codes()


@pytest.mark.parametrize("code", documented_exit_codes())
def test_documented_exit_code(code, tmp_path, capsys):
    assert code == SCENARIOS[code](tmp_path)
