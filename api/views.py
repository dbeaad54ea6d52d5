"""The endpoints of /api/v1/: querysets narrowed by accounts.rules, one query per page."""

import datetime
import decimal
import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    UniqueConstraint,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.rules import (
    is_staff_member,
    reads_figures,
    visible_projects,
    visible_proposals,
    visible_reports,
    within_scope,
)
from api import filters
from api import serializers as s
from api.downloads import FORMATS, download
from api.exceptions import Frozen, Moved
from api.history import written_by
from api.pagination import ordering_keys
from aspire import versions
from aspire.fields import CODE_PATTERN
from calls.models import Call, Proposal, Review
from evaluations.indicators import compute
from evaluations.models import Evaluation, Target
from programs import codes
from programs.models import FundingAgency, Program
from projects import reporting
from projects.models import (
    AnnualReport,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
    Project,
    ProjectBudget,
    SurveyAnswer,
    paper_key,
)


class Downloads:
    """`?format=csv|xlsx|jsonl` downloads every row the filters select, whole (not a page),
    in the columns of the data-exchange contract; personal columns are for staff only."""

    kind: str | None = None
    personal: tuple[str, ...] = ()

    def list(self, request, *args, **kwargs):
        fmt = request.query_params.get("format")
        if self.kind and fmt in FORMATS:
            self.paginator.page_size_of(request)  # a download is whole, but a bad size is 400
            if request.query_params.get("cursor"):
                # A cursor names a page, and a download has none: not silently ignored.
                raise NotFound({"cursor": [_("A download holds every row: it has no pages.")]})
            queryset = self.filter_queryset(self.get_queryset())
            drop = () if is_staff_member(request.user) else self.personal
            return download(self.kind, queryset, fmt, drop)
        return super().list(request, *args, **kwargs)


class StaffOnly(BasePermission):
    """Confidential or personal rows (reviews, survey answers): staff signed in, no key."""

    message = _("Only staff may read these.")

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS and bool(is_staff_member(request.user))


class PlainList:
    """A list page read with `.values()` and built as plain dicts: the answer the serializer
    would give, at a fraction of the cost (no model instances, no field objects per cell).

    For the lists that grow with the data (proposals, outputs); `columns` maps each field of
    the serializer to the `.values()` path it is read from, `plain` builds one row.
    """

    columns: dict[str, str]
    filter_backends = filters.BACKENDS

    def list(self, request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        paths = list(dict.fromkeys(self.columns.values()))
        keys = [name for name, _desc in ordering_keys(queryset) if name not in paths]
        page = self.paginate_queryset(queryset.values(*paths, *keys))
        self.zone = timezone.get_current_timezone()  # once a page, not once a row
        return self.get_paginated_response([self.plain(row) for row in page])

    def plain(self, row: dict) -> dict:
        data = {name: row[path] for name, path in self.columns.items()}
        if "updated_at" in data:
            data["updated_at"] = moment(data["updated_at"], self.zone)
        return data


def moment(value: datetime.datetime | None, zone: datetime.tzinfo) -> str | None:
    """A stored moment as DRF's DateTimeField writes it (ISO 8601, in the active time
    zone, UTC as `Z`), without looking the zone up again for every row."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return f"{text[:-6]}Z" if text.endswith("+00:00") else text


def etag(record) -> str:
    """A versioned record's entity tag: it changes with every save (aspire/versions.py)."""
    return f'"{record.version}"'


class SafeWrites:
    """Writes that lose nobody's update: a record carries its version as `ETag`; a write
    with `If-Match` is refused with 412 when the record changed since; and a write saves
    only the fields it sends that differ, under a row lock, so that two clients changing
    different fields of one record both keep their change."""

    def retrieve(self, request, *args, **kwargs) -> Response:
        record = self.get_object()
        tag = etag(record)
        if tag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers={"ETag": tag})
        return Response(self.get_serializer(record).data, headers={"ETag": tag})

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = serializer.save()
        # The list's address and the record's key (the detail route cannot reverse every code).
        where = f"{request.path.rstrip('/')}/{quote(str(getattr(record, self.lookup_field)))}/"
        headers = {"ETag": etag(record), "Location": request.build_absolute_uri(where)}
        return Response(serializer.data, status=201, headers=headers)

    def update(self, request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        record = self.get_object()
        expected = request.headers.get("If-Match")
        if expected and expected.strip() not in ("*", etag(record)):
            return _precondition_failed(record)
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        base = record.version if expected else None
        try:
            saved = versions.save_edit(type(record), record.pk, base, serializer.validated_data)
        except versions.EditConflict as conflict:  # changed between the check and the lock
            return _precondition_failed(conflict.current)
        return Response(self.get_serializer(saved).data, headers={"ETag": etag(saved)})


def _precondition_failed(record) -> Response:
    detail = _("The record changed since your copy (ETag %(etag)s): fetch it again.") % {
        "etag": etag(record)
    }
    body = {"detail": detail, "code": "precondition_failed"}
    return Response(body, status=412, headers={"ETag": etag(record)})


class FollowsRenames:
    """A code staff renamed keeps its address (programs/codes.py): the old one answers 301
    (308 for a write) naming the new address, if the caller may read the record there."""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            old = self.kwargs[self.lookup_field]
            if not re.fullmatch(CODE_PATTERN, old):  # no code ever (a NUL cannot be looked up)
                raise
            code = codes.current_code(self.get_queryset().model, old)
            if code is None or not self._readable(code):
                raise
            base = self.request.path.rstrip("/").rsplit("/", 1)[0]
            query = f"?{self.request.GET.urlencode()}" if self.request.GET else ""
            where = self.request.build_absolute_uri(f"{base}/{quote(code)}/{query}")
            raise Moved(where, self.request.method) from None

    def _readable(self, code: str) -> bool:
        return self.filter_queryset(self.get_queryset()).filter(code=code).exists()


def program_named(request, code: str) -> Program:
    """The program of a `/programs/<code>/…` address among those the caller may read; a
    former code of one answers 301 (Moved) to the same address under its code now."""
    readable = within_scope(request.user, Program.objects.all())
    program = readable.filter(code=code).first()
    if program is not None:
        return program
    now = codes.moved(readable, code)
    if now is None:
        raise Http404
    match = request.resolver_match
    where = reverse(match.view_name, kwargs=match.kwargs | {"code": now})
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    raise Moved(request.build_absolute_uri(where + query), request.method)


class AgencyViewSet(FollowsRenames, Downloads, SafeWrites, viewsets.ModelViewSet):
    """Funding agencies; `country` JP marks a domestic one. Write keys may add and edit;
    an agency's code never changes through the API."""

    kind = "agencies"
    queryset = FundingAgency.objects.order_by("code")
    serializer_class = s.AgencySerializer
    filterset_class = filters.AgencyFilter
    ordering_fields = ["code", "name", "country"]
    lookup_field = "code"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.AgencyUpdateSerializer
        return s.AgencySerializer


class ProgramViewSet(FollowsRenames, Downloads, viewsets.ReadOnlyModelViewSet):
    kind = "programs"
    queryset = (
        Program.objects.select_related("managing_agency")
        .prefetch_related("support_types")
        .order_by("code")
    )
    serializer_class = s.ProgramSerializer
    filterset_class = filters.ProgramFilter
    ordering_fields = ["code", "name"]
    lookup_field = "code"


class CallViewSet(FollowsRenames, Downloads, viewsets.ReadOnlyModelViewSet):
    kind = "calls"
    queryset = (
        Call.objects.select_related("program", "support_type")
        .prefetch_related(Prefetch("partner_agencies", FundingAgency.objects.order_by("code")))
        .order_by("code")
    )
    serializer_class = s.CallSerializer
    filterset_class = filters.CallFilter
    ordering_fields = ["code", "open_date", "close_date"]
    lookup_field = "code"


# with_scores() names the stored, indexed final score (calls/scores.py): ordering by it reads
# a page off its index. Built once, cloned per request (never evaluated in place).
_PROPOSALS = Proposal.objects.with_scores().select_related("call", "jp_pi", "partner_pi")
_PI = {name: name for name in ["name", "institution", "country", "orcid", "erad_number"]}
_PI["ror"] = "institution_ror"  # ResearcherField's source
_JP_PI = [(name, f"jp_pi__{path}") for name, path in _PI.items()]
_PARTNER_PI = [(name, f"partner_pi__{path}") for name, path in _PI.items()]
_FINAL_SCORE = s.ProposalSerializer().fields["final_score"]


def _scores() -> Callable[[Decimal], Decimal | str]:
    """The final score as its serializer field writes it, for a page of rows: the field's
    rounding context made once a page, not once a row (DecimalField.quantize makes it
    anew for every value); the field itself where it writes text."""
    field = _FINAL_SCORE
    if getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING):
        return field.to_representation
    if field.normalize_output:
        return field.to_representation
    context = decimal.getcontext().copy()
    context.prec = field.max_digits
    step = Decimal(".1") ** field.decimal_places
    return lambda score: score.quantize(step, rounding=field.rounding, context=context)


_DECIDED_ON = s.ProposalSerializer().fields["decided_on"]


class ProposalViewSet(Downloads, PlainList, viewsets.ReadOnlyModelViewSet):
    """Proposals with status and final score; reviews and reviewers are never shown."""

    kind = "proposals"
    serializer_class = s.ProposalSerializer
    filterset_class = filters.ProposalFilter
    ordering_fields = ["ref", "final_score", "status", "decided_on"]
    lookup_field = "ref"
    columns = {
        "ref": "ref",
        "call": "call__code",
        "title": "title",
        "status": "status",
        "final_score": "final_score",
        **{f"jp_pi__{path}": f"jp_pi__{path}" for path in _PI.values()},
        "partner_pi": "partner_pi",
        **{f"partner_pi__{path}": f"partner_pi__{path}" for path in _PI.values()},
        "requested_annual_budget_yen": "requested_annual_budget_yen",
        "requested_years": "requested_years",
        "decided_on": "decided_on",
        "updated_at": "updated_at",
    }

    def get_queryset(self) -> QuerySet:
        return visible_proposals(self.request.user, _PROPOSALS.all()).order_by("ref")

    def list(self, request, *args, **kwargs) -> Response:
        self.score = _scores()
        return super().list(request, *args, **kwargs)

    def plain(self, row: dict) -> dict:
        score = row["final_score"]
        return {
            "ref": row["ref"],
            "call": row["call__code"],
            "title": row["title"],
            "status": row["status"],
            "jp_pi": {name: row[path] for name, path in _JP_PI},
            "partner_pi": {name: row[path] for name, path in _PARTNER_PI}
            if row["partner_pi"] is not None
            else None,
            "final_score": None if score is None else self.score(score),
            "requested_annual_budget_yen": row["requested_annual_budget_yen"],
            "requested_years": row["requested_years"],
            "decided_on": _DECIDED_ON.to_representation(row["decided_on"]),
            "updated_at": moment(row["updated_at"], self.zone),
        }


class ProjectViewSet(FollowsRenames, Downloads, viewsets.ReadOnlyModelViewSet):
    kind = "projects"
    serializer_class = s.ProjectSerializer
    filterset_class = filters.ProjectFilter
    ordering_fields = ["code", "start_date", "end_date"]
    lookup_field = "code"

    def get_queryset(self) -> QuerySet:
        projects = Project.objects.select_related("proposal__call__program")
        return visible_projects(self.request.user, projects).order_by("code")


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual reports; outside the project only those handed in (submitted or accepted)."""

    serializer_class = s.ReportSerializer
    filterset_class = filters.ReportFilter
    ordering_fields = ["fiscal_year", "submitted_at"]

    def get_queryset(self) -> QuerySet:
        reports = AnnualReport.objects.select_related("project")
        return visible_reports(self.request.user, reports).order_by("project__code", "fiscal_year")


class OutputWrites:
    """Outputs written by other systems (a university's research-information system
    pushing its papers) through the report page's own door, projects.reporting: the same
    report lock, rules and frozen reports. Rows go into the project's report of their
    fiscal year while it is a draft; reads keep showing handed-in reports only, so the
    PI still checks the year and hands it in. A row whose key (the contract's: the
    project's DOI or title, a title on a day) is there already is a 409 naming it."""

    write_serializer: type
    # The natural key's fields beside the project (the contract's; a paper's is its DOI,
    # else its title): the query of `PUT …/by-key/` names a row by them.
    key_fields: tuple[str, ...]

    def get_serializer_class(self):
        if self.action in ("create", "upsert"):
            return self.write_serializer
        return self.serializer_class

    @action(detail=False, methods=["put"], url_path="by-key")
    def upsert(self, request, *args, **kwargs) -> Response:
        """Create or replace the row its natural key names (`?project=…&title=…`, which
        replace the body's): 201 with its address when new, 200 when replaced; `If-Match`
        with the row's ETag replaces only the version the writer read (412 otherwise, and
        for a row not there yet), `If-None-Match: *` only creates. Fields left out of the
        body are emptied."""
        data = self._keyed_body(request)
        serializer = self.get_serializer(data=data)
        # Not its unique-together check: a row there already is the one to replace (the
        # report's own rules check the row that is written, projects.reporting).
        serializer.validators = []
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        report = values.pop("report")
        model = self.serializer_class.Meta.model
        row = model(project=report.project, report=report, **values)
        known = _known(row)
        expected = request.headers.get("If-Match", "").strip()
        if known is None:
            if expected:  # a version of a row that is not there (RFC 9110 §13.1.1)
                return _precondition_failed_absent()
            with written_by(request.user):
                saved = _refused_as_api(reporting.add_row, report, row)
            data = self.serializer_class(saved, context=self.get_serializer_context()).data
            return Response(data, status=201, headers=_address(request, saved))
        if not self.get_queryset().filter(pk=known.pk).exists() or known.report_id != report.pk:
            return _duplicate(request, known)  # another scope's, or in another year's report
        if request.headers.get("If-None-Match", "").strip() == "*":
            return _precondition_failed(known)
        if expected and expected not in ("*", etag(known)):
            return _precondition_failed(known)
        base = known.version if expected else None
        replaced = _replacement(serializer, values)
        try:
            with written_by(request.user):
                saved = _refused_as_api(reporting.edit_row, report, known, base, replaced)
        except versions.EditConflict as conflict:
            return _precondition_failed(conflict.current)
        saved.project = report.project  # the answer names it: its report's, read already
        data = self.serializer_class(saved, context=self.get_serializer_context()).data
        return Response(data, headers=_address(request, saved))

    def _keyed_body(self, request) -> dict:
        """The body with the key the address names: the address's key fields replace the
        body's (the address names the row). A paper's address may leave its DOI and title
        out, to be named by the body's (its DOI, else its title)."""
        keys = {"project", *self.key_fields}
        filters.refuse_unknown(request.query_params, keys | {filters.FORMAT})  # as every write
        named = {k: v for k, v in filters.given(request.query_params).items() if k in keys}
        body = request.data
        if not isinstance(body, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Send one row, an object.")]})
        needed = {"project"} if self.key_fields == PAPER_KEY else keys
        if missing := sorted(needed - named.keys()):
            message = _("Name the row by its key: %(key)s.") % {"key": ", ".join(sorted(keys))}
            raise serializers.ValidationError({name: [message] for name in missing})
        return {**body, **named}

    def retrieve(self, request, *args, **kwargs) -> Response:
        record = self.get_object()
        return Response(self.get_serializer(record).data, headers={"ETag": etag(record)})

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        report = values.pop("report")
        row = self.serializer_class.Meta.model(project=report.project, report=report, **values)
        if (known := _known(row)) is not None:
            return _duplicate(request, known)
        with written_by(request.user):
            saved = _refused_as_api(reporting.add_row, report, row)
        data = self.serializer_class(saved, context=self.get_serializer_context()).data
        return Response(data, status=201, headers=_where(request, saved))

    def update(self, request, *args, **kwargs) -> Response:
        record = self.get_object()
        expected = request.headers.get("If-Match", "").strip()
        if expected and expected not in ("*", etag(record)):
            return _precondition_failed(record)
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        base = record.version if expected else None
        try:
            with written_by(request.user):
                saved = _refused_as_api(
                    reporting.edit_row, record.report, record, base, serializer.validated_data
                )
        except versions.EditConflict as conflict:
            return _precondition_failed(conflict.current)
        return Response(self.get_serializer(saved).data, headers={"ETag": etag(saved)})

    def destroy(self, request, *args, **kwargs) -> Response:
        record = self.get_object()
        expected = request.headers.get("If-Match", "").strip()
        base = record.version if expected and expected != "*" else None
        if base is not None and expected != etag(record):
            return _precondition_failed(record)
        try:
            with written_by(request.user):
                _refused_as_api(reporting.delete_row, record.report, record, base)
        except versions.EditConflict as conflict:
            return _precondition_failed(conflict.current)
        return Response(status=204)


def _known(row) -> object | None:
    """The stored row that has `row`'s unique fields (its natural key), if any."""
    if isinstance(row, Paper):  # its key is made of the DOI and title when it is saved
        row.dedupe_key = paper_key(row.doi, row.title)
    for constraint in row._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.condition is None:
            key = {
                name: getattr(row, row._meta.get_field(name).attname) for name in constraint.fields
            }
            if (found := type(row).objects.filter(**key).first()) is not None:
                return found
    return None


PAPER_KEY = ("doi", "title")  # the DOI, else the title (projects.models.paper_key)


def _replacement(serializer, values: dict) -> dict:
    """What a PUT writes: the body's fields, and every other writable field emptied (its
    model default), so that the row is the body and nothing of what was there before."""
    model = serializer.Meta.model
    replaced = dict(values)
    for name, field in serializer.fields.items():
        if field.read_only or name in replaced or name in ("project", "fiscal_year"):
            continue
        source = field.source if field.source != "*" else name
        replaced[source] = model._meta.get_field(source).get_default()
    return replaced


def _address(request, record) -> dict:
    """A row's ETag and its address (by id), wherever the write came in."""
    base = request.path.rstrip("/").removesuffix("/by-key")
    return {"ETag": etag(record), "Location": request.build_absolute_uri(f"{base}/{record.pk}/")}


def _precondition_failed_absent() -> Response:
    body = {
        "detail": _("No row has this key yet: `If-Match` names a version of none."),
        "code": "precondition_failed",
    }
    return Response(body, status=412)


def _where(request, record) -> dict:
    where = f"{request.path.rstrip('/')}/{record.pk}/"
    if request.method != "POST":
        where = request.path
    return {"ETag": etag(record), "Location": request.build_absolute_uri(where)}


def _duplicate(request, known) -> Response:
    detail = _("This output is there already (id %(id)s): change it with PUT at its address.")
    body = {"detail": detail % {"id": known.pk}, "code": "duplicate"}
    return Response(body, status=409, headers=_where(request, known))


def _refused_as_api(write, *args):
    """A write of projects.reporting, its refusals as the API answers them: a frozen
    report is a 409, anything else the row got wrong a 400 naming its fields."""
    try:
        return write(*args)
    except DjangoValidationError as error:
        if getattr(error, "code", None) == "frozen":
            raise Frozen(" ".join(error.messages)) from error
        if hasattr(error, "error_dict"):
            raise serializers.ValidationError(error.message_dict) from error
        raise serializers.ValidationError({"non_field_errors": error.messages}) from error


def output_viewset(
    model, serializer, filterset, ordering: list[str], kind: str, doc: str, writable=False
) -> type:
    """An endpoint for one kind of output, seen as its reports are; `writable`: other
    systems may add, change and delete rows of draft reports (OutputWrites)."""
    renamed = {"project": "project__code", "fiscal_year": "report__fiscal_year"}
    bases = (Downloads, PlainList, viewsets.ReadOnlyModelViewSet)
    if writable:
        bases = (OutputWrites, Downloads, PlainList, viewsets.ModelViewSet)

    class OutputViewSet(*bases):
        serializer_class = serializer
        write_serializer = s.output_write_serializer(serializer) if writable else None
        filterset_class = filterset
        ordering_fields = ordering
        columns = {name: renamed.get(name, name) for name in serializer.Meta.fields}

        def get_queryset(self) -> QuerySet:
            outputs = model.objects.select_related("project", "report")
            if dated := getattr(serializer, "dated", None):  # the list reads it as a column
                before = Q(**{f"{dated}__lt": F("project__start_date")})
                outputs = outputs.annotate(before_project=ExpressionWrapper(before, BooleanField()))
            if self.request.method not in SAFE_METHODS:  # a write: the rows of its scope
                return within_scope(self.request.user, outputs).order_by("pk")
            return visible_reports(self.request.user, outputs).order_by("pk")

    if writable:
        OutputViewSet.key_fields = OUTPUT_KEYS[model]
        key = [
            OpenApiParameter(
                name,
                key_schema(model).get(name, OpenApiTypes.DATE),
                required=name == "project" or model is not Paper,
                description=KEY_HELP[name],
            )
            for name in ("project", *OUTPUT_KEYS[model])
        ]
        schema = extend_schema(
            parameters=key,
            request=OutputViewSet.write_serializer,
            responses={200: serializer, 201: serializer},
            summary="Create or replace the row its natural key names",
        )
        OutputViewSet = extend_schema_view(upsert=schema)(OutputViewSet)
    OutputViewSet.__name__ = f"{model.__name__}ViewSet"
    # In English, written here: the schema's words never depend on the active language.
    OutputViewSet.__doc__ = doc
    OutputViewSet.kind = kind
    return OutputViewSet


# The natural key of each writable output beside its project (data-exchange.md).
OUTPUT_KEYS = {
    Paper: PAPER_KEY,
    Presentation: ("title", "presented_on"),
    Event: ("title", "held_on"),
}


def key_schema(model) -> dict:
    """The key's parameters as the body's fields take them (the address's value replaces
    the body's): a title as long as the model's allows, an event's shorter than a paper's."""
    title = model._meta.get_field("title").max_length
    return {
        "project": {"type": "string", "pattern": CODE_PATTERN},
        "doi": {"type": "string", "maxLength": 200, "pattern": s.DOI_PATTERN},
        "title": {"type": "string", "minLength": 1, "maxLength": title, "pattern": "^[^\x00]*$"},
    }


KEY_HELP = {
    "project": "The project's code (one of the key's programs).",
    "doi": "The paper's DOI, canonical (10.…): its key where it has one.",
    "title": "The title, as in the body; a paper's key where it has no DOI.",
    "presented_on": "The day it was presented (YYYY-MM-DD).",
    "held_on": "The day it was held (YYYY-MM-DD).",
}


PaperViewSet = output_viewset(
    Paper,
    s.PaperSerializer,
    filters.PaperFilter,
    ["published_on"],
    "publications",
    "Papers of annual reports (the `publications` kind of the data-exchange contract). "
    + "Write keys add, change and delete the papers of draft reports.",
    writable=True,
)
PresentationViewSet = output_viewset(
    Presentation,
    s.PresentationSerializer,
    filters.PresentationFilter,
    ["presented_on"],
    "presentations",
    "Conference presentations of annual reports. "
    + "Write keys add, change and delete those of draft reports.",
    writable=True,
)
EventViewSet = output_viewset(
    Event,
    s.EventSerializer,
    filters.EventFilter,
    ["held_on"],
    "events",
    "Events (workshops, symposia, seminars, lecture tours) of annual reports. "
    + "Write keys add, change and delete those of draft reports.",
    writable=True,
)
ExchangeViewSet = output_viewset(
    Exchange,
    s.ExchangeSerializer,
    filters.ExchangeFilter,
    ["start_date"],
    "exchanges",
    "Stays abroad of annual reports; the traveller is named to staff only (downloads).",
)
ExchangeViewSet.personal = ("person",)
LabStatisticViewSet = output_viewset(
    LabStatistic,
    s.LabStatisticSerializer,
    filters.LabStatisticFilter,
    ["updated_at"],
    "lab_statistics",
    "Lab-wide statistics of annual reports (one per report).",
)


class BudgetViewSet(Downloads, viewsets.ReadOnlyModelViewSet):
    """Each project's budget per fiscal year (yen)."""

    kind = "budgets"
    serializer_class = s.BudgetSerializer
    filterset_class = filters.BudgetFilter
    ordering_fields = ["fiscal_year", "amount_yen"]

    def get_queryset(self) -> QuerySet:
        projects = visible_projects(self.request.user, Project.objects.all())
        budgets = ProjectBudget.objects.filter(project__in=projects).select_related("project")
        return budgets.order_by("pk")


class SurveyViewSet(Downloads, viewsets.ReadOnlyModelViewSet):
    """Young researchers' survey answers, one person each: for staff signed in only."""

    kind = "surveys"
    serializer_class = s.SurveyAnswerSerializer
    permission_classes = [StaffOnly]
    ordering_fields = ["timing"]
    queryset = SurveyAnswer.objects.select_related("project", "participant").order_by("pk")


class ReviewViewSet(Downloads, viewsets.ReadOnlyModelViewSet):
    """Reviews with their scores and reviewers (the pending left out): for staff only."""

    kind = "reviews"
    serializer_class = s.ReviewSerializer
    permission_classes = [StaffOnly]
    ordering_fields = ["score"]
    queryset = (
        Review.objects.filter(score__isnull=False)
        .select_related("proposal", "reviewer")
        .order_by("pk")
    )


class HubViewSet(Downloads, viewsets.ReadOnlyModelViewSet):
    kind = "hubs"
    serializer_class = s.HubSerializer
    filterset_class = filters.HubFilter
    ordering_fields = ["name", "established_on"]

    def get_queryset(self) -> QuerySet:
        projects = visible_projects(self.request.user, Project.objects.all())
        return Hub.objects.filter(project__in=projects).select_related("project").order_by("pk")


class TargetViewSet(Downloads, SafeWrites, viewsets.ModelViewSet):
    """Targets per indicator and fiscal year. Write keys may add and edit."""

    kind = "targets"
    queryset = Target.objects.select_related("program").order_by("program__code", "indicator")
    serializer_class = s.TargetSerializer
    filterset_class = filters.TargetFilter
    ordering_fields = ["fiscal_year", "indicator"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Finalised evaluations with their frozen indicator snapshot."""

    queryset = (
        Evaluation.objects.filter(finalised_at__isnull=False)
        .select_related("program")
        .prefetch_related("members")
        .order_by("-as_of")
    )
    serializer_class = s.EvaluationSerializer
    filterset_class = filters.EvaluationFilter
    ordering_fields = ["as_of"]


class AsOf(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text=_("YYYY-MM-DD; today if left out."))


class IndicatorsView(APIView):
    """A program's evaluation indicators as of a date, as the `indicators` command prints them."""

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE)], responses=OpenApiTypes.OBJECT
    )
    def get(self, request, code: str) -> Response:
        if not reads_figures(request.user):  # as the dashboard: not PIs, not reviewers
            raise PermissionDenied(_("The evaluation's figures are for staff and the committee."))
        program = program_named(request, code)
        params = AsOf(data=filters.given(request.query_params))
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("as_of") or timezone.localdate()
        document = compute(program, as_of)
        digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
        etag = f'"{digest}"'
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers={"ETag": etag})
        return Response(document, headers={"ETag": etag, **_last_modified(program)})


def _last_modified(program: Program) -> dict:
    """When a report of the program last changed: what the figures are computed from."""
    latest = AnnualReport.objects.filter(project__proposal__call__program=program).aggregate(
        latest=Max("updated_at")
    )["latest"]
    return {"Last-Modified": http_date(latest.timestamp())} if latest else {}


class EnglishSchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English whatever the request's language or LANGUAGE_CODE: a
    client generated from it gets the same ASCII names everywhere. Messages of answers
    follow `Accept-Language` (Japanese by default); labels in both languages are data."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # lazy texts become English here, not later
        return response


class IndicatorRows(serializers.Serializer):
    program = serializers.CharField(help_text="The program's code.")
    as_of = serializers.DateField(required=False, help_text="YYYY-MM-DD; today if left out.")


class IndicatorRow(serializers.Serializer):
    program = serializers.CharField()
    code = serializers.CharField()
    goal = serializers.IntegerField()
    as_of = serializers.DateField()
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    target_fiscal_year = serializers.IntegerField(allow_null=True)
    attainment_pct = serializers.FloatField(allow_null=True)


class IndicatorDefinition(serializers.Serializer):
    code = serializers.CharField()
    goal = serializers.IntegerField()
    label_en = serializers.CharField()
    label_ja = serializers.CharField()
    definition_en = serializers.CharField()
    definition_ja = serializers.CharField()


@extend_schema(
    parameters=[IndicatorRows],
    responses={200: IndicatorRow(many=True)},
    description="Every indicator of a program as of a date, one row each (long format): "
    "code, goal, as_of, value, target, target_fiscal_year, attainment_pct. "
    "`?format=csv|xlsx|jsonl` gives the same rows as a table.",
)
class IndicatorTableView(APIView):
    """The indicators as a long table, what an analyst's data frame wants."""

    def get(self, request) -> Response:
        if not reads_figures(request.user):
            raise PermissionDenied(_("The evaluation's figures are for staff and the committee."))
        filters.refuse_unknown(request.query_params, {"program", "as_of", "format"})
        params = IndicatorRows(data=filters.given(request.query_params))
        params.is_valid(raise_exception=True)
        programs = within_scope(request.user, Program.objects.all())
        program = programs.filter(code=params.validated_data["program"]).first()
        if program is None:  # as an unknown code in any filter (api/filters.py)
            raise NotFound({"program": [_("Unknown program.")]})
        as_of = params.validated_data.get("as_of") or timezone.localdate()
        document = compute(program, as_of)
        rows = []
        for code, figure in document["indicators"].items():
            target = figure["target"] or {}
            rows.append(
                {
                    "program": program.code,
                    "code": code,
                    "goal": figure["goal"],
                    "as_of": document["as_of"],
                    "value": figure["value"],
                    "target": target.get("value"),
                    "target_fiscal_year": target.get("fiscal_year"),
                    "attainment_pct": figure["attainment_pct"],
                }
            )
        return Response(rows)


@extend_schema(responses={200: IndicatorDefinition(many=True)})
class IndicatorDefinitionsView(APIView):
    """Each indicator's code, goal, labels in English and Japanese, and its definition."""

    def get(self, request) -> Response:
        from evaluations.catalogue import INDICATORS, definition

        filters.refuse_unknown(request.query_params, {"format"})
        rows = []
        for code, (goal, label) in INDICATORS.items():
            row = {"code": code, "goal": goal}
            for language in ("en", "ja"):  # the committee's definitions, in both languages
                with translation.override(language):
                    row[f"label_{language}"] = str(label)
                    row[f"definition_{language}"] = definition(code)
            rows.append(row)
        return Response(rows)
