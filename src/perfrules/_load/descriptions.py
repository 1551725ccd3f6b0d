"""
What each element and field of a scheme file means, in the words an editor shows on hover.

The JSON Schema takes its structure from the model's own fields and types; these are its
descriptions.  A test checks that every field of every model class reachable from
:class:`~perfrules.Scheme` has one here, and that nothing here names a field that no longer
exists, so the two cannot drift apart.  Written for people editing a scheme: no rule IDs.
"""

from __future__ import annotations

__all__ = ["CLASSES", "FIELDS", "METRIC_TYPES"]

# The metric types perfrules itself registers; a plugin may add more (any other name is allowed).
METRIC_TYPES = ("number", "count", "money", "percent", "ratio", "rating", "list", "text")

_NUMBER = "A number, or the name of a parameter."
_LABEL = "The name people read in results and explanations (any text, Chinese included)."
_NAME = "The name formulas use: ASCII letters, digits and _, not starting with a digit."
_FORMULA = "A formula (see the formula language reference)."
_CONDITION = "A condition: a formula that is true or false."
_ROUNDING = "Decimal places and rounding mode; without it the scheme's money rounding applies."

CLASSES: dict[str, str] = {
    "Scheme": "A perfrules scheme: inputs, scoring, grades, money and flags for one kind of period.",
    "Calendar": "Where the scheme's months start; quarters, half-years and years are built from those months.",
    "HistoryRule": "Where the scheme's history begins, and what rules over earlier periods do when a period they "
    "need was never recorded.",
    "Rounding": "A rounding rule: decimal places and mode.",
    "Param": "A named constant usable in formulas (a base amount, a target, a rate).",
    "Metric": "An input read from each employee's row, or a value derived from other values by a formula.",
    "TierTable": "A named table of bands that turns a value into points, a rate or a label.",
    "Tier": "One band: range '[a, b)', '(a, b]', '>= a', '< b', '== a' or 'any', with points and/or a label.",
    "Column": "A value a grade band carries besides its label (a pay percentage, a bonus).",
    "Section": "A group of indicators and point adjustments (a dimension), with its own base, weight, cap and floor.",
    "Indicator": "One scored indicator: an input turned into points by exactly one scorer "
    "(table, tiers, target, shortfall or formula).",
    "Target": "Points as actual / target × 100 (or the shortfall from target when lower is better).",
    "Shortfall": "Full points at or beyond the target; points off for every unit short of it.",
    "Penalty": "A deduction of points or money, per occurrence, by count, tiered, by level or ranged.",
    "Bonus": "An addition of points or money, per occurrence, by count, tiered, by level or ranged.",
    "Score": "How the total score is made, limited and rounded.",
    "Grades": "Grade bands over the total score (or another value), listed best first.",
    "Distribution": "Forced distribution: quotas on grades, over everyone or within each team.",
    "Quota": "A share of the people graded together that may, or must, get one grade.",
    "Ranking": "The order used for ranks, tops and forced distribution, declared once.",
    "Teams": "How employees form teams, for team values in formulas.",
    "Population": "Columns describing employees beyond their metrics: dates, relations, roles.",
    "Assessed": "Who is assessed this period; those who are not get no grade and are left out of group values.",
    "Rollup": "How recorded periods roll up into a longer one (months into a quarter).",
    "Accelerator": "A marginal table: the value paid band by band, each slice at its band's rate.",
    "RateBand": "One band of an accelerator: the part of the value from start to end earns rate per unit.",
    "Condition": "A named true/false rule formulas read; explained and kept with the results, not an outcome.",
    "Payout": "A money amount: a formula, kept within floor and cap, rounded.",
    "Appeals": "When an employee may appeal a published period: within so many days of its publication.",
    "Flag": "An outcome that is not money (approval needed, dismissal eligible), raised when its condition holds.",
}

_ADJUSTMENT: dict[str, str] = {
    "name": _NAME,
    "unit": "points (into a section or the total score) or money (into a payout).",
    "count": "A formula giving how many times the amount applies (occurrences, minutes, days).",
    "amount": "The amount per count. " + _NUMBER,
    "schedule": "Amounts for the 1st, 2nd, 3rd ... occurrence; the last repeats.",
    "earlier": "With count and schedule: how many occurrences earlier periods already counted, so this "
    "period's continue the schedule. " + _FORMULA,
    "occurrences": "A list metric with one value per occurrence.",
    "tiers": "Bands mapping each occurrence's value (its magnitude) to an amount.",
    "levels": "The amounts an occurrence may have; any other value is an input error.",
    "range": "[lowest, highest] amount an occurrence may have, decided case by case.",
    "when": "Applies only when this condition holds. " + _CONDITION,
    "cap": "The most the total may be. " + _NUMBER,
    "share": "The part (0 to 1) this person bears when the cost is shared with the counterpart.",
    "counterpart": "Who bears the rest of a shared cost: a column, or a relation such as manager.",
    "no_counterpart": "When the counterpart cell is empty: error (the default), keep (the employee bears it all) "
    "or charge (charge_to bears it).",
    "charge_to": "The employee id that bears the rest when no_counterpart is charge.",
    "section": "The section the points go into; without it, the total score.",
    "payout": "The payout the money goes into; without it, money is only reported.",
    "approval_over": "Any single amount above this needs sign-off: it is flagged for approval. " + _NUMBER,
    "label": _LABEL,
}

FIELDS: dict[str, dict[str, str]] = {
    "Scheme": {
        "name": "The scheme's name, shown in results and explanations.",
        "version": "The scheme's version, kept with results.",
        "description": "What the scheme is for, for people reading it.",
        "period": "The kind of period scored: month, quarter, half, year or custom (any stated dates).",
        "calendar": "Where months start (month_starts: 26 for months from the 26th to the 25th).",
        "history": "Where the scheme's history begins, and what rules over earlier periods do with a period never "
        "recorded.",
        "money": "How money amounts are rounded: places (default 2) and mode (default half_up).",
        "params": "Named constants, by name: base: 918.",
        "metrics": "The inputs read from each row, and derived values, by name.",
        "tables": "Named tier tables that indicators and formulas look values up in.",
        "sections": "Groups of indicators and adjustments (dimensions), by name.",
        "indicators": "Scored indicators, by name.",
        "penalties": "Deductions of points or money, by name.",
        "bonuses": "Additions of points or money, by name.",
        "score": "How the total score is made: formula or base plus sections, then veto, floor, cap, rounding.",
        "grades": "Grade bands over the score, and optionally a forced distribution.",
        "ranking": "The order of ranks and tops: keys such as 'score desc, sales desc'.",
        "teams": "The column holding each employee's team, and who counts in team values.",
        "population": "Columns for hire and leave dates, mentor, manager and role.",
        "assessed": "Who is assessed this period, and the reason told to those who are not.",
        "rollup": "How recorded periods roll up into a longer one.",
        "accelerators": "Marginal rate tables (commission paid band by band), by name.",
        "conditions": "Named true/false rules formulas read, by name.",
        "payouts": "Money amounts, by name.",
        "flags": "Outcomes that are not money, by name.",
        "appeals": "When employees may appeal a published period: days, weekends, holidays and time zone.",
        "checks": "Promises the scheme makes about itself, one per line, proven or searched by perfrules check.",
        "constraints": "Relations every row's inputs must keep (days_worked <= days_scheduled); a row breaking one "
        "is refused.",
    },
    "Appeals": {
        "within": "How many days after publication an appeal may be made, 1 to 366 (default 2).",
        "days": "working (the default: not a weekend day or holiday) or calendar days.",
        "weekend": "The weekend days: mon, tue, wed, thu, fri, sat, sun (default sat and sun).",
        "holidays": "Dates that are not working days, written 2026-05-01.",
        "workdays": "Weekend dates that are working days (a holiday made up on a Saturday), written 2026-05-09.",
        "utc_offset": "The time zone days are counted in, as an offset: +08:00 for China (default +00:00).",
    },
    "Calendar": {"month_starts": "The first day of every month, 1 to 28; a month is named after the month it ends in."},
    "HistoryRule": {
        "missing": "error (the default) refuses to score and names the missing periods; "
        "absent reads them as absent (prior() gives 0, a streak stops).",
        "begins": "The first period of the scheme's history (2026-01): periods before it count as nothing; "
        "periods from it on that were never recorded are missing. Without it, a total (over the last n periods, "
        "a calendar window or since hire) that reaches before the first period recorded is refused.",
    },
    "Rounding": {
        "places": "Decimal places, 0 to 10 (default 2).",
        "mode": "half_up (the default), half_even, down, up, floor or ceiling.",
    },
    "Param": {"name": _NAME, "value": "The value. A number.", "label": _LABEL},
    "Metric": {
        "name": _NAME,
        "type": "How a cell is read: number, count (whole, 0 or more), money, percent (85% is 0.85), ratio, "
        "rating, list (one value per occurrence), text, or a plugin's type.",
        "formula": "Derive the value from other values instead of reading it. " + _FORMULA,
        "label": _LABEL,
        "unit": "The unit shown beside the value (yuan, minutes).",
        "min": "The smallest valid input; a smaller one is an input error. " + _NUMBER,
        "max": "The largest valid input; a larger one is an input error. " + _NUMBER,
        "default": "The value of an empty cell; without it an empty cell is an input error. " + _NUMBER,
        "scale": "How a percent cell written without % reads: fraction (0.85 as written) or points (85 is 85%); "
        "undeclared, such a cell above 1 is an error.",
    },
    "TierTable": {
        "name": _NAME,
        "tiers": "The bands, each with a range and points or a label.",
        "match": "unique (overlapping bands are an error) or first (the first band that holds the value wins).",
        "direction": "higher_is_better or lower_is_better: the checker warns when a better value earns less.",
        "otherwise": "The result for a value in no band; without it such a value is an error. " + _NUMBER,
        "label": _LABEL,
    },
    # A tier's keys in a file (the model's lower and upper are written as range, or min and max).
    "Tier": {
        "range": "The band: '[a, b)', '(a, b]', '[a, b]', '(a, b)', '>= a', '> a', '<= b', '< b', '== a' or 'any'.",
        "min": "The lower end, instead of range (included unless min_inclusive is false). " + _NUMBER,
        "max": "The upper end, instead of range (excluded unless max_inclusive is true). " + _NUMBER,
        "min_inclusive": "Whether min itself is in the band (default true).",
        "max_inclusive": "Whether max itself is in the band (default false).",
        "points": "What the band yields: points, a rate or a coefficient. " + _NUMBER,
        "label": "The grade or label the band yields.",
        "grade": "The grade the band yields (the same as label).",
        "values": "Named values the band carries (pay_pct: 1.2), read in formulas as grade_<name>.",
    },
    "Column": {"name": _NAME, "value": "The value. " + _NUMBER},
    "Section": {
        "name": _NAME,
        "base": "The points the section starts from (default 0). " + _NUMBER,
        "weight": "Multiplies the section's value by weight / 100. " + _NUMBER,
        "cap": "The most the section may be worth. " + _NUMBER,
        "floor": "The least the section may be worth (0: deduct down to zero and no further). " + _NUMBER,
        "veto": "When this condition holds, the section is worth 0. " + _CONDITION,
        "label": _LABEL,
    },
    "Indicator": {
        "name": _NAME,
        "input": "The metric the indicator scores.",
        "table": "Score by a named tier table.",
        "tiers": "Score by bands written here.",
        "target": "Score as actual / target × 100.",
        "shortfall": "Score as full points less a deduction per unit short of a target.",
        "formula": "Score by a formula giving the points. " + _FORMULA,
        "weight": "Contribution is points × weight / 100; without it, the points. " + _NUMBER,
        "section": "The section the contribution goes into; without it, the total score.",
        "cap": "The most points the indicator may give. " + _NUMBER,
        "floor": "The fewest points the indicator may give. " + _NUMBER,
        "veto": "When this condition holds, the indicator's section (or the whole score) is 0. " + _CONDITION,
        "label": _LABEL,
        "kind": "hard (a measured number, the default) or soft (a rating given by a person).",
    },
    "Target": {
        "target": "The target: a number, a parameter or a metric.",
        "direction": "higher_is_better (the default) or lower_is_better.",
    },
    "Shortfall": {
        "target": "The value at or beyond which full points are earned. " + _NUMBER,
        "per": "The size of one unit of shortfall. " + _NUMBER,
        "deduct": "Points off per unit short. " + _NUMBER,
        "full": "The points at or beyond the target. " + _NUMBER,
        "direction": "higher_is_better (the default) or lower_is_better.",
        "steps": "whole (only complete units count, the default), started (any started unit counts) or exact.",
    },
    "_Adjustment": _ADJUSTMENT,
    "Bonus": {
        "signed": "The amount may be negative too (a discretionary adjustment either way).",
        "reason": "The input column that must explain any amount other than zero.",
    },
    "Score": {
        "formula": "The total score as a formula; without it, base plus every section and unsectioned amount. "
        + _FORMULA,
        "base": "The points the total starts from (default 0). " + _NUMBER,
        "cap": "The most the score may be: a higher score counts as this. " + _NUMBER,
        "floor": "The least the score may be. " + _NUMBER,
        "veto": "When this condition holds, the score is 0. " + _CONDITION,
        "rounding": "How the score is rounded; without it the score is not rounded.",
    },
    "Grades": {
        "tiers": "The grade bands, best first, each with a range and a label.",
        "of": "The value graded (default: score).",
        "match": "unique (overlapping bands are an error) or first (the first band that holds the value wins).",
        "distribution": "Forced distribution: quotas on grades.",
    },
    "Distribution": {
        "quotas": "The quotas, one per grade.",
        "scope": "all (everyone graded together, the default) or team (within each team).",
        "ties": "demote (the tied all get the lower grade, the default) or keep (they all keep the better one).",
        "rounding": "How a share becomes a head count: down (the default), nearest, up or at_least_one.",
        "unfilled": "When ties leave an at_least quota short: leave (the default), fill or error.",
        "over": "Who is graded together: assessed (the default) or eligible.",
    },
    "Quota": {
        "grade": "The grade the quota is on.",
        "at_most": "At most this share (0 to 1) may have the grade; the rest move one grade down.",
        "at_least": "The lowest-ranked share (0 to 1) get this grade whatever their band.",
    },
    "Ranking": {
        "keys": "Formulas (or employee_id), each with asc or desc, compared in turn.",
        "ties": "Who is top among people equal on every key: all (the default), none or first.",
    },
    "Teams": {
        "column": "The input column holding each employee's team (default: team).",
        "eligible": "Who counts in team values (trial staff may not). " + _CONDITION,
    },
    "Population": {
        "hire_date": "The column holding hire dates: formulas can read tenure_months.",
        "leave_date": "The column holding leave dates: formulas can read days_employed.",
        "mentor": "The column holding each employee's mentor's id.",
        "manager": "The column holding each employee's manager's id.",
        "role": "The column holding each employee's role.",
        "roles": "The roles that column may hold; each role r gives formulas is_r.",
    },
    "Assessed": {
        "when": "The condition for being assessed this period. " + _CONDITION,
        "reason": "Why someone is not assessed, as told to them.",
    },
    "Rollup": {
        "score": "How scores combine: average (the default), sum, last, max or min.",
        "amounts": "How amounts combine: sum (the default), average, last, max or min.",
    },
    "Accelerator": {
        "name": _NAME,
        "input": "The value paid band by band.",
        "tiers": "The rate bands, each from start to end, without gaps or overlaps.",
        "cap": "The most the accelerator may pay. " + _NUMBER,
        "rounding": _ROUNDING,
        "label": _LABEL,
    },
    "RateBand": {
        "start": "Where the band starts. " + _NUMBER,
        "rate": "What each unit inside the band earns. " + _NUMBER,
        "end": "Where the band ends; leave out for the last, open-ended band. " + _NUMBER,
    },
    "Condition": {"name": _NAME, "when": _CONDITION, "label": _LABEL},
    "Payout": {
        "name": _NAME,
        "formula": "The amount. " + _FORMULA,
        "cap": "The most the payout may be. " + _NUMBER,
        "floor": "The least the payout may be (may be negative). " + _NUMBER,
        "when": "Pay it only when this condition holds. " + _CONDITION,
        "rounding": _ROUNDING,
        "label": _LABEL,
    },
    "Flag": {
        "name": _NAME,
        "when": "The flag is raised when this condition holds. " + _CONDITION,
        "reason": "The reason shown to people when the flag is raised.",
        "label": _LABEL,
    },
}
