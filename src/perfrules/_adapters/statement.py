"""
Pay statements an employee can read: one self-contained HTML page per employee.

Built only from :class:`Result` values and ``explain(plan, result).to_dict()``
(the stable JSON shape of explanations): the pay lines with their formulas
and adjustments, a waterfall of where the score came from (indicators →
adjustments → caps and floors → score → pay), the employee's place in the team
and the population, and the flags with their reasons.  The page has no
script, no font, no image and no link to fetch: it works from a file, and its
print style fits A4 for "save as PDF".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from html import escape
from typing import Any

from .._compile import Plan
from .._evaluate import Result, Results
from .._explain import Catalogue, catalogue, explain
from .._kinds import name_text, number
from .charts import distribution_svg, score_steps, waterfall_svg

__all__ = ["statement_html"]

_CSS = """
:root { --ink: #1f2d3d; --muted: #5b6b7f; --line: #d8dee8; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
       "Microsoft YaHei", sans-serif; color: var(--ink); margin: 0; background: #f4f6f9; }
main { max-width: 820px; margin: 24px auto; background: #fff; padding: 28px 36px; border-radius: 6px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: var(--muted); font-size: 13px; }
.summary { display: flex; gap: 16px; margin: 16px 0; }
.summary div { flex: 1; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.summary b { display: block; font-size: 22px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: 12px; color: var(--muted); }
svg text { font-size: 12px; fill: var(--ink); } svg .title { font-weight: bold; font-size: 13px; }
svg .zero { stroke: var(--muted); stroke-dasharray: 3 3; } svg .me { fill: #c8553d; font-weight: bold; }
.flag { margin: 4px 0; } .flag b { color: #c8553d; }
footer { color: var(--muted); font-size: 11px; margin-top: 24px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { background: #fff; } main { margin: 0; padding: 0; max-width: none; }
  section, table, svg { break-inside: avoid; }
  h2 { margin: 12px 0 4px; } .summary { margin: 8px 0; } svg.distribution { max-height: 100px; }
  th, td { padding: 4px 6px; } footer { margin-top: 12px; }
}
"""


def _ranks(scores: Mapping[str, Decimal], employee: str) -> tuple[int, int]:
    mine = scores[employee]
    return 1 + sum(1 for s in scores.values() if s > mine), len(scores)


def _pay_rows(explanation: Mapping[str, Any], words: Mapping[str, str], sentences: Mapping[str, str]) -> str:
    out = []
    for ln in explanation["lines"]:
        if ln["kind"] != "payout":
            continue
        facts = ln["facts"]
        how = f"<code>{escape(str(facts.get('formula', '')))}</code>"
        moved = [(n, Decimal(v)) for n, v in facts.get("adjustments", []) if Decimal(v)]
        if moved:
            places = facts.get("rounding", {}).get("places")  # money, with its places
            parts = ", ".join(
                f"{escape(name_text(n, sentences))} {'+' if v > 0 else ''}{number(v, places)}" for n, v in moved
            )
            how += f"<br>{words['adjustments']}: {parts}"
        if facts.get("applies") is False:
            how += f"<br><i>{words['not_paid']}</i> (<code>{escape(str(facts.get('when')))}</code>)"
        label = escape(ln["label"] or ln["name"])
        out.append(
            f'<tr class="pay-line"><td>{label}</td><td>{how}</td><td class="num">{escape(ln["value"])}</td></tr>'
        )
    return "".join(out)


def _money_rows(explanation: Mapping[str, Any]) -> str:
    out = []
    for ln in explanation["lines"]:
        facts = ln["facts"]
        if ln["kind"] in ("penalty", "bonus") and facts.get("unit") == "money" and Decimal(ln["value"] or 0):
            sign = "-" if facts.get("sign") == "-" else "+"
            label = escape(ln["label"] or ln["name"])
            into = escape(str(facts.get("into", "")))
            amount = f"{sign}{number(Decimal(ln['value']), facts.get('places'))}"
            out.append(f"<tr><td>{label}</td><td><code>→ {into}</code></td><td class='num'>{amount}</td></tr>")
    return "".join(out)


def statement_html(
    plan: Plan,
    result: Result,
    results: Results,
    *,
    lang: str | os.PathLike[str] | Catalogue = "en",
    teams: Mapping[str, str] | None = None,
    name: str | None = None,
) -> str:
    """
    Return one employee's statement as a self-contained HTML page, in ``lang``.

    ``lang`` is a language code, a message catalogue file or a :class:`~perfrules.Catalogue`
    (see :func:`perfrules.catalogue`); the page's words are its ``statement`` table.

    ``results`` is the whole population scored with ``result`` (for the place and
    the distribution); ``teams`` maps employee ids to teams when the scheme has them.
    """
    language = catalogue(lang)
    texts = language.words("statement")  # charts escape what they show
    words = {k: escape(v, quote=False) for k, v in texts.items()}  # a catalogue's text is text, not markup
    data = explain(plan, result).to_dict()
    steps = score_steps(data, result.score, texts)
    labels = {ln["name"]: ln["label"] or ln["name"] for ln in data["lines"]}
    pay = [(labels.get(k, k), v) for k, v in result.payouts.items()]
    scores = {r.employee: r.score for r in results}
    rank, of = _ranks(scores, result.employee)
    place = [f"<li>{words['population']}: {words['rank'].format(rank=rank, of=of)}</li>"]
    team = teams.get(result.employee) if teams else None
    if teams and team is not None:
        mates = {e: s for e, s in scores.items() if teams.get(e) == team}
        t_rank, t_of = _ranks(mates, result.employee)
        place.append(f"<li>{words['team']} {escape(team)}: {words['rank'].format(rank=t_rank, of=t_of)}</li>")
    flags = "".join(f'<p class="flag"><b>{escape(f.name)}</b>: {escape(f.reason)}</p>' for f in result.flags)
    if result.grade_note:
        flags += f'<p class="flag"><b>{words["grade"]}</b>: {escape(result.grade_note)}</p>'
    money = _money_rows(data)
    pay_rows = _pay_rows(data, words, language.explaining())
    money_section = (
        f'<section id="money"><h2>{words["money_adjustments"]}</h2><table><tbody>{money}</tbody></table></section>'
        if money
        else ""
    )
    who = escape(result.employee) + (f" · {escape(name)}" if name else "")
    head = f"{words['title']} · {who} · {escape(result.period or '')}"
    return f"""<!DOCTYPE html>
<html lang="{escape(language.html)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{head}</title><style>{_CSS}</style></head>
<body><main>
<header><h1>{words["title"]}</h1>
<p class="meta">{words["employee"]}: <b id="employee">{who}</b> · {words["period"]}: {escape(result.period or "-")}
 · {words["scheme"]}: {escape(results.scheme)}</p></header>
<div class="summary"><div>{words["score"]}<b id="score">{result.score}</b></div>
<div>{words["grade"]}<b id="grade">{escape(result.grade or "-")}</b></div></div>
<section id="waterfall">{waterfall_svg(steps, result.score, pay, texts)}</section>
<section id="pay"><h2>{words["pay"]}</h2><table><thead><tr><th>{words["item"]}</th><th>{words["how"]}</th>
<th class="num">{words["amount"]}</th></tr></thead><tbody>{pay_rows}</tbody></table></section>
{money_section}
<section id="place"><h2>{words["place"]}</h2><ul>{"".join(place)}</ul>
{distribution_svg(list(scores.values()), result.score, texts)}</section>
<section id="flags"><h2>{words["flags"]}</h2>{flags or f"<p>{words['no_flags']}</p>"}</section>
<footer>{words["footer"]} {escape(results.digest[:19])}</footer>
</main></body></html>
"""
