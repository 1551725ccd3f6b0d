"""Reading population files as spreadsheets save them: encodings, delimiters, workbooks, several files."""

import codecs
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._adapters import join_tables, read_population, read_table, write_results
from perfrules._cli import main
from perfrules._plugins import NumberError, parse_number

CSV = "employee_id,name,sales\nE1,王芳,100\nE2,Zoë Müller,250.5\n"


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


class TestEncodings:
    """UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK and cp1252, detected or declared."""

    @pytest.mark.parametrize(
        ("data", "used"),
        [
            (CSV.encode("utf-8"), "utf-8"),
            (codecs.BOM_UTF8 + CSV.encode("utf-8"), "utf-8-sig"),
            (CSV.encode("utf-16"), "utf-16"),
            (CSV.replace("Zoë Müller", "李娜").encode("gbk"), "gb18030"),
            (CSV.replace("王芳", "Renée").encode("cp1252"), "cp1252"),
        ],
    )
    def test_detected(self, tmp_path, data, used):
        table = read_table(write(tmp_path, "p.csv", data))
        assert used == table.encoding
        assert data.decode(used).replace("\r", "") == "".join(
            f"{','.join(r)}\n" for r in [table.columns, *[list(row.values()) for row in table.rows]]
        ).replace("\r", "")

    def test_declared(self, tmp_path):
        data = CSV.replace("Zoë Müller", "李娜").encode("gb18030")
        assert "王芳" == read_population(write(tmp_path, "p.csv", data), encoding="gbk")[0]["name"]

    def test_a_wrong_declared_encoding_fails_with_a_hint(self, tmp_path):
        path = write(tmp_path, "p.csv", CSV.encode("gbk", errors="replace"))
        with pytest.raises(pr.InputError) as err:
            read_population(path, encoding="utf-8")
        (issue,) = err.value.issues
        assert "file-unreadable" == issue.code and 2 == issue.line
        assert "--encoding gb18030" in issue.hint and "CSV UTF-8" in issue.hint

    def test_utf16_without_bom_is_named(self, tmp_path):
        with pytest.raises(pr.InputError, match="UTF-16 without a byte-order mark"):
            read_population(write(tmp_path, "p.csv", CSV.encode("utf-16-le")))


class TestDelimiters:
    """Semicolons and tabs are found from the header; a comma in the data does not confuse them."""

    @pytest.mark.parametrize("sep", [";", "\t"])
    def test_found(self, tmp_path, sep):
        rows = read_population(write(tmp_path, "p.csv", f"employee_id{sep}sales\nE1{sep}0,8\n".encode()))
        assert [{"employee_id": "E1", "sales": "0,8"}] == rows

    def test_the_consistent_one_wins(self, tmp_path):
        path = write(tmp_path, "p.csv", b"id;a,b\nE1;1,2\nE2;3\n")
        assert [{"id": "E1", "a,b": "1,2"}, {"id": "E2", "a,b": "3"}] == read_population(path)

    def test_ambiguous_header_must_be_declared(self, tmp_path):
        path = write(tmp_path, "p.csv", b"id,a;b\nE1,1;2\n")
        with pytest.raises(pr.InputError, match="cannot tell which one"):
            read_population(path)
        assert [{"id,a": "E1,1", "b": "2"}] == read_population(path, delimiter=";")


def seed001(examples):
    return pr.compile_scheme(pr.load_scheme(examples / "seed001" / "scheme.yaml"))


class TestHeader:
    """A missing id column is one header-level problem with a suggestion, not one per row."""

    def test_one_error_for_a_missing_id_column(self, examples, tmp_path):
        rows = read_population(examples / "seed001" / "data.csv")
        renamed = [{("emp_id" if k == "employee_id" else k): v for k, v in r.items()} for r in rows * 50]
        with pytest.raises(pr.InputError) as err:
            pr.score(seed001(examples), renamed, source="data.csv")
        codes = [i.code for i in err.value.issues]
        assert ["missing-id-column"] == codes
        (issue,) = err.value.issues
        assert "did you mean 'emp_id'?" in issue.message and "--id-column" in issue.hint


class TestWorkbooks:
    """The xlsx extra: a workbook in, a workbook out."""

    def test_read_a_workbook(self, examples, tmp_path):
        openpyxl = pytest.importorskip("openpyxl")
        pytest.importorskip("python_calamine")
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["employee_id", "sales", "calls", "hired"])
        ws.append(["E1", 18.33, 3, dt.datetime(2024, 3, 1)])
        ws.append(["E2", 0.1, 10, dt.date(2025, 1, 31)])
        wb.save(tmp_path / "p.xlsx")
        rows = read_population(tmp_path / "p.xlsx")
        assert [
            {"employee_id": "E1", "sales": "18.33", "calls": "3", "hired": "2024-03-01"},
            {"employee_id": "E2", "sales": "0.1", "calls": "10", "hired": "2025-01-31"},
        ] == rows

    def test_write_a_workbook(self, examples, tmp_path):
        openpyxl = pytest.importorskip("openpyxl")
        plan = seed001(examples)
        rows = read_population(examples / "seed001" / "data.csv")
        rows[0]["employee_id"] = '=HYPERLINK("http://x","E1")'
        results = pr.score(plan, rows, period="2026-04", no_history=True)
        write_results(results, tmp_path / "r.xlsx")
        ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
        header = [c.value for c in ws[1]]
        assert "employee_id" == header[0] and "score" in header
        first = dict(zip(header, ws[2], strict=True))
        assert '=HYPERLINK("http://x","E1")' == first["employee_id"].value and "s" == first["employee_id"].data_type
        assert isinstance(first["score"].value, int | float)
        by_id = results.by_employee()
        row3 = {h: c.value for h, c in zip(header, ws[3], strict=True)}
        assert float(by_id[row3["employee_id"]].score) == row3["score"]


class TestJoin:
    """Several files joined by employee id."""

    def test_joined_scores_like_one_file(self, examples, tmp_path):
        rows = read_population(examples / "seed001" / "data.csv")
        cols = list(rows[0])
        split = cols.index("minor")
        (tmp_path / "pop.csv").write_text(
            "\n".join(",".join(r[c] for c in cols[:split]) for r in [dict(zip(cols, cols))] + rows) + "\n"
        )
        (tmp_path / "m.csv").write_text(
            "\n".join(
                ",".join(r[c] for c in ["employee_id", *cols[split:]]) for r in [dict(zip(cols, cols))] + rows[::-1]
            )
            + "\n"
        )
        plan = seed001(examples)
        joined = join_tables([read_table(tmp_path / "pop.csv"), read_table(tmp_path / "m.csv")])
        assert (
            pr.score(plan, rows, period="2026-04", no_history=True).to_dict()
            == pr.score(plan, joined.rows, period="2026-04", no_history=True).to_dict()
        )

    def test_mismatches_are_refused(self, tmp_path):
        (tmp_path / "a.csv").write_text("employee_id,team\nE1,x\nE2,y\n")
        (tmp_path / "b.csv").write_text("employee_id,team,sales\nE1,x,1\nE3,y,2\n")
        with pytest.raises(pr.InputError) as err:
            join_tables([read_table(tmp_path / "a.csv"), read_table(tmp_path / "b.csv")])
        messages = sorted(f"{i.code}: {i.message}" for i in err.value.issues)
        assert [
            f"duplicate-column: column 'team' is in both {tmp_path / 'a.csv'} and {tmp_path / 'b.csv'}",
            f"unmatched-employee: 1 employee(s) of the other files are not in {tmp_path / 'a.csv'}: E3",
            f"unmatched-employee: 1 employee(s) of the other files are not in {tmp_path / 'b.csv'}: E2",
        ] == messages

    def test_a_row_without_an_id_in_another_file_is_not_lost(self, tmp_path):
        (tmp_path / "a.csv").write_text("employee_id,team\nE1,x\n")
        (tmp_path / "b.csv").write_text("employee_id,sales\nE1,1\n,2\n")
        with pytest.raises(pr.InputError) as err:
            join_tables([read_table(tmp_path / "a.csv"), read_table(tmp_path / "b.csv")])
        assert [("missing-id", 3)] == [(i.code, i.line) for i in err.value.issues]


class TestNoOtherErrors:
    """No file makes reading raise anything but InputError."""

    @settings(max_examples=200)
    @given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".json", ".xlsx", ".tsv"]))
    def test_any_bytes(self, tmp_path_factory, data, suffix):
        path = tmp_path_factory.mktemp("fuzz") / f"p{suffix}"
        path.write_bytes(data)
        try:
            read_table(path)
        except pr.InputError:
            pass

    @given(st.text(max_size=30))
    def test_any_text_cell(self, text):
        try:
            parse_number(text)
        except NumberError:
            pass


class TestCommandLine:
    """The reading options on the command line."""

    def scheme(self, tmp_path):
        (tmp_path / "s.yaml").write_text("name: n\nmetrics: {sales: money}\npayouts: {pay: {formula: sales}}\n")
        return str(tmp_path / "s.yaml")

    def test_decimal_comma_refused_then_declared(self, tmp_path, capsys):
        data = write(tmp_path, "p.csv", "employee_id;sales\nE1;0,8\nE2;1.234,5\n".encode("cp1252"))
        assert 1 == main(["score", self.scheme(tmp_path), str(data), "--period", "2026-04"])
        err = capsys.readouterr().err
        assert "ambiguous-number" in err and f"{data}" in err and "row 2, column sales" in err and "'0,8'" in err
        args = ["score", self.scheme(tmp_path), str(data), "--period", "2026-04", "--decimal-comma", "--thousands", "."]
        assert 0 == main([*args, "--out", str(tmp_path / "r.json")])
        assert ["0.80", "1234.50"] == [
            r["payouts"]["pay"] for r in __import__("json").loads((tmp_path / "r.json").read_text())["results"]
        ]

    def test_two_files_and_an_error_traced_to_its_file_and_row(self, tmp_path, capsys):
        pop = write(tmp_path, "pop.csv", "employee_id,name\nE1,王芳\nE2,李娜\n".encode("gbk"))
        metrics = write(tmp_path, "m.csv", b"employee_id,sales\nE2,oops\nE1,5\n")
        assert 1 == main(["score", self.scheme(tmp_path), str(pop), str(metrics), "--period", "2026-04"])
        err = capsys.readouterr().err
        assert f"read {pop} as gb18030 (detected" in err
        assert f"{metrics}:2:2: error [bad-value] sales: expected a number, got 'oops' (at row 2, column sales)" in err
        (tmp_path / "m.csv").write_text("employee_id,sales\nE2,2\nE1,5\n")
        assert 0 == main(["score", self.scheme(tmp_path), str(pop), str(metrics), "--period", "2026-04"])
        assert "5.00" in capsys.readouterr().out

    def test_out_xlsx_is_a_workbook(self, tmp_path):
        pytest.importorskip("openpyxl")
        data = write(tmp_path, "p.csv", b"employee_id,sales\nE1,5.50\n")
        assert 0 == main(
            ["score", self.scheme(tmp_path), str(data), "--period", "2026-04", "--out", str(tmp_path / "r.xlsx")]
        )
        assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"


def test_a_date_written_with_slashes(examples):
    plan = pr.compile_scheme(
        pr.scheme_from_text(
            "name: t\npopulation: {hire_date: hired}\nmetrics: {base: money}\npayouts: {t: {formula: tenure_months}}\n"
        ).scheme
    )
    iso, slashed = (
        pr.score(plan, [{"employee_id": "x", "base": "1", "hired": hired}], period="2026-04").results[0].payouts["t"]
        for hired in ("2024-03-01", "2024/3/1")
    )
    assert D("26.00") == iso == slashed
