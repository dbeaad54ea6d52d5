"""The committee's dashboard: a program's four goals as of a date, and what lies behind them."""

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.rules import is_committee, is_staff_member
from evaluations import dashboard
from evaluations.indicators import compute
from evaluations.models import Evaluation
from programs.models import Program


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The programs with calls, each with its dashboard and evaluations."""
    if not (is_staff_member(request.user) or is_committee(request.user)):
        raise PermissionDenied
    programs = (
        Program.objects.filter(calls__isnull=False)
        .distinct()
        .prefetch_related("evaluations")
        .order_by("code")
    )
    return render(request, "evaluations/index.html", {"programs": programs})


@login_required
def dashboard_page(request: HttpRequest, code: str) -> HttpResponse:
    if not (is_staff_member(request.user) or is_committee(request.user)):
        raise PermissionDenied
    program = get_object_or_404(Program, code=code)
    as_of, error = _as_of(request)
    if error:
        context = {"program": program, "error": error, "as_of": request.GET.get("as_of", "")}
        return render(request, "evaluations/dashboard.html", context, status=400)
    return render(request, "evaluations/dashboard.html", _context(request, program, as_of))


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
    return day, ""


def _context(request: HttpRequest, program: Program, as_of: datetime.date) -> dict:
    document = compute(program, as_of)
    links = Links(program)
    goals = dashboard.goals(document)
    for goal in goals:
        for figure in goal["figures"]:
            figure["link"] = links.for_code(figure["code"])
    series = dashboard.series(program, as_of)
    charts = {
        number: {
            "years": series["years"],
            "lines": [
                {
                    "code": code,
                    "label": str(document["indicators"][code]["label"]),
                    "values": series["rows"][code],
                }
                for code in codes
            ],
        }
        for number, codes in dashboard.SERIES.items()
    }
    staff = is_staff_member(request.user)
    stays = dashboard.stays(program, as_of)
    return {
        "program": program,
        "as_of": as_of,
        "fiscal_year": document["fiscal_year"],
        "goals": goals,
        "series": series,
        "series_rows": _series_rows(goals, series),
        "charts": charts,
        "stay_chart": {
            "labels": [b["label"] for b in stays["bins"]],
            "counts": [b["count"] for b in stays["bins"]],
        },
        "calls": [
            {**call, "link": links.changelist("calls.proposal", q=call["code"])}
            for call in dashboard.per_call(program, as_of)
        ],
        "unfunded": list(dashboard.unfunded(program, as_of)) if staff else None,
        "stays": stays,
        "survey": dashboard.survey(program, as_of),
        "papers_before": list(dashboard.papers_before_start(program, as_of)),
        "buyout": dashboard.buyout(program, as_of),
        "travel": dashboard.travel(program, as_of),
        "links": links,
        "evaluations": Evaluation.objects.filter(program=program).order_by("-as_of"),
    }


def _series_rows(goals: list[dict], series: dict) -> list[dict]:
    return [
        {"goal": goal["number"], "label": figure["label"], "values": series["rows"][figure["code"]]}
        for goal in goals
        for figure in goal["figures"]
    ]


class Links:
    """Where the records behind each figure are listed: the admin, filtered to the program."""

    def __init__(self, program: Program):
        self.program = program

    def changelist(self, model: str, **filters) -> str:
        app, name = model.split(".")
        return reverse(f"admin:{app}_{name}_changelist") + (
            "?" + urlencode(filters) if filters else ""
        )

    def for_code(self, code: str) -> str:
        program = self.program.pk
        by_output = {"project__proposal__call__program__id__exact": program}
        if code.startswith("g1.calls"):
            return self.changelist("calls.call", program__id__exact=program)
        if code.startswith("g1.partner"):
            return self.changelist("programs.fundingagency")
        if code in ("g1.adopted", "g1.jp_pi_hindex_median", "g1.partner_pi_hindex_median"):
            return self.changelist(
                "calls.proposal", call__program__id__exact=program, status__exact="adopted"
            )
        if code.startswith("g1."):
            return self.changelist("calls.proposal", call__program__id__exact=program)
        if code == "g2.projects":
            return self.changelist("projects.project", proposal__call__program__id__exact=program)
        if code.startswith("g2.intl_coauthored"):
            return self.changelist("projects.paper", international_coauthored__exact=1, **by_output)
        if code == "g2.intl_presentations":
            return self.changelist("projects.presentation", international__exact=1, **by_output)
        if code.startswith("g3.events_"):
            kind = code.removeprefix("g3.events_")
            return self.changelist("projects.event", kind__exact=kind, **by_output)
        if code == "g3.events":
            return self.changelist("projects.event", **by_output)
        if code == "g3.hubs":
            return self.changelist("projects.hub", **by_output)
        if code.startswith("g3.lab_"):
            return self.changelist("projects.labstatistic", **by_output)
        if code in ("g3.researchers_received", "g4.young_received"):
            return self.changelist("projects.exchange", direction__exact="receive", **by_output)
        if code.startswith("g4.survey"):
            return self.changelist("projects.surveyanswer", **by_output)
        return self.changelist("projects.exchange", direction__exact="dispatch", **by_output)
