"""GET /api/v1/programs/CODE/archive/: a program's data of every kind in one ZIP.

Each kind is read as its own list reads it (the same viewset's queryset, permissions and
personal columns), so that the archive shows a caller exactly what the lists would: a key
gets handed-in reports' outputs and no traveller's name, staff everything, and a kind the
caller may not list (reviews, survey answers for a key) is left out and named in the
manifest. Reviewers are accounts, which the API never lists: no archive holds them.
"""

from types import SimpleNamespace

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.views import APIView

from accounts.rules import is_staff_member, within_scope
from api import filters
from api import views as v
from api.downloads import ARCHIVE_FORMATS, ZIP, Part, archive

# Every kind the API lists, in the contract's order (exchange.kinds.KINDS: importing the
# files in this order fills an empty database).
VIEWSETS = [
    v.AgencyViewSet,
    v.ProgramViewSet,
    v.CallViewSet,
    v.ProposalViewSet,
    v.ReviewViewSet,
    v.ProjectViewSet,
    v.BudgetViewSet,
    v.TargetViewSet,
    v.PaperViewSet,
    v.PresentationViewSet,
    v.EventViewSet,
    v.ExchangeViewSet,
    v.HubViewSet,
    v.LabStatisticViewSet,
    v.SurveyViewSet,
]


class ZIPRenderer(BaseRenderer):
    """The archive's type, for content negotiation (`Accept`); the view streams the body."""

    media_type = ZIP
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b""  # never called with data: errors are JSON (api/exceptions.py)


class FormatOfFiles(DefaultContentNegotiation):
    """`format` names the type of the files inside the ZIP, not of the answer."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class ArchiveParameters(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=ARCHIVE_FORMATS, required=False, help_text="The files inside: csv by default."
    )


def parts(request) -> tuple[list[Part], list[str]]:
    """Each kind's rows as the caller's list of it would give them, and the kinds the
    caller may not list at all."""
    readable, left_out = [], []
    for viewset_class in VIEWSETS:
        viewset = viewset_class(request=request, format_kwarg=None, args=(), kwargs={})
        viewset.action = "list"
        if not all(p.has_permission(request, viewset) for p in viewset.get_permissions()):
            left_out.append(viewset.kind)
            continue
        only = within_scope(request.user, viewset.get_queryset())
        drop = () if is_staff_member(request.user) else viewset.personal
        readable.append(Part(viewset.kind, only, drop))
    return readable, left_out


@extend_schema(
    parameters=[
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            enum=list(ARCHIVE_FORMATS),
            description="The type of the files inside the ZIP: csv (the default) or xlsx.",
        ),
    ],
    responses={
        (200, ZIP): OpenApiResponse(
            OpenApiTypes.BINARY,
            description="A ZIP named `CODE-YYYY-MM-DD.zip`: `KIND.csv` (or `.xlsx`) for "
            "each kind of the data-exchange contract the caller may read, with the columns, "
            "natural keys and rows `export_data KIND --program CODE` writes for them; "
            "`manifest.json` (kinds, columns, row counts, `as_of`, kinds `left_out`) and "
            "`README.txt`.",
        )
    },
)
class ArchiveView(APIView):
    """Everything of one program, every kind in one ZIP, each file as its list's download
    gives it: outputs of handed-in reports only and no traveller's name but to staff;
    reviews and survey answers to staff only. A key scoped to other programs gets 404."""

    renderer_classes = [ZIPRenderer]
    content_negotiation_class = FormatOfFiles

    def get(self, request, code: str):
        filters.refuse_unknown(request.query_params, {"format"})
        params = ArchiveParameters(data=filters.given(request.query_params))
        params.is_valid(raise_exception=True)
        program = v.program_named(request, code)
        readable, left_out = parts(request)
        return archive(program, readable, params.validated_data.get("format", "csv"), left_out)
