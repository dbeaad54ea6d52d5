"""The data of the committee's dashboard beyond the indicators themselves.

Every figure here is read from the same querysets as evaluations.indicators (the stays,
the survey pairs, the papers before the start, the counted outputs), so the dashboard
never counts differently from the report; each function runs a fixed number of queries.
"""

import datetime
from collections import defaultdict

from django.db.models import Avg, Count, Q, QuerySet, Sum

from calls.models import ProposalStatus
from calls.services import percentage
from evaluations import indicators
from evaluations.catalogue import GOALS, INDICATORS
from programs.fiscal import fiscal_year, fiscal_year_end
from programs.models import Program
from projects.models import SHORT_STAY_DAYS, SURVEY_ITEMS, AnnualReport

# Stay lengths in days: (label, first day, last day or None).
STAY_BINS = [
    ("1–7", 1, 7),
    ("8–14", 8, 14),
    ("15–30", 15, 30),
    ("31–90", 31, 90),
    ("91+", 91, None),
]
# The figures the yearly charts draw, one line each, per goal.
SERIES = {
    1: ["g1.proposals", "g1.adopted", "g1.adoptable"],
    2: ["g2.intl_coauthored_papers", "g2.intl_presentations"],
    3: ["g3.events", "g3.researchers_received", "g3.hubs"],
    4: ["g4.dispatched", "g4.young_dispatched", "g4.young_received"],
}


def goals(document: dict) -> list[dict]:
    """The indicator document grouped by goal, in the catalogue's order."""
    grouped = []
    for number, label in GOALS.items():
        rows = [
            {"code": code, **document["indicators"][code]}
            for code, (goal, _label) in INDICATORS.items()
            if goal == number
        ]
        grouped.append({"number": number, "label": label, "figures": rows})
    return grouped


def fiscal_years(program: Program, as_of: datetime.date) -> list[int]:
    """From the fiscal year of the program's first call to that of `as_of`."""
    first = program.calls.exclude(open_date=None).order_by("open_date").first()
    start = fiscal_year(first.open_date) if first else fiscal_year(as_of)
    return list(range(min(start, fiscal_year(as_of)), fiscal_year(as_of) + 1))


def series(program: Program, as_of: datetime.date) -> dict:
    """Every indicator at the end of each fiscal year (the last one: at `as_of`)."""
    years = fiscal_years(program, as_of)
    values = [indicators.values(program, min(fiscal_year_end(year), as_of)) for year in years]
    rows = {code: [_number(year_values[code]) for year_values in values] for code in INDICATORS}
    return {"years": years, "rows": rows}


def _number(value):
    return None if value is None else float(value)


def per_call(program: Program, as_of: datetime.date) -> list[dict]:
    """Received, adopted, rate, adoptable, adoptable-but-not-adopted for each opened call."""
    groups = (
        indicators.proposal_scope(program, as_of)
        .with_scores()
        .values("call__code", "call__title", "call__kind", "status", "adoptable")
        .annotate(n=Count("pk"))
        .order_by()
    )
    calls: dict[str, dict] = {}
    for group in groups:
        call = calls.setdefault(group["call__code"], _empty_call(group))
        adopted = group["status"] == ProposalStatus.ADOPTED
        call["received"] += group["n"]
        call["adopted"] += group["n"] if adopted else 0
        call["adoptable"] += group["n"] if group["adoptable"] else 0
        call["adoptable_not_adopted"] += group["n"] if group["adoptable"] and not adopted else 0
    for call in calls.values():
        call["rate"] = percentage(call["adopted"], call["received"])
    return sorted(calls.values(), key=lambda call: call["code"])


def _empty_call(group: dict) -> dict:
    return {
        "code": group["call__code"],
        "title": group["call__title"],
        "kind": group["call__kind"],
        **dict.fromkeys(["received", "adopted", "adoptable", "adoptable_not_adopted"], 0),
    }


def unfunded(program: Program, as_of: datetime.date) -> QuerySet:
    """Adoptable proposals that were not adopted, best first (for staff only)."""
    scored = indicators.proposal_scope(program, as_of).with_scores()
    return (
        scored.filter(adoptable=True)
        .exclude(status=ProposalStatus.ADOPTED)
        .select_related("call", "jp_pi", "partner_pi")
        .order_by("-final_score", "ref")
    )


def stays(program: Program, as_of: datetime.date) -> dict:
    """The stays of g4.stay_days_median as a histogram, with the short stays' purposes."""
    rows = list(indicators.ended_stays(program, as_of).values("start_date", "end_date", "purpose"))
    lengths = [(row["end_date"] - row["start_date"]).days + 1 for row in rows]
    bins = [
        {"label": label, "count": sum(low <= n and (high is None or n <= high) for n in lengths)}
        for label, low, high in STAY_BINS
    ]
    short = [row["purpose"] for row, n in zip(rows, lengths, strict=True) if n <= SHORT_STAY_DAYS]
    return {
        "bins": bins,
        "total": len(lengths),
        "short": len(short),
        "short_share": percentage(len(short), len(lengths)),
        "purposes": sorted(purpose for purpose in short if purpose.strip()),
    }


def survey(program: Program, as_of: datetime.date) -> list[dict]:
    """Mean before and after per item over the people who answered both (1–5)."""
    averages = indicators.survey_pairs(program, as_of).aggregate(
        **{f"before_{item}_mean": Avg(f"before_{item}") for item in SURVEY_ITEMS},
        **{f"after_{item}_mean": Avg(item) for item in SURVEY_ITEMS},
    )
    return [
        {
            "item": item,
            "before": _rounded(averages[f"before_{item}_mean"]),
            "after": _rounded(averages[f"after_{item}_mean"]),
        }
        for item in SURVEY_ITEMS
    ]


def _rounded(value) -> float | None:
    return None if value is None else float(indicators.rounded(value, "0.01"))


def papers_before_start(program: Program, as_of: datetime.date) -> QuerySet:
    return (
        indicators.papers_before_start(program, as_of)
        .select_related("project")
        .order_by("published_on", "title")
    )


def counted_reports(program: Program, as_of: datetime.date) -> QuerySet:
    return AnnualReport.objects.filter(
        project__in=indicators.counted_projects(program, as_of),
        status__in=["submitted", "accepted"],
        fiscal_year__lte=fiscal_year(as_of),
    )


def buyout(program: Program, as_of: datetime.date) -> dict:
    """How many reports used the buy-out, how many did not and why."""
    reports = counted_reports(program, as_of)
    counts = reports.aggregate(
        used=Count("pk", filter=Q(buyout_used=True)),
        not_used=Count("pk", filter=Q(buyout_used=False)),
        unanswered=Count("pk", filter=Q(buyout_used=None)),
    )
    reasons = defaultdict(int)
    for reason in reports.filter(buyout_used=False).values_list("buyout_reason", flat=True):
        reasons[reason.strip() or "—"] += 1
    return {**counts, "reasons": sorted(reasons.items(), key=lambda item: -item[1])}


def travel(program: Program, as_of: datetime.date) -> list[dict]:
    """Trips abroad and their cost, per fiscal year."""
    return list(
        counted_reports(program, as_of)
        .values("fiscal_year")
        .annotate(trips=Sum("travel_trips"), cost=Sum("travel_cost_yen"), reports=Count("pk"))
        .order_by("fiscal_year")
    )
