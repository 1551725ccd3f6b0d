"""
Dask: the seed003-kpi scheme over N generated rows, one process against a local cluster, CSV in and out.

    python benchmarks/bench_dask.py [N] [row|columnar]     # N defaults to 1,000,000, the engine to columnar

It needs the dask extra (``pip install -e '.[dask]'``: dask, distributed, and psutil,
which distributed installs), and the columnar extra for the columnar engine.

The same CSV file (the rows of benchmarks/bench_scale.py) is scored twice, each
run in a child process whose whole process tree (the cluster's workers
included) is measured: wall time, CPU time (of the tree, summed) and peak
memory (the tree's resident memory, summed, sampled every 0.1 s):

- one process: ``perfrules score … --engine ENGINE --out single.csv``;
- Dask: ``score_dask`` over ``dask.dataframe.read_csv`` in 4 partitions on a
  ``LocalCluster`` of 2 worker processes with one thread each, written as one CSV file.

The scheme has ``all_max`` and ``all_min``, so the Dask run makes two passes:
the first scores each partition up to them (with the row engine, which knows each
member's id) and adds their shares up, the second scores each partition with them.
Merit over its approval threshold is held on both sides, each partition holding its
own employees' amounts before the first pass (``approval_held`` in ``flags``).
The two outputs must hold the same cells, row for row.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

try:
    import psutil
except ImportError:  # distributed installs it: without it the cluster cannot run either
    sys.exit("benchmarks/bench_dask.py needs the dask extra: pip install -e '.[dask]'")

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported by the tests
from bench_scale import _kpi

ROOT = Path(__file__).resolve().parents[1]
SCHEME = ROOT / "examples" / "seed003-kpi" / "scheme.yaml"


def generate(path: Path, n: int) -> None:
    """Write the rows benchmarks/bench_scale.py generates for this scheme (the same seed), so the figures compare."""
    _kpi(path, n)


DASK_RUN = textwrap.dedent(
    """
    import sys
    import dask.dataframe as dd
    from distributed import Client, LocalCluster
    import perfrules as pr

    scheme, data, out, engine = sys.argv[1:5]
    if __name__ == "__main__":
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with Client(cluster):
                plan = pr.compile_scheme(pr.load_scheme(scheme))
                size = -(-__import__("os").path.getsize(data) // 4)  # 4 partitions
                frame = dd.read_csv(data, dtype=str, keep_default_na=False, blocksize=size)
                frame = frame.repartition(npartitions=4)  # blocks split at line ends: 3 or 4 of them
                scored = pr.score_dask(plan, frame, period="2026-04", no_history=True, engine=engine)
                scored.to_csv(out, single_file=True, index=False)
    """
)


def _run(cmd: list[str]) -> tuple[float, float, float]:
    # wait4 gives the child's CPU time with that of the processes it waited for (the workers);
    # peak memory is the whole tree's resident memory, summed, sampled every 0.1 s.
    start = time.perf_counter()
    child = subprocess.Popen(cmd)
    root, peak = psutil.Process(child.pid), 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        rss = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                rss += p.memory_info().rss
        except psutil.Error:
            pass  # a process ended while being read
        peak = max(peak, rss)
        time.sleep(0.1)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{cmd[1:4]} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime, peak / 2**20


def _same(a: Path, b: Path) -> int:
    # Row for row, cell for cell, in constant memory: both files are in employee-id order.
    rows = 0
    with a.open(encoding="utf-8", newline="") as fa, b.open(encoding="utf-8", newline="") as fb:
        for ra, rb in zip(csv.reader(fa), csv.reader(fb), strict=True):
            if ra != rb:
                raise SystemExit(f"outputs differ at row {rows + 1}: {ra} != {rb}")
            rows += 1
    return rows - 1


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    engine = sys.argv[2] if len(sys.argv) > 2 else "columnar"
    with tempfile.TemporaryDirectory() as tmp:
        data, single, spread = Path(tmp) / "data.csv", Path(tmp) / "single.csv", Path(tmp) / "dask.csv"
        generate(data, n)
        script = Path(tmp) / "dask_run.py"
        script.write_text(DASK_RUN, encoding="utf-8")
        print(f"seed003-kpi, {n:,} rows, CSV in and out, engine {engine} (whole process trees)")
        cmd = [sys.executable, "-m", "perfrules", "score", str(SCHEME), str(data), "--period", "2026-04"]
        wall, cpu, peak = _run([*cmd, "--no-history", "--engine", engine, "--out", str(single)])
        print(f"  one process           wall {wall:7.2f} s  cpu {cpu:7.2f} s  peak {peak:8.1f} MiB")
        wall, cpu, peak = _run([sys.executable, str(script), str(SCHEME), str(data), str(spread), engine])
        print(f"  dask 4 parts/2 workers wall {wall:6.2f} s  cpu {cpu:7.2f} s  peak {peak:8.1f} MiB")
        print(f"  the same cells in {_same(single, spread):,} rows")


if __name__ == "__main__":
    main()
