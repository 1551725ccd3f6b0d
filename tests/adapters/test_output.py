"""Writing output files: checked first, written whole, links and modes respected, temp files cleaned up."""

import os
import signal
import stat
import subprocess
import sys
import time

import pytest

import perfrules as pr
from perfrules._adapters import Ledger, check_writable, csv_safe, output, write_atomic, write_results
from perfrules._cli import main

SCHEME = "name: n\nmetrics: {sales: money}\npayouts: {pay: {formula: sales}, refund: {formula: '0 - sales'}}\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "s.yaml").write_text(SCHEME)
    (tmp_path / "d.csv").write_text("employee_id,sales\nE1,5\nE2,7.5\n")
    return tmp_path


def score_args(files, *more):
    return ["score", str(files / "s.yaml"), str(files / "d.csv"), "--period", "2026-04", *more]


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "perfrules", *args], capture_output=True, text=True, check=False, **kw)


class TestTargets:
    """Where the bytes go."""

    def test_dash_is_standard_output(self, files):
        done = run(*score_args(files, "--out", "-"), cwd=files)
        assert 0 == done.returncode, done.stderr
        assert done.stdout.startswith("employee_id,period,score,grade,pay,refund,flags\nE1,2026-04,")
        assert not (files / "-").exists()

    def test_a_symlink_is_followed_not_replaced(self, files):
        real = files / "real.csv"
        real.write_text("old\n")
        (files / "link.csv").symlink_to(real)
        assert 0 == main(score_args(files, "--out", str(files / "link.csv")))
        assert (files / "link.csv").is_symlink() and real.read_text().startswith("employee_id,")

    def test_a_dangling_symlink_creates_its_target(self, files):
        (files / "link.csv").symlink_to(files / "new.csv")
        assert 0 == main(score_args(files, "--out", str(files / "link.csv")))
        assert (files / "link.csv").is_symlink() and (files / "new.csv").read_text().startswith("employee_id,")

    def test_a_device_is_written_into_not_replaced(self, files):
        done = run(*score_args(files, "--out", "/dev/stdout"))
        assert 0 == done.returncode, done.stderr
        assert "E2,2026-04" in done.stdout
        assert os.path.islink("/dev/stdout")

    @pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
    def test_new_files_get_the_umask_mode(self, tmp_path, umask, mode):
        old = os.umask(umask)
        try:
            write_atomic(tmp_path / "r.csv", "x\n")
        finally:
            os.umask(old)
        assert mode == stat.S_IMODE((tmp_path / "r.csv").stat().st_mode)

    def test_a_replaced_file_keeps_its_mode(self, tmp_path):
        (tmp_path / "r.csv").write_text("old")
        (tmp_path / "r.csv").chmod(0o640)
        write_atomic(tmp_path / "r.csv", "new")
        assert (0o640, "new") == (stat.S_IMODE((tmp_path / "r.csv").stat().st_mode), (tmp_path / "r.csv").read_text())


class TestChecksFirst:
    """Every output is checked before anything is scored or published."""

    def test_a_missing_folder_is_a_clear_error(self, files, capsys):
        assert 1 == main(score_args(files, "--out", str(files / "missing" / "x.csv")))
        err = capsys.readouterr().err
        assert f"[output-folder-missing] the folder {files / 'missing'} does not exist" in err
        assert "mkdir -p" in err and "Traceback" not in err

    def test_a_folder_is_not_a_file(self, files):
        with pytest.raises(pr.OutputError, match="is a folder"):
            check_writable(files)

    def test_nothing_is_published_when_the_output_is_unwritable(self, files, capsys):
        ledger = files / "l.db"
        assert 1 == main(score_args(files, "--ledger", str(ledger), "--out", str(files / "missing" / "x.csv")))
        assert not ledger.exists()

    def test_nothing_is_published_when_writing_fails_late(self, files, monkeypatch, capsys):
        ledger = files / "l.db"

        def full(path, data):
            raise pr.OutputError([pr.Issue("output-unwritable", "No space left on device")])

        monkeypatch.setattr("perfrules._adapters.write.prepare", full)
        assert 1 == main(score_args(files, "--ledger", str(ledger), "--out", str(files / "r.csv")))
        if ledger.exists():
            with Ledger(ledger) as book:
                assert [] == book.revisions("2026-04")
        assert not (files / "r.csv").exists()

    def test_no_output_is_left_when_publishing_is_refused(self, files, capsys):
        ledger = files / "l.db"
        assert 0 == main(score_args(files, "--ledger", str(ledger)))
        (files / "d.csv").write_text("employee_id,sales\nE1,6\nE2,7.5\n")
        assert 1 == main(score_args(files, "--ledger", str(ledger), "--out", str(files / "r.csv")))
        assert "period-published" in capsys.readouterr().err
        assert [] == [p.name for p in files.iterdir() if p.name.startswith((".r.csv", "r.csv"))]


class TestTempFiles:
    """Temporary files are removed on Ctrl-C and on SIGTERM."""

    def test_ctrl_c_while_writing(self, tmp_path, monkeypatch):
        (tmp_path / "r.csv").write_text("old")

        def interrupted(fd):
            raise KeyboardInterrupt

        monkeypatch.setattr(output.os, "fsync", interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_atomic(tmp_path / "r.csv", "new")
        assert ["r.csv"] == [p.name for p in tmp_path.iterdir()] and "old" == (tmp_path / "r.csv").read_text()

    def test_sigterm_while_writing(self, files):
        # fsync is made slow so that the temporary file is there when the signal comes.
        code = (
            "import sys, time, perfrules._adapters.output as o\n"
            "o.os.fsync = lambda fd: time.sleep(30)\n"
            "from perfrules._cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n"
        )
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *score_args(files, "--out", str(files / "r.csv"))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while not any(p.name.endswith(".tmp") for p in files.iterdir()):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        assert 128 + signal.SIGTERM == proc.wait(timeout=20)
        assert b"Traceback" not in proc.stderr.read()
        left = [p.name for p in files.iterdir() if p.name.endswith((".tmp", ".probe")) or p.name == "r.csv"]
        assert [] == left


class TestFormulaCells:
    """CSV cells a spreadsheet would run are escaped; numbers are not."""

    @pytest.mark.parametrize(
        ("cell", "written"),
        [
            ('=HYPERLINK("http://x","E1")', '\'=HYPERLINK("http://x","E1")'),
            ("+1-2", "'+1-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tE1", "'\tE1"),
            ("\rE1", "'\rE1"),
            ("-E1", "'-E1"),
            ("-5.00", "-5.00"),
            ("E-1", "E-1"),
        ],
    )
    def test_csv_safe(self, cell, written):
        assert written == csv_safe(cell)

    def test_ids_escaped_and_negative_amounts_kept(self, tmp_path):
        plan = pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)
        rows = [{"employee_id": "=1+1", "sales": "5"}, {"employee_id": "-7", "sales": "2"}]
        write_results(pr.score(plan, rows, period="2026-04"), tmp_path / "r.csv")
        assert [
            "employee_id,period,score,grade,pay,refund,flags",
            "-7,2026-04,0.00,,2.00,-2.00,",
            "'=1+1,2026-04,0.00,,5.00,-5.00,",
        ] == (tmp_path / "r.csv").read_text().splitlines()


def test_a_closed_pipe_ends_quietly(tmp_path):
    (tmp_path / "s.yaml").write_text(SCHEME)
    (tmp_path / "d.csv").write_text("employee_id,sales\n" + "".join(f"E{i:05},{i}\n" for i in range(20000)))
    shell = f"set -o pipefail; {sys.executable} -m perfrules score s.yaml d.csv --period 2026-04 | head -1"
    done = subprocess.run(["bash", "-c", shell], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert (["employee"], "") == (done.stdout.split()[:1], done.stderr)
    assert 141 == done.returncode
