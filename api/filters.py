"""The filters of every list; an invalid value answers 400 with the field named."""

import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import BaseFilterBackend

from accounts.rules import within_scope
from calls.models import Call, Proposal
from evaluations.models import Evaluation, Target
from programs.models import FundingAgency, Program
from projects.models import AnnualReport, Event, Exchange, Hub, Paper, Presentation, Project


def _program(path: str) -> filters.CharFilter:
    return filters.CharFilter(field_name=path, label="program code")


class AgencyFilter(filters.FilterSet):
    class Meta:
        model = FundingAgency
        fields = ["country"]


class ProgramFilter(filters.FilterSet):
    managing_agency = filters.CharFilter(field_name="managing_agency__code")

    class Meta:
        model = Program
        fields = ["managing_agency"]


class CallFilter(filters.FilterSet):
    program = _program("program__code")
    open_date = filters.DateFromToRangeFilter()

    class Meta:
        model = Call
        fields = ["program", "kind", "open_date"]


class ProposalFilter(filters.FilterSet):
    program = _program("call__program__code")
    call = filters.CharFilter(field_name="call__code")
    partner_country = filters.CharFilter(field_name="partner_pi__country")

    class Meta:
        model = Proposal
        fields = ["program", "call", "status", "partner_country"]


class ProjectFilter(filters.FilterSet):
    program = _program("proposal__call__program__code")
    start_date = filters.DateFromToRangeFilter()

    class Meta:
        model = Project
        fields = ["program", "start_date"]


class ReportFilter(filters.FilterSet):
    program = _program("project__proposal__call__program__code")
    project = filters.CharFilter(field_name="project__code")

    class Meta:
        model = AnnualReport
        fields = ["program", "project", "fiscal_year", "status"]


class _OutputFilter(filters.FilterSet):
    program = _program("project__proposal__call__program__code")
    project = filters.CharFilter(field_name="project__code")
    fiscal_year = filters.NumberFilter(field_name="report__fiscal_year")


class PaperFilter(_OutputFilter):
    published_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Paper
        fields = ["program", "project", "fiscal_year", "international_coauthored", "published_on"]


class PresentationFilter(_OutputFilter):
    presented_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Presentation
        fields = ["program", "project", "fiscal_year", "international", "country", "presented_on"]


class EventFilter(_OutputFilter):
    held_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Event
        fields = ["program", "project", "fiscal_year", "kind", "country", "held_on"]


class ExchangeFilter(_OutputFilter):
    start_date = filters.DateFromToRangeFilter()

    class Meta:
        model = Exchange
        fields = ["program", "project", "fiscal_year", "direction", "career_stage", "country"]
        fields += ["funded_by_program", "start_date"]


class HubFilter(filters.FilterSet):
    program = _program("project__proposal__call__program__code")
    project = filters.CharFilter(field_name="project__code")

    class Meta:
        model = Hub
        fields = ["program", "project", "country"]


class TargetFilter(filters.FilterSet):
    program = _program("program__code")

    class Meta:
        model = Target
        fields = ["program", "indicator", "fiscal_year"]


class EvaluationFilter(filters.FilterSet):
    program = _program("program__code")

    class Meta:
        model = Evaluation
        fields = ["program", "kind"]


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the request names no filter.

    Building the filter set's form costs more than the page of rows it would not filter:
    with only paging, ordering or format asked, there is nothing for it to do.
    """

    NOT_FILTERS = frozenset({"cursor", "page_size", "ordering", "format"})

    def filter_queryset(self, request, queryset, view):
        if self.NOT_FILTERS.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class ProgramScope(BaseFilterBackend):
    """A key scoped to programs reads only their rows, in lists and in detail alike
    (DRF's get_object filters through the backends too)."""

    def filter_queryset(self, request, queryset, view):
        return within_scope(request.user, queryset)
