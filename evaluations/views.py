"""The committee's dashboard: a program's four goals as of a date, and what lies behind them."""

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe
from django_countries.fields import Country

from accounts.rules import (
    reads_figures,
    sees_proposal_title,
    sees_unfunded_names,
    sees_unfunded_titles,
    withholds_unfunded,
)
from calls.models import Proposal, ProposalStatus
from evaluations import dashboard, drilldown, indicators
from evaluations.catalogue import INDICATORS, definition
from evaluations.models import Evaluation
from evaluations.pace import pace
from programs import codes
from programs.fiscal import format_fiscal_year
from programs.models import Program
from projects.models import COUNTED_REPORT_STATUSES, EventKind


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The programs with calls, each with its dashboard and evaluations."""
    if not reads_figures(request.user):
        raise PermissionDenied
    programs = (
        Program.objects.filter(calls__isnull=False)
        .distinct()
        .prefetch_related("evaluations")
        .order_by("code")
    )
    return render(request, "evaluations/index.html", {"programs": programs})


# The as-of dates the dashboard accepts: wide, but every fiscal year in it has an end.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


@require_safe
@login_required
def dashboard_page(request: HttpRequest, code: str) -> HttpResponse:
    """A program's four goals as of a date (?as_of=YYYY-MM-DD, default today)."""
    if not reads_figures(request.user):
        raise PermissionDenied
    program = Program.objects.filter(code=code).first()
    if program is None:
        if renamed := _renamed(request, code):
            return renamed
        error = _("No program has the code “%(code)s”.") % {"code": code}
        return _refused(request, error, status=404)
    as_of, error = _as_of(request)
    if error:
        return _refused(request, error, program=program, status=400)
    return render(request, "evaluations/dashboard.html", _context(request, program, as_of))


def _renamed(request: HttpRequest, code: str) -> HttpResponse | None:
    """A program's former code (programs/codes.py) leads to the same page under its code
    now, the rest of the address and the query kept; None where it names no program the
    user may read, who is then answered as for an unknown code (a rename reveals nothing).
    Those who read figures read every program's."""
    now = codes.moved(Program.objects.all(), code)
    if now is None:
        return None
    match = request.resolver_match
    where = reverse(match.view_name, kwargs=match.kwargs | {"code": now})
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return HttpResponsePermanentRedirect(where + query)


def _refused(request: HttpRequest, error: str, status: int, program=None) -> HttpResponse:
    context = {"program": program, "error": error, "as_of_text": request.GET.get("as_of", "")}
    return render(request, "evaluations/dashboard.html", context, status=status)


def _as_of(request: HttpRequest) -> tuple[datetime.date | None, str]:
    text = request.GET.get("as_of", "").strip()
    if not text:
        return timezone.localdate(), ""
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        return None, _("“%(text)s” is not a date: use YYYY-MM-DD, e.g. 2025-03-31.") % {
            "text": text
        }
    if not EARLIEST <= day <= LATEST:
        return None, _("Choose a date between %(first)s and %(last)s.") % {
            "first": EARLIEST.isoformat(),
            "last": LATEST.isoformat(),
        }
    return day, ""


def _context(request: HttpRequest, program: Program, as_of: datetime.date) -> dict:
    document, series, proposals = dashboard.document_and_series(program, as_of)
    links = Links(
        program,
        admin=request.user.is_active and request.user.is_staff,
        unfunded=not withholds_unfunded(request.user),
    )
    goals = dashboard.goals(document)
    paces = pace(program, as_of, document)
    growth = dashboard.growth_tables(series)
    for goal in goals:
        goal["growth"] = growth[goal["number"]]
        for figure in goal["figures"]:
            figure["pace"] = paces.get(figure["code"])
            figure["definition"] = definition(figure["code"])
            # The committee's own drill-down, the figure's rows exactly (not the admin).
            figure["link"] = figure_url(program, figure["code"], as_of)
    series_rows = [
        {"label": figure["label"], "link": figure["link"], "values": series["rows"][figure["code"]]}
        for goal in goals
        for figure in goal["figures"]
    ]
    stays = dashboard.stays(program, as_of)
    papers_before = list(dashboard.papers_before_start(program, as_of)[: dashboard.LIST_LIMIT])
    for paper in papers_before:
        paper.link = links.change("projects.paper", paper.pk)
    calls = dashboard.per_call(program, as_of, proposals)
    for call in calls:
        call["links"] = links.call(call["pk"])
    lab = dashboard.lab(document)
    for row in lab:  # each value opens the statistics it adds up, one a project
        for side in ("before", "after"):
            row[f"{side}_link"] = figure_url(program, f"g3.lab_{row['name']}_{side}", as_of)
    years = dashboard.report_years(program, as_of)  # travel's and the buy-out's, one query
    travel = dashboard.travel(program, as_of, years)
    for year in travel:
        year["link"] = links.reports_of(year["fiscal_year"])
    return {
        "program": program,
        "as_of": as_of,
        "fiscal_year": document["fiscal_year"],
        "goals": goals,
        "series": series,
        "series_rows": series_rows,
        "charts": dashboard.charts(series),
        "stay_chart": {
            "labels": [b["label"] for b in stays["bins"]],
            "counts": [b["count"] for b in stays["bins"]],
        },
        "calls": calls,
        "unfunded": _unfunded(request, program, as_of, links),
        "unfunded_names": sees_unfunded_names(request.user),
        "unfunded_count": document["indicators"]["g1.adoptable_not_adopted"]["value"],
        "stays": stays,
        "survey": dashboard.survey(program, as_of, document),
        "lab": lab,
        "papers_before": papers_before,
        "papers_before_count": document["indicators"]["g2.intl_coauthored_papers_before_start"][
            "value"
        ],
        "buyout": dashboard.buyout(program, as_of, years),
        "travel": travel,
        "travel_chart": dashboard.travel_chart(travel),
        "links": links,
        "evaluations": Evaluation.objects.filter(program=program).order_by("-as_of"),
    }


def _unfunded(request: HttpRequest, program: Program, as_of: datetime.date, links) -> list | None:
    """Staff see which, with names; the committee how many (g1.adoptable_not_adopted), or
    the titles without names where the program says so (Program.shows_unfunded_titles)."""
    if not sees_unfunded_titles(request.user, program):
        return None
    proposals = list(dashboard.unfunded(program, as_of)[: dashboard.LIST_LIMIT])
    named = sees_unfunded_names(request.user)  # the committee's link would answer 404
    for proposal in proposals:
        proposal.link = links.change("calls.proposal", proposal.pk) if named else ""
    return proposals


@require_safe
@login_required
def figure_page(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    """The rows one figure counts, those it leaves out and why, per project: inside the
    committee's pages (evaluations/drilldown.py)."""
    if not reads_figures(request.user):
        raise PermissionDenied
    program = Program.objects.filter(code=code).first()
    if program is None and drilldown.supported(indicator) and (renamed := _renamed(request, code)):
        return renamed
    if program is None or not drilldown.supported(indicator):
        raise Http404
    as_of, error = _as_of(request)
    if error:
        return _refused(request, error, program=program, status=400)
    drilled = drilldown.drill(program, as_of, indicator)
    count = drilled.counted.count()
    measure = drilled.measure
    # A median's rows are listed in order of the value: beyond the limit, the rows shown
    # are those around the middle, so that the rows it is made of are always on the page.
    first = 0
    if measure.kind == "median" and count > drilldown.LIST_LIMIT:
        first = max(0, (count - 1) // 2 - drilldown.LIST_LIMIT // 2)
    shown = drilled.counted[first : first + drilldown.LIST_LIMIT] if drilled.columns else []
    rows = [(row, _cells(request, program, row, drilled.columns, measure)) for row in shown]
    marked = {i - first for i in drilldown.middle(count)} if measure.kind == "median" else set()
    context = {
        "program": program,
        "as_of": as_of,
        "code": indicator,
        "label": INDICATORS[indicator][1],
        "definition": definition(indicator),
        "count": count,
        "value": indicators.json_number(drilldown.figure(drilled, rows=count)),
        "how": _how(measure, count),
        "note": drilled.note,
        "columns": _headers(drilled),
        "rows": rows,
        "first": first + 1,
        "last": first + len(rows),
        "marked": marked,
        "excluded": [
            (_withheld(request, program, row) or row, reason) for row, reason in drilled.excluded
        ],
        "breakdown": _breakdown(drilled.by_project),
        "names_hidden": drilled.names_hidden,
        "limit": drilldown.LIST_LIMIT,
    }
    return render(request, "evaluations/figure.html", context)


def _how(measure: drilldown.Measure, count: int) -> str:
    """How the figure is made of the rows listed, in one sentence."""
    texts = {
        "count": ngettext(
            "%(count)d row: the figure is their number.",
            "%(count)d rows: the figure is their number.",
            count,
        ),
        "distinct": ngettext(
            "%(count)d row: the figure is the number of different values of “%(column)s”.",
            "%(count)d rows: the figure is the number of different values of “%(column)s”.",
            count,
        ),
        "sum": ngettext(
            "%(count)d row, one a project: the figure is the sum of “%(column)s”.",
            "%(count)d rows, one a project: the figure is the sum of “%(column)s”.",
            count,
        ),
        "median": ngettext(
            "%(count)d row in order of “%(column)s”: the figure is the median, the marked row"
            " (or the mean of the two marked rows).",
            "%(count)d rows in order of “%(column)s”: the figure is the median, the marked row"
            " (or the mean of the two marked rows).",
            count,
        ),
        "share": ngettext(
            "%(count)d row: the figure is the share (%%) of them marked in “%(column)s”.",
            "%(count)d rows: the figure is the share (%%) of them marked in “%(column)s”.",
            count,
        ),
        "mean": ngettext(
            "%(count)d row: the figure is the mean of “%(column)s”.",
            "%(count)d rows: the figure is the mean of “%(column)s”.",
            count,
        ),
    }
    return texts[measure.kind] % {"count": count, "column": measure.label}


# Headings of the columns that are no model field of the row (annotations).
COLUMN_LABELS = {"fiscal_year": gettext_lazy("fiscal year")}


def _headers(drilled: drilldown.Drill) -> list[str]:
    meta = drilled.counted.model._meta
    headers = []
    for column in drilled.columns:
        try:
            headers.append(str(meta.get_field(column).verbose_name))
        except FieldDoesNotExist:
            headers.append(str(COLUMN_LABELS.get(column, column)))
    if drilled.measure.kind != "count":
        headers.append(str(drilled.measure.label))
    return headers


def _breakdown(groups: list[dict]) -> dict:
    """The per-project (or per-country) counts as headings and rows, in the page's words."""
    if not groups:
        return {}
    labels = {
        "project__code": _("project"),
        "kind": _("kind"),
        "country": _("country"),
        "n": _("rows"),
    }
    keys = list(groups[0])
    return {
        "title": _("Per country") if "country" in keys else _("Per project"),
        "columns": [labels.get(key, key) for key in keys],
        "rows": [[_group_cell(key, group[key]) for key in keys] for group in groups],
    }


def _group_cell(key: str, value) -> str:
    if key == "kind":
        return str(EventKind(value).label)
    if key == "country":
        return Country(value).name
    return str(value)


def _cells(request: HttpRequest, program: Program, row, columns: list[str], measure) -> list[str]:
    """A row's cells, and its value of the measure last; an unfunded proposal the
    committee is not shown, as withheld: it still counts, and its call and status stay
    (accounts.rules.sees_proposal_title)."""
    withheld = _withheld(request, program, row)
    cells = [
        withheld if withheld and column in ("ref", "title") else _cell(row, column)
        for column in columns
    ]
    if measure.kind != "count":
        value = measure.convert(getattr(row, measure.field))
        if measure.kind == "share":  # the rows counted in the share marked ✓
            mark = "✓" if measure.counts(value) else "—"
            value = mark if isinstance(value, bool) else f"{value} {mark}"
        cells.append(_cell_text(value))
    return cells


def _withheld(request: HttpRequest, program: Program, row) -> str:
    if isinstance(row, Proposal) and not sees_proposal_title(request.user, row, program):
        return _("(withheld)")
    return ""


def _cell(row, column: str) -> str:
    if column == "fiscal_year":
        return format_fiscal_year(row.fiscal_year)
    display = getattr(row, f"get_{column}_display", None)
    return _cell_text(display() if display else getattr(row, column))


def _cell_text(value) -> str:
    if isinstance(value, Country):
        return value.name
    return "" if value is None else str(value)


def figure_url(program: Program, code: str, as_of: datetime.date) -> str:
    if not drilldown.supported(code):
        return ""
    path = reverse("evaluations:figure", args=[program.code, code])
    return f"{path}?{urlencode({'as_of': as_of.isoformat()})}"


COUNTED = ",".join(COUNTED_REPORT_STATUSES)
NOT_WITHDRAWN = ",".join(s for s in ProposalStatus.values if s != ProposalStatus.WITHDRAWN)
NOT_ADOPTED = ",".join(
    s for s in ProposalStatus.values if s not in (ProposalStatus.WITHDRAWN, ProposalStatus.ADOPTED)
)


class Links:
    """Where the records behind each figure are listed: the admin's changelists, filtered
    to the program by the lookups their list_filter allows (a lookup the admin does not
    allow would send staff to an error page instead). Empty for a user who cannot use the
    admin: the page then offers the read-only report pages where a list names reports."""

    def __init__(self, program: Program, admin: bool, unfunded: bool = True):
        self.program = program
        self.admin = admin
        # The committee's admin lists hold adopted proposals only: a link to the received
        # or the adoptable would list fewer than its figure counts (accounts/rules.py).
        self.unfunded = unfunded

    def changelist(self, model: str, **filters) -> str:
        if not self.admin:
            return ""
        app, name = model.split(".")
        query = "?" + urlencode(filters) if filters else ""
        return reverse(f"admin:{app}_{name}_changelist") + query

    def change(self, model: str, pk: int) -> str:
        if not self.admin:
            return ""
        app, name = model.split(".")
        return reverse(f"admin:{app}_{name}_change", args=[pk])

    def call(self, pk: int) -> dict[str, str]:
        """A call's proposals behind each column of the calls table."""
        call = {"call__id__exact": pk}
        proposals = "calls.proposal"
        if not self.unfunded:
            adopted = self.changelist(proposals, status__exact="adopted", **call)
            return {
                "received": "",
                "adopted": adopted,
                "adoptable": "",
                "adoptable_not_adopted": "",
            }
        return {
            "received": self.changelist(proposals, status__in=NOT_WITHDRAWN, **call),
            "adopted": self.changelist(proposals, status__exact="adopted", **call),
            "adoptable": self.changelist(
                proposals, adoptable="yes", status__in=NOT_WITHDRAWN, **call
            ),
            "adoptable_not_adopted": self.changelist(
                proposals, adoptable="yes", status__in=NOT_ADOPTED, **call
            ),
        }

    def reports_of(self, year: int) -> str:
        return self.changelist(
            "projects.annualreport",
            project__proposal__call__program__id__exact=self.program.pk,
            status__in=COUNTED,
            fiscal_year__exact=year,
        )

    def outputs(self, model: str, **filters) -> str:
        """Counted outputs of the program: in submitted or accepted reports."""
        return self.changelist(
            f"projects.{model}",
            project__proposal__call__program__id__exact=self.program.pk,
            report__status__in=COUNTED,
            **filters,
        )

    @property
    def stays(self) -> str:
        return self.for_code("g4.dispatched")

    @property
    def survey(self) -> str:
        return self.for_code("g4.survey_pairs")

    @property
    def lab_statistics(self) -> str:
        return self.outputs("labstatistic")

    @property
    def reports(self) -> str:
        return self.changelist(
            "projects.annualreport",
            project__proposal__call__program__id__exact=self.program.pk,
            status__in=COUNTED,
        )

    def for_code(self, code: str) -> str:
        program = self.program.pk
        proposals = {"call__program__id__exact": program}
        if code.startswith("g1.calls"):
            kind = {"g1.calls_joint": "joint", "g1.calls_alignment": "alignment"}.get(code)
            return self.changelist(
                "calls.call", program__id__exact=program, **({"kind__exact": kind} if kind else {})
            )
        if code.startswith("g1.partner"):
            return self.changelist("programs.fundingagency")
        if code in ("g1.adopted", "g1.jp_pi_hindex_median", "g1.partner_pi_hindex_median"):
            return self.changelist("calls.proposal", status__exact="adopted", **proposals)
        if code == "g1.adoptable":
            return self.changelist(
                "calls.proposal", adoptable="yes", status__in=NOT_WITHDRAWN, **proposals
            )
        if code == "g1.adoptable_not_adopted":
            return self.changelist(
                "calls.proposal", adoptable="yes", status__in=NOT_ADOPTED, **proposals
            )
        if code.startswith("g1."):
            return self.changelist("calls.proposal", status__in=NOT_WITHDRAWN, **proposals)
        if code == "g2.projects":
            return self.changelist("projects.project", proposal__call__program__id__exact=program)
        if code.startswith("g2.intl_coauthored"):
            return self.outputs("paper", international_coauthored__exact=1)
        if code == "g2.intl_presentations":
            return self.outputs("presentation", international__exact=1)
        if code.startswith("g3.events_"):
            return self.outputs("event", kind__exact=code.removeprefix("g3.events_"))
        if code == "g3.events":
            return self.outputs("event")
        if code == "g3.hubs":
            return self.changelist(
                "projects.hub", project__proposal__call__program__id__exact=program
            )
        if code.startswith("g3.lab_"):
            return self.lab_statistics
        if code.startswith("g4.survey"):
            return self.changelist(
                "projects.surveyanswer", project__proposal__call__program__id__exact=program
            )
        direction = (
            "receive" if code in ("g3.researchers_received", "g4.young_received") else "dispatch"
        )
        return self.outputs("exchange", direction__exact=direction, funded_by_program__exact=1)
