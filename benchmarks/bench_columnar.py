"""
The columnar engine's fast path beside hand-written polars and the row engine, 1,000,000 rows, whole processes.

    python benchmarks/bench_columnar.py [N]      # N defaults to 1,000,000

``bench_scale.py`` scores examples/seed003-kpi as it is, approval holds included (the columnar
engine evaluates again what a hold reaches). This script scores a copy of the scheme without its
approval rule (``approval_over``): the columnar engine's scoring without holds, side by side in one
run, each variant its own child process as in ``bench_scale.py``: the columnar engine from CSV to CSV,
from Parquet (Int64 and decimal128 columns) to Parquet and to CSV, the row engine (the reference:
every perfrules output must equal it on every cell, or the script exits 1), the hand-written polars version of the full scheme (holds included:
the same work and size, not the same output), and ``score-only`` (``bench_scale.py --score-only``:
``score_frame`` alone, after the Parquet file's wanted columns are read).
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_scale as bench


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        scheme = tmp / "scheme.yaml"
        text = (bench.EXAMPLES / "seed003-kpi" / "scheme.yaml").read_text(encoding="utf-8")
        scheme.write_text(text.replace("    approval_over: 5\n", ""), encoding="utf-8")
        data = tmp / "kpi.csv"
        bench._kpi(data, n)
        parquet = Path(bench._in_child("--parquet", str(data)))  # this process stays small (see bench_scale)
        print(f"seed003-kpi without approval_over, {n:,} rows (whole processes)", flush=True)
        runs = {
            "columnar": bench._perfrules(scheme, data, tmp / "col.csv", "columnar"),
            "columnar-parquet": bench._perfrules(scheme, parquet, tmp / "col.parquet", "columnar"),
            "parquet-to-csv": bench._perfrules(scheme, parquet, tmp / "pq.csv", "columnar"),
            "hand-polars": [sys.executable, str(bench.HAND / "polars_kpi.py"), str(data), str(tmp / "hand.csv")],
            "row": bench._perfrules(scheme, data, tmp / "row.csv", "row"),
        }
        figures = {}
        for name, cmd in runs.items():
            figures[name] = bench._child(cmd)
            bench._line(name, *figures[name])
        reference = tmp / "row.csv"
        same = {
            "columnar": filecmp.cmp(tmp / "col.csv", reference, shallow=False),
            "parquet-to-csv": filecmp.cmp(tmp / "pq.csv", reference, shallow=False),
            "columnar-parquet": bench._in_child("--same", str(tmp / "col.parquet"), str(reference)) == "True",
        }
        only = subprocess.run(
            [sys.executable, bench.__file__, "--score-only", str(scheme), str(parquet)], capture_output=True, text=True
        )
        wall, cpu, _ = only.stdout.split() if only.returncode == 0 else ("nan", "nan", "")
        print(f"  score-only        wall {float(wall):7.2f} s  cpu {float(cpu):7.2f} s  (columnar, Parquet read first)")
        print("  agree with the row engine on every cell: " + ", ".join(f"{k} {v}" for k, v in same.items()))
        row, col, hand = figures["row"], figures["columnar"], figures["hand-polars"]
        print(f"  row / columnar: wall {row[0] / col[0]:.1f}x, cpu {row[1] / col[1]:.1f}x")
        print(
            f"  columnar / hand-polars: wall {col[0] / hand[0]:.2f}x, cpu {col[1] / hand[1]:.2f}x, "
            f"peak {col[2] / hand[2]:.2f}x"
        )
    if not all(same.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
