"""Aspire's URLs plus the bare views the HTTP benchmarks measure it against.

Each bare view is what the framework alone costs for the same rows: no authentication, no
throttle, no serializer, no pagination object — `.values()` and `JsonResponse`.
"""

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from calls.models import Proposal
from projects.models import AnnualReport, Paper

PAGE = 50


def bare_proposals(request: HttpRequest) -> JsonResponse:
    """The API's proposal page: ref, call, title, status, both PIs, the final score."""
    rows = Proposal.objects.order_by("ref").values(
        "ref",
        "title",
        "status",
        final_score=F("score_final"),
        call_code=F("call__code"),
        jp_pi_name=F("jp_pi__name"),
        jp_pi_institution=F("jp_pi__institution"),
        jp_pi_country=F("jp_pi__country"),
        partner_pi_name=F("partner_pi__name"),
        partner_pi_institution=F("partner_pi__institution"),
        partner_pi_country=F("partner_pi__country"),
    )
    return JsonResponse({"results": list(_after(rows, request, "ref")[:PAGE])})


def bare_papers(request: HttpRequest) -> JsonResponse:
    """The API's paper page: handed-in reports' papers with project code and fiscal year."""
    rows = (
        Paper.objects.filter(report__status__in=["submitted", "accepted"])
        .order_by("pk")
        .values(
            "id",
            "doi",
            "title",
            "journal",
            "published_on",
            "international_coauthored",
            "authors",
            project_code=F("project__code"),
            fiscal_year=F("report__fiscal_year"),
        )
    )
    return JsonResponse({"results": list(_after(rows, request, "pk")[:PAGE])})


def _after(rows, request: HttpRequest, column: str):
    """?after=<value>: the page that starts past a row, as the API's cursor does."""
    after = request.GET.get("after")
    return rows.filter(**{f"{column}__gt": after}) if after else rows


@csrf_exempt
def bare_submit(request: HttpRequest, pk: int) -> JsonResponse:
    """The rush's ceiling: one report's status changed in one locked UPDATE, nothing else."""
    with transaction.atomic():
        changed = AnnualReport.objects.filter(pk=pk).update(
            status="submitted", submitted_at=timezone.now(), version=F("version") + 1
        )
    return JsonResponse({"changed": changed})


urlpatterns = [
    path("bare/proposals/", bare_proposals),
    path("bare/papers/", bare_papers),
    path("bare/reports/<int:pk>/submit/", bare_submit),
    path("", include("aspire.urls")),
]
