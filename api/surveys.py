"""The young researchers' survey, aggregated: what keys may read of it (issue 17).

Each answer is one person's self-assessment, so the answers themselves are for staff
signed in (`SurveyViewSet`). Everyone who reads the figures gets this instead: per
project, how many people answered both before and after their stay and the summed and
mean gain per item, the pairs `g4.survey_*` counts (evaluations/indicators.py). A project
with fewer than MIN_PEOPLE such people shows its count only, as survey statistics do, so
that no one's answers can be read off a row; the program's totals, which are the
indicators' figures exactly, always count everyone.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.rules import reads_figures
from api import filters
from api.views import AsOf, program_named
from evaluations.indicators import SURVEY_ITEMS, rounded, survey_pairs
from programs.models import Program

# The smallest group whose gains are shown: with two, either person could subtract their
# own answers from the sum and read the other's.
MIN_PEOPLE = 3


def _gains(name: str) -> serializers.Serializer:
    numbers = {
        item: serializers.DecimalField(max_digits=9, decimal_places=2) for item in SURVEY_ITEMS
    }
    return inline_serializer(name, numbers, allow_null=True)


GAINS_DOC = inline_serializer(
    "SurveyGains",
    {
        "program": serializers.CharField(),
        "as_of": serializers.DateField(),
        "min_people": serializers.IntegerField(),
        "people": serializers.IntegerField(),
        "mean_gain": _gains("SurveyMeanGain"),
        "projects": inline_serializer(
            "SurveyProjectGains",
            {
                "project": serializers.CharField(),
                "start_date": serializers.DateField(),
                "people": serializers.IntegerField(),
                "total_gain": _gains("SurveyTotalGain"),
                "mean_gain": _gains("SurveyProjectMeanGain"),
            },
            many=True,
        ),
    },
)


def project_gains(program: Program, as_of: datetime.date) -> list[dict]:
    """One row per counted project with people who answered before and after: their
    number and summed gain per item (one query)."""
    rows = (
        survey_pairs(program, as_of)
        .values(project_code=F("project__code"), start_date=F("project__start_date"))
        .annotate(people=Count("pk"), **_summed_gains())
        .order_by("project_code")
    )
    return [_shown(row) for row in rows]


def _summed_gains() -> dict:
    return {item: Sum(F(item) - F(f"before_{item}")) for item in SURVEY_ITEMS}


def _shown(row: dict) -> dict:
    people = row["people"]
    shown = people >= MIN_PEOPLE
    total = {item: row[item] for item in SURVEY_ITEMS}
    return {
        "project": row["project_code"],
        "start_date": row["start_date"],
        "people": people,
        "total_gain": total if shown else None,
        "mean_gain": _means(total, people) if shown else None,
    }


def _means(total: dict, people: int) -> dict:
    return {item: rounded(Decimal(total[item]) / people, "0.01") for item in SURVEY_ITEMS}


class SurveyGainsView(APIView):
    """The survey's gains per project, small groups withheld; totals for the program."""

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE)],
        responses=GAINS_DOC,
        description=_("Survey gains per project; groups under three people show a count only."),
    )
    def get(self, request, code: str) -> Response:
        if not reads_figures(request.user):
            raise PermissionDenied(_("The evaluation's figures are for staff and the committee."))
        program = program_named(request, code)  # a former code answers 301
        filters.refuse_unknown(request.query_params, {"as_of", "format"})
        params = AsOf(data=filters.given(request.query_params))
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("as_of") or timezone.localdate()
        return Response(_document(program, as_of))


def _document(program: Program, as_of: datetime.date) -> dict:
    rows = project_gains(program, as_of)
    everyone = survey_pairs(program, as_of).aggregate(people=Count("pk"), **_summed_gains())
    people = everyone.pop("people")
    return {
        "program": program.code,
        "as_of": as_of,
        "min_people": MIN_PEOPLE,
        "people": people,
        "mean_gain": _means(everyone, people) if people else None,
        "projects": rows,
    }
