"""
Scale: the row engine against the columnar engine over N generated rows, CSV in and CSV out, as whole processes.

    python benchmarks/bench_scale.py [N] [kpi|pay]        # N defaults to 1,000,000

The scheme is examples/seed003-kpi (four ratios by division, tier tables,
weights, a list of reward points with levels and approvals, a schedule of
fines, the 110 cap, grades, pay bands, all_max/all_min for first and last
place, history without a ledger), or with ``pay`` as second argument
examples/seed003-pay.  Each engine runs as the command line,
``perfrules score … --out results.csv --engine row|columnar``, in a child process; wall time, CPU time and
peak memory (max RSS, from ``os.wait4``) are of that process.  The two output files must be
equal byte for byte.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _pay(path: Path, n: int) -> None:
    rnd = random.Random(12)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("employee_id,name,phone_tickets,messenger_tickets,kpi_score\n")
        for k in range(n):
            score = f"{rnd.randint(0, 100)}" if rnd.random() < 0.5 else f"{rnd.randint(0, 9999) / 100:.2f}"
            fh.write(f"E{k:07d},n{k},{rnd.randint(0, 3000)},{rnd.randint(0, 3000)},{score}\n")


def _kpi(path: Path, n: int) -> None:
    rnd = random.Random(3)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(
            "employee_id,buyers,inquiries,paid_orders,placed_orders,agent_aov,shop_aov,replied,received,"
            "response_seconds,tasks_rating,attitude_rating,late_count,leave_days,merit_points,front_line,"
            "pc_breaches,data_errors_found,suggestions_accepted\n"
        )
        for k in range(n):
            inq, placed, rec = rnd.randint(0, 400), rnd.randint(0, 300), rnd.randint(0, 500)
            merit = ";".join(rnd.choice("12358") for _ in range(rnd.choice((0, 0, 0, 1, 2))))
            cells = (
                f"E{k:07d}",
                rnd.randint(0, inq),
                inq,
                rnd.randint(int(placed * 0.6), placed),
                placed,
                f"{rnd.randint(9000, 13000) / 100:.2f}",
                "100",
                rnd.randint(int(rec * 0.9), rec),
                rec,
                rnd.randint(5, 80),
                rnd.randint(50, 100),
                rnd.randint(50, 100),
                rnd.choice((0, 0, 0, 1, 2, 6)),
                rnd.choice(("0", "0", "0", "0.5", "1", "3")),
                merit,
                rnd.choice((1, 1, 1, 0)),
                rnd.choice((0, 0, 0, 0, 1, 2, 3)),
                rnd.randint(0, 3),
                rnd.randint(0, 2),
            )
            fh.write(",".join(map(str, cells)) + "\n")


SCHEMES = {"kpi": ("seed003-kpi", _kpi), "pay": ("seed003-pay", _pay)}


def _run(scheme: Path, engine: str, data: Path, out: Path) -> tuple[float, float, float]:
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "perfrules", "score", str(scheme), str(data), "--period", "2026-04", "--no-history"]
    child = subprocess.Popen([*cmd, "--out", str(out), "--engine", engine])
    # wait4 gives this one child's resource use: CPU time and peak memory (max RSS, KiB on Linux).
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{engine} failed with exit code {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    folder, generate = SCHEMES[sys.argv[2] if len(sys.argv) > 2 else "kpi"]
    scheme = EXAMPLES / folder / "scheme.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        generate(data, n)
        print(f"{folder}, {n:,} rows, CSV in and out (whole processes)")
        outs = {}
        for engine in ("columnar", "row"):
            outs[engine] = Path(tmp) / f"{engine}.csv"
            wall, cpu, peak = _run(scheme, engine, data, outs[engine])
            print(f"  {engine:<9} wall {wall:7.2f} s  cpu {cpu:7.2f} s  peak {peak:8.1f} MiB")
        same = outs["row"].read_bytes() == outs["columnar"].read_bytes()
        print(f"  outputs identical byte for byte: {same}")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
