"""The rows behind each figure: exactly those it counts, and those it leaves out and why.

`drill(program, as_of, code)` answers with the counted rows (a queryset, so that its count
is the figure: the same filters as evaluations/indicators.py, taken from there), the
rows of the same kind it excludes with the reason, and a per-project breakdown (events by
kind per project: the committee's 「A と B で差がある」). For a median, a share or a mean,
the rows are its population, and `population_of` names the figure that counts them.
"""

import dataclasses
import datetime

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext as _

from calls.models import YOUNG_CAREER_STAGES, Call, CallKind, ProposalStatus
from evaluations import indicators
from evaluations.catalogue import INDICATORS
from programs.models import DOMESTIC_COUNTRY, FundingAgency, Program
from projects.models import COUNTED_REPORT_STATUSES, Event, Exchange, Hub, Presentation

LIST_LIMIT = 200

# The figure whose value is the number of rows of a population (a median's, a share's).
POPULATION_OF = {
    "g1.adoption_rate": "g1.proposals",
    "g4.stay_days_median": "g4.stays_ended",
    "g4.short_stay_share": "g4.stays_ended",
    **{
        f"g4.survey_gain_{item}": "g4.survey_pairs"
        for item in ("networking", "communication", "expertise", "language", "leadership")
    },
}


@dataclasses.dataclass
class Drill:
    code: str
    counted: QuerySet
    excluded: list[tuple[object, str]]
    by_project: list[dict]
    columns: list[str]  # the attributes a row shows
    names_hidden: bool = False  # unfunded proposals: titles at most (Program.shows_unfunded_titles)


def supported(code: str) -> bool:
    return (
        code in INDICATORS
        and not code.startswith("g3.lab_")
        and code
        not in (
            "g1.partner_countries",
            "g1.jp_pi_hindex_median",
            "g1.partner_pi_hindex_median",
        )
    )


def drill(program: Program, as_of: datetime.date, code: str) -> Drill:
    if code.startswith("g1.calls"):
        return _calls(program, as_of, code)
    if code == "g1.partner_agencies":
        agencies = (
            FundingAgency.objects.filter(calls__program=program, calls__open_date__lte=as_of)
            .exclude(country=DOMESTIC_COUNTRY)
            .distinct()
            .order_by("code")
        )
        return Drill(code, agencies, [], [], ["code", "name", "country"])
    if code.startswith("g1."):
        return _proposals(program, as_of, code)
    if code == "g2.projects":
        projects = indicators.counted_projects(program, as_of).order_by("start_date", "code")
        later = [
            (project, _("starts after the as-of date"))
            for project in program_projects(program).filter(start_date__gt=as_of)[:LIST_LIMIT]
        ]
        return Drill(code, projects, later, [], ["code", "title", "start_date"])
    if code.startswith("g2.intl_coauthored"):
        return _papers(program, as_of, code)
    if code == "g2.intl_presentations":
        return _outputs(program, as_of, code, Presentation, "presented_on", international=True)
    if code.startswith("g3.events"):
        kind = code.removeprefix("g3.events").removeprefix("_")
        filters = {"kind": kind} if kind else {}
        return _outputs(program, as_of, code, Event, "held_on", by_kind=True, **filters)
    if code == "g3.hubs":
        return _hubs(program, as_of)
    if code.startswith("g4.survey"):
        pairs = indicators.survey_pairs(program, as_of).select_related("participant", "project")
        return Drill(
            code,
            pairs.order_by("project__code", "pk"),
            [],
            _per_project(pairs),
            ["project", "participant"],
        )
    if code in ("g4.stay_days_median", "g4.short_stay_share"):
        stays = indicators.ended_stays(program, as_of).select_related("project", "report")
        return Drill(
            code,
            stays.order_by("start_date", "pk"),
            [],
            _per_project(stays),
            ["project", "person", "start_date", "end_date", "purpose"],
        )
    direction = (
        "receive" if code in ("g3.researchers_received", "g4.young_received") else "dispatch"
    )
    filters = {"direction": direction, "funded_by_program": True}
    if "young" in code:
        filters["career_stage__in"] = YOUNG_CAREER_STAGES
    return _outputs(program, as_of, code, Exchange, "start_date", **filters)


def program_projects(program: Program) -> QuerySet:
    from projects.models import Project

    return Project.objects.filter(proposal__call__program=program).order_by("start_date", "code")


def _calls(program: Program, as_of, code: str) -> Drill:
    calls = Call.objects.filter(program=program).order_by("open_date", "code")
    kind = {"g1.calls_joint": CallKind.JOINT, "g1.calls_alignment": CallKind.ALIGNMENT}.get(code)
    if kind is None:  # planned
        planned = calls.exclude(open_date__lte=as_of)
        opened = [
            (call, _("opened by the as-of date")) for call in calls.filter(open_date__lte=as_of)
        ]
        return Drill(code, planned, opened, [], ["code", "title", "open_date"])
    of_kind = calls.filter(kind=kind)
    later = [
        (call, _("not opened by the as-of date")) for call in of_kind.exclude(open_date__lte=as_of)
    ]
    return Drill(
        code, of_kind.filter(open_date__lte=as_of), later, [], ["code", "title", "open_date"]
    )


def _proposals(program: Program, as_of, code: str) -> Drill:
    scope = indicators.proposal_scope(program, as_of).with_scores().select_related("call")
    counted = {
        "g1.proposals": scope,
        "g1.adoption_rate": scope,
        "g1.adopted": scope.filter(status=ProposalStatus.ADOPTED),
        "g1.adoptable": scope.filter(adoptable=True),
        "g1.adoptable_not_adopted": scope.filter(adoptable=True).exclude(
            status=ProposalStatus.ADOPTED
        ),
    }[code].order_by("call__open_date", "ref")
    withdrawn = scope.model.objects.filter(
        call__program=program, call__open_date__lte=as_of, status=ProposalStatus.WITHDRAWN
    ).select_related("call")[:LIST_LIMIT]
    excluded = [(proposal, _("withdrawn")) for proposal in withdrawn]
    hidden = code == "g1.adoptable_not_adopted"
    if hidden and not program.shows_unfunded_titles:
        return Drill(code, counted, [], [], [], names_hidden=True)
    columns = ["ref", "call", "title", "status"]
    return Drill(code, counted, [] if hidden else excluded, [], columns, names_hidden=hidden)


def _papers(program: Program, as_of, code: str) -> Drill:
    """One row per distinct paper: its earliest counted row (the figure counts papers)."""
    rows = indicators.intl_papers(program, as_of)
    if code.endswith("before_start"):
        chosen = indicators.papers_before_start(program, as_of)
    else:
        chosen = rows.filter(indicators.in_window("published_on", as_of))
    first = chosen.order_by("dedupe_key", "published_on", "pk").distinct("dedupe_key")
    papers = rows.model.objects.filter(pk__in=first.values("pk")).select_related("project")
    excluded = _excluded(program, as_of, rows.model, "published_on", international_coauthored=True)
    return Drill(
        code,
        papers.order_by("published_on", "pk"),
        excluded,
        _per_project(papers),
        ["project", "title", "doi", "published_on"],
    )


def _hubs(program: Program, as_of) -> Drill:
    hubs = (
        Hub.objects.filter(
            project__in=indicators.counted_projects(program, as_of),
            established_on__lte=as_of,
            project__start_date__lte=as_of,
        )
        .exclude(closed_on__lt=as_of)
        .select_related("project")
    )
    closed = Hub.objects.filter(project__proposal__call__program=program, closed_on__lt=as_of)
    excluded = [(hub, _("closed before the as-of date")) for hub in closed[:LIST_LIMIT]]
    return Drill(
        "g3.hubs",
        hubs.order_by("established_on", "pk"),
        excluded,
        _per_project(hubs),
        ["project", "name", "established_on", "closed_on"],
    )


def _outputs(program, as_of, code, model, date_field, by_kind=False, **filters) -> Drill:
    counted = (
        indicators.counted_outputs(model, program, as_of)
        .filter(indicators.in_window(date_field, as_of), **filters)
        .select_related("project", "report")
        .order_by(date_field, "pk")
    )
    columns = {
        Event: ["project", "kind", "title", "held_on"],
        Presentation: ["project", "title", "presented_on"],
        Exchange: ["project", "person", "career_stage", "start_date", "end_date"],
    }[model]
    return Drill(
        code,
        counted,
        _excluded(program, as_of, model, date_field, **filters),
        _per_project(counted, "kind" if by_kind else None),
        columns,
    )


def _excluded(program, as_of, model, date_field, **filters) -> list[tuple[object, str]]:
    """Rows of the same kind of the program's projects that the figure leaves out, and why."""
    rows = (
        model.objects.filter(project__proposal__call__program=program, **filters)
        .select_related("project", "report")
        .order_by(date_field, "pk")
    )
    excluded = []
    for row in rows.iterator():
        reason = _why_not(row, as_of, date_field)
        if reason:
            excluded.append((row, reason))
            if len(excluded) >= LIST_LIMIT:
                break
    return excluded


def _why_not(row, as_of, date_field) -> str:
    day = getattr(row, date_field)
    if row.project.start_date > as_of:
        return _("its project starts after the as-of date")
    if row.report.status not in COUNTED_REPORT_STATUSES:
        return _("its report is not handed in (draft or returned)")
    if day < row.project.start_date:
        return _("dated before its project's start")
    if day > as_of:
        return _("dated after the as-of date")
    return ""


def _per_project(rows: QuerySet, by: str | None = None) -> list[dict]:
    """How many of the rows each project has (and per `by`, e.g. event kind): one query."""
    fields = ["project__code", *([by] if by else [])]
    return list(rows.order_by().values(*fields).annotate(n=Count("pk")).order_by(*fields))


def count(drilled: Drill) -> int:
    return drilled.counted.count()


__all__ = ["Drill", "drill", "count", "supported", "POPULATION_OF", "F"]
