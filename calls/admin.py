"""Staff's view of calls, researchers, proposals and reviews.

The proposal list shows the figures of shared/design/indicators.md, which each proposal
stores (calls/scores.py), with `adoptable` from Proposal.objects.with_scores(): columns of
the one list query, never a query per row.
Adoption creates a project, so its action lives in projects/admin.py (calls must not
import projects).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from accounts.rules import (
    visible_proposals,
    visible_researchers,
    withholds_unfunded,
    without_unfunded,
)
from aspire.admin_site import ReadOnlyAdmin
from calls import scores, services
from calls.models import (
    Call,
    CallFigure,
    CallStatus,
    ConflictOfInterest,
    PIFigure,
    Proposal,
    ProposalDocument,
    Researcher,
    Review,
    ReviewerAffiliation,
    ReviewReminder,
)
from programs.admin import (
    HistoryAdmin,
    LargeList,
    ReasonedAdminForm,
    RenamesCodes,
    VersionedAdmin,
    VersionedInline,
)

# Reviewers whose scores lie this far apart disagree: the panel should look again.
DISAGREEMENT = services.DISAGREEMENT


def _scored() -> Prefetch:
    """The submitted scores of each proposal on the page, in one query (mean, median)."""
    return Prefetch(
        "reviews", Review.objects.filter(score__isnull=False).only("proposal", "score"), "scored"
    )


def _figures(proposal: Proposal) -> services.ScoreFigures:
    return services.score_figures([review.score for review in proposal.scored])


def _spread_cell(spread):
    if spread is None:
        return "—"
    if spread >= DISAGREEMENT:
        return format_html(
            '<strong class="disagree" title="{}">{} ⚠</strong>',
            _("The reviewers disagree: the panel should look again."),
            _score(spread),
        )
    return _score(spread)


def _score(value):
    return "—" if value is None else f"{value:.2f}"


class WithholdsUnfunded:
    """An admin whose rows name a proposal (through `proposal_path`; "" for proposals
    themselves): the committee's lists, autocompletes and exports leave out unfunded
    ones (accounts.rules.without_unfunded), and their change and history pages answer
    404, as for a row that does not exist, rather than the admin's redirect."""

    proposal_path = "proposal"

    def get_queryset(self, request) -> QuerySet:
        return self.withhold(request, super().get_queryset(request))

    def withhold(self, request, rows: QuerySet) -> QuerySet:
        if not self.proposal_path:
            return visible_proposals(request.user, rows)
        return without_unfunded(request.user, rows, self.proposal_path)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        if withholds_unfunded(request.user):
            raise Http404
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_withheld(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._refuse_withheld(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _refuse_withheld(self, request, object_id) -> None:
        # The history of a withheld (or deleted) row is read from its records: not here.
        if withholds_unfunded(request.user) and self.get_object(request, object_id) is None:
            raise Http404


# --- Calls -----------------------------------------------------------------------------


class ProposalInline(admin.TabularInline):
    """A call's proposals, best first: read-only, each linking to its own page."""

    model = Proposal
    fields = ["ref", "title", "jp_pi", "status", "review_count", "mean", "median", "spread"]
    fields += ["final_score", "adoptable"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request) -> QuerySet:
        return (
            visible_proposals(request.user, super().get_queryset(request))
            .with_scores()
            .select_related("call", "jp_pi")
            .prefetch_related(_scored())
            .order_by(F("final_score").desc(nulls_last=True), "ref")
        )

    @admin.display(description=_("mean"))
    def mean(self, proposal: Proposal) -> str:
        return _score(_figures(proposal).mean)

    @admin.display(description=_("median"))
    def median(self, proposal: Proposal) -> str:
        return _score(_figures(proposal).median)

    @admin.display(description=_("score spread"))
    def spread(self, proposal: Proposal):
        return _spread_cell(_figures(proposal).spread)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("reviews"))
    def review_count(self, proposal: Proposal) -> int:
        return proposal.review_count

    @admin.display(description=_("final score"))
    def final_score(self, proposal: Proposal) -> str:
        return _score(proposal.final_score)

    @admin.display(description=_("adoptable"), boolean=True)
    def adoptable(self, proposal: Proposal) -> bool:
        return proposal.adoptable


class CallStatusFilter(admin.SimpleListFilter):
    """Planned, open or closed today: derived from the dates, like Call.status."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return CallStatus.choices

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        planned = Q(open_date__isnull=True) | Q(open_date__gt=today)
        closed = ~planned & Q(close_date__lt=today)
        if self.value() == CallStatus.PLANNED:
            return queryset.filter(planned)
        if self.value() == CallStatus.OPEN:
            return queryset.exclude(planned | closed)
        if self.value() == CallStatus.CLOSED:
            return queryset.filter(closed)
        return queryset


class CallChangeList(ChangeList):
    """The page of calls, then the figures of those calls in one grouped query: counted
    per row (three subqueries a call), the list read every proposal of every call shown."""

    def get_results(self, request) -> None:
        super().get_results(request)
        calls = list(self.result_list)  # evaluated once: the page shows these objects
        summaries = services.call_summaries(Proposal.objects.filter(call__in=calls))
        for call in calls:
            figures = summaries.get(call.pk, {})  # a call without proposals: none
            call.received = figures.get("received", 0)
            call.adopted = figures.get("adopted", 0)
            call.adoptable = figures.get("adoptable", 0)


@admin.register(Call)
class CallAdmin(RenamesCodes, admin.ModelAdmin):
    list_display = ["code", "title", "program", "kind", "open_date", "close_date", "status"]
    list_display += ["review_phase", "received", "adopted", "adoptable"]
    list_filter = [CallStatusFilter, "review_phase", "program", "kind"]
    list_select_related = ["program"]
    search_fields = ["code", "title", "program__code"]
    filter_horizontal = ["partner_agencies"]
    date_hierarchy = "open_date"
    readonly_fields = ["summary"]
    inlines = [ProposalInline]

    def get_changelist(self, request, **kwargs):
        return CallChangeList

    def get_fields(self, request, obj=None) -> list[str]:
        fields = [field for field in super().get_fields(request, obj) if field != "summary"]
        return fields if obj is None else ["summary", *fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "support_type":
            # A support type's name shows its program: one query for the whole menu.
            kwargs["queryset"] = db_field.related_model.objects.select_related("program")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("status"))
    def status(self, call: Call) -> str:
        return CallStatus(call.status).label

    @admin.display(description=_("Received"))
    def received(self, call: Call) -> int:
        return call.received

    @admin.display(description=_("Adopted"))
    def adopted(self, call: Call) -> int:
        return call.adopted

    @admin.display(description=_("Adoptable"))
    def adoptable(self, call: Call) -> int:
        return call.adoptable

    @admin.display(description=_("summary"))
    def summary(self, call: Call) -> str:
        figures = services.call_summary(call.proposals.all())
        return render_to_string("admin/calls/call_summary.html", {"figures": figures})


@admin.register(Researcher)
class ResearcherAdmin(WithholdsUnfunded, admin.ModelAdmin):
    list_display = ["name", "institution", "country", "career_stage", "h_index", "orcid", "user"]
    list_filter = ["career_stage", "country"]
    list_select_related = ["user"]
    search_fields = ["name", "institution", "orcid", "erad_number", "user__email"]
    raw_id_fields = ["user"]  # staff may not browse user accounts, but may link one

    def withhold(self, request, rows: QuerySet) -> QuerySet:
        return visible_researchers(request.user, rows)  # PIs: proposals name them


# --- Proposals and their reviews -------------------------------------------------------


class ReviewFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Review.clean checks conflicts against the proposal as edited on this page (its
        # PIs may change in the same post), not a fresh copy from the database.
        form.instance.proposal = self.instance
        return form


class ReviewInline(VersionedInline, admin.TabularInline):
    """Reviewers, their scores and comments; a conflicted reviewer is refused by
    Review.clean with the reason next to the reviewer."""

    model = Review
    formset = ReviewFormSet
    fields = ["reviewer", "due_on", "score", "comment", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["reviewer"]  # accounts.admin.UserAdmin offers reviewers only here
    extra = 0

    @admin.display(description=_("status"))
    def status(self, review: Review) -> str:
        return review.get_status_display() if review.pk else "—"

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("reviewer")


class DocumentInline(admin.TabularInline):
    """The proposal's PDFs (calls.models.validate_pdf refuses anything else, or too large)."""

    model = ProposalDocument
    fields = ["title", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]
    extra = 0


class AssignForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("reviewers"),
        queryset=User.objects.filter(groups__name=Role.REVIEWER, is_active=True).order_by(
            "full_name", "email"
        ),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(
        label=_("due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the call's due date for reviews."),
    )


class AdoptableFilter(admin.SimpleListFilter):
    title = _("adoptable")
    parameter_name = "adoptable"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(adoptable=self.value() == "yes")
        return queryset


class DisagreementFilter(admin.SimpleListFilter):
    title = _("score spread")
    parameter_name = "spread"

    def lookups(self, request, model_admin):
        label = _("Reviewers disagree (%(points)s points or more)") % {"points": DISAGREEMENT}
        return [("disagree", label)]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "disagree":
            return queryset.filter(review_spread__gte=DISAGREEMENT)
        return queryset


class ProposalForm(ReasonedAdminForm):
    # The panel's score replaces the reviewers' mean: an override the history explains.
    reasoned_fields = ("panel_score",)

    def _decision(self) -> dict:
        """The status the form sets, with the decision's date by the one rule
        (services.decide): a status changed here is a decision made, or taken back."""
        stored = Proposal.objects.filter(pk=self.instance.pk).values("status", "decided_on")
        proposal = Proposal(**(stored.first() or {"status": None, "decided_on": None}))
        services.decide(proposal, self.cleaned_data.get("status", proposal.status))
        return {"status": proposal.status, "decided_on": proposal.decided_on}

    def _values(self) -> dict:
        values = super()._values()
        return values | self._decision() if "status" in self.changed_data else values

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.instance.pk is None and "status" in self.cleaned_data:  # a proposal added
            self.instance.decided_on = self._decision()["decided_on"]


@admin.register(Proposal)
class ProposalAdmin(WithholdsUnfunded, LargeList, VersionedAdmin, HistoryAdmin):
    proposal_path = ""
    form = ProposalForm
    list_display = ["ref", "title", "call", "jp_pi", "status"]
    list_display += ["final_score", "median", "review_count", "spread", "adoptable"]
    list_filter = ["status", AdoptableFilter, DisagreementFilter, "call__program", "call"]
    list_select_related = ["call", "jp_pi"]
    search_fields = ["ref", "title", "jp_pi__name", "partner_pi__name"]
    autocomplete_fields = ["jp_pi", "partner_pi"]
    readonly_fields = ["decided_on"]  # written with the status (services.decide)
    inlines = [ReviewInline, DocumentInline]
    actions = ["assign_reviewers", "reject"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).with_scores().prefetch_related(_scored())

    @admin.display(description=_("median"))
    def median(self, proposal: Proposal) -> str:
        return _score(_figures(proposal).median)

    @admin.action(
        description=_("Assign reviewers to the selected proposals"), permissions=["change"]
    )
    def assign_reviewers(self, request, queryset: QuerySet):
        """A page first: choose the reviewers, see each pair a conflict refuses and why;
        then assign the others."""
        proposals = Proposal.objects.filter(pk__in=queryset.values("pk")).order_by("ref")
        form = AssignForm(request.POST if "reviewers" in request.POST else None)
        plan = []
        if form.is_valid():
            reviewers = list(form.cleaned_data["reviewers"])
            plan = services.plan_assignments(proposals, reviewers)
            if "apply" in request.POST:
                made = services.assign_in_bulk(plan, form.cleaned_data["due_on"])
                refused = sum(1 for item in plan if item.refused)
                message = ngettext(
                    "%(made)d assignment made", "%(made)d assignments made", made
                ) % {"made": made}
                if refused:
                    message += ", " + ngettext(
                        "%(refused)d refused for a conflict of interest",
                        "%(refused)d refused for conflicts of interest",
                        refused,
                    ) % {"refused": refused}
                self.message_user(request, message + ".", messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Assign reviewers"),
            "opts": self.model._meta,
            "form": form,
            "proposals": proposals.select_related("jp_pi", "partner_pi"),
            "plan": plan,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/calls/assign.html", context)

    def get_inlines(self, request, obj):
        # Reviewers are assigned once the proposal is saved: its conflicts of interest
        # (declared ones, and the PIs' institutions) are checked against a saved proposal.
        return self.inlines if obj is not None else []

    @admin.display(description=_("final score"), ordering="final_score")
    def final_score(self, proposal: Proposal) -> str:
        return _score(proposal.final_score)

    @admin.display(description=_("reviews"), ordering="review_count")
    def review_count(self, proposal: Proposal) -> int:
        return proposal.review_count

    @admin.display(description=_("score spread"), ordering="review_spread")
    def spread(self, proposal: Proposal):
        return _spread_cell(proposal.review_spread)

    @admin.display(description=_("adoptable"), boolean=True, ordering="adoptable")
    def adoptable(self, proposal: Proposal) -> bool:
        return proposal.adoptable

    @admin.action(description=_("Reject the selected proposals"), permissions=["change"])
    def reject(self, request, queryset: QuerySet) -> None:
        # A plain queryset of the selection: the list's annotations cannot be locked.
        count = services.reject(Proposal.objects.filter(pk__in=queryset.values("pk")))
        message = ngettext("%(count)d proposal rejected.", "%(count)d proposals rejected.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


class ReviewStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "review_status"

    def lookups(self, request, model_admin):
        return [("pending", _("Pending")), ("submitted", _("Submitted")), ("overdue", _("Overdue"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "pending":
            return queryset.filter(score__isnull=True)
        if self.value() == "submitted":
            return queryset.filter(score__isnull=False)
        if self.value() == "overdue":
            return queryset.filter(score__isnull=True, due_on__lt=timezone.localdate())
        return queryset


@admin.register(Review)
class ReviewAdmin(WithholdsUnfunded, LargeList, VersionedAdmin, HistoryAdmin):
    list_display = ["proposal", "reviewer", "score", "due_on", "status", "call"]
    list_filter = [ReviewStatusFilter, "proposal__call__program", "proposal__call"]
    list_filter += [("reviewer", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["proposal__call", "reviewer"]
    search_fields = ["proposal__ref", "reviewer__email", "reviewer__full_name"]
    autocomplete_fields = ["proposal", "reviewer"]
    exclude = ["draft_score", "draft_comment"]  # the reviewer's, until they submit

    def delete_queryset(self, request, queryset: QuerySet) -> None:
        # A queryset's delete() runs no Review.delete(): the figures are refreshed here.
        with transaction.atomic():
            proposals = set(queryset.values_list("proposal", flat=True).order_by())
            super().delete_queryset(request, queryset)
            scores.refresh(proposals)

    @admin.display(description=_("call"), ordering="proposal__call__code")
    def call(self, review: Review) -> Call:
        return review.proposal.call

    @admin.display(description=_("status"))
    def status(self, review: Review) -> str:
        return review.get_status_display()

    def get_urls(self):
        workload = self.admin_site.admin_view(self.workload_view)
        return [
            path("workload/", workload, name="calls_review_workload"),
            *super().get_urls(),
        ]

    def workload_view(self, request):
        """Reviews per reviewer: assigned, pending, overdue, submitted (one query)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reviewer workload"),
            "opts": self.model._meta,
            "rows": services.workload(request.GET.get("call") or None),
            "calls": Call.objects.order_by("-open_date", "code").only("code"),
            "call": request.GET.get("call", ""),
        }
        return TemplateResponse(request, "admin/calls/workload.html", context)


@admin.register(ProposalDocument)
class ProposalDocumentAdmin(WithholdsUnfunded, admin.ModelAdmin):
    list_display = ["proposal", "title", "uploaded_at"]
    list_select_related = ["proposal"]
    search_fields = ["proposal__ref", "title"]
    autocomplete_fields = ["proposal"]


@admin.register(ReviewerAffiliation)
class ReviewerAffiliationAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "institution", "agency", "start_year", "end_year"]
    list_select_related = ["reviewer", "agency"]
    search_fields = ["reviewer__email", "reviewer__full_name", "institution", "agency__name"]
    autocomplete_fields = ["reviewer"]


@admin.register(ReviewReminder)
class ReviewReminderAdmin(WithholdsUnfunded, ReadOnlyAdmin):
    """What was mailed to reviewers: a record, never edited by hand."""

    list_display = ["review", "kind", "sent_on", "days_to_due", "delivered_at"]
    list_filter = ["kind", "sent_on"]
    list_select_related = ["review__proposal", "review__reviewer"]
    proposal_path = "review__proposal"


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(WithholdsUnfunded, admin.ModelAdmin):
    list_display = ["proposal", "reviewer", "reason", "declared_at"]
    list_filter = ["proposal__call__program", "proposal__call"]
    list_select_related = ["proposal", "reviewer"]
    search_fields = ["proposal__ref", "reviewer__email", "reviewer__full_name", "reason"]
    autocomplete_fields = ["proposal", "reviewer"]
    date_hierarchy = "declared_at"

    def save_model(self, request, obj: ConflictOfInterest, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if Review.objects.filter(proposal=obj.proposal, reviewer=obj.reviewer).exists():
            message = _("%(reviewer)s already reviews %(proposal)s: remove that review.") % {
                "reviewer": obj.reviewer,
                "proposal": obj.proposal,
            }
            self.message_user(request, message, messages.WARNING)


@admin.register(CallFigure)
class CallFigureAdmin(ReadOnlyAdmin):
    """A call's proposals counted per status and adoptability (calls/figures.py), derived
    from the proposals: staff read them; nobody deletes one, which only verify_figures
    would notice."""

    deletable = False
    list_display = ["call", "status", "adoptable", "n"]
    list_filter = ["status", "adoptable", "call__program"]
    list_select_related = ["call"]
    search_fields = ["call__code"]


@admin.register(PIFigure)
class PIFigureAdmin(ReadOnlyAdmin):
    """A call's adopted proposals counted per their PIs' h-indexes (calls/figures.py)."""

    deletable = False
    list_display = ["call", "jp_h_index", "partner_h_index", "n"]
    list_filter = ["call__program"]
    list_select_related = ["call"]
    search_fields = ["call__code"]
