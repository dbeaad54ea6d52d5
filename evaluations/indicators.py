"""The evaluation indicators of shared/design/indicators.md, computed in the database.

`compute(program, as_of)` returns the JSON shape of the contract. Every figure comes from
an aggregate query (fourteen in all, whatever the size of the data); the outputs' and the
papers' from the counts kept on write (projects/figures.py: `OutputFigure`,
`PaperFigure`), the querysets of the rows themselves staying here for the drill-downs and
the lists. Each is grouped by the date
from which rows count, so that the same queries answer for many dates at once (the
dashboard's growth series). Medians are taken from counts per value, because SQLite,
which runs the demo, has no median.
"""

import datetime
import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import ExtractYear

from calls.models import CallFigure, CallKind, PIFigure, Proposal, ProposalStatus
from evaluations.catalogue import INDICATORS
from evaluations.models import Target
from programs.fiscal import fiscal_year
from programs.models import DOMESTIC_COUNTRY, FundingAgency, Program
from projects.models import (
    COUNTED_REPORT_STATUSES,
    SHORT_STAY_DAYS,
    SURVEY_ITEMS,
    EventKind,
    Exchange,
    FigureKind,
    Hub,
    LabStatistic,
    OutputFigure,
    Paper,
    PaperFigure,
    Project,
    SurveyAnswer,
)

Figures = dict[str, int | Decimal | None]


def rounded(value, places: str) -> Decimal | None:
    """Half away from zero, as the contract asks (Python's round() rounds half to even)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def percentage(part: int, whole: int) -> Decimal | None:
    return rounded(Decimal(100 * part) / Decimal(whole), "0.1") if whole else None


def median(values: list) -> Decimal | None:
    return rounded(statistics.median(values), "0.1") if values else None


# --- Scope -------------------------------------------------------------------------------


def counted_projects(program: Program, as_of: datetime.date) -> QuerySet:
    # Through the project's copy of its call (Project.call): never the million proposals.
    return Project.objects.filter(call__program=program, start_date__lte=as_of)


def counted_outputs(model, program: Program, as_of: datetime.date) -> QuerySet:
    """Rows in submitted or accepted reports of counted projects."""
    return model.objects.filter(
        project__call__program=program,
        project__start_date__lte=as_of,
        report__status__in=COUNTED_REPORT_STATUSES,
    )


def in_window(date_field: str, as_of: datetime.date) -> Q:
    """On or after the output's own project's start, and on or before as_of."""
    return Q(**{f"{date_field}__gte": F("project__start_date"), f"{date_field}__lte": as_of})


# --- Many dates at once --------------------------------------------------------------------
#
# Every section answers for a list of dates in one query: rows are grouped by the date from
# which they count (a call's opening, an output's own date, a project's start), and Python
# adds the few groups up to each date. The dashboard's growth series thus costs what one
# date costs; compute() is the same with a single date.

Dates = list[datetime.date]
Groups = list[dict]


def cumulative(groups: Groups, field: str, dates: Dates, where=None) -> list[int]:
    """Per date, the sum of `n` over the groups whose `field` is on or before it."""
    return [
        sum(g["n"] for g in groups if g[field] <= day and (where is None or where(g)))
        for day in dates
    ]


def histogram_median(counts: dict) -> Decimal | None:
    """statistics.median of the values counted in {value: how many}, without the list."""
    total = sum(counts.values())
    if not total:
        return None
    middle, seen, low = (total - 1) // 2, 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > middle:
            low = value
        if seen > total // 2:
            return median([low, value])
    raise AssertionError("unreachable")


# --- Goal 1 ------------------------------------------------------------------------------


def call_series(program: Program, dates: Dates) -> list[Figures]:
    """One query: the program's calls counted per (kind, open date)."""
    groups = grouped(program.calls.all(), "kind", "open_date")
    total = sum(g["n"] for g in groups)
    dated = [g for g in groups if g["open_date"] is not None]
    joint = cumulative(dated, "open_date", dates, lambda g: g["kind"] == CallKind.JOINT)
    alignment = cumulative(dated, "open_date", dates, lambda g: g["kind"] == CallKind.ALIGNMENT)
    return [
        {
            "g1.calls_joint": j,
            "g1.calls_alignment": a,
            "g1.calls_planned": total - sum(g["n"] for g in dated if g["open_date"] <= day),
        }
        for j, a, day in zip(joint, alignment, dates, strict=True)
    ]


def partner_series(program: Program, dates: Dates) -> list[Figures]:
    """One query: each foreign agency with the day of its first opened call."""
    agencies = list(
        FundingAgency.objects.filter(calls__program=program, calls__open_date__lte=dates[-1])
        .exclude(country=DOMESTIC_COUNTRY)
        .values("pk", "country")
        .annotate(first=Min("calls__open_date"))
        .order_by()
    )
    return [
        {
            "g1.partner_agencies": sum(1 for a in agencies if a["first"] <= day),
            "g1.partner_countries": len({a["country"] for a in agencies if a["first"] <= day}),
        }
        for day in dates
    ]


def proposal_scope(program: Program, as_of: datetime.date) -> QuerySet:
    """Proposals to opened calls, withdrawn ones excluded."""
    return Proposal.objects.filter(call__program=program, call__open_date__lte=as_of).exclude(
        status=ProposalStatus.WITHDRAWN
    )


CALL_FIELDS = ["call", "call__code", "call__title", "call__kind", "call__open_date"]


def stored_calls(program: Program, as_of: datetime.date) -> QuerySet:
    """The stored call figures (calls/figures.py) of proposal_scope(): the calls opened
    by `as_of`, withdrawn proposals left out."""
    return CallFigure.objects.filter(call__program=program, call__open_date__lte=as_of).exclude(
        status=ProposalStatus.WITHDRAWN
    )


def proposal_groups(program: Program, as_of: datetime.date) -> Groups:
    """One query: proposals to calls opened by `as_of` counted per (call, status,
    adoptable), from the stored call figures; the indicators and the dashboard's calls
    table both read it."""
    return summed(stored_calls(program, as_of), *CALL_FIELDS, "status", "adoptable")


def proposal_series(groups: Groups, dates: Dates) -> list[Figures]:
    """g1.proposals … g1.adoptable_not_adopted per date, from proposal_groups()."""
    figures = []
    for day in dates:
        opened = [g for g in groups if g["call__open_date"] <= day]
        adopted = sum(g["n"] for g in opened if g["status"] == ProposalStatus.ADOPTED)
        received = sum(g["n"] for g in opened)
        able = [g for g in opened if g["adoptable"]]
        figures.append(
            {
                "g1.proposals": received,
                "g1.adopted": adopted,
                "g1.adoption_rate": percentage(adopted, received),
                "g1.adoptable": sum(g["n"] for g in able),
                "g1.adoptable_not_adopted": sum(
                    g["n"] for g in able if g["status"] != ProposalStatus.ADOPTED
                ),
            }
        )
    return figures


def hindex_series(program: Program, dates: Dates) -> list[Figures]:
    """One query: adopted proposals counted per (open date, the two PIs' h-indexes),
    from the stored call figures."""
    adopted = PIFigure.objects.filter(call__program=program, call__open_date__lte=dates[-1])
    columns = ("call__open_date", "jp_h_index", "partner_h_index")
    # Tens of thousands of groups at L: tuples, read once in date order, the histograms
    # growing date by date (the dates ascend).
    rows = adopted.values_list(*columns).annotate(n=Sum("n")).order_by()
    groups = sorted(rows, key=lambda group: group[0])
    jp: dict[int, int] = {}
    partner: dict[int, int] = {}
    figures, taken = [], 0
    for day in dates:
        while taken < len(groups) and groups[taken][0] <= day:
            _opened, jp_h, partner_h, n = groups[taken]
            _tally(jp, jp_h, n)
            _tally(partner, partner_h, n)
            taken += 1
        figures.append(
            {
                "g1.jp_pi_hindex_median": histogram_median(jp),
                "g1.partner_pi_hindex_median": histogram_median(partner),
            }
        )
    return figures


def _tally(counts: dict, value, n: int) -> None:
    """Missing values are ignored, as indicators.md asks."""
    if value is not None:
        counts[value] = counts.get(value, 0) + n


def project_series(program: Program, dates: Dates) -> list[Figures]:
    groups = grouped(counted_projects(program, dates[-1]), "start_date")
    return [{"g2.projects": n} for n in cumulative(groups, "start_date", dates)]


# --- Goal 2 ------------------------------------------------------------------------------


def intl_papers(program: Program, as_of: datetime.date) -> QuerySet:
    return counted_outputs(Paper, program, as_of).filter(international_coauthored=True)


def papers_before_start(program: Program, as_of: datetime.date) -> QuerySet:
    """International papers whose every row is dated before its project's start."""
    rows = intl_papers(program, as_of)
    on_or_after_start = rows.filter(
        dedupe_key=OuterRef("dedupe_key"), published_on__gte=F("project__start_date")
    )
    return rows.filter(published_on__lt=F("project__start_date")).exclude(Exists(on_or_after_start))


def paper_series(program: Program, dates: Dates) -> list[Figures]:
    """Distinct papers (same `dedupe_key`), one query over the stored PaperFigure rows
    (projects/figures.py), a row a paper of the program: each says from when it counts in
    the window (its first row on or after its project's start) and, for the papers before
    the start, from when a project reports it before its start and from when one reports
    it on or after (which takes it out)."""
    columns = {}
    for i, day in enumerate(dates):
        columns[f"in{i}"] = Count("pk", filter=Q(counted_from__lte=day))
        # Explicit about NULL: a paper no project reports on or after its start.
        before_only = Q(before_from__lte=day) & (Q(after_from__isnull=True) | Q(after_from__gt=day))
        columns[f"before{i}"] = Count("pk", filter=before_only)
    counts = PaperFigure.objects.filter(program=program).aggregate(**columns)
    return [
        {
            "g2.intl_coauthored_papers": counts[f"in{i}"],
            "g2.intl_coauthored_papers_before_start": counts[f"before{i}"],
        }
        for i in range(len(dates))
    ]


def grouped(rows: QuerySet, *fields: str, **columns) -> Groups:
    """The rows counted (as `n`) per value of the fields and columns, in one query."""
    return list(rows.values(*fields, **columns).annotate(n=Count("pk")).order_by())


def stored_outputs(kind: str, program: Program, as_of: datetime.date, **filters) -> QuerySet:
    """The stored counts (projects.OutputFigure) of one kind of counted output in the
    project window as of `as_of`: the same rows as counted_outputs().filter(in_window()),
    a row per report, date and attribute instead of a row per output."""
    return OutputFigure.objects.filter(
        program=program,
        kind=kind,
        status__in=COUNTED_REPORT_STATUSES,
        project_start__lte=as_of,
        day__gte=F("project_start"),  # in_window(), with the start copied beside the day
        day__lte=as_of,
        **filters,
    )


def summed(rows: QuerySet, *fields: str, **columns) -> Groups:
    """Stored counts added up (as `n`) per value of the fields and columns, one query."""
    return list(rows.values(*fields, **columns).annotate(n=Sum("n")).order_by())


def presentation_series(program: Program, dates: Dates) -> list[Figures]:
    groups = summed(stored_outputs(FigureKind.PRESENTATION, program, dates[-1]), "day")
    return [{"g2.intl_presentations": n} for n in cumulative(groups, "day", dates)]


# --- Goal 3 ------------------------------------------------------------------------------


def event_series(program: Program, dates: Dates) -> list[Figures]:
    rows = stored_outputs(FigureKind.EVENT, program, dates[-1])
    groups = summed(rows, "day", "label")  # the label: the event's kind
    figures = [{"g3.events": n} for n in cumulative(groups, "day", dates)]
    for kind in EventKind.values:
        counts = cumulative(groups, "day", dates, lambda g, kind=kind: g["label"] == kind)
        for day_figures, n in zip(figures, counts, strict=True):
            day_figures[f"g3.events_{kind}"] = n
    return figures


def hub_series(program: Program, dates: Dates) -> list[Figures]:
    """Hubs count from their establishment (or their project's later start) until they
    close; grouped by those three dates in one query."""
    hubs = Hub.objects.filter(
        project__in=counted_projects(program, dates[-1]), established_on__lte=dates[-1]
    )
    groups = grouped(hubs, "established_on", "closed_on", start=F("project__start_date"))
    return [{"g3.hubs": sum(g["n"] for g in groups if _hub_open(g, day))} for day in dates]


def _hub_open(group: dict, day: datetime.date) -> bool:
    started = group["start"] <= day and group["established_on"] <= day
    return started and (group["closed_on"] is None or group["closed_on"] >= day)


EXCHANGE_CODES = {
    "g3.researchers_received": lambda g: g["direction"] == "receive",
    "g4.dispatched": lambda g: g["direction"] == "dispatch",
    "g4.young_dispatched": lambda g: g["direction"] == "dispatch" and g["young"],
    "g4.young_received": lambda g: g["direction"] == "receive" and g["young"],
}


def exchange_series(program: Program, dates: Dates) -> list[Figures]:
    rows = stored_outputs(FigureKind.EXCHANGE, program, dates[-1])  # program-funded only
    groups = summed(rows, "day", "young", direction=F("label"))
    figures: list[Figures] = [{} for _ in dates]
    for code, chosen in EXCHANGE_CODES.items():
        for day_figures, n in zip(figures, cumulative(groups, "day", dates, chosen), strict=True):
            day_figures[code] = n
    return figures


def start_fiscal_year(prefix: str = "") -> Case:
    """FY of the project's start, in SQL: January to March belong to the year before."""
    year = ExtractYear(f"{prefix}start_date")
    return Case(
        When(**{f"{prefix}start_date__month__lt": 4}, then=year - 1),
        default=year,
        output_field=IntegerField(),
    )


LAB_FIELDS = {
    "events": "events_held",
    "invited": "researchers_invited",
    "dispatched": "researchers_dispatched",
}


def lab_series(program: Program, dates: Dates) -> list[Figures]:
    """Lab-wide before/after, over the projects that have both values (indicators.md).

    One query reads the counted statistics of the fiscal years from the one before each
    project's start to FY(last date), of the projects that have a "before" value (a row a
    project a year, at most); Python picks each date's latest "after" row."""
    stats = LabStatistic.objects.filter(report__status__in=COUNTED_REPORT_STATUSES)
    has_before = stats.filter(
        project=OuterRef("project"), report__fiscal_year=OuterRef("start_fy") - 1
    )
    rows = (
        stats.filter(project__in=counted_projects(program, dates[-1]))
        .annotate(start_fy=start_fiscal_year("project__"))
        .filter(
            Exists(has_before),
            report__fiscal_year__gte=F("start_fy") - 1,
            report__fiscal_year__lte=fiscal_year(dates[-1]),
        )
        .values(
            "project",
            "start_fy",
            *LAB_FIELDS.values(),
            start=F("project__start_date"),
            fy=F("report__fiscal_year"),
        )
        .order_by("project", "fy")
    )
    by_project: dict[int, list[dict]] = {}
    for row in rows:
        by_project.setdefault(row["project"], []).append(row)
    return [_lab_sums(by_project.values(), day) for day in dates]


def _lab_sums(projects, day: datetime.date) -> Figures:
    sums: Figures = {f"g3.lab_{name}_{when}": None for name in LAB_FIELDS for when in BEFORE_AFTER}
    for rows in projects:
        after = [r for r in rows if r["fy"] >= r["start_fy"] and r["fy"] <= fiscal_year(day)]
        if rows[0]["start"] > day or not after:
            continue
        for name, field in LAB_FIELDS.items():
            for when, row in zip(BEFORE_AFTER, (rows[0], after[-1]), strict=True):
                code = f"g3.lab_{name}_{when}"
                sums[code] = (sums[code] or 0) + row[field]
    return sums


BEFORE_AFTER = ("before", "after")


# --- Goal 4 ------------------------------------------------------------------------------


def ended_stays(program: Program, as_of: datetime.date) -> QuerySet:
    """The program-funded dispatches that have ended: the population of the stay figures."""
    return counted_outputs(Exchange, program, as_of).filter(
        in_window("start_date", as_of),
        funded_by_program=True,
        direction="dispatch",
        end_date__lte=as_of,
    )


def stored_stays(program: Program, as_of: datetime.date) -> QuerySet:
    """The stored counts of ended_stays(): program-funded dispatches ended by as_of."""
    return stored_outputs(FigureKind.EXCHANGE, program, as_of, label="dispatch", end_day__lte=as_of)


def stay_series(program: Program, dates: Dates) -> list[Figures]:
    """Stays (end - start + 1 days) of the program-funded dispatches that have ended, one
    query: counted per (end date, length); medians from those counts."""
    length = ExpressionWrapper(F("end_day") - F("day"), output_field=DurationField())
    groups = summed(stored_stays(program, dates[-1]), end_date=F("end_day"), length=length)
    figures = []
    for day in dates:
        days: dict[int, int] = {}
        for g in groups:
            if g["end_date"] <= day:
                _tally(days, g["length"].days + 1, g["n"])
        short = sum(n for stay, n in days.items() if stay <= SHORT_STAY_DAYS)
        figures.append(
            {
                "g4.stay_days_median": histogram_median(days),
                "g4.short_stay_share": percentage(short, sum(days.values())),
            }
        )
    return figures


def survey_pairs(program: Program, as_of: datetime.date) -> QuerySet:
    """`after` answers annotated with the same person's `before` (before_<item>), if any."""
    before = SurveyAnswer.objects.filter(participant=OuterRef("participant"), timing="before")
    return (
        SurveyAnswer.objects.filter(project__in=counted_projects(program, as_of), timing="after")
        .annotate(**{f"before_{item}": Subquery(before.values(item)[:1]) for item in SURVEY_ITEMS})
        .filter(before_networking__isnull=False)
    )


def survey_series(program: Program, dates: Dates) -> list[Figures]:
    """Mean after - before per item, over the people who answered both: one query of
    counts and summed gains per project start date; the means are exact decimals."""
    gains = {item: Sum(F(item) - F(f"before_{item}")) for item in SURVEY_ITEMS}
    groups = list(
        survey_pairs(program, dates[-1])
        .values(start=F("project__start_date"))
        .annotate(n=Count("pk"), **gains)
        .order_by()
    )
    figures = []
    for day in dates:
        counted = [g for g in groups if g["start"] <= day]
        pairs = sum(g["n"] for g in counted)
        day_figures: Figures = {"g4.survey_pairs": pairs}
        for item in SURVEY_ITEMS:
            total = sum(g[item] for g in counted)
            mean = Decimal(total) / pairs if pairs else None
            day_figures[f"g4.survey_gain_{item}"] = rounded(mean, "0.01")
        figures.append(day_figures)
    return figures


# --- All together ------------------------------------------------------------------------

SECTIONS = [
    call_series,
    partner_series,
    hindex_series,
    project_series,
    paper_series,
    presentation_series,
    event_series,
    hub_series,
    exchange_series,
    lab_series,
    stay_series,
    survey_series,
]


def values_at(program: Program, dates: Dates, proposals: Groups | None = None) -> list[Figures]:
    """Every indicator's value at each of the dates (ascending), keyed by code: the same
    queries for one date or many. `proposals`: proposal_groups() at the last date, when
    the caller has them already."""
    if proposals is None:
        proposals = proposal_groups(program, dates[-1])
    figures: list[Figures] = [dict(f) for f in proposal_series(proposals, dates)]
    for section in SECTIONS:
        for day_figures, found in zip(figures, section(program, dates), strict=True):
            day_figures.update(found)
    return figures


def values(program: Program, as_of: datetime.date) -> Figures:
    """Every indicator's value, keyed by code."""
    return values_at(program, [as_of])[0]


def shown_target(targets: list[Target], year: int) -> Target | None:
    """The earliest target of a fiscal year >= `year`; else the latest earlier one."""
    later = [t for t in targets if t.fiscal_year >= year]
    if later:
        return min(later, key=lambda t: t.fiscal_year)
    return max(targets, key=lambda t: t.fiscal_year, default=None)


def json_number(value):
    """Rounded figures (Decimals) as JSON floats; counts stay integers."""
    return float(value) if isinstance(value, Decimal) else value


def target_number(value: Decimal) -> int | float:
    """A target of 20 reads 20, not 20.00."""
    return int(value) if value == value.to_integral_value() else float(value)


def compute(program: Program, as_of: datetime.date) -> dict:
    """The JSON document of indicators.md for one program and date."""
    return document(program, as_of, values(program, as_of))


def document(program: Program, as_of: datetime.date, figures: Figures) -> dict:
    """The JSON document of indicators.md from the figures of values() at as_of."""
    year = fiscal_year(as_of)
    targets: dict[str, list[Target]] = {}
    for target in Target.objects.filter(program=program):
        targets.setdefault(target.indicator, []).append(target)
    indicators = {}
    for code, (goal, label) in INDICATORS.items():
        value = figures[code]
        target = shown_target(targets.get(code, []), year)
        attainment = None
        if target is not None and value is not None and target.value:
            attainment = rounded(Decimal(100) * Decimal(str(value)) / target.value, "0.1")
        indicators[code] = {
            "goal": goal,
            "label": str(label),
            "value": json_number(value),
            "target": {"fiscal_year": target.fiscal_year, "value": target_number(target.value)}
            if target
            else None,
            "attainment_pct": json_number(attainment),
        }
    return {
        "program": program.code,
        "as_of": as_of.isoformat(),
        "fiscal_year": year,
        "indicators": indicators,
    }
