"""Staff's view of targets, evaluations, their committees, assessments and opinions."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aspire.admin_site import ReadOnlyAdmin
from evaluations import services
from evaluations.models import (
    CommitteeMember,
    Evaluation,
    EvaluationReport,
    GoalAssessment,
    Opinion,
    Target,
)
from programs.admin import (
    FiscalYearColumn,
    FiscalYearFilter,
    HistoryAdmin,
    ProtectedDeletes,
    ReopenForm,
    VersionedAdmin,
    VersionedInline,
)


@admin.register(Target)
class TargetAdmin(FiscalYearColumn, VersionedAdmin, admin.ModelAdmin):
    list_display = ["program", "indicator", "fiscal_year_shown", "value"]
    list_filter = ["program", "indicator", ("fiscal_year", FiscalYearFilter)]
    list_select_related = ["program"]
    search_fields = ["indicator", "program__code"]


def _final(obj) -> bool:
    """A finalised evaluation (or a part of one): shown read-only to everyone. By ids:
    the history page of a deleted part has no evaluation to follow."""
    if obj is None:
        return False
    if isinstance(obj, Evaluation):
        evaluations = Evaluation.objects.filter(pk=obj.pk)
    elif isinstance(obj, Opinion):
        evaluations = Evaluation.objects.filter(members=obj.member_id)
    else:
        evaluations = Evaluation.objects.filter(pk=getattr(obj, "evaluation_id", None))
    return evaluations.filter(finalised_at__isnull=False).exists()


class FrozenWhenFinal:
    """Read-only, and not deletable, once the evaluation is finalised (superusers too)."""

    def has_add_permission(self, request, obj=None) -> bool:
        if _final(obj):
            return False
        if isinstance(self, admin.options.InlineModelAdmin):
            return super().has_add_permission(request, obj)
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _final(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _final(obj) and super().has_delete_permission(request, obj)


class CommitteeMemberInline(FrozenWhenFinal, admin.TabularInline):
    model = CommitteeMember
    raw_id_fields = ["user"]  # staff may not browse user accounts, but may link one
    extra = 0


class GoalAssessmentInline(FrozenWhenFinal, VersionedInline, admin.StackedInline):
    model = GoalAssessment
    extra = 0
    max_num = 4


@admin.register(Evaluation)
class EvaluationAdmin(FrozenWhenFinal, VersionedAdmin, HistoryAdmin):
    list_display = ["program", "kind", "as_of", "held_on", "overall_grade", "finalised_at"]
    list_display += ["page"]
    list_filter = ["program", "kind", "overall_grade"]
    list_select_related = ["program"]
    search_fields = ["program__code", "program__name", "overall_comment"]
    date_hierarchy = "as_of"
    readonly_fields = ["finalised_at", "snapshot"]
    inlines = [CommitteeMemberInline, GoalAssessmentInline]
    actions = ["finalise", "reopen"]

    def get_queryset(self, request) -> QuerySet:
        # An evaluation's name shows its program: in lists, autocompletes and history.
        return super().get_queryset(request).select_related("program")

    @admin.display(description=_("committee page"))
    def page(self, evaluation: Evaluation) -> str:
        url = reverse("evaluations:evaluation", args=[evaluation.pk])
        return format_html('<a href="{}">{}</a>', url, _("open"))

    @admin.action(description=_("Finalise: freeze the figures"), permissions=["change"])
    def finalise(self, request, queryset: QuerySet) -> None:
        finalised = 0
        for evaluation in queryset:
            if not request.user.has_perm("evaluations.finalise_evaluation", evaluation):
                refusal = _("only the committee's chair finalises, on the evaluation's page.")
                self.message_user(request, f"{evaluation}: {refusal}", messages.ERROR)
                continue
            try:
                services.finalise(evaluation)
            except ValidationError as error:
                self.message_user(
                    request, f"{evaluation}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                finalised += 1
        message = ngettext(
            "%(count)d evaluation finalised.", "%(count)d evaluations finalised.", finalised
        )
        self.message_user(request, message % {"count": finalised}, messages.SUCCESS)

    @admin.action(description=_("Reopen: back to a draft"), permissions=["change"])
    def reopen(self, request, queryset: QuerySet):
        """Asks why first; the reason stays in the evaluation's history."""
        evaluations = list(queryset.filter(finalised_at__isnull=False))
        form = ReopenForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reopen evaluations"),
                "objects": evaluations,
                "form": form,
                "opts": self.model._meta,
                "action": "reopen",
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            }
            return TemplateResponse(request, "admin/reopen.html", context)
        for evaluation in evaluations:
            services.reopen(evaluation, form.cleaned_data["reason"])
        count = len(evaluations)
        message = ngettext(
            "%(count)d evaluation reopened.", "%(count)d evaluations reopened.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
        return None


class EvaluationPart:
    """Rows of an evaluation, whose name shows its program: one join, no query per row."""

    list_select_related = ["evaluation__program"]
    list_filter = ["evaluation__program", "evaluation__kind"]
    autocomplete_fields = ["evaluation"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(FrozenWhenFinal, EvaluationPart, ProtectedDeletes, admin.ModelAdmin):
    list_display = ["name", "affiliation", "role", "evaluation", "user"]
    list_filter = ["role", *EvaluationPart.list_filter]
    list_select_related = [*EvaluationPart.list_select_related, "user"]
    search_fields = ["name", "affiliation", "evaluation__program__code"]
    raw_id_fields = ["user"]
    actions = ["invite"]

    @admin.action(
        description=_("Invite: an account and a set-password mail"), permissions=["change"]
    )
    def invite(self, request, queryset: QuerySet) -> None:
        """Each seat gets an account (evaluations/invitations.py)."""
        from evaluations.invitations import invite

        sent = 0
        for seat in queryset.select_related("evaluation__program"):
            try:
                invite(seat, request.build_absolute_uri("/"))
            except ValidationError as error:
                self.message_user(request, f"{seat}: {' '.join(error.messages)}", messages.ERROR)
            else:
                sent += 1
        message = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", sent)
        self.message_user(request, message % {"count": sent}, messages.SUCCESS)


@admin.register(GoalAssessment)
class GoalAssessmentAdmin(FrozenWhenFinal, EvaluationPart, VersionedAdmin, HistoryAdmin):
    list_display = ["evaluation", "goal", "grade"]
    list_filter = ["goal", "grade", *EvaluationPart.list_filter]
    search_fields = ["assessment", "future_directions", "evaluation__program__code"]


@admin.register(Opinion)
class OpinionAdmin(FrozenWhenFinal, VersionedAdmin, HistoryAdmin):
    list_display = ["member", "evaluation", "goal", "text"]
    list_filter = ["goal", "member__evaluation__program", "member__evaluation__kind"]
    list_select_related = ["member__evaluation__program"]
    search_fields = ["text", "member__name"]
    autocomplete_fields = ["member"]

    @admin.display(description=_("evaluation"), ordering="member__evaluation")
    def evaluation(self, opinion: Opinion) -> Evaluation:
        return opinion.member.evaluation


@admin.register(EvaluationReport)
class EvaluationReportAdmin(ReadOnlyAdmin):
    """Documents made by a job: staff read and download them, nobody edits them."""

    list_display = ["evaluation", "language", "format", "status", "progress", "file"]
    list_display += ["attempts", "created_at", "started_at", "finished_at"]
    list_filter = ["status", "format", "language", "evaluation__program"]
    list_select_related = ["evaluation__program"]
    search_fields = ["evaluation__program__code", "message"]
