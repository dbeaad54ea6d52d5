"""The filters of every list, strict: a parameter the list does not know, an ordering it does
not offer or a value of the wrong type answers 400 naming the parameter, a code that names
nothing 404 naming it; never a silently unfiltered list.

- Booleans read `true`/`false`/`1`/`0` in any case (as data-exchange.md's cells); anything
  else is refused.
- A code (`program`, `call`, `project`, `managing_agency`) must name a record the caller may
  read: `?program=aspire` beside `ASPIRE` is a 404 naming the parameter, not an empty 200.
  404, not 400: the request is well formed and names a record that is not there (or not the
  caller's), as `/programs/aspire/` would be; a value that is no code at all is a 400.
- An empty value is no value (a form sends every field): `?fiscal_year=` does not filter.
- `ordering` takes one of the values the schema lists (a field, `-` first for descending);
  the primary key breaks ties, so the order is total (api/pagination.py).
- `updated_since` (every list): rows changed at or after the moment given.
"""

import datetime
import re

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.fields import IsoDateTimeField, ModelChoiceField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from accounts.rules import visible_projects, within_scope
from api.serializers import CODE_PATTERN
from calls.models import Call, Proposal
from evaluations.models import Evaluation, Target
from programs import codes
from programs.fiscal import FIRST_YEAR, LAST_YEAR
from programs.models import FundingAgency, Program
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
)

TRUE, FALSE = {"true", "1"}, {"false", "0"}


class StrictBooleanField(forms.Field):
    """true/false/1/0 in any case; anything else is an error (never "no filter")."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise DjangoValidationError(_("Enter true, false, 1 or 0."), code="invalid")


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(filters.NumberFilter):
    """A fiscal year: a whole number within the years the data may hold."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "enum": [code for code, _name in countries]})
class CountryFilter(filters.ChoiceFilter):
    """An ISO 3166 code, as the data-exchange files write countries."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=countries, **kwargs)


class RenamedCodeField(ModelChoiceField):
    """A code, or a code the record had before staff renamed it (programs/codes.py): a
    client's saved query keeps selecting the same record."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except DjangoValidationError as unknown:
            known = isinstance(value, str) and re.fullmatch(CODE_PATTERN, value)
            renamed = codes.current_code(self.queryset.model, value) if known else None
            if renamed is None:
                raise
            try:
                return super().to_python(renamed)
            except DjangoValidationError:
                raise unknown from None  # not the caller's: the new code stays unsaid


@extend_schema_field({"type": "string", "pattern": CODE_PATTERN})
class CodeFilter(filters.ModelChoiceFilter):
    """A record named by its code, in the documented character set (api/serializers.py)."""

    field_class = RenamedCodeField


def _code(path: str, model, label: str, scoped: bool = True) -> filters.ModelChoiceFilter:
    """A record named by its code among those the caller may read; an unknown one is 404."""

    def readable(request) -> QuerySet:
        records = model.objects.all()
        if model is Project:
            records = visible_projects(request.user, records)
        return within_scope(request.user, records) if scoped else records

    return CodeFilter(
        field_name=path,
        queryset=readable,
        to_field_name="code",
        label=label,
        error_messages={"invalid_choice": _("Unknown code %(value)s.")},
    )


def _program(path: str) -> filters.ModelChoiceFilter:
    return _code(path, Program, "program code")


def _project(path: str = "project") -> filters.ModelChoiceFilter:
    return _code(path, Project, "project code")


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment with any offset RFC 3339 allows (up to ±23:59), compared in UTC:
    PostgreSQL refuses offsets beyond ±15:59, so the database never sees the one sent."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:  # before year 1 in UTC: earlier than every row
            return datetime.datetime.min.replace(tzinfo=datetime.UTC)


class MomentFilter(filters.IsoDateTimeFilter):
    field_class = MomentField


class UpdatedSince(filters.FilterSet):
    """`updated_since`: the rows changed at or after a moment (ISO 8601, with its offset)."""

    updated_since = MomentFilter(
        field_name="updated_at", lookup_expr="gte", label="changed at or after (ISO 8601)"
    )


class AgencyFilter(UpdatedSince):
    country = CountryFilter()

    class Meta:
        model = FundingAgency
        fields = ["country", "updated_since"]


class ProgramFilter(UpdatedSince):
    managing_agency = _code("managing_agency", FundingAgency, "agency code", scoped=False)

    class Meta:
        model = Program
        fields = ["managing_agency", "updated_since"]


class CallFilter(UpdatedSince):
    program = _program("program")
    open_date = filters.DateFromToRangeFilter()

    class Meta:
        model = Call
        fields = ["program", "kind", "open_date", "updated_since"]


class ProposalFilter(UpdatedSince):
    program = _program("call__program")
    call = _code("call", Call, "call code")
    # The partner PI's country as the proposal stores it (indexed; calls/0013's triggers).
    partner_country = CountryFilter(field_name="partner_country")
    decided_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Proposal
        fields = ["program", "call", "status", "partner_country", "decided_on", "updated_since"]


class ProjectFilter(UpdatedSince):
    program = _program("proposal__call__program")
    start_date = filters.DateFromToRangeFilter()

    class Meta:
        model = Project
        fields = ["program", "start_date", "updated_since"]


class ReportFilter(UpdatedSince):
    program = _program("project__proposal__call__program")
    project = _project()
    fiscal_year = YearFilter()

    class Meta:
        model = AnnualReport
        fields = ["program", "project", "fiscal_year", "status", "updated_since"]


class _OutputFilter(UpdatedSince):
    program = _program("project__proposal__call__program")
    project = _project()
    fiscal_year = YearFilter(field_name="report__fiscal_year")


class PaperFilter(_OutputFilter):
    published_on = filters.DateFromToRangeFilter()
    international_coauthored = BooleanFilter()

    class Meta:
        model = Paper
        fields = ["program", "project", "fiscal_year", "international_coauthored", "published_on"]
        fields += ["updated_since"]


class PresentationFilter(_OutputFilter):
    presented_on = filters.DateFromToRangeFilter()
    international = BooleanFilter()
    country = CountryFilter()

    class Meta:
        model = Presentation
        fields = ["program", "project", "fiscal_year", "international", "country", "presented_on"]
        fields += ["updated_since"]


class EventFilter(_OutputFilter):
    held_on = filters.DateFromToRangeFilter()
    country = CountryFilter()

    class Meta:
        model = Event
        fields = ["program", "project", "fiscal_year", "kind", "country", "held_on"]
        fields += ["updated_since"]


class ExchangeFilter(_OutputFilter):
    start_date = filters.DateFromToRangeFilter()
    funded_by_program = BooleanFilter()
    country = CountryFilter()

    class Meta:
        model = Exchange
        fields = ["program", "project", "fiscal_year", "direction", "career_stage", "country"]
        fields += ["funded_by_program", "start_date", "updated_since"]


class LabStatisticFilter(_OutputFilter):
    class Meta:
        model = LabStatistic
        fields = ["program", "project", "fiscal_year", "updated_since"]


class HubFilter(UpdatedSince):
    program = _program("project__proposal__call__program")
    project = _project()
    country = CountryFilter()

    class Meta:
        model = Hub
        fields = ["program", "project", "country", "updated_since"]


class BudgetFilter(UpdatedSince):
    program = _program("project__proposal__call__program")
    project = _project()
    fiscal_year = YearFilter()

    class Meta:
        model = ProjectBudget
        fields = ["program", "project", "fiscal_year", "updated_since"]


class TargetFilter(UpdatedSince):
    program = _program("program")
    fiscal_year = YearFilter()

    class Meta:
        model = Target
        fields = ["program", "indicator", "fiscal_year", "updated_since"]


class EvaluationFilter(UpdatedSince):
    program = _program("program")

    class Meta:
        model = Evaluation
        fields = ["program", "kind", "updated_since"]


# --- Backends -------------------------------------------------------------------------------

PAGING = frozenset({"cursor", "page_size", "ordering"})
FORMAT = "format"


def filter_names(view) -> set[str]:
    """The query parameters of the view's filter set, as a request spells them (a range
    filter `published_on` is `published_on_after` and `published_on_before`)."""
    filterset = getattr(view, "filterset_class", None)
    names: set[str] = set()
    for name, declared in (filterset.base_filters if filterset else {}).items():
        suffixes = getattr(declared.field_class.widget, "suffixes", None)
        names |= {f"{name}_{suffix}" for suffix in suffixes} if suffixes else {name}
    return names


def known_parameters(view) -> set[str]:
    if getattr(view, "action", "list") != "list":
        return {FORMAT}
    return {FORMAT, *PAGING, *filter_names(view)}


def given(query_params) -> dict[str, str]:
    """The parameters that carry a value: an empty one is no value, as in every list."""
    return {name: value for name, value in query_params.items() if value}


def refuse_unknown(query_params, known: set[str]) -> None:
    unknown = sorted(set(query_params) - known)
    if unknown:
        message = _("Unknown parameter. Known here: %(known)s.") % {
            "known": ", ".join(sorted(known))
        }
        raise exceptions.ValidationError({name: [message] for name in unknown})


class KnownParameters(BaseFilterBackend):
    """First of the backends: a parameter the endpoint does not know is a 400 naming it (a
    typo must not silently return the whole list)."""

    def filter_queryset(self, request, queryset, view):
        refuse_unknown(request.query_params, known_parameters(view))
        return queryset


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the request names no filter.

    Building the filter set's form costs more than the page of rows it would not filter:
    with only paging, ordering or format asked, there is nothing for it to do.
    """

    NOT_FILTERS = PAGING | {FORMAT}

    def filter_queryset(self, request, queryset, view):
        if self.NOT_FILTERS.issuperset(request.query_params):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise _refusal(filterset.form)
        return filterset.qs


def _refusal(form: forms.Form) -> exceptions.APIException:
    """404 when every refused parameter is a well-formed code naming nothing readable, else
    400; either names each parameter."""
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    unknown_codes = all(
        isinstance(form.fields.get(name), forms.ModelChoiceField)
        and re.fullmatch(CODE_PATTERN, form.data.get(name, "")) is not None
        and all(error.code == "invalid_choice" for error in form.errors.as_data()[name])
        for name in errors
    )
    return exceptions.NotFound(errors) if unknown_codes else exceptions.ValidationError(errors)


class Ordering(OrderingFilter):
    """One of the view's `ordering_fields`, `-` first for descending; anything else is 400."""

    def choices(self, view) -> list[str]:
        return [f"{sign}{name}" for name in view.ordering_fields for sign in ("", "-")]

    def get_ordering(self, request, queryset, view):
        asked = request.query_params.get(self.ordering_param)
        if not asked:  # an empty value is no value, as a form sends an untouched field
            return self.get_default_ordering(view)
        if asked not in self.choices(view):
            message = _("Unknown ordering. Choose one of: %(choices)s.") % {
                "choices": ", ".join(self.choices(view))
            }
            raise exceptions.ValidationError({self.ordering_param: [message]})
        return [asked]

    def get_schema_operation_parameters(self, view) -> list[dict]:
        if not getattr(view, "ordering_fields", None):
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "The order of the rows: a field, `-` first for descending; "
                "ties are broken by the record's key.",
                "schema": {"type": "string", "enum": self.choices(view)},
            }
        ]


class ProgramScope(BaseFilterBackend):
    """A key scoped to programs reads only their rows, in lists and in detail alike
    (DRF's get_object filters through the backends too)."""

    def filter_queryset(self, request, queryset, view):
        return within_scope(request.user, queryset)


BACKENDS = [KnownParameters, ProgramScope, FilterBackend, Ordering]
