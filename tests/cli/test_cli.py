import json

import pytest

from perfrules._cli import main


class TestValidate:
    """perfrules validate."""

    def test_broken_exits_1_and_names_lines(self, examples, capsys):
        assert 1 == main(["validate", str(examples / "broken.yaml")])
        out = capsys.readouterr().out
        assert "broken.yaml:24:15" in out and "did you mean 'sales_qtr'?" in out and "tier-gap" in out

    def test_json(self, examples, capsys):
        assert 1 == main(["validate", "--json", str(examples / "broken.yaml")])
        data = json.loads(capsys.readouterr().out)
        assert {"unknown-key", "unknown-name", "tier-gap"} == {i["code"] for i in data["issues"]}

    def test_clean_exits_0(self, examples, capsys):
        assert 0 == main(["validate", str(examples / "seed001" / "scheme.yaml")])

    def test_usage_error_exits_2(self):
        with pytest.raises(SystemExit) as err:
            main(["frobnicate"])
        assert 2 == err.value.code


class TestScore:
    """perfrules score."""

    def test_table(self, examples, capsys):
        assert 0 == main(
            [
                "score",
                str(examples / "seed001" / "scheme.yaml"),
                str(examples / "seed001" / "data.csv"),
                "--period",
                "2026-04",
                "--no-history",
            ]
        )
        out = capsys.readouterr().out
        assert "E004" in out and "300.00" in out and "6 employee(s), period 2026-04" in out

    @pytest.mark.parametrize("suffix", ["csv", "json"])
    def test_out_file(self, examples, tmp_path, suffix):
        out = tmp_path / f"r.{suffix}"
        assert 0 == main(
            [
                "score",
                str(examples / "seed001" / "scheme.yaml"),
                str(examples / "seed001" / "data.csv"),
                "--period",
                "2026-04",
                "--no-history",
                "--out",
                str(out),
            ]
        )
        text = out.read_text(encoding="utf-8")
        assert "E006" in text and "dismissal_eligible" in text
        assert [out.name] == [p.name for p in tmp_path.iterdir()]  # no temporary file left behind

    def test_out_json_with_explanations(self, examples, tmp_path):
        out = tmp_path / "r.json"
        folder = examples / "seed003-kpi"
        argv = ["score", str(folder / "scheme.yaml"), str(folder / "data.csv"), "--period", "2026-04", "--no-history"]
        assert 0 == main([*argv, "--out", str(out), "--explain"])
        k01 = next(r for r in json.loads(out.read_text(encoding="utf-8"))["results"] if r["employee"] == "K01")
        assert {"points": "100", "band": ">= 0.75"} == k01["indicator_points"]["conversion"]
        # K01's merit of 11 is over its approval threshold of 5: held, so the score stays under the cap of 110.
        assert {"merit": "11"} == k01["held"] and "100.00" == k01["score"] and [] == k01["limits"]
        assert ["approval_held"] == [f["name"] for f in k01["flags"]]
        assert "score" in [line["step"] for line in k01["explanation"]]

    def test_bad_input_writes_nothing(self, examples, tmp_path, capsys):
        data = tmp_path / "d.csv"
        data.write_text("employee_id,minor\nA,lots\nA,1\n", encoding="utf-8")
        out = tmp_path / "r.csv"
        assert 1 == main(
            ["score", str(examples / "seed001" / "scheme.yaml"), str(data), "--period", "2026-04", "--out", str(out)]
        )
        err = capsys.readouterr().err
        assert "row 2, column minor" in err and "duplicate-employee" in err
        assert not out.exists()

    def test_empty_file(self, examples, tmp_path, capsys):
        data = tmp_path / "d.csv"
        data.write_text("", encoding="utf-8")
        assert 1 == main(["score", str(examples / "seed001" / "scheme.yaml"), str(data), "--period", "2026-04"])
        assert "empty" in capsys.readouterr().err

    def test_bad_period_is_a_usage_error(self, examples, capsys):
        with pytest.raises(SystemExit) as err:
            main(["score", str(examples / "seed001" / "scheme.yaml"), "x.csv", "--period", "2026-02-30..2026-03-01"])
        assert 2 == err.value.code  # the docs say 2; it was 1
        assert "perfrules score: error: --period: period" in capsys.readouterr().err


class TestColumnarEngine:
    def test_same_table_as_the_row_engine(self, examples, capsys):
        args = ["score", str(examples / "seed003-front-desk" / "scheme.yaml")]
        args += [str(examples / "seed003-front-desk" / "data.csv"), "--period", "2026-04"]
        assert 0 == main(args)
        row = capsys.readouterr().out
        assert 0 == main([*args, "--engine", "columnar"])
        assert capsys.readouterr().out == row

    def test_refused_scheme_exits_1_naming_the_element(self, tmp_path, capsys):
        scheme = tmp_path / "scheme.yaml"
        scheme.write_text("name: power\nmetrics:\n  x: {type: number}\nscore: {formula: 'x ** 2'}\n")
        (tmp_path / "data.csv").write_text("employee_id,x\nE1,3\n")
        args = ["score", str(scheme), str(tmp_path / "data.csv")]
        assert 1 == main([*args, "--period", "2026-04", "--any-period", "--engine", "columnar"])
        err = capsys.readouterr().err
        assert "columnar-unsupported" in err and "score: the columnar engine cannot compute the operator '**'" in err

    @pytest.mark.parametrize(
        ("how", "out", "why"),
        [
            ("crlf", "out.csv", None),  # Windows line ends (Python's csv writer's): still the fast path
            ("plain", "out.csv", None),
            ("quoted", "out.csv", "{data} is not the plain case"),
            ("exponent", "out.csv", "{data} is not the plain case"),
            ("plain", "out.jsonl", "not a .csv, .parquet, .arrow, .feather or .ipc file in and out"),
        ],
    )
    def test_the_general_path_is_said_and_gives_the_same_file(self, examples, tmp_path, capsys, how, out, why):
        kpi = examples / "seed003-kpi"
        lines = (kpi / "data.csv").read_text(encoding="utf-8").splitlines()
        if how == "quoted":
            lines = [",".join(f'"{c}"' for c in line.split(",")) for line in lines]
        if how == "exponent":
            lines[1] = lines[1].replace(",80,", ",8e1,", 1)
            assert "8e1" in lines[1]
        data = tmp_path / "data.csv"
        data.write_bytes(("\r\n" if how == "crlf" else "\n").join([*lines, ""]).encode())
        args = ["score", str(kpi / "scheme.yaml"), str(data), "--period", "2026-04", "--no-history"]
        assert 0 == main([*args, "--out", str(tmp_path / f"row-{out}")])
        capsys.readouterr()
        assert 0 == main([*args, "--out", str(tmp_path / out), "--engine", "columnar"])
        notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
        if why is None:
            assert notes == []
        else:
            assert len(notes) == 1 and notes[0].startswith(
                f"note: --engine columnar took the general path ({why.format(data=data)}"
            )
        assert (tmp_path / out).read_bytes() == (tmp_path / f"row-{out}").read_bytes()

    @pytest.mark.parametrize(
        ("extra", "why"),
        [
            (
                "grades:\n  tiers:\n    - {range: '>= 50', grade: A}\n    - {range: '< 50', grade: B}\n"
                "  distribution:\n    quotas:\n      - {grade: A, at_most: 0.5}\n",
                "the scheme has a forced distribution",
            ),
            ("assessed: {when: 'p > 0', reason: r}\n", "the scheme has an assessed: rule"),
        ],
    )
    def test_the_general_path_names_the_scheme_feature_not_the_file(self, tmp_path, capsys, extra, why):
        # Finding 6: a plain file and a scheme feature the fast path does not take: the note names the feature.
        scheme = tmp_path / "scheme.yaml"
        scheme.write_text("name: s\nmetrics:\n  p: {type: number}\nscore: {formula: p}\n" + extra)
        data = tmp_path / "d.csv"
        data.write_text("employee_id,p\nA,10\nB,60\nC,0\nD,70\n")
        args = ["score", str(scheme), str(data), "--period", "2026-04", "--any-period"]
        assert 0 == main([*args, "--out", str(tmp_path / "row.csv")])
        capsys.readouterr()
        assert 0 == main([*args, "--out", str(tmp_path / "col.csv"), "--engine", "columnar"])
        notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
        assert notes == [f"note: --engine columnar took the general path ({why}): the same results, more slowly"]
        assert (tmp_path / "col.csv").read_bytes() == (tmp_path / "row.csv").read_bytes()


def test_an_error_with_one_issue_is_printed_once(examples, tmp_path, capsys):
    # A ledger error's summary is its one issue's message: the issue's line alone says it (with code and hint).
    ledger = tmp_path / "results.db"
    scheme, data = str(examples / "seed001" / "scheme.yaml"), str(examples / "seed001" / "data.csv")
    assert 0 == main(["score", scheme, data, "--period", "2026-04", "--ledger", str(ledger)])
    capsys.readouterr()
    who = ["--employee", "E001", "--by", "a", "--note", "n"]
    assert 1 == main(["ledger", "appeal", str(ledger), scheme, "--period", "2026-04", *who])
    err = capsys.readouterr().err
    assert err.count("declares no appeals") == 1 and "[appeal-not-taken]" in err
