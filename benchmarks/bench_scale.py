"""
Scale: the row engine against the columnar engine over N generated rows, CSV in and CSV out, as whole processes.

    python benchmarks/bench_scale.py [N]        # N defaults to 1,000,000

The scheme is examples/seed003-pay (piece rates and a pay pot: division,
rounding, a tier table, a cap, grades), which the columnar engine accepts;
seed003-kpi is refused by it today (list inputs, history, schedules), see
docs/explanation/performance.md.  Each engine runs as the command line,
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
SCHEME = ROOT / "examples" / "seed003-pay" / "scheme.yaml"


def _generate(path: Path, n: int) -> None:
    rnd = random.Random(12)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("employee_id,name,phone_tickets,messenger_tickets,kpi_score\n")
        for k in range(n):
            score = f"{rnd.randint(0, 100)}" if rnd.random() < 0.5 else f"{rnd.randint(0, 9999) / 100:.2f}"
            fh.write(f"E{k:07d},n{k},{rnd.randint(0, 3000)},{rnd.randint(0, 3000)},{score}\n")


def _run(engine: str, data: Path, out: Path) -> tuple[float, float, float]:
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "perfrules", "score", str(SCHEME), str(data), "--period", "2026-04"]
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
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        _generate(data, n)
        print(f"seed003-pay, {n:,} rows, CSV in and out (whole processes)")
        outs = {}
        for engine in ("columnar", "row"):
            outs[engine] = Path(tmp) / f"{engine}.csv"
            wall, cpu, peak = _run(engine, data, outs[engine])
            print(f"  {engine:<9} wall {wall:7.2f} s  cpu {cpu:7.2f} s  peak {peak:8.1f} MiB")
        same = outs["row"].read_bytes() == outs["columnar"].read_bytes()
        print(f"  outputs identical byte for byte: {same}")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
