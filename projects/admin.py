"""Staff's view of projects, annual reports and their outputs, reporting periods and jobs."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.rules import visible_reports
from aspire.admin_site import ReadOnlyAdmin
from calls.admin import ProposalAdmin, WithholdsUnfunded
from calls.models import Proposal
from programs.admin import (
    FiscalYearColumn,
    FiscalYearFilter,
    HistoryAdmin,
    LargeList,
    ReasonedAdminForm,
    RenamesCodes,
    ReopenForm,
    VersionedAdmin,
    VersionedInline,
)
from programs.fiscal import format_fiscal_year
from projects import reporting, services
from projects.models import (
    AnnualReport,
    DraftOutput,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    Notice,
    OutputFigure,
    Paper,
    PaperFigure,
    Participant,
    Presentation,
    Project,
    ProjectBudget,
    ProjectMember,
    Reminder,
    ReportingPeriod,
    ReportStatus,
    ResearcherIds,
    SurveyAnswer,
)
from projects.services import Plan, adopt, adoption_refusal, default_plan, mark_adopted

PROGRAM = "project__proposal__call__program"


def _yen(amount: int | None) -> str:
    return "—" if amount is None else f"{amount:,}"


# --- Adoption: the proposal list of calls/admin.py, with the action that makes projects ---


admin.site.unregister(Proposal)


class AdoptionForm(forms.Form):
    """One proposal's plan on the decision page (projects.services.Plan)."""

    proposal = forms.IntegerField(widget=forms.HiddenInput)
    start_date = forms.DateField(
        label=_("start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    years = forms.IntegerField(label=_("years"), min_value=1, max_value=20)
    annual_budget_yen = forms.IntegerField(
        label=_("budget a fiscal year (yen)"), min_value=0, required=False
    )
    reason = forms.CharField(
        label=_("why it is adopted below the adoptable score"), max_length=100, required=False
    )

    def plan(self) -> Plan:
        data = self.cleaned_data
        return Plan(data["start_date"], data["years"], data["annual_budget_yen"], data["reason"])


AdoptionFormSet = forms.formset_factory(AdoptionForm, extra=0)


@admin.register(Proposal)
class AdoptingProposalAdmin(ProposalAdmin):
    actions = ["adopt", *ProposalAdmin.actions]

    @admin.action(description=_("Reject the selected proposals"), permissions=["change"])
    def reject(self, request, queryset: QuerySet) -> None:
        """As calls/admin.py's, and each PI is told (projects.services.reject)."""
        count = services.reject(Proposal.objects.filter(pk__in=queryset.values("pk")), request.user)
        message = ngettext("%(count)d proposal rejected.", "%(count)d proposals rejected.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def has_adopt_permission(self, request) -> bool:
        return self.has_change_permission(request) and request.user.has_perm("projects.add_project")

    @admin.action(
        description=_("Adopt the selected proposals (creates their projects)"),
        permissions=["adopt"],
    )
    def adopt(self, request, queryset: QuerySet):
        """A decision page first: each proposal with its scores, a warning below the call's
        adoptable score, and its start date, years and budget; adopting follows it."""
        proposals = list(
            Proposal.objects.with_scores()
            .filter(pk__in=queryset.values("pk"))
            .select_related("call__support_type", "jp_pi")
            .order_by("ref")
        )
        adopted = set(
            Project.objects.filter(proposal__in=proposals).values_list("proposal", flat=True)
        )
        refused = [(p, adoption_refusal(p)) for p in proposals if adoption_refusal(p)]
        waiting = [p for p in proposals if p.pk not in adopted and not adoption_refusal(p)]
        if "apply" in request.POST:
            formset = AdoptionFormSet(request.POST, prefix="plan")
            if formset.is_valid() and self._adopt_all(request, waiting, len(adopted), formset):
                return None
        else:
            formset = AdoptionFormSet(prefix="plan", initial=[_initial(p) for p in waiting])
        # By proposal, not position: someone may have adopted one since the page was shown.
        forms_by_pk = {str(form["proposal"].value()): form for form in formset.forms}
        rows = [(p, forms_by_pk[str(p.pk)]) for p in waiting if str(p.pk) in forms_by_pk]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Adopt proposals"),
            "opts": self.model._meta,
            "rows": rows,
            "formset": formset,
            "already": [p for p in proposals if p.pk in adopted],
            "refused": refused,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/calls/adopt.html", context)

    def _adopt_all(self, request, waiting, existing: int, formset) -> bool:
        """Adopt every planned proposal, or none: a plan's errors show next to its fields."""
        plans = {form.cleaned_data["proposal"]: form for form in formset.forms}
        waiting = [proposal for proposal in waiting if proposal.pk in plans]
        try:
            with transaction.atomic():
                for proposal in waiting:
                    form = plans[proposal.pk]
                    try:
                        adopt(proposal, form.plan(), by=request.user)
                    except ValidationError as error:
                        _add_errors(form, error)
                if any(form.errors for form in formset.forms):
                    raise _Refused
        except _Refused:
            return False
        created = len(waiting)
        message = ngettext(
            "%(created)d project created", "%(created)d projects created", created
        ) % {"created": created}
        if existing:
            message += ", " + ngettext(
                "%(existing)d already adopted", "%(existing)d already adopted", existing
            ) % {"existing": existing}
        self.message_user(request, message + ".", messages.SUCCESS)
        return True


class _Refused(Exception):
    """A plan was refused: nothing of the decision is written."""


def _initial(proposal: Proposal) -> dict:
    plan = default_plan(proposal)
    return {
        "proposal": proposal.pk,
        "start_date": plan.start_date,
        "years": plan.years,
        "annual_budget_yen": plan.annual_budget_yen,
    }


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Projects --------------------------------------------------------------------------


class BudgetForm(ReasonedAdminForm):
    reasoned_fields = ("amount_yen",)  # a budget changes with the reason in its history


class BudgetInline(FiscalYearColumn, VersionedInline, admin.TabularInline):
    model = ProjectBudget
    form = BudgetForm
    fields = ["fiscal_year", "fiscal_year_shown", "amount_yen", "change_reason", "seen_version"]
    readonly_fields = ["fiscal_year_shown"]
    extra = 0


class MemberInline(admin.TabularInline):
    model = ProjectMember
    raw_id_fields = ["user"]  # staff may not browse user accounts, but may link one
    extra = 0

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("user")


class HubInline(admin.TabularInline):
    model = Hub
    fields = ["name", "country", "established_on", "closed_on"]
    extra = 0


class ProjectForm(forms.ModelForm):
    def clean_proposal(self) -> Proposal:
        proposal = self.cleaned_data["proposal"]
        refusal = adoption_refusal(proposal) if "proposal" in self.changed_data else None
        if refusal:
            raise ValidationError(refusal)
        return proposal


@admin.register(Project)
class ProjectAdmin(RenamesCodes, HistoryAdmin):
    form = ProjectForm
    list_display = ["code", "title", "program", "start_date", "end_date", "total_budget"]
    list_filter = ["proposal__call__program", "proposal__call"]
    list_select_related = ["proposal__call__program"]
    search_fields = ["code", "title", "proposal__ref", "proposal__jp_pi__name"]
    autocomplete_fields = ["proposal"]
    date_hierarchy = "start_date"
    readonly_fields = ["awarded_annual_yen", "awarded_total_yen"]  # written by adoption
    inlines = [BudgetInline, MemberInline, HubInline]

    def get_queryset(self, request) -> QuerySet:
        budgets = (
            ProjectBudget.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(total=Sum("amount_yen"))
            .values("total")
        )
        return super().get_queryset(request).annotate(total_budget=Subquery(budgets))

    def save_model(self, request, obj: Project, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A project made here rather than by the adopt action: its proposal is adopted too.
        mark_adopted(obj.proposal)

    @admin.display(description=_("program"), ordering="proposal__call__program__code")
    def program(self, project: Project):
        return project.proposal.call.program

    @admin.display(description=_("amount (yen)"), ordering="total_budget")
    def total_budget(self, project: Project) -> str:
        return _yen(project.total_budget)


@admin.register(ProjectBudget)
class ProjectBudgetAdmin(FiscalYearColumn, VersionedAdmin, HistoryAdmin):
    form = BudgetForm
    list_display = ["project", "fiscal_year_shown", "amount"]
    list_filter = [("fiscal_year", FiscalYearFilter), PROGRAM]
    list_select_related = ["project"]
    search_fields = ["project__code", "project__title"]
    autocomplete_fields = ["project"]

    @admin.display(description=_("amount (yen)"), ordering="amount_yen")
    def amount(self, budget: ProjectBudget) -> str:
        return _yen(budget.amount_yen)


@admin.register(ProjectMember)
class ProjectMemberAdmin(HistoryAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["role", PROGRAM]
    list_select_related = ["project", "user"]
    search_fields = ["project__code", "user__email", "user__full_name"]
    autocomplete_fields = ["project"]
    raw_id_fields = ["user"]


# --- Annual reports and their outputs -------------------------------------------------


class VisibleReports:
    """The committee (who may read the admin) sees handed-in reports only, as everywhere
    else (accounts.rules.visible_reports)."""

    def get_queryset(self, request) -> QuerySet:
        return visible_reports(request.user, super().get_queryset(request))


class OutputInline(VersionedInline, admin.TabularInline):
    """A report's rows: read-only once the report is handed in (projects/reporting.py)."""

    extra = 0
    exclude = ["project"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        takes_rows = obj is None or not reporting.is_frozen(obj) or obj.imported
        return takes_rows and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not reporting.is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not reporting.is_frozen(obj) and super().has_delete_permission(request, obj)


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
    fields = ["direction", "person", "career_stage", "country", "institution", "institution_ror"]
    fields += ["start_date", "end_date", "funded_by_program", "purpose"]


class LabStatisticInline(OutputInline):
    model = LabStatistic
    fields = ["events_held", "researchers_invited", "researchers_dispatched"]


@admin.register(AnnualReport)
class AnnualReportAdmin(VisibleReports, FiscalYearColumn, VersionedAdmin, HistoryAdmin):
    list_display = ["project", "fiscal_year_shown", "status", "nothing_to_report"]
    list_display += ["submitted_at", "updated_at"]
    list_filter = ["status", ("fiscal_year", FiscalYearFilter), PROGRAM]
    list_select_related = ["project"]
    search_fields = ["project__code", "project__title"]
    autocomplete_fields = ["project"]
    # The status changes by the actions (accept, reopen), which keep who, when and why.
    readonly_fields = ["status", "submitted_at", "updated_at", "version", "imported"]
    inlines = [PaperInline, PresentationInline, EventInline, ExchangeInline, LabStatisticInline]
    actions = ["accept", "reopen"]

    def get_queryset(self, request) -> QuerySet:
        # A report's name shows its project: in lists, autocompletes and the change page.
        return super().get_queryset(request).select_related("project")

    def has_change_permission(self, request, obj=None) -> bool:
        # A handed-in report is shown read-only, to superusers too.
        return not reporting.is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not reporting.is_frozen(obj) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Accept the selected submitted reports"), permissions=["change"])
    def accept(self, request, queryset: QuerySet) -> None:
        accepted = 0
        for report in queryset.filter(status=ReportStatus.SUBMITTED):
            reporting.accept(report, request.user)
            accepted += 1
        message = ngettext("%(count)d report accepted.", "%(count)d reports accepted.", accepted)
        self.message_user(request, message % {"count": accepted}, messages.SUCCESS)

    @admin.action(
        description=_("Reopen the selected reports (back to draft)"), permissions=["change"]
    )
    def reopen(self, request, queryset: QuerySet):
        """Asks why first; the reason stays in each report's history."""
        reports = list(queryset.filter(status__in=reporting.FROZEN).select_related("project"))
        form = ReopenForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reopen reports"),
                "objects": reports,
                "action": "reopen",
                "form": form,
                "opts": self.model._meta,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            }
            return TemplateResponse(request, "admin/reopen.html", context)
        for report in reports:
            reporting.reopen(report, form.cleaned_data["reason"])
        message = ngettext(
            "%(count)d report reopened.", "%(count)d reports reopened.", len(reports)
        )
        self.message_user(request, message % {"count": len(reports)}, messages.SUCCESS)
        return None


class OutputAdmin(VisibleReports, LargeList, VersionedAdmin, HistoryAdmin):
    list_select_related = ["project", "report"]
    raw_id_fields = ["report"]
    exclude = ["project"]

    @admin.display(description=_("fiscal year"), ordering="report__fiscal_year")
    def fiscal_year_shown(self, output) -> str:
        return format_fiscal_year(output.report.fiscal_year)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _in_frozen_report(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _in_frozen_report(obj) and super().has_delete_permission(request, obj)


def _in_frozen_report(row) -> bool:
    """By id: the history page of a deleted row has no report to follow."""
    if row is None:
        return False
    reports = AnnualReport.objects.filter(pk=row.report_id, status__in=reporting.FROZEN)
    return reports.exists()


OUTPUT_FILTERS = [("report__fiscal_year", FiscalYearFilter), "report__status", PROGRAM]


@admin.register(Paper)
class PaperAdmin(OutputAdmin):
    list_display = ["title", "project", "fiscal_year_shown", "doi", "journal", "published_on"]
    list_display += ["international_coauthored"]
    list_filter = ["international_coauthored", *OUTPUT_FILTERS]
    search_fields = ["title", "doi", "journal", "authors", "project__code"]


@admin.register(Presentation)
class PresentationAdmin(OutputAdmin):
    list_display = ["title", "project", "fiscal_year_shown", "conference", "presented_on"]
    list_display += ["international"]
    list_filter = ["international", *OUTPUT_FILTERS]
    search_fields = ["title", "conference", "project__code"]


@admin.register(Event)
class EventAdmin(OutputAdmin):
    list_display = ["title", "project", "fiscal_year_shown", "kind", "held_on", "participants"]
    list_filter = ["kind", *OUTPUT_FILTERS]
    search_fields = ["title", "project__code"]


@admin.register(Exchange)
class ExchangeAdmin(OutputAdmin):
    list_display = ["person", "project", "fiscal_year_shown", "direction", "career_stage"]
    list_display += ["country", "start_date", "end_date", "funded_by_program"]
    list_filter = ["direction", "career_stage", "funded_by_program", *OUTPUT_FILTERS]
    search_fields = ["person", "institution", "project__code"]


@admin.register(LabStatistic)
class LabStatisticAdmin(OutputAdmin):
    list_display = ["project", "fiscal_year_shown", "events_held", "researchers_invited"]
    list_display += ["researchers_dispatched"]
    list_filter = OUTPUT_FILTERS
    search_fields = ["project__code"]


@admin.register(Hub)
class HubAdmin(VersionedAdmin, HistoryAdmin):
    list_display = ["name", "project", "country", "established_on", "closed_on"]
    list_filter = ["country", PROGRAM]
    list_select_related = ["project"]
    search_fields = ["name", "project__code"]
    autocomplete_fields = ["project"]


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    list_display = ["name", "project"]
    list_filter = [PROGRAM]
    list_select_related = ["project"]
    search_fields = ["name", "project__code"]
    autocomplete_fields = ["project"]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(VersionedAdmin, HistoryAdmin):
    list_display = ["participant", "project", "timing", "networking", "communication"]
    list_display += ["expertise", "language", "leadership", "report"]
    list_filter = ["timing", PROGRAM]
    list_select_related = ["project", "participant", "report__project"]
    search_fields = ["participant__name", "project__code"]
    autocomplete_fields = ["project", "participant", "report"]


# --- Reporting periods and the jobs' records -------------------------------------------


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(FiscalYearColumn, admin.ModelAdmin):
    list_display = ["program", "fiscal_year_shown", "opens_on", "due_on"]
    list_filter = ["program", ("fiscal_year", FiscalYearFilter)]
    list_select_related = ["program"]
    search_fields = ["program__code", "program__name"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """Who was reminded of which report, and when."""

    list_display = ["report", "kind", "sent_on", "days_to_due", "recipients", "delivered_at"]
    list_display += ["sent_by"]
    list_filter = ["kind", ("report__fiscal_year", FiscalYearFilter), f"report__{PROGRAM}"]
    list_select_related = ["report__project", "sent_by"]
    search_fields = ["report__project__code", "recipients"]
    date_hierarchy = "sent_on"


@admin.register(Notice)
class NoticeAdmin(WithholdsUnfunded, ReadOnlyAdmin):
    """What researchers were told (projects/notices.py): returns with the staff comment,
    acceptances, adoptions and rejections; by whom, when, and whether the mail went out.
    The committee is not shown the rejections (WithholdsUnfunded)."""

    list_display = ["created_at", "kind", "recipient", "report", "proposal", "sent_by", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "report__project", "proposal", "sent_by"]
    search_fields = ["recipient__email", "report__project__code", "proposal__ref", "comment"]
    date_hierarchy = "created_at"


@admin.register(ResearcherIds)
class ResearcherIdsAdmin(ReadOnlyAdmin):
    """Where each researcher's outputs are (researchmap, ORCID), as they linked them."""

    list_display = ["user", "researchmap_id", "orcid"]
    list_select_related = ["user"]
    search_fields = ["user__email", "researchmap_id", "orcid"]


@admin.register(DraftOutput)
class DraftOutputAdmin(ReadOnlyAdmin):
    """Outputs a PI brought in (researchmap, ORCID, BibTeX, RIS, DOIs) and has not yet
    confirmed into the report (projects/sources.py): staff read them to help a PI."""

    list_display = ["created_at", "report", "kind", "source", "title", "date", "duplicate"]
    list_filter = ["kind", "source", "duplicate"]
    list_select_related = ["report__project"]
    search_fields = ["report__project__code", "title", "doi"]
    date_hierarchy = "created_at"


@admin.register(OutputFigure)
class OutputFigureAdmin(VisibleReports, LargeList, ReadOnlyAdmin):
    """The counts the indicators read (projects/figures.py), derived from the reports'
    rows: staff read them (the committee those of handed-in reports); nobody deletes one,
    which only verify_figures would notice."""

    deletable = False
    list_display = ["report", "kind", "label", "young", "day", "end_day", "status", "n"]
    list_filter = ["kind", "status", "program"]
    list_select_related = ["report__project"]
    search_fields = ["project__code"]


@admin.register(PaperFigure)
class PaperFigureAdmin(LargeList, ReadOnlyAdmin):
    """One row per distinct international paper of a program and the dates from which it
    counts (projects/figures.py), derived from the papers."""

    deletable = False
    list_display = ["dedupe_key", "program", "counted_from", "before_from", "after_from"]
    list_filter = ["program"]
    list_select_related = ["program"]
    search_fields = ["dedupe_key"]
