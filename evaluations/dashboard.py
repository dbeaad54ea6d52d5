"""The data of the committee's dashboard beyond the indicators themselves.

The indicators come from `evaluations.indicators.compute()` and nowhere else; this module
only adds what the committee asked to see around them (seed 000, 別紙3): growth per
fiscal year, the calls one by one, the unfunded high scores, the stays as a histogram,
the survey means, the lab-wide before/after, the papers before the start, buy-out and
travel. Each function reads the same querysets as the indicators (the stays, the survey
pairs, the papers before the start, the counted outputs), so the dashboard never counts
differently from the report, and runs a fixed number of aggregate queries whatever the
size of the data; Python only walks small grouped results or the rows a list shows.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear, Trim
from django.utils.translation import gettext as _

from calls.models import CallKind, ProposalStatus
from calls.services import percentage
from evaluations import indicators
from evaluations.catalogue import GOALS, INDICATORS
from programs.fiscal import fiscal_year, fiscal_year_end
from programs.models import Program
from projects.models import (
    COUNTED_REPORT_STATUSES,
    SHORT_STAY_DAYS,
    SURVEY_ITEMS,
    AnnualReport,
    LabStatistic,
    SurveyAnswer,
)

Number = int | float | None

# Stay lengths in days (end - start + 1): (label, first day, last day or None).
STAY_BINS: list[tuple[str, int, int | None]] = [
    ("1–7", 1, SHORT_STAY_DAYS),
    ("8–14", 8, 14),
    ("15–30", 15, 30),
    ("31–90", 31, 90),
    ("91+", 91, None),
]

# The figures of each goal whose growth the committee follows: a column each in the
# goal's yearly table, a line each in its chart.
SERIES: dict[int, list[str]] = {
    1: ["g1.proposals", "g1.adopted", "g1.adoptable", "g1.adoptable_not_adopted"],
    2: ["g2.projects", "g2.intl_coauthored_papers", "g2.intl_presentations"],
    3: ["g3.events", "g3.researchers_received", "g3.hubs"],
    4: ["g4.dispatched", "g4.young_dispatched", "g4.young_received", "g4.survey_pairs"],
}

# Lists of records (papers before the start, unfunded proposals, the reports giving a
# reason) show this many at most; their counts stay whole. At agency scale they would
# otherwise put tens of thousands of rows on one page.
LIST_LIMIT = 100

# The yearly series stops at this many fiscal years (the latest ones), so that a far
# as-of date cannot make the page run hundreds of queries.
MAX_SERIES_YEARS = 15


# --- The goals and their growth --------------------------------------------------------


def goals(document: dict) -> list[dict]:
    """The indicator document of compute() grouped by goal, in the catalogue's order."""
    return [
        {
            "number": number,
            "label": label,
            "figures": [
                {"code": code, **document["indicators"][code]}
                for code, (goal, _label) in INDICATORS.items()
                if goal == number
            ],
        }
        for number, label in GOALS.items()
    ]


def fiscal_years(program: Program, as_of: datetime.date) -> list[int]:
    """From the fiscal year of the program's first call to FY(as_of), the latest
    MAX_SERIES_YEARS at most. One query."""
    first = program.calls.aggregate(first=Min("open_date"))["first"]
    last = fiscal_year(as_of)
    start = min(fiscal_year(first), last) if first else last
    return list(range(max(start, last - MAX_SERIES_YEARS + 1), last + 1))


def _series(years: list[int], figures: list[indicators.Figures]) -> dict[str, Any]:
    rows = {code: [indicators.json_number(f[code]) for f in figures] for code in INDICATORS}
    return {"years": years, "rows": rows}


def document_and_series(
    program: Program, as_of: datetime.date
) -> tuple[dict, dict[str, Any], indicators.Groups]:
    """compute()'s document, the growth series and the proposal groups of the calls
    table, all from one pass of the indicator queries over every fiscal year's end."""
    years = fiscal_years(program, as_of)
    dates = [fiscal_year_end(year) for year in years[:-1]] + [as_of]
    proposals = indicators.proposal_groups(program, as_of)
    figures = indicators.values_at(program, dates, proposals)
    document = indicators.document(program, as_of, figures[-1])
    return document, _series(years, figures), proposals


def per_year(values: list[Number]) -> list[Number]:
    """What each fiscal year added to a cumulative series (the first year: its value)."""
    added: list[Number] = []
    for i, value in enumerate(values):
        before = values[i - 1] if i else 0
        added.append(None if value is None or before is None else value - before)
    return added


def year_on_year(values: list[Number]) -> list[float | None]:
    """The change of each year's figure over the year before, in % (None for the first
    year, or after a year of 0: a rate from nothing is no rate)."""
    rates: list[float | None] = [None]
    for before, value in zip(values, values[1:], strict=False):
        rate = None
        if before and value is not None:
            rate = float(indicators.rounded(Decimal(100 * (value - before)) / before, "0.1"))
        rates.append(rate)
    return rates


def growth_tables(series_data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Per goal: the SERIES codes with their labels, a row per fiscal year (cumulative),
    and the same years as what each added and its year-on-year rate."""
    years = series_data["years"]
    tables = {}
    for number, codes in SERIES.items():
        added = {code: per_year(series_data["rows"][code]) for code in codes}
        rates = {code: year_on_year(added[code]) for code in codes}
        tables[number] = {
            "columns": [{"code": code, "label": str(INDICATORS[code][1])} for code in codes],
            "rows": [
                {"year": year, "values": [series_data["rows"][code][i] for code in codes]}
                for i, year in enumerate(years)
            ],
            "yearly": [
                {"year": year, "cells": [(added[code][i], rates[code][i]) for code in codes]}
                for i, year in enumerate(years)
            ],
        }
    return tables


def charts(series_data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """What static/evaluations/dashboard.js draws: per goal, a line per SERIES code."""
    return {
        number: {
            "years": [f"FY{year}" for year in series_data["years"]],
            "lines": [
                {
                    "label": str(INDICATORS[code][1]),
                    "values": series_data["rows"][code],
                    "per_year": per_year(series_data["rows"][code]),
                }
                for code in codes
            ],
        }
        for number, codes in SERIES.items()
    }


# --- Goal 1: the calls ------------------------------------------------------------------


def per_call(
    program: Program, as_of: datetime.date, groups: indicators.Groups | None = None
) -> list[dict]:
    """Received, adopted, rate, adoptable and adoptable-but-not-adopted for each opened
    call, counted as call_summary does from indicators.proposal_groups() (one query,
    none when the caller has the groups already)."""
    if groups is None:
        groups = indicators.proposal_groups(program, as_of)
    calls: dict[int, dict] = {}
    for group in groups:
        call = calls.setdefault(
            group["call"],
            {
                "pk": group["call"],
                "code": group["call__code"],
                "title": group["call__title"],
                "kind": CallKind(group["call__kind"]).label,
                "open_date": group["call__open_date"],
                "received": 0,
                "adopted": 0,
                "adoptable": 0,
                "adoptable_not_adopted": 0,
            },
        )
        adopted = group["status"] == ProposalStatus.ADOPTED
        call["received"] += group["n"]
        call["adopted"] += group["n"] if adopted else 0
        call["adoptable"] += group["n"] if group["adoptable"] else 0
        call["adoptable_not_adopted"] += group["n"] if group["adoptable"] and not adopted else 0
    for call in calls.values():
        call["rate"] = percentage(call["adopted"], call["received"])
    return sorted(calls.values(), key=lambda call: (call["open_date"], call["code"]))


def unfunded(program: Program, as_of: datetime.date) -> QuerySet:
    """Adoptable proposals that were not adopted, best final score first (staff only)."""
    return (
        indicators.proposal_scope(program, as_of)
        .with_scores()
        .filter(adoptable=True)
        .exclude(status=ProposalStatus.ADOPTED)
        .select_related("call", "jp_pi", "partner_pi")
        .order_by(F("final_score").desc(), "ref")
    )


# --- Goal 2: papers dated before their project's start ----------------------------------


def papers_before_start(program: Program, as_of: datetime.date) -> QuerySet:
    """The rows behind g2.intl_coauthored_papers_before_start (a paper reported by two
    projects is two rows here and one paper in the indicator)."""
    return (
        indicators.papers_before_start(program, as_of)
        .select_related("project", "report")
        .order_by("published_on", "title", "pk")
    )


# --- Goal 3: lab-wide activity before and after -----------------------------------------


def lab(document: dict) -> list[dict]:
    """g3.lab_*_before / _after side by side with the change in %; no query."""
    rows = []
    for name, field in indicators.LAB_FIELDS.items():
        before = document["indicators"][f"g3.lab_{name}_before"]["value"]
        after = document["indicators"][f"g3.lab_{name}_after"]["value"]
        change = None
        if before and after is not None:
            change = float(indicators.rounded(Decimal(100 * (after - before)) / before, "0.1"))
        rows.append(
            {
                "name": name,
                "label": LabStatistic._meta.get_field(field).verbose_name,
                "before": before,
                "after": after,
                "change_pct": change,
            }
        )
    return rows


# --- Goal 4: stays abroad and the survey -------------------------------------------------


def _stay_length() -> ExpressionWrapper:
    """end - start as a duration, in SQL (the stay in days is that plus one)."""
    return ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())


def _days(length: int) -> datetime.timedelta:
    """The duration end - start of a stay of `length` days."""
    return datetime.timedelta(days=length - 1)


def stays(program: Program, as_of: datetime.date) -> dict[str, Any]:
    """The stays of g4.stay_days_median (indicators.ended_stays) as a histogram, the
    short ones' share and their purposes (each with its reports). Two queries: the bins
    in one aggregate of the stored counts (indicators.stored_stays), the short stays'
    rows grouped by purpose and report."""
    rows = indicators.ended_stays(program, as_of).annotate(length=_stay_length())
    stored = indicators.stored_stays(program, as_of).annotate(
        length=ExpressionWrapper(F("end_day") - F("day"), output_field=DurationField())
    )
    bins = {
        f"bin{i}": Sum(
            "n",
            filter=Q(length__gte=_days(low))
            & (Q(length__lte=_days(high)) if high is not None else Q()),
            default=0,
        )
        for i, (_label, low, high) in enumerate(STAY_BINS)
    }
    short = Q(length__lte=_days(SHORT_STAY_DAYS))
    counts = stored.aggregate(
        total=Sum("n", default=0), short=Sum("n", filter=short, default=0), **bins
    )
    short = (
        rows.filter(length__lte=_days(SHORT_STAY_DAYS))
        .values(**_reason_and_report(Trim("purpose"), "report", "report__fiscal_year"))
        .annotate(n=Count("pk"))
        .order_by("code", "year")
    )
    return {
        "bins": [
            {"label": label, "low": low, "high": high, "count": counts[f"bin{i}"]}
            for i, (label, low, high) in enumerate(STAY_BINS)
        ],
        "total": counts["total"],
        "short": counts["short"],
        "short_share": percentage(counts["short"], counts["total"]),
        "purposes": _by_reason(short),
    }


def _reason_and_report(reason, report: str, year: str) -> dict:
    """The columns _by_reason() reads: a reason, and the report that gives it."""
    return {"reason": reason, "report_pk": F(report), "year": F(year), "code": F("project__code")}


def _by_reason(groups) -> list[dict]:
    """(reason, report) groups gathered by reason, most frequent first, each with the
    reports that give it (a small grouped result: Python only regroups it)."""
    reasons: dict[str, dict] = {}
    for group in groups:
        entry = reasons.setdefault(
            group["reason"], {"reason": group["reason"], "count": 0, "reports": []}
        )
        entry["count"] += group["n"]
        if len(entry["reports"]) < LIST_LIMIT:
            report = {"pk": group["report_pk"], "project": group["code"]}
            entry["reports"].append({**report, "fiscal_year": group["year"]})
        else:
            entry["more"] = entry.get("more", 0) + 1
    return sorted(reasons.values(), key=lambda entry: (-entry["count"], entry["reason"]))


def survey(program: Program, as_of: datetime.date, document: dict) -> list[dict]:
    """Per item: the mean before and after over the people who answered both (the same
    pairs as the indicator, one query) and the indicator's mean gain."""
    means = indicators.survey_pairs(program, as_of).aggregate(
        **{f"before_{item}_mean": Avg(f"before_{item}") for item in SURVEY_ITEMS},
        **{f"after_{item}_mean": Avg(item) for item in SURVEY_ITEMS},
    )
    return [
        {
            "item": item,
            "label": SurveyAnswer._meta.get_field(item).verbose_name,
            "before": _mean(means[f"before_{item}_mean"]),
            "after": _mean(means[f"after_{item}_mean"]),
            "gain": document["indicators"][f"g4.survey_gain_{item}"]["value"],
        }
        for item in SURVEY_ITEMS
    ]


def _mean(value) -> float | None:
    return indicators.json_number(indicators.rounded(value, "0.01"))


# --- Reports: buy-out and travel ----------------------------------------------------------


def counted_reports(program: Program, as_of: datetime.date) -> QuerySet:
    """Submitted or accepted reports of counted projects for the fiscal years from the
    project's start to FY(as_of): a report of the year before the start only carries the
    lab-wide "before" figures, and has no buy-out or travel to tell."""
    year = ExtractYear("project__start_date")
    start_fy = Case(
        When(project__start_date__month__lt=4, then=year - 1),
        default=year,
        output_field=IntegerField(),
    )
    return (
        AnnualReport.objects.filter(
            project__in=indicators.counted_projects(program, as_of),
            status__in=COUNTED_REPORT_STATUSES,
            fiscal_year__lte=fiscal_year(as_of),
        )
        .alias(start_fy=start_fy)
        .filter(fiscal_year__gte=F("start_fy"))
    )


BUYOUT_ANSWERS = {"used": True, "not_used": False, "unanswered": None}


def report_years(program: Program, as_of: datetime.date) -> list[dict]:
    """The counted reports per fiscal year: their trips and costs, and their buy-out
    answers. One query (a scan of the reports at L), which travel() and buyout() share."""
    both = Q(travel_trips__isnull=False, travel_cost_yen__isnull=False)
    answers = {
        name: Count("pk", filter=Q(buyout_used=answer)) for name, answer in BUYOUT_ANSWERS.items()
    }
    return list(
        counted_reports(program, as_of)
        .values("fiscal_year")
        .annotate(
            reports=Count("pk"),
            answered=Count("pk", filter=both),
            trips=Sum("travel_trips"),
            cost=Sum("travel_cost_yen"),
            paired_trips=Sum("travel_trips", filter=both, default=Value(0)),
            paired_cost=Sum("travel_cost_yen", filter=both, default=Value(0)),
            **answers,
        )
        .order_by("fiscal_year")
    )


def buyout(
    program: Program, as_of: datetime.date, years: list[dict] | None = None
) -> dict[str, Any]:
    """How many counted reports used the buy-out, how many did not (with the reasons
    given, each with its reports) and how many left the question open. Two queries, one
    when the caller has report_years() already."""
    years = report_years(program, as_of) if years is None else years
    counts = {name: sum(year[name] for year in years) for name in BUYOUT_ANSWERS}
    reports = counted_reports(program, as_of)
    not_used = (
        reports.filter(buyout_used=False)
        .values(**_reason_and_report(Trim("buyout_reason"), "pk", "fiscal_year"))
        .annotate(n=Count("pk"))
        .order_by("code", "year")
    )
    return {**counts, "reasons": _by_reason(not_used)}


def travel(program: Program, as_of: datetime.date, years: list[dict] | None = None) -> list[dict]:
    """Trips abroad and their cost per fiscal year, with the mean cost of a trip (the
    mean only over reports that gave both figures): report_years(), one query, none when
    the caller has it already."""
    years = report_years(program, as_of) if years is None else years
    rows = []
    to_date = {"cost": 0, "trips": 0}  # the paired figures of this year and the ones before
    for year in years:
        to_date["cost"] += year["paired_cost"]
        to_date["trips"] += year["paired_trips"]
        rows.append(
            {
                **{name: value for name, value in year.items() if name not in BUYOUT_ANSWERS},
                "cost_per_trip": _yen_per_trip(year["paired_cost"], year["paired_trips"]),
                "cost_per_trip_to_date": _yen_per_trip(to_date["cost"], to_date["trips"]),
            }
        )
    return rows


def _yen_per_trip(cost: int, trips: int) -> int | None:
    return int(indicators.rounded(Decimal(cost) / trips, "1")) if trips else None


def travel_chart(rows: list[dict]) -> dict[str, Any]:
    """What static/evaluations/dashboard.js draws of travel(): the yen per trip of each
    fiscal year, and over all years to date (a year without both figures: a gap)."""
    return {
        "years": [f"FY{row['fiscal_year']}" for row in rows],
        "lines": [
            {
                "label": str(_("Yen per trip in the year")),
                "values": [row["cost_per_trip"] for row in rows],
            },
            {
                "label": str(_("Yen per trip, all years to date")),
                "values": [row["cost_per_trip_to_date"] for row in rows],
            },
        ],
    }
