"""The committee's dashboard: a program's four goals as of a date, and what lies behind them."""

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.rules import (
    reads_figures,
    sees_proposal_title,
    sees_unfunded_names,
    sees_unfunded_titles,
    withholds_unfunded,
)
from calls.models import Proposal, ProposalStatus
from evaluations import dashboard, drilldown
from evaluations.catalogue import INDICATORS, definition
from evaluations.models import Evaluation
from evaluations.pace import pace
from programs import codes
from programs.models import Program
from projects.models import COUNTED_REPORT_STATUSES


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
    travel = dashboard.travel(program, as_of)
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
        "lab": dashboard.lab(document),
        "papers_before": papers_before,
        "papers_before_count": document["indicators"]["g2.intl_coauthored_papers_before_start"][
            "value"
        ],
        "buyout": dashboard.buyout(program, as_of),
        "travel": travel,
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
    rows = (
        [
            (row, _cells(request, program, row, drilled.columns))
            for row in drilled.counted[: drilldown.LIST_LIMIT]
        ]
        if drilled.columns
        else []
    )
    context = {
        "program": program,
        "as_of": as_of,
        "code": indicator,
        "label": INDICATORS[indicator][1],
        "definition": definition(indicator),
        "count": drilled.counted.count(),
        "columns": drilled.columns,
        "rows": rows,
        "excluded": [
            (_withheld(request, program, row) or row, reason) for row, reason in drilled.excluded
        ],
        "by_project": drilled.by_project,
        "names_hidden": drilled.names_hidden,
        "limit": drilldown.LIST_LIMIT,
    }
    return render(request, "evaluations/figure.html", context)


def _cells(request: HttpRequest, program: Program, row, columns: list[str]) -> list[str]:
    """A row's cells; an unfunded proposal the committee is not shown, as withheld: it
    still counts, and its call and status stay (accounts.rules.sees_proposal_title)."""
    withheld = _withheld(request, program, row)
    return [
        withheld if withheld and column in ("ref", "title") else _cell(row, column)
        for column in columns
    ]


def _withheld(request: HttpRequest, program: Program, row) -> str:
    if isinstance(row, Proposal) and not sees_proposal_title(request.user, row, program):
        return _("(withheld)")
    return ""


def _cell(row, column: str) -> str:
    display = getattr(row, f"get_{column}_display", None)
    value = display() if display else getattr(row, column)
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
