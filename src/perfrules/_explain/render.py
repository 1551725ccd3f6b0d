"""
Renderers for explanations: text in English or Chinese, and JSON.

They read :class:`~perfrules._explain.trace.Line` records and nothing else,
so a host application can write its own renderer (HTML, a payslip PDF) from
the same plain data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .trace import Explanation, Line

__all__ = ["LANGUAGES", "render_json", "render_text"]

LANGUAGES = ("en", "zh")

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Explanation for {employee}, period {period}, scheme {scheme}",
        "in_band": "{what} {value} is in band {band} → {points} points",
        "no_band": "{what} {value} is in no band",
        "weight": " × {weight}% = {value}",
        "target": "{what} {value} against target {target} → {points} points",
        "shortfall": (
            "{what} {value} against target {target}: {deduct} off per {per} short, from {full} → {points} points"
        ),
        "formula_points": "{what} = {formula} → {points} points",
        "cap": "; capped at {limit} (was {before})",
        "floor": "; raised to floor {limit} (was {before})",
        "count": "{what}: {count} × {amount} = {gross}",
        "schedule": "{what}: {count} occurrence(s) on schedule {schedule} = {gross}",
        "occurrences": "{what}: {items} = {gross}",
        "not_applied": "{what}: condition {when} does not hold → 0",
        "applied": " (condition {when} holds)",
        "share": "; this person bears {share} = {own}, {counterpart} bears {other}",
        "deducted": " → deducted from {into}",
        "added": " → added to {into}",
        "section": "{what}: base {base}{terms} = {sum}",
        "score": "Score: base {base}{terms} = {sum}",
        "score_formula": "Score = {formula} = {sum}",
        "vetoed": "; vetoed by {who} ({why}) → 0",
        "final": " → {value}",
        "grade": "Grade {value}: {of} {x} is in band {band}",
        "distributed": "Grade {value}: {of} {x} is in band {band} of grade {band_grade}; forced distribution, {note}",
        "payout": "{what} = {formula} = {base}{terms}",
        "rounded": "; rounded to {places} places ({mode}) → {value}",
        "flag_on": "FLAG {what}: {reason} ({when})",
        "metric": "{what} = {formula} = {value}",
        "reads": "   where {reads}",
        "none": "none",
        "team_yes": "Counts in team values ({when})",
        "team_no": "Does not count in team values ({when} does not hold)",
        "assessed_yes": "Assessed this period ({when})",
        "assessed_no": (
            "NOT ASSESSED this period: {reason} ({when} does not hold); "
            "no grade, not counted in averages, ranks or quotas"
        ),
        "no_grade": "No grade: not assessed this period ({of} {x})",
    },
    "zh": {
        "title": "{employee} 的考核说明，周期 {period}，方案 {scheme}",
        "in_band": "{what} {value} 落在区间 {band} → {points} 分",
        "no_band": "{what} {value} 不在任何区间",
        "weight": " × 权重 {weight}% = {value}",
        "target": "{what} 实际 {value} 对目标 {target} → {points} 分",
        "shortfall": "{what} 实际 {value} 对目标 {target}：每差 {per} 扣 {deduct} 分，满分 {full} → {points} 分",
        "formula_points": "{what} = {formula} → {points} 分",
        "cap": "；封顶 {limit}（原为 {before}）",
        "floor": "；保底 {limit}（原为 {before}）",
        "count": "{what}：{count} × {amount} = {gross}",
        "schedule": "{what}：第 1 至 {count} 次按 {schedule} 计 = {gross}",
        "occurrences": "{what}：{items} = {gross}",
        "not_applied": "{what}：条件 {when} 不成立 → 0",
        "applied": "（条件 {when} 成立）",
        "share": "；本人承担 {share} = {own}，{counterpart} 承担 {other}",
        "deducted": " → 从 {into} 扣除",
        "added": " → 计入 {into}",
        "section": "{what}：基础分 {base}{terms} = {sum}",
        "score": "总分：基础分 {base}{terms} = {sum}",
        "score_formula": "总分 = {formula} = {sum}",
        "vetoed": "；被否决指标 {who}（{why}）否决 → 0",
        "final": " → {value}",
        "grade": "等级 {value}：{of} {x} 落在区间 {band}",
        "distributed": "等级 {value}：{of} {x} 落在等级 {band_grade} 的区间 {band}；强制分布，{note}",
        "payout": "{what} = {formula} = {base}{terms}",
        "rounded": "；保留 {places} 位小数（{mode}）→ {value}",
        "flag_on": "标记 {what}：{reason}（{when}）",
        "metric": "{what} = {formula} = {value}",
        "reads": "   其中 {reads}",
        "none": "无",
        "team_yes": "计入团队统计（{when}）",
        "team_no": "不计入团队统计（{when} 不成立）",
        "assessed_yes": "参与本期考评（{when}）",
        "assessed_no": "不参与本期考评：{reason}（{when} 不成立）；不评等级，不计入平均、排名与配额",
        "no_grade": "不评等级：本期不参与考评（{of} {x}）",
    },
}


def _n(value: Any) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".") if len(text.split(".")[1]) > 2 else text
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_n(v) for v in value) + "]"
    return str(value)


def _name(key: str) -> str:
    # Team and history values are stored as team_avg__score or prior_2__score
    # and read as team_avg(score) or prior(score, 2).
    function, _, argument = key.partition("__")
    if function.startswith("prior_"):
        return f"prior({argument}, {function[6:]})"
    return f"{function}({argument.replace('__', ', ')})" if argument else key


def _terms(terms: list[tuple[str, Decimal]]) -> str:
    # Terms that are zero (no breach, no bonus) are left out of the sentence; JSON keeps them.
    return "".join(f" {'−' if v < 0 else '+'} {_n(abs(v))} ({_name(name)})" for name, v in terms if v)


def _limits(w: dict[str, str], facts: dict[str, Any]) -> str:
    by = facts.get("limited_by")
    if by is None:
        return ""
    return w[by].format(limit=_n(facts["limit"]), before=_n(facts["before_limit"]))


def _what(line: Line) -> str:
    return f"{line.label} ({line.name})" if line.label else line.name


def _indicator(w: dict[str, str], line: Line) -> str:
    f, what = dict(line.facts), _what(line)
    scorer = f.get("scorer")
    if scorer == "table":
        key = "in_band" if f.get("band") else "no_band"
        text = w[key].format(what=what, value=_n(f.get("value")), band=f.get("band"), points=_n(f["points"]))
    elif scorer == "target":
        text = w["target"].format(what=what, value=_n(f["value"]), target=_n(f["target"]), points=_n(f["points"]))
    elif scorer == "shortfall":
        text = w["shortfall"].format(
            what=what,
            value=_n(f["value"]),
            target=_n(f["target"]),
            per=_n(f["per"]),
            deduct=_n(f["deduct"]),
            full=_n(f["full"]),
            points=_n(f["points"]),
        )
    else:
        text = w["formula_points"].format(what=what, formula=f.get("formula"), points=_n(f["points"]))
    text += _limits(w, f)
    if "weight" in f:
        text += w["weight"].format(weight=_n(f["weight"]), value=_n(line.value))
    return text


def _adjustment(w: dict[str, str], line: Line) -> str:
    f, what = dict(line.facts), _what(line)
    if f.get("applies") is False:
        return w["not_applied"].format(what=what, when=f["when"])
    if "occurrences" in f:
        items = ", ".join(f"{_n(v)}→{_n(a)}" for v, a in f["occurrences"]) or w["none"]
        text = w["occurrences"].format(what=what, items=items, gross=_n(f["gross"]))
    elif "schedule" in f:
        text = w["schedule"].format(what=what, count=_n(f["count"]), schedule=_n(f["schedule"]), gross=_n(f["gross"]))
    else:
        text = w["count"].format(what=what, count=_n(f["count"]), amount=_n(f["amount"]), gross=_n(f["gross"]))
    if "when" in f:
        text += w["applied"].format(when=f["when"])
    text += _limits(w, f)
    if "share" in f:
        text += w["share"].format(
            share=_n(f["share"]),
            own=_n(line.value),
            counterpart=f"{f['counterpart']} {f['charged_to']}" if "charged_to" in f else f["counterpart"],
            other=_n(f["counterpart_amount"]),
        )
    if f.get("into") and line.value:
        text += w["deducted" if f["sign"] == "-" else "added"].format(into=f["into"])
    return text


def _total(w: dict[str, str], line: Line, head: str) -> str:
    f = dict(line.facts)
    if line.kind == "score" and "formula" in f:
        text = w["score_formula"].format(formula=f["formula"], sum=_n(f["sum"]))
    else:
        text = head.format(what=_what(line), base=_n(f.get("base")), terms=_terms(f.get("terms", [])), sum=_n(f["sum"]))
    if "vetoed_by" in f:
        who, why = f["vetoed_by"][0]
        return text + w["vetoed"].format(who=who, why=why)
    text += _limits(w, f)
    if "weight" in f:
        text += w["weight"].format(weight=_n(f["weight"]), value=_n(line.value))
    elif line.value != f["sum"]:
        text += w["final"].format(value=_n(line.value))
    return text


def _payout(w: dict[str, str], line: Line) -> str:
    f = dict(line.facts)
    if f.get("applies") is False:
        return w["not_applied"].format(what=_what(line), when=f["when"])
    text = w["payout"].format(
        what=_what(line), formula=f["formula"], base=_n(f["formula_value"]), terms=_terms(f["adjustments"])
    )
    if f["adjustments"]:
        text += f" = {_n(f['sum'])}"
    text += _limits(w, f)
    r = f["rounding"]
    return text + w["rounded"].format(places=r["places"], mode=r["mode"], value=_n(line.value))


def _line(w: dict[str, str], line: Line) -> str | None:
    f = dict(line.facts)
    renderers: dict[str, Callable[[], str | None]] = {
        "metric": lambda: w["metric"].format(what=_what(line), formula=f["formula"], value=_n(line.value)),
        "indicator": lambda: _indicator(w, line),
        "penalty": lambda: _adjustment(w, line),
        "bonus": lambda: _adjustment(w, line),
        "section": lambda: _total(w, line, w["section"]),
        "score": lambda: _total(w, line, w["score"]),
        "grade": lambda: w[
            "no_grade" if "not_assessed" in f else "distributed" if "distribution" in f else "grade"
        ].format(
            value=line.value,
            of=f["of"],
            x=_n(f["value"]),
            band=f.get("band"),
            band_grade=f.get("band_grade"),
            note=f.get("distribution"),
        ),
        "payout": lambda: _payout(w, line),
        "team": lambda: w["team_yes" if line.value else "team_no"].format(when=f["when"]),
        "assessed": lambda: w["assessed_yes" if line.value else "assessed_no"].format(
            when=f["when"], reason=f["reason"]
        ),
        "flag": lambda: (
            w["flag_on"].format(what=_what(line), reason=f["reason"], when=f["when"]) if line.value else None
        ),
    }
    return renderers[line.kind]()


def render_text(explanation: Explanation, lang: str = "en") -> str:
    """
    Return the explanation as numbered payslip-like lines in ``lang`` (``en`` or ``zh``).
    """
    if lang not in _WORDS:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)} (got {lang!r})")
    w = _WORDS[lang]
    out = [
        w["title"].format(employee=explanation.employee, period=explanation.period or "-", scheme=explanation.scheme)
    ]
    for line in explanation.lines:
        quiet = not line.facts.get("gross") or line.facts.get("applies") is False
        if line.kind in ("penalty", "bonus") and not line.value and quiet:
            continue  # nothing happened: keep the statement short
        text = _line(w, line)
        if text is None:
            continue
        out.append(f"- {text}")
        shown = {k: v for k, v in line.reads.items() if k != line.name}
        if shown and line.kind in ("metric", "payout", "flag", "score"):
            out.append(w["reads"].format(reads=", ".join(f"{_name(k)}={_n(v)}" for k, v in shown.items())))
    return "\n".join(out)


def render_json(explanation: Explanation) -> str:
    """
    Return the explanation as JSON text (Decimals as exact strings).
    """
    return json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2)
