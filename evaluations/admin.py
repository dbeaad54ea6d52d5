from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from evaluations import services
from evaluations.models import (
    CommitteeMember,
    Evaluation,
    EvaluationReport,
    GoalAssessment,
    Opinion,
    Target,
)
from programs.fiscal import format_fiscal_year


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["program", "indicator", "fiscal_year_shown", "value"]
    list_filter = ["program", "indicator", "fiscal_year"]
    list_select_related = ["program"]
    search_fields = ["indicator", "program__code"]

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_shown(self, target: Target) -> str:
        return format_fiscal_year(target.fiscal_year)


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    raw_id_fields = ["user"]
    extra = 0


class GoalAssessmentInline(admin.StackedInline):
    model = GoalAssessment
    extra = 0
    max_num = 4


@admin.register(Evaluation)
class EvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["program", "kind", "as_of", "overall_grade", "finalised_at", "page"]
    list_filter = ["program", "kind", "overall_grade"]
    list_select_related = ["program"]
    readonly_fields = ["finalised_at", "snapshot"]
    inlines = [CommitteeMemberInline, GoalAssessmentInline]
    actions = ["finalise"]

    @admin.display(description=_("committee page"))
    def page(self, evaluation: Evaluation) -> str:
        url = reverse("evaluations:evaluation", args=[evaluation.pk])
        return format_html('<a href="{}">{}</a>', url, _("open"))

    @admin.action(description=_("Finalise: freeze the figures"))
    def finalise(self, request, queryset: QuerySet) -> None:
        for evaluation in queryset:
            try:
                services.finalise(evaluation)
            except ValidationError as error:
                self.message_user(
                    request, f"{evaluation}: {' '.join(error.messages)}", messages.ERROR
                )


@admin.register(Opinion)
class OpinionAdmin(SimpleHistoryAdmin):
    list_display = ["member", "goal", "text"]
    list_filter = ["goal", "member__evaluation"]
    list_select_related = ["member"]
    search_fields = ["text", "member__name"]


@admin.register(EvaluationReport)
class EvaluationReportAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "language", "format", "status", "progress", "created_at"]
    list_filter = ["status", "format", "language"]
    list_select_related = ["evaluation__program"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
