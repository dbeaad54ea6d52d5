"""The evaluation indicators of shared/design/indicators.md, computed in the database.

`compute(program, as_of)` returns the JSON shape of the contract. Every figure is an
aggregate query (about fifteen in all, whatever the size of the data); only medians
read a column of numbers back, because SQLite, which runs the demo, has no median.
"""

import datetime
import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import ExtractYear

from calls.models import YOUNG_CAREER_STAGES, CallKind, Proposal, ProposalStatus
from calls.services import call_summary
from evaluations.catalogue import INDICATORS
from evaluations.models import Target
from programs.fiscal import fiscal_year
from programs.models import DOMESTIC_COUNTRY, FundingAgency, Program
from projects.models import (
    COUNTED_REPORT_STATUSES,
    SHORT_STAY_DAYS,
    SURVEY_ITEMS,
    Event,
    EventKind,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
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
    return Project.objects.filter(proposal__call__program=program, start_date__lte=as_of)


def counted_outputs(model, program: Program, as_of: datetime.date) -> QuerySet:
    """Rows in submitted or accepted reports of counted projects."""
    return model.objects.filter(
        project__proposal__call__program=program,
        project__start_date__lte=as_of,
        report__status__in=COUNTED_REPORT_STATUSES,
    )


def in_window(date_field: str, as_of: datetime.date) -> Q:
    """On or after the output's own project's start, and on or before as_of."""
    return Q(**{f"{date_field}__gte": F("project__start_date"), f"{date_field}__lte": as_of})


# --- Goal 1 ------------------------------------------------------------------------------


def call_figures(program: Program, as_of: datetime.date) -> Figures:
    opened = Q(open_date__lte=as_of)
    return program.calls.aggregate(
        **{
            "g1.calls_joint": Count("pk", filter=opened & Q(kind=CallKind.JOINT)),
            "g1.calls_alignment": Count("pk", filter=opened & Q(kind=CallKind.ALIGNMENT)),
            "g1.calls_planned": Count("pk", filter=~opened | Q(open_date__isnull=True)),
        }
    )


def partner_figures(program: Program, as_of: datetime.date) -> Figures:
    partners = FundingAgency.objects.filter(
        calls__program=program, calls__open_date__lte=as_of
    ).exclude(country=DOMESTIC_COUNTRY)
    return partners.aggregate(
        **{
            "g1.partner_agencies": Count("pk", distinct=True),
            "g1.partner_countries": Count("country", distinct=True),
        }
    )


def proposal_scope(program: Program, as_of: datetime.date) -> QuerySet:
    """Proposals to opened calls, withdrawn ones excluded."""
    return Proposal.objects.filter(call__program=program, call__open_date__lte=as_of).exclude(
        status=ProposalStatus.WITHDRAWN
    )


def proposal_figures(program: Program, as_of: datetime.date) -> Figures:
    summary = call_summary(proposal_scope(program, as_of))
    return {
        "g1.proposals": summary["received"],
        "g1.adopted": summary["adopted"],
        "g1.adoption_rate": summary["rate"],
        "g1.adoptable": summary["adoptable"],
        "g1.adoptable_not_adopted": summary["adoptable_not_adopted"],
    }


def hindex_figures(program: Program, as_of: datetime.date) -> Figures:
    adopted = proposal_scope(program, as_of).filter(status=ProposalStatus.ADOPTED)
    pairs = list(adopted.values_list("jp_pi__h_index", "partner_pi__h_index"))
    return {
        "g1.jp_pi_hindex_median": median([jp for jp, _ in pairs if jp is not None]),
        "g1.partner_pi_hindex_median": median([pa for _, pa in pairs if pa is not None]),
    }


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


def paper_figures(program: Program, as_of: datetime.date) -> Figures:
    """Distinct papers (same DOI ignoring case, or same normalised title: `dedupe_key`)."""
    rows = intl_papers(program, as_of)
    before_only = papers_before_start(program, as_of)
    return {
        "g2.intl_coauthored_papers": rows.filter(in_window("published_on", as_of))
        .values("dedupe_key")
        .distinct()
        .count(),
        "g2.intl_coauthored_papers_before_start": before_only.values("dedupe_key")
        .distinct()
        .count(),
    }


def presentation_figures(program: Program, as_of: datetime.date) -> Figures:
    rows = counted_outputs(Presentation, program, as_of)
    return {
        "g2.intl_presentations": rows.filter(
            in_window("presented_on", as_of), international=True
        ).count()
    }


# --- Goal 3 ------------------------------------------------------------------------------


def event_figures(program: Program, as_of: datetime.date) -> Figures:
    rows = counted_outputs(Event, program, as_of).filter(in_window("held_on", as_of))
    by_kind = {f"g3.events_{kind}": Count("pk", filter=Q(kind=kind)) for kind in EventKind.values}
    return rows.aggregate(**{"g3.events": Count("pk")}, **by_kind)


def hub_figures(program: Program, as_of: datetime.date) -> Figures:
    hubs = Hub.objects.filter(
        project__in=counted_projects(program, as_of), established_on__lte=as_of
    ).exclude(closed_on__lt=as_of)
    return {"g3.hubs": hubs.count()}


def exchange_figures(program: Program, as_of: datetime.date) -> Figures:
    rows = counted_outputs(Exchange, program, as_of).filter(
        in_window("start_date", as_of), funded_by_program=True
    )
    received, dispatched = Q(direction="receive"), Q(direction="dispatch")
    young = Q(career_stage__in=YOUNG_CAREER_STAGES)
    return rows.aggregate(
        **{
            "g3.researchers_received": Count("pk", filter=received),
            "g4.dispatched": Count("pk", filter=dispatched),
            "g4.young_dispatched": Count("pk", filter=dispatched & young),
            "g4.young_received": Count("pk", filter=received & young),
        }
    )


def start_fiscal_year() -> Case:
    """FY of the project's start, in SQL: January to March belong to the year before."""
    year = ExtractYear("start_date")
    return Case(
        When(start_date__month__lt=4, then=year - 1), default=year, output_field=IntegerField()
    )


LAB_FIELDS = {
    "events": "events_held",
    "invited": "researchers_invited",
    "dispatched": "researchers_dispatched",
}


def lab_figures(program: Program, as_of: datetime.date) -> Figures:
    """Lab-wide before/after, over the projects that have both values (indicators.md)."""
    stats = LabStatistic.objects.filter(
        project=OuterRef("pk"), report__status__in=COUNTED_REPORT_STATUSES
    )
    before = stats.filter(report__fiscal_year=OuterRef("start_fy") - 1)
    after = stats.filter(
        report__fiscal_year__gte=OuterRef("start_fy"), report__fiscal_year__lte=fiscal_year(as_of)
    ).order_by("-report__fiscal_year")
    columns = {}
    for name, field in LAB_FIELDS.items():
        columns[f"g3.lab_{name}_before"] = Subquery(before.values(field)[:1])
        columns[f"g3.lab_{name}_after"] = Subquery(after.values(field)[:1])
    projects = (
        counted_projects(program, as_of)
        .annotate(start_fy=start_fiscal_year())
        .annotate(**{_alias(code): expression for code, expression in columns.items()})
        .filter(**{f"{_alias(code)}__isnull": False for code in columns})
    )
    return projects.aggregate(**{code: Sum(_alias(code)) for code in columns})


def _alias(code: str) -> str:
    """Annotation names cannot contain dots."""
    return code.replace(".", "_")


# --- Goal 4 ------------------------------------------------------------------------------


def ended_stays(program: Program, as_of: datetime.date) -> QuerySet:
    """The program-funded dispatches that have ended: the population of the stay figures."""
    return counted_outputs(Exchange, program, as_of).filter(
        in_window("start_date", as_of),
        funded_by_program=True,
        direction="dispatch",
        end_date__lte=as_of,
    )


def stay_figures(program: Program, as_of: datetime.date) -> Figures:
    """Stays (end - start + 1 days) of the program-funded dispatches that have ended."""
    rows = ended_stays(program, as_of)
    days = [(end - start).days + 1 for start, end in rows.values_list("start_date", "end_date")]
    short = sum(1 for stay in days if stay <= SHORT_STAY_DAYS)
    return {
        "g4.stay_days_median": median(days),
        "g4.short_stay_share": percentage(short, len(days)),
    }


def survey_pairs(program: Program, as_of: datetime.date) -> QuerySet:
    """`after` answers annotated with the same person's `before` (before_<item>), if any."""
    before = SurveyAnswer.objects.filter(
        project=OuterRef("project"), person=OuterRef("person"), timing="before"
    )
    return (
        SurveyAnswer.objects.filter(project__in=counted_projects(program, as_of), timing="after")
        .annotate(**{f"before_{item}": Subquery(before.values(item)[:1]) for item in SURVEY_ITEMS})
        .filter(before_networking__isnull=False)
    )


def survey_figures(program: Program, as_of: datetime.date) -> Figures:
    """Mean after - before per item, over the people who answered both."""
    pairs = survey_pairs(program, as_of)
    gains = {
        f"g4.survey_gain_{item}": Avg(F(item) - F(f"before_{item}"), output_field=FloatField())
        for item in SURVEY_ITEMS
    }
    figures = pairs.aggregate(**{"g4.survey_pairs": Count("pk")}, **gains)
    for item in SURVEY_ITEMS:
        figures[f"g4.survey_gain_{item}"] = rounded(figures[f"g4.survey_gain_{item}"], "0.01")
    return figures


# --- All together ------------------------------------------------------------------------

SECTIONS = [
    call_figures,
    partner_figures,
    proposal_figures,
    hindex_figures,
    lambda program, as_of: {"g2.projects": counted_projects(program, as_of).count()},
    paper_figures,
    presentation_figures,
    event_figures,
    hub_figures,
    exchange_figures,
    lab_figures,
    stay_figures,
    survey_figures,
]


def values(program: Program, as_of: datetime.date) -> Figures:
    """Every indicator's value, keyed by code."""
    figures: Figures = {}
    for section in SECTIONS:
        figures.update(section(program, as_of))
    return figures


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
    year = fiscal_year(as_of)
    figures = values(program, as_of)
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
