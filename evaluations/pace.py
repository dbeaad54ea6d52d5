"""Pace against targets: the value a target expects by a date, and whether a figure is ahead.

A target says where an indicator should be at the end of a fiscal year. Where it has a
baseline (the value at the start of the baseline fiscal year), the value expected by an
as-of date lies on straight lines from the baseline through the program's earlier
targets of the same indicator (its interim targets) to the target: 18 papers one year
into a five-year target of 20 are ahead of pace (seed 000: 「目標を上回る進捗度」), 90 % of
the final target or not.
"""

import datetime
from decimal import Decimal

from evaluations.indicators import json_number, rounded
from evaluations.models import Target
from programs.fiscal import fiscal_year, fiscal_year_end, fiscal_year_start
from programs.models import Program

AHEAD, BEHIND = "ahead", "behind"

Point = tuple[datetime.date, Decimal]


def line(targets: list[Target]) -> list[Point]:
    """The points of one indicator's pace line: its baseline, then each target's year end.
    Empty when no target gives a baseline (there is then no pace, only attainment)."""
    with_baseline = [t for t in targets if t.baseline is not None and t.baseline_year]
    if not with_baseline:
        return []
    # The baseline of the latest target that gives one: the program's current plan.
    start = max(with_baseline, key=lambda t: t.fiscal_year)
    points = [(fiscal_year_start(start.baseline_year), start.baseline)]
    for target in sorted(targets, key=lambda t: t.fiscal_year):
        day = fiscal_year_end(target.fiscal_year)
        if day > points[-1][0]:
            points.append((day, target.value))
    return points if len(points) > 1 else []


def expected(points: list[Point], as_of: datetime.date) -> Decimal | None:
    """The value on the line at `as_of`: the baseline before it starts, the last target
    after it ends, linear by days in between."""
    if not points:
        return None
    if as_of <= points[0][0]:
        return points[0][1]
    for (day0, value0), (day1, value1) in zip(points, points[1:], strict=False):
        if as_of <= day1:
            share = Decimal((as_of - day0).days) / Decimal((day1 - day0).days)
            return value0 + (value1 - value0) * share
    return points[-1][1]


def pace(program: Program, as_of: datetime.date, document: dict) -> dict[str, dict]:
    """Per indicator code with a pace line: the value expected by `as_of` (one decimal),
    the figure's status (ahead when at or above it) and the line's points. One query."""
    targets: dict[str, list[Target]] = {}
    for target in Target.objects.filter(program=program):
        targets.setdefault(target.indicator, []).append(target)
    result = {}
    for code, rows in targets.items():
        points = line(rows)
        if not points or code not in document["indicators"]:
            continue
        wanted = rounded(expected(points, as_of), "0.1")
        value = document["indicators"][code]["value"]
        status = None
        if value is not None:
            status = AHEAD if Decimal(str(value)) >= wanted else BEHIND
        result[code] = {
            "expected": json_number(wanted),
            "status": status,
            "baseline": {
                "fiscal_year": fiscal_year(points[0][0]),
                "value": json_number(rounded(points[0][1], "0.01")),
            },
            "points": [
                {"fiscal_year": fiscal_year(day), "value": json_number(value)}
                for day, value in points[1:]
            ],
        }
    return result
