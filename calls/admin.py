"""Staff's view of calls, researchers, proposals and reviews.

The proposal list shows the figures of shared/design/indicators.md from
Proposal.objects.with_scores(): subqueries in the one list query, never a query per row.
Adoption creates a project, so its action lives in projects/admin.py (calls must not
import projects).
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from calls import services
from calls.models import Call, CallStatus, ConflictOfInterest, Proposal, Researcher, Review

# Reviewers whose scores lie this far apart disagree: the panel should look again.
DISAGREEMENT = 3


class ProposalInline(admin.TabularInline):
    model = Proposal
    fields = ["ref", "title", "status", "final_score", "adoptable"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).with_scores().select_related("call")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("final score"))
    def final_score(self, proposal: Proposal):
        return _score(proposal.final_score)

    @admin.display(description=_("adoptable"), boolean=True)
    def adoptable(self, proposal: Proposal) -> bool:
        return proposal.adoptable


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "program", "kind", "open_date", "close_date", "status"]
    list_filter = ["program", "kind"]
    list_select_related = ["program"]
    search_fields = ["code", "title"]
    filter_horizontal = ["partner_agencies"]
    date_hierarchy = "open_date"
    readonly_fields = ["summary"]
    inlines = [ProposalInline]

    @admin.display(description=_("status"))
    def status(self, call: Call) -> str:
        return CallStatus(call.status).label

    @admin.display(description=_("summary"))
    def summary(self, call: Call) -> str:
        if call.pk is None:
            return "—"
        figures = services.call_summary(call.proposals.all())
        return render_to_string("admin/calls/call_summary.html", {"figures": figures})


@admin.register(Researcher)
class ResearcherAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "country", "career_stage", "h_index", "user"]
    list_filter = ["country", "career_stage"]
    list_select_related = ["user"]
    search_fields = ["name", "institution", "orcid", "erad_number"]
    raw_id_fields = ["user"]


class ReviewInline(admin.TabularInline):
    model = Review
    fields = ["reviewer", "score", "comment"]
    raw_id_fields = ["reviewer"]
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = [
        "ref",
        "title",
        "call",
        "jp_pi",
        "status",
        "final_score",
        "review_count",
        "spread",
        "adoptable",
    ]
    list_filter = ["status", "call__program", "call"]
    search_fields = ["ref", "title", "jp_pi__name", "partner_pi__name"]
    raw_id_fields = ["jp_pi", "partner_pi"]
    inlines = [ReviewInline]
    actions = ["reject"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).with_scores().select_related("call", "jp_pi")

    @admin.display(description=_("final score"), ordering="final_score")
    def final_score(self, proposal: Proposal):
        return _score(proposal.final_score)

    @admin.display(description=_("reviews"), ordering="review_count")
    def review_count(self, proposal: Proposal) -> int:
        return proposal.review_count

    @admin.display(description=_("score spread"), ordering="review_spread")
    def spread(self, proposal: Proposal):
        if proposal.review_spread is None:
            return "—"
        if proposal.review_spread >= DISAGREEMENT:
            return format_html(
                '<strong class="disagree">{} ⚠</strong>', _score(proposal.review_spread)
            )
        return _score(proposal.review_spread)

    @admin.display(description=_("adoptable"), boolean=True, ordering="adoptable")
    def adoptable(self, proposal: Proposal) -> bool:
        return proposal.adoptable

    @admin.action(description=_("Reject the selected proposals"))
    def reject(self, request, queryset: QuerySet) -> None:
        count = services.reject(Proposal.objects.filter(pk__in=queryset.values("pk")))
        message = ngettext("%(count)d proposal rejected.", "%(count)d proposals rejected.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


def _score(value):
    return "—" if value is None else f"{value:.2f}"


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["proposal", "reviewer", "score"]
    list_filter = ["proposal__call__program", "proposal__call"]
    list_select_related = ["proposal", "reviewer"]
    search_fields = ["proposal__ref", "reviewer__email", "reviewer__full_name"]
    raw_id_fields = ["proposal", "reviewer"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ["proposal", "reviewer", "reason", "declared_at"]
    list_select_related = ["proposal", "reviewer"]
    search_fields = ["proposal__ref", "reviewer__email"]
    raw_id_fields = ["proposal", "reviewer"]
