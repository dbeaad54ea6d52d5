from django.contrib import admin

from programs.models import FundingAgency, Program, SupportType


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
        "program",
        "code",
        "name",
        "min_annual_budget_yen",
        "max_annual_budget_yen",
        "min_years",
        "max_years",
    ]
    list_filter = ["program"]
    list_select_related = ["program"]
    search_fields = ["code", "name", "name_ja", "program__code"]
