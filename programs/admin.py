"""Staff's view of funding agencies, programs and support types.

Also what every app's admin shares (programs is the app all others depend on): the
history admin, and a column and a filter that show 2024 as "FY2024 (令和6年度)".
"""

from django.contrib import admin
from django.db import router, transaction
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
