"""The rows behind each figure: exactly those it counts, and those it leaves out and why.

`drill(program, as_of, code)` answers with the counted rows (a queryset, so that its count
is the figure: the same filters as evaluations/indicators.py, taken from there), the
rows of the same kind it excludes with the reason, and a per-project breakdown (events by
kind per project: the committee's 「A と B で差がある」). Every figure is made of its rows,
and `Drill.measure` says how (`figure()` makes it from them, and tests/test_drilldown.py
checks it for every indicator code): a count is their number; `g1.partner_countries` the
number of different countries among the agencies; a lab-wide sum the sum of each
contributing project's one value; a median (h-index, stay length) is the middle of the
rows listed in order of the value, the middle one or two marked on the page; a share or a
mean (adoption rate, short stays, survey gains) over the rows, its population.
"""

import dataclasses
import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db.models import BooleanField, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import YOUNG_CAREER_STAGES, Call, CallKind, ProposalStatus
from evaluations import indicators
from evaluations.catalogue import INDICATORS
from programs.fiscal import fiscal_year
from programs.models import DOMESTIC_COUNTRY, FundingAgency, Program
from projects.models import (
    COUNTED_REPORT_STATUSES,
    SHORT_STAY_DAYS,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
    SurveyAnswer,
)

LIST_LIMIT = 200


def _same(value):
    return value


def _stay_days(length: datetime.timedelta) -> int:
    """A stay in days, end - start + 1 (indicators.md)."""
    return length.days + 1


@dataclasses.dataclass(frozen=True)
class Measure:
    """How the counted rows make the figure: `kind` over each row's `field` (an attribute
    or annotation), read through `convert`; a share counts the rows whose value `counts`."""

    kind: str = "count"  # count | distinct | sum | median | share | mean
    field: str = ""
    label: str | Promise = ""  # the column's heading on the page
    convert: Callable = _same
    counts: Callable = bool


COUNT = Measure()


@dataclasses.dataclass
class Drill:
    code: str
    counted: QuerySet
    excluded: list[tuple[object, str]]
    by_project: list[dict]
    columns: list[str]  # the attributes a row shows
    names_hidden: bool = False  # unfunded proposals: titles at most (Program.shows_unfunded_titles)
    measure: Measure = COUNT
    note: str = ""  # what a row stands for, where it is not plain


def supported(code: str) -> bool:
    return code in INDICATORS


def drill(program: Program, as_of: datetime.date, code: str) -> Drill:
    """The rows of one figure (any code of the catalogue) as of a date."""
    if code.startswith("g3.lab_"):
        return _lab(program, as_of, code)
    if code in ("g1.jp_pi_hindex_median", "g1.partner_pi_hindex_median"):
        return _hindex(program, as_of, code)
    if code.startswith("g1.calls"):
        return _calls(program, as_of, code)
    if code in ("g1.partner_agencies", "g1.partner_countries"):
        return _agencies(program, as_of, code)
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
        return _survey(program, as_of, code)
    if code in ("g4.stay_days_median", "g4.short_stay_share"):
        return _stays(program, as_of, code)
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
    measure = COUNT
    if code == "g1.adoption_rate":  # adopted / received: the share of these rows adopted
        adopted = ExpressionWrapper(Q(status=ProposalStatus.ADOPTED), BooleanField())
        counted = counted.annotate(is_adopted=adopted)
        measure = Measure("share", "is_adopted", gettext_lazy("adopted (✓)"))
    return Drill(
        code, counted, [] if hidden else excluded, [], columns, names_hidden=hidden, measure=measure
    )


def _agencies(program: Program, as_of, code: str) -> Drill:
    """The foreign agencies of opened calls; the countries are those of these rows."""
    taking_part = FundingAgency.objects.filter(calls__program=program).distinct()
    agencies = (
        taking_part.filter(calls__open_date__lte=as_of)
        .exclude(country=DOMESTIC_COUNTRY)
        .order_by("country", "code")
    )
    excluded = [
        (agency, _("a Japanese agency, not a partner"))
        for agency in taking_part.filter(country=DOMESTIC_COUNTRY).order_by("code")[:LIST_LIMIT]
    ] + [
        (agency, _("takes part only in calls not opened by the as-of date"))
        for agency in taking_part.exclude(country=DOMESTIC_COUNTRY)
        .exclude(pk__in=agencies.values("pk"))
        .order_by("code")[:LIST_LIMIT]
    ]
    if code == "g1.partner_agencies":
        return Drill(code, agencies, excluded, [], ["code", "name", "country"])
    per_country = list(
        FundingAgency.objects.filter(pk__in=agencies.values("pk"))
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("country")
    )
    return Drill(
        code,
        agencies,
        excluded,
        per_country,
        ["code", "name"],
        measure=Measure("distinct", "country", gettext_lazy("country")),
        note=_("A row is a partner agency of an opened call; the figure counts their countries."),
    )


def _hindex(program: Program, as_of, code: str) -> Drill:
    """Adopted proposals, each with its PI's h-index, in order of it: the median is the
    middle of these rows. A PI of two adopted proposals counts twice, as in the figure;
    a proposal whose PI has no h-index (or no partner PI) is left out (indicators.md)."""
    pi = "jp_pi" if code == "g1.jp_pi_hindex_median" else "partner_pi"
    adopted = (
        indicators.proposal_scope(program, as_of)
        .filter(status=ProposalStatus.ADOPTED)
        .select_related("call", pi)
        .annotate(pi_h_index=F(f"{pi}__h_index"))
    )
    counted = adopted.filter(pi_h_index__isnull=False).order_by("pi_h_index", "ref")
    missing = adopted.filter(pi_h_index__isnull=True).order_by("ref")[:LIST_LIMIT]
    excluded = [
        (
            proposal,
            _("no partner PI is named")
            if getattr(proposal, f"{pi}_id") is None
            else _("the PI's h-index is not known"),
        )
        for proposal in missing
    ]
    return Drill(
        code,
        counted,
        excluded,
        [],
        ["ref", "call", "title", pi],
        measure=Measure("median", "pi_h_index", gettext_lazy("h-index")),
        note=_(
            "A row is an adopted proposal with its PI's h-index as recorded now: a PI of two"
            " adopted proposals counts twice, as in the figure."
        ),
    )


def _survey(program: Program, as_of, code: str) -> Drill:
    """The people with both answers; a gain is the mean of after - before over them."""
    pairs = indicators.survey_pairs(program, as_of).select_related("participant", "project")
    measure = COUNT
    if code != "g4.survey_pairs":
        item = code.removeprefix("g4.survey_gain_")
        pairs = pairs.annotate(gain=F(item) - F(f"before_{item}"))
        measure = Measure("mean", "gain", gettext_lazy("after − before"))
    return Drill(
        code,
        pairs.order_by("project__code", "pk"),
        _unpaired(program, as_of),
        _per_project(pairs),
        ["project", "participant"],
        measure=measure,
    )


def _unpaired(program: Program, as_of) -> list[tuple[object, str]]:
    """The survey answers of the program's projects that make no pair, and why."""
    answers = SurveyAnswer.objects.filter(project__proposal__call__program=program)
    answers = answers.select_related("participant").order_by("project__code", "pk")
    counted = answers.filter(project__in=indicators.counted_projects(program, as_of))
    afters = counted.filter(timing="after")
    later = [
        (answer, _("its project starts after the as-of date"))
        for answer in answers.filter(project__start_date__gt=as_of)[:LIST_LIMIT]
    ]
    no_before = [
        (answer, _("no answer before the time abroad"))
        for answer in afters.exclude(pk__in=indicators.survey_pairs(program, as_of).values("pk"))[
            :LIST_LIMIT
        ]
    ]
    no_after = [
        (answer, _("no answer after the time abroad yet"))
        for answer in counted.filter(timing="before").exclude(
            participant__in=afters.values("participant")
        )[:LIST_LIMIT]
    ]
    return (later + no_before + no_after)[:LIST_LIMIT]


def _stays(program: Program, as_of, code: str) -> Drill:
    """The ended stays, each with its length in days (in order of it, for the median)."""
    length = ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    stays = (
        indicators.ended_stays(program, as_of)
        .select_related("project", "report")
        .annotate(length=length)
    )
    if code == "g4.stay_days_median":
        measure = Measure("median", "length", gettext_lazy("days"), convert=_stay_days)
    else:
        label = gettext_lazy("days (✓: %(days)d or fewer)") % {"days": SHORT_STAY_DAYS}
        measure = Measure(
            "share", "length", label, convert=_stay_days, counts=lambda d: d <= SHORT_STAY_DAYS
        )
    dispatches = {"funded_by_program": True, "direction": "dispatch"}
    not_ended = (
        indicators.counted_outputs(Exchange, program, as_of)
        .filter(indicators.in_window("start_date", as_of), **dispatches)
        .exclude(end_date__lte=as_of)
        .order_by("start_date", "pk")[:LIST_LIMIT]
    )
    excluded = _excluded(program, as_of, Exchange, "start_date", **dispatches) + [
        (row, _("not ended by the as-of date")) for row in not_ended
    ]
    return Drill(
        code,
        stays.order_by("length", "start_date", "pk"),
        excluded[:LIST_LIMIT],
        _per_project(stays),
        ["project", "person", "start_date", "end_date", "purpose"],
        measure=measure,
    )


def _lab(program: Program, as_of, code: str) -> Drill:
    """Lab-wide statistics (indicators.md): over the counted projects that have both a
    "before" value (the fiscal year just before the start's) and an "after" value (the
    latest from the start's year to FY(as_of)), each project's one value of this side;
    the figure is their sum. Every other statistic of the program's projects is left out,
    with its reason: the page accounts for each of them."""
    name, side = code.removeprefix("g3.lab_").rsplit("_", 1)
    field = indicators.LAB_FIELDS[name]
    rows = (
        LabStatistic.objects.filter(project__proposal__call__program=program)
        .select_related("project", "report__project")  # a row reads as its report's name
        .annotate(start_fy=indicators.start_fiscal_year("project__"))
        .order_by("project__code", "report__fiscal_year")
    )
    chosen, excluded = [], []
    by_project: dict[int, list] = {}
    for row in rows:
        by_project.setdefault(row.project_id, []).append(row)
    for stats in by_project.values():
        kept, left_out = _lab_pair(stats, as_of)
        if kept:
            before, after = kept
            mine, other = (before, after) if side == "before" else (after, before)
            chosen.append(mine.pk)
            left_out.append((other, _("the value of the other side (before / after)")))
        excluded += left_out
    counted = (
        LabStatistic.objects.filter(pk__in=chosen)
        .select_related("project", "report")
        .annotate(value=F(field), fiscal_year=F("report__fiscal_year"))
        .order_by("project__code")
    )
    return Drill(
        code,
        counted,
        excluded[:LIST_LIMIT],
        [],
        ["project", "fiscal_year"],
        measure=Measure("sum", "value", LabStatistic._meta.get_field(field).verbose_name),
        note=_(
            "A row is a project that has both values: its value of the fiscal year just"
            " before its start (before), or of its latest year up to the as-of date (after)."
        ),
    )


def _lab_pair(stats: list, as_of: datetime.date) -> tuple[tuple | None, list]:
    """One project's (before, after) statistics as of the date, or None; and the others
    with why they do not count."""
    year = fiscal_year(as_of)
    left_out, usable = [], []
    for row in stats:
        if row.project.start_date > as_of:
            left_out.append((row, _("its project starts after the as-of date")))
        elif row.report.status not in COUNTED_REPORT_STATUSES:
            left_out.append((row, _("its report is not handed in (draft or returned)")))
        elif row.report.fiscal_year > year:
            left_out.append((row, _("a fiscal year after the as-of date's")))
        elif row.report.fiscal_year < row.start_fy - 1:
            left_out.append((row, _("earlier than the fiscal year just before the start")))
        else:
            usable.append(row)
    before = [row for row in usable if row.report.fiscal_year == row.start_fy - 1]
    after = [row for row in usable if row.report.fiscal_year >= row.start_fy]
    if not before or not after:
        why = (
            _("its project has no value for the year before its start: it adds to neither side")
            if not before
            else _("its project has no value from its start year on: it adds to neither side")
        )
        return None, left_out + [(row, why) for row in usable]
    superseded = _("an earlier year's value: the latest year counts")
    return (before[0], after[-1]), left_out + [(row, superseded) for row in after[:-1]]


def _papers(program: Program, as_of, code: str) -> Drill:
    """One row per distinct paper: its earliest counted row (the figure counts papers);
    every other international row of the program's projects left out, with why."""
    rows = indicators.intl_papers(program, as_of)
    before = code.endswith("before_start")
    if before:
        chosen = indicators.papers_before_start(program, as_of)
    else:
        chosen = rows.filter(indicators.in_window("published_on", as_of))
    first = chosen.order_by("dedupe_key", "published_on", "pk").distinct("dedupe_key")
    papers = rows.model.objects.filter(pk__in=first.values("pk")).select_related("project")
    listed = set(first.values_list("pk", "dedupe_key"))
    return Drill(
        code,
        papers.order_by("published_on", "pk"),
        _papers_left_out(program, as_of, listed, before),
        _per_project(papers),
        ["project", "title", "doi", "published_on"],
    )


def _papers_left_out(program: Program, as_of, listed: set, before: bool) -> list:
    """The program's international paper rows not listed, and why (one pass)."""
    pks, keys = {pk for pk, _key in listed}, {key for _pk, key in listed}
    rows = (
        Paper.objects.filter(
            project__proposal__call__program=program, international_coauthored=True
        )
        .select_related("project", "report")
        .order_by("published_on", "pk")
    )
    before_start = _("dated before its project's start")
    excluded = []
    for row in rows.iterator():
        if row.pk in pks:
            continue
        why = _why_not(row, as_of, "published_on")
        if row.dedupe_key in keys and why in ("", before_start):
            why = _("the same paper as a row listed: a paper counts once")
        elif before and why == before_start:
            why = _("the same paper is dated within a project's window: counted as a paper")
        elif before and not why:
            why = _("dated within its project's window: counted as a paper, not here")
        excluded.append((row, why))
        if len(excluded) >= LIST_LIMIT:
            break
    return excluded


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


def values(drilled: Drill) -> list:
    """Each counted row's value of the measure, in the rows' order (one query)."""
    measure = drilled.measure
    return [measure.convert(v) for v in drilled.counted.values_list(measure.field, flat=True)]


def figure(drilled: Drill, rows: int | None = None) -> int | Decimal | None:
    """The figure, made from the counted rows as the measure says (`rows`: their number,
    when the caller has counted them already)."""
    measure = drilled.measure
    if measure.kind == "count":
        return count(drilled) if rows is None else rows
    found = values(drilled)
    if measure.kind == "distinct":
        return len(set(found))
    if measure.kind == "sum":
        return sum(found) if found else None
    if measure.kind == "median":
        return indicators.median(found)
    if measure.kind == "share":
        return indicators.percentage(sum(1 for v in found if measure.counts(v)), len(found))
    if measure.kind == "mean":
        return indicators.rounded(Decimal(sum(found)) / len(found), "0.01") if found else None
    raise ValueError(measure.kind)


def middle(rows: int) -> set[int]:
    """The positions (from 0) of the one or two rows a median of `rows` values is made of."""
    return {(rows - 1) // 2, rows // 2} if rows else set()


__all__ = ["Drill", "Measure", "drill", "count", "figure", "middle", "supported", "values"]
