"""
Scale: the row engine, the columnar engine and hand-written versions over N rows, CSV in and out, as whole processes.

    python benchmarks/bench_scale.py [N] [kpi|team|pay ...] [--only row,hand-decimal,...]
    # N defaults to 1,000,000; schemes to kpi team; every variant unless --only names some; --help: this text

Schemes: ``kpi`` is examples/seed003-kpi (four ratios by division, tier tables, weights, a list of
reward points with levels and approvals, a schedule of fines, the 110 cap, grades, pay bands,
all_max/all_min for first and last place, history without a ledger); ``team`` is
examples/seed000-team (teams of 20 with a supervisor, team averages, sums and tops over eligible
members, tenure from hire dates, mentors, roles; history without a ledger); ``pay`` is
examples/seed003-pay.

For each scheme, side by side in one run, each as its own child process:

- ``row`` and ``columnar``: ``perfrules score … --out results.csv --engine row|columnar``;
- ``hand-decimal`` and ``hand-polars``: ``benchmarks/hand/{decimal,polars}_<scheme>.py IN OUT``,
  the same scheme written by hand (plain Python with Decimal; polars with scaled integers), when
  the file exists (a note says so when it does not);
- ``columnar-parquet``: the columnar engine from a Parquet file (integers and decimal128 columns)
  to a Parquet file, end to end; and ``score-only``: the same file's wanted columns read in the
  child (integers and decimals as stored), then only the scoring timed
  (``perfrules._evaluate.score_frame``: take the numbers and check them, evaluate, and write the
  text of every result column; not reading the file, not writing it).

``--only`` runs the variants it names (``row`` always runs: the others are checked against it).

Wall time, CPU time and peak memory (max RSS, from ``os.wait4``) are of each whole process. A child's max
RSS counts the resident memory of the process that started it, so this script stays small: it writes
the data row by row, and the Parquet conversion and the table comparison run in children of their own. Every
output must agree with the row engine's on every cell (the CSV files byte for byte; the Parquet
file column by column); the script exits 1 otherwise. Ratios are printed at the end of each scheme.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
HAND = Path(__file__).resolve().parent / "hand"


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


def _team(path: Path, n: int) -> None:
    # As benchmarks/bench_teams.py: teams of 20, the first a supervisor, the last mentored by the one before.
    rnd = random.Random(0)
    start = dt.date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("employee_id,team,hire_date,mentor,role,month_score,sales,perf_bonus,admin_score\n")
        for k in range(n):
            sup = k % 20 == 0
            hired = (start + dt.timedelta(days=rnd.randint(0, 900))).isoformat()
            mentor = f"E{k - 1:07d}" if k % 20 == 19 else ""
            if sup:
                cells = ("supervisor", "0", "0", "0", str(rnd.randint(40, 100)))
            else:
                cells = (
                    "agent",
                    str(rnd.randint(40, 100)),
                    str(rnd.randint(0, 600_000)),
                    rnd.choice(("3000", "3500")),
                    "0",
                )
            fh.write(",".join((f"E{k:07d}", f"T{k // 20:06d}", hired, mentor, *cells)) + "\n")


SCHEMES = {"kpi": ("seed003-kpi", _kpi), "team": ("seed000-team", _team), "pay": ("seed003-pay", _pay)}
SCORE = ["score", "--period", "2026-04", "--no-history"]


def _child(cmd: list[str]) -> tuple[float, float, float]:
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        # wait4 gives this one child's resource use: CPU time and peak memory (max RSS, KiB on Linux).
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _perfrules(scheme: Path, data: Path, out: Path, engine: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "perfrules",
        SCORE[0],
        str(scheme),
        str(data),
        *SCORE[1:],
        "--out",
        str(out),
        "--engine",
        engine,
    ]


def _parquet(data: Path) -> Path:
    # The population as a typed Parquet file: whole numbers as Int64, decimals as decimal128, the rest as text.
    import polars as pl

    frame = pl.read_csv(data, infer_schema=False)
    typed = []
    for name in frame.columns:
        col = frame[name]
        if name != "employee_id" and col.str.contains(r"^-?[0-9]{1,15}$").all():
            typed.append(col.cast(pl.Int64))
        elif col.str.contains(r"^-?[0-9]{1,15}\.[0-9]{1,6}$").all():
            places = int(col.str.split(".").list.get(1).str.len_bytes().max())  # type: ignore[arg-type]
            typed.append(col.cast(pl.Decimal(20, places)))
        else:
            typed.append(col)
    path = data.with_suffix(".parquet")
    pl.DataFrame(typed).write_parquet(path)
    return path


def _in_child(*args: str) -> str:
    # Work that loads polars and whole tables runs in a child of its own: a child's peak memory (ru_maxrss)
    # counts the parent's resident memory when it was started, so the parent must stay small.
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _score_only(scheme: str, data: str) -> None:
    # In the child: read the Parquet file's wanted columns (integers and decimals as stored), then time the
    # scoring alone (take the numbers, evaluate, write every result column's text).
    import perfrules as pr
    from perfrules._adapters.columnar import _read
    from perfrules._evaluate import scheme_period, score_frame

    plan = pr.compile_scheme(pr.load_scheme(scheme))
    frame = _read(Path(data), plan, "employee_id")  # the columns the command line reads, as it reads them
    if frame is None:
        raise SystemExit("not the plain case: the general path would read this file")
    period = scheme_period(plan, "2026-04", True)
    start, cpu = time.perf_counter(), time.process_time()
    out = score_frame(plan, frame, "employee_id", period, lambda: None, hold=True)  # as the command line holds
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    if out is None:
        raise SystemExit("not the plain case: the general path would score this file")
    print(f"{wall:.3f} {used:.3f} {out.height}")


def _same_table(parquet: Path, csv_out: Path) -> bool:
    import polars as pl

    return bool(pl.read_parquet(parquet).equals(pl.read_csv(csv_out, infer_schema=False).fill_null("")))


def _line(name: str, wall: float, cpu: float, peak: float) -> None:
    print(f"  {name:<17} wall {wall:7.2f} s  cpu {cpu:7.2f} s  peak {peak:8.1f} MiB", flush=True)


VARIANTS = ("row", "columnar", "hand-decimal", "hand-polars", "columnar-parquet", "score-only")


def run(key: str, n: int, tmp: Path, only: tuple[str, ...] = VARIANTS) -> bool:
    """
    Run the variants ``only`` of scheme ``key`` over ``n`` rows in ``tmp``; return whether all agreed.
    """
    folder, generate = SCHEMES[key]
    scheme = EXAMPLES / folder / "scheme.yaml"
    data = tmp / f"{key}.csv"
    generate(data, n)
    print(f"{folder}, {n:,} rows, CSV in and out (whole processes)", flush=True)
    figures: dict[str, tuple[float, float, float]] = {}
    outs: dict[str, Path] = {}
    for engine in ("row", "columnar"):
        if engine not in only and engine != "row":
            continue
        outs[engine] = tmp / f"{key}-{engine}.csv"
        figures[engine] = _child(_perfrules(scheme, data, outs[engine], engine))
        _line(engine, *figures[engine])
    for hand in ("decimal", "polars"):
        if f"hand-{hand}" not in only:
            continue
        script = HAND / f"{hand}_{key}.py"
        if not script.exists():
            print(f"  hand-{hand:<12} (no {script.relative_to(ROOT)}: not run)")
            continue
        outs[f"hand-{hand}"] = tmp / f"{key}-hand-{hand}.csv"
        figures[f"hand-{hand}"] = _child([sys.executable, str(script), str(data), str(outs[f"hand-{hand}"])])
        _line(f"hand-{hand}", *figures[f"hand-{hand}"])
    same = {name: filecmp.cmp(path, outs["row"], shallow=False) for name, path in outs.items()}
    if "columnar-parquet" in only or "score-only" in only:
        parquet = Path(_in_child("--parquet", str(data)))
    if "columnar-parquet" in only:
        pq_out = tmp / f"{key}-columnar.parquet"
        figures["columnar-parquet"] = _child(_perfrules(scheme, parquet, pq_out, "columnar"))
        _line("columnar-parquet", *figures["columnar-parquet"])
        same["columnar-parquet"] = _in_child("--same", str(pq_out), str(outs["row"])) == "True"
    if "score-only" in only:
        scored = subprocess.run(
            [sys.executable, __file__, "--score-only", str(scheme), str(parquet)], capture_output=True, text=True
        )
        if scored.returncode == 0:
            wall, cpu, _ = scored.stdout.split()
            print(
                f"  score-only        wall {float(wall):7.2f} s  cpu {float(cpu):7.2f} s  (columnar, Parquet read first)"
            )
        else:
            print(
                f"  score-only        not measured: {scored.stdout.strip() or scored.stderr.strip().splitlines()[-1]}"
            )
    print("  agree with the row engine on every cell: " + ", ".join(f"{k} {v}" for k, v in same.items()))
    if "columnar" in figures:
        row, col = figures["row"], figures["columnar"]
        print(f"  row / columnar: wall {row[0] / col[0]:.1f}x, cpu {row[1] / col[1]:.1f}x")
    for hand, mine in (("hand-decimal", "row"), ("hand-polars", "columnar")):
        if hand in figures and mine in figures:
            h, m = figures[hand], figures[mine]
            print(f"  {mine} / {hand}: wall {m[0] / h[0]:.2f}x, cpu {m[1] / h[1]:.2f}x, peak {m[2] / h[2]:.2f}x")
    return all(same.values())


def main() -> None:
    if sys.argv[1:2] == ["--score-only"]:
        _score_only(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1:2] == ["--parquet"]:
        print(_parquet(Path(sys.argv[2])))
        return
    if sys.argv[1:2] == ["--same"]:
        print(_same_table(Path(sys.argv[2]), Path(sys.argv[3])))
        return
    args = sys.argv[1:]
    if {"-h", "--help"} & set(args):
        print((__doc__ or "").strip())
        return
    only = VARIANTS
    if "--only" in args:
        at = args.index("--only")
        only = tuple(args[at + 1].split(",")) if at + 1 < len(args) else ()
        del args[at : at + 2]
        if unknown := set(only) - set(VARIANTS):
            raise SystemExit(f"--only: no variant {', '.join(sorted(unknown))} (variants: {', '.join(VARIANTS)})")
    n = int(args[0]) if args else 1_000_000
    keys = args[1:] or ["kpi", "team"]
    with tempfile.TemporaryDirectory() as tmp:
        agreed = [run(key, n, Path(tmp), only) for key in keys]
    if not all(agreed):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
