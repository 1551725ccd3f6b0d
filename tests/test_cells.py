"""A polars DataFrame given to ``score`` is read as the same table in a Parquet file would be."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import perfrules as pr
from perfrules._adapters import read_population
from tests.conftest import EXAMPLES

KPI = EXAMPLES / "seed003-kpi"
PLAN = pr.compile_scheme(pr.load_scheme(KPI / "scheme.yaml"))
OPTIONS = {"period": "2026-04", "no_history": True}


def rows() -> list[dict[str, str]]:
    with (KPI / "data.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_a_text_frame_scores_as_its_rows(engine: str) -> None:
    frame = pl.DataFrame(rows())
    assert list(pr.score(PLAN, frame, engine=engine, **OPTIONS)) == list(pr.score(PLAN, rows(), **OPTIONS))
    lazy = pr.score(PLAN, frame.lazy(), engine=engine, **OPTIONS)
    assert list(lazy) == list(pr.score(PLAN, rows(), **OPTIONS))


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_numbers_are_taken_as_stored(engine: str, tmp_path: Path) -> None:
    # Integers and exact decimals (with their scale: 115.50 stays 115.50), as a Parquet file of the frame.
    frame = pl.DataFrame(rows()).with_columns(
        pl.col("buyers").cast(pl.Int64),
        (pl.col("agent_aov") + ".50").cast(pl.Decimal(10, 2)),
    )
    got = pr.score(PLAN, frame, engine=engine, **OPTIONS)
    frame.write_parquet(tmp_path / "data.parquet")
    from_file = pr.score(PLAN, read_population(tmp_path / "data.parquet"), **OPTIONS)
    assert list(got) == list(from_file)
    edited = rows()
    for row in edited:
        row["agent_aov"] += ".50"
    assert list(got) == list(pr.score(PLAN, edited, **OPTIONS))
    assert got.results[0].row != pr.score(PLAN, rows(), **OPTIONS).results[0].row  # the .50 counted
    assert isinstance(got.results[0].score, Decimal)


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_a_float_column_is_refused_by_name(engine: str) -> None:
    frame = pl.DataFrame(rows()).with_columns(pl.col("buyers").cast(pl.Float64), pl.col("name").str.split(" "))
    with pytest.raises(pr.InputError) as err:
        pr.score(PLAN, frame, engine=engine, **OPTIONS)
    found = {(i.code, i.path, i.source) for i in err.value.issues}
    assert found == {("float-column", ("buyers",), "the DataFrame"), ("bad-column-type", ("name",), "the DataFrame")}


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_dictionary_encoded_columns_read_as_their_text(engine: str, tmp_path: Path) -> None:
    # Categorical and Enum text (pandas' category saved to Parquet): each cell is its category's text,
    # number columns included, so the results are the text frame's, in a frame and in a Parquet file.
    want = list(pr.score(PLAN, rows(), **OPTIONS))
    text = pl.DataFrame(rows())
    names = pl.Enum(sorted(set(text["name"])))
    coded = text.with_columns(pl.col("name").cast(names), pl.col("buyers").cast(pl.Categorical))
    assert list(pr.score(PLAN, coded, engine=engine, **OPTIONS)) == want
    path = tmp_path / "coded.parquet"
    coded.write_parquet(path)
    assert list(pr.score(PLAN, read_population(path), engine=engine, **OPTIONS)) == want  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_a_dictionary_encoded_number_column_of_words_is_refused_by_cell(engine: str) -> None:
    words = pl.DataFrame(rows()).with_columns(pl.lit("many").cast(pl.Categorical).alias("buyers"))
    with pytest.raises(pr.InputError) as err:
        pr.score(PLAN, words, engine=engine, **OPTIONS)
    assert {(i.code, i.path[1]) for i in err.value.issues} == {("bad-value", "buyers")}
