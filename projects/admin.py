"""Staff's view of projects, annual reports and their outputs, reporting periods and jobs."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from calls.admin import ProposalAdmin
from calls.models import Proposal
from programs.fiscal import format_fiscal_year
from projects import reporting
from projects.models import (
    AnnualReport,
    DoiLookup,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
    Project,
    ProjectBudget,
    ProjectMember,
    Reminder,
    ReportingPeriod,
    ReportStatus,
    SurveyAnswer,
)
from projects.services import adopt


class FiscalYearMixin:
    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_shown(self, obj) -> str:
        return format_fiscal_year(obj.fiscal_year)


# --- Adoption: the proposal list of calls/admin.py, with the action that makes projects ---


admin.site.unregister(Proposal)


@admin.register(Proposal)
class AdoptingProposalAdmin(ProposalAdmin):
    actions = ["adopt", *ProposalAdmin.actions]

    @admin.action(description=_("Adopt the selected proposals (creates their projects)"))
    def adopt(self, request, queryset: QuerySet) -> None:
        created = existing = 0
        for proposal in queryset:
            had_project = Project.objects.filter(proposal=proposal).exists()
            try:
                adopt(proposal)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            existing += had_project
            created += not had_project
        message = ngettext(
            "%(created)d project created", "%(created)d projects created", created
        ) % {"created": created}
        if existing:
            message += ", " + ngettext(
                "%(existing)d already adopted", "%(existing)d already adopted", existing
            ) % {"existing": existing}
        self.message_user(request, message + ".", messages.SUCCESS)


# --- Projects --------------------------------------------------------------------------


class BudgetInline(FiscalYearMixin, admin.TabularInline):
    model = ProjectBudget
    extra = 0


class MemberInline(admin.TabularInline):
    model = ProjectMember
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "program", "start_date", "end_date"]
    list_filter = ["proposal__call__program"]
    list_select_related = ["proposal__call__program"]
    search_fields = ["code", "title", "proposal__ref"]
    raw_id_fields = ["proposal"]
    date_hierarchy = "start_date"
    inlines = [BudgetInline, MemberInline]

    @admin.display(description=_("program"), ordering="proposal__call__program__code")
    def program(self, project: Project):
        return project.proposal.call.program


@admin.register(ProjectBudget)
class ProjectBudgetAdmin(FiscalYearMixin, admin.ModelAdmin):
    list_display = ["project", "fiscal_year_shown", "amount_yen"]
    list_filter = ["fiscal_year"]
    list_select_related = ["project"]
    search_fields = ["project__code"]
    raw_id_fields = ["project"]


@admin.register(ProjectMember)
class ProjectMemberAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role"]
    list_filter = ["role"]
    list_select_related = ["project", "user"]
    search_fields = ["project__code", "user__email", "user__full_name"]
    raw_id_fields = ["project", "user"]


# --- Annual reports and their outputs -------------------------------------------------


class OutputInline(admin.TabularInline):
    extra = 0
    exclude = ["project"]
    show_change_link = True


class PaperInline(OutputInline):
    model = Paper
    fields = ["doi", "title", "journal", "published_on", "international_coauthored"]


class PresentationInline(OutputInline):
    model = Presentation
    fields = ["title", "conference", "country", "presented_on", "international"]


class EventInline(OutputInline):
    model = Event
    fields = ["kind", "title", "held_on", "country", "participants"]


class ExchangeInline(OutputInline):
    model = Exchange
    fields = ["direction", "person", "career_stage", "country", "start_date", "end_date"]
    fields += ["funded_by_program", "purpose"]


class LabStatisticInline(OutputInline):
    model = LabStatistic
    fields = ["events_held", "researchers_invited", "researchers_dispatched"]


@admin.register(AnnualReport)
class AnnualReportAdmin(FiscalYearMixin, SimpleHistoryAdmin):
    list_display = ["project", "fiscal_year_shown", "status", "nothing_to_report", "submitted_at"]
    list_filter = ["status", "fiscal_year", "project__proposal__call__program"]
    list_select_related = ["project"]
    search_fields = ["project__code", "project__title"]
    raw_id_fields = ["project"]
    readonly_fields = ["submitted_at", "version"]
    inlines = [PaperInline, PresentationInline, EventInline, ExchangeInline, LabStatisticInline]
    actions = ["accept"]

    @admin.action(description=_("Accept the selected submitted reports"))
    def accept(self, request, queryset: QuerySet) -> None:
        accepted = 0
        for report in queryset.filter(status=ReportStatus.SUBMITTED):
            reporting.accept(report)
            accepted += 1
        message = ngettext("%(count)d report accepted.", "%(count)d reports accepted.", accepted)
        self.message_user(request, message % {"count": accepted}, messages.SUCCESS)


class OutputAdmin(SimpleHistoryAdmin):
    list_select_related = ["project", "report"]
    raw_id_fields = ["report"]
    exclude = ["project"]

    @admin.display(description=_("fiscal year"), ordering="report__fiscal_year")
    def fiscal_year_shown(self, output) -> str:
        return format_fiscal_year(output.report.fiscal_year)


@admin.register(Paper)
class PaperAdmin(OutputAdmin):
    list_display = ["title", "project", "fiscal_year_shown", "doi", "published_on"]
    list_display += ["international_coauthored"]
    list_filter = ["international_coauthored", "report__status", "project__proposal__call__program"]
    search_fields = ["title", "doi", "journal", "project__code"]


@admin.register(Presentation)
class PresentationAdmin(OutputAdmin):
    list_display = ["title", "project", "fiscal_year_shown", "conference", "presented_on"]
    list_display += ["international"]
    list_filter = ["international", "report__status", "project__proposal__call__program"]
    search_fields = ["title", "conference", "project__code"]


@admin.register(Event)
class EventAdmin(OutputAdmin):
    list_display = ["title", "project", "fiscal_year_shown", "kind", "held_on", "participants"]
    list_filter = ["kind", "report__status", "project__proposal__call__program"]
    search_fields = ["title", "project__code"]


@admin.register(Exchange)
class ExchangeAdmin(OutputAdmin):
    list_display = ["person", "project", "fiscal_year_shown", "direction", "career_stage"]
    list_display += ["country", "start_date", "end_date", "funded_by_program"]
    list_filter = ["direction", "career_stage", "funded_by_program", "report__status"]
    list_filter += ["project__proposal__call__program"]
    search_fields = ["person", "institution", "project__code"]


@admin.register(LabStatistic)
class LabStatisticAdmin(OutputAdmin):
    list_display = ["project", "fiscal_year_shown", "events_held", "researchers_invited"]
    list_display += ["researchers_dispatched"]
    list_filter = ["report__fiscal_year", "project__proposal__call__program"]
    search_fields = ["project__code"]


@admin.register(Hub)
class HubAdmin(SimpleHistoryAdmin):
    list_display = ["name", "project", "country", "established_on", "closed_on"]
    list_filter = ["country", "project__proposal__call__program"]
    list_select_related = ["project"]
    search_fields = ["name", "project__code"]
    raw_id_fields = ["project"]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(SimpleHistoryAdmin):
    list_display = ["person", "project", "timing", "networking", "communication", "expertise"]
    list_display += ["language", "leadership"]
    list_filter = ["timing", "project__proposal__call__program"]
    list_select_related = ["project"]
    search_fields = ["person", "project__code"]
    raw_id_fields = ["project"]


# --- Reporting periods and the jobs' records -------------------------------------------


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(FiscalYearMixin, admin.ModelAdmin):
    list_display = ["program", "fiscal_year_shown", "opens_on", "due_on"]
    list_filter = ["program", "fiscal_year"]
    list_select_related = ["program"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by jobs: staff read them, nobody edits them by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "sent_on", "days_to_due", "recipients", "delivered_at"]
    list_filter = ["kind", "sent_on"]
    list_select_related = ["report__project"]
    search_fields = ["report__project__code", "recipients"]
    date_hierarchy = "sent_on"


@admin.register(DoiLookup)
class DoiLookupAdmin(ReadOnlyAdmin):
    list_display = ["doi", "report", "status", "message", "created_at"]
    list_filter = ["status"]
    list_select_related = ["report__project"]
    search_fields = ["doi", "report__project__code"]
