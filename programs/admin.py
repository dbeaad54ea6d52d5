"""Staff's view of funding agencies, programs and support types.

Also what every app's admin shares (programs is the app all others depend on): the
history admin, the paging of large lists, and a column and a filter that show 2024 as
"FY2024 (令和6年度)".
"""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection, router, transaction
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from programs.fiscal import format_fiscal_year
from programs.models import FundingAgency, Program, SupportType


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, for models with history; a revert from the history
    page saves in one transaction, as a change does (django-simple-history's does not)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


ESTIMATE_ABOVE = 100_000  # rows; below this an exact count costs a few milliseconds


class EstimatedCountPaginator(Paginator):
    """Counting a million rows costs half a second on every page, so an unfiltered list of
    a large table shows PostgreSQL's estimate of its rows; a filtered list counts exactly."""

    @cached_property
    def count(self) -> int:
        estimate = _estimated_rows(self.object_list)
        return estimate if estimate > ESTIMATE_ABOVE else super().count


def _estimated_rows(queryset) -> int:
    if connection.vendor != "postgresql" or queryset.query.where:
        return 0
    with connection.cursor() as cursor:  # refreshed by ANALYZE and autovacuum
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        return cursor.fetchone()[0]


class LargeList:
    """For lists that reach millions of rows at agency scale (docs/performance.md): newest
    first, read off the primary key's index instead of sorting the whole table; no
    second COUNT(*) for the "N total" link, and an estimate where nothing is filtered."""

    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


class FiscalYearFilter(admin.AllValuesFieldListFilter):
    """The fiscal years present, in one query, labelled as staff read them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup_choices = list(self.lookup_choices)  # read once, not once per use

    def choices(self, changelist):
        years = iter([year for year in self.lookup_choices if year is not None])
        for number, choice in enumerate(super().choices(changelist)):
            year = next(years, None) if number else None  # the first choice is "All"
            if year is not None:
                # "2024" or, with facets, "2024 (3)": keep the count, relabel the year.
                choice["display"] = format_fiscal_year(year) + choice["display"][len(str(year)) :]
            yield choice


class FiscalYearColumn:
    """A `fiscal_year_shown` column for models with a `fiscal_year` field."""

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_shown(self, obj) -> str:
        return "—" if obj.fiscal_year is None else format_fiscal_year(obj.fiscal_year)


@admin.register(FundingAgency)
class FundingAgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_ja", "country"]
    list_filter = ["country"]
    search_fields = ["code", "name", "name_ja"]


class SupportTypeInline(admin.TabularInline):
    model = SupportType
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_ja", "managing_agency", "budget_yen"]
    list_filter = ["managing_agency"]
    list_select_related = ["managing_agency"]
    search_fields = ["code", "name", "name_ja"]
    inlines = [SupportTypeInline]


@admin.register(SupportType)
class SupportTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "program",
        "min_annual_budget_yen",
        "max_annual_budget_yen",
        "min_years",
        "max_years",
    ]
    list_filter = ["program"]
    list_select_related = ["program"]
    search_fields = ["code", "name", "name_ja", "program__code"]

    def get_queryset(self, request):
        # Its name shows the program's code: in lists, autocompletes and the change page.
        return super().get_queryset(request).select_related("program")
