"""Import jobs in the admin, for staff to read: who imported which file, how far it got,
what it wrote, why it stopped. Nobody adds, changes or deletes a job here: a job is made by
an upload and written by its worker (exchange/imports.py); its own page follows it."""

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aspire.admin_site import ReadOnlyAdmin
from aspire.jobs import JobStatus
from exchange import imports
from exchange.models import ImportJob

# The first problems a job's admin page lists; its own page lists more.
ERRORS_SHOWN = 20


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["filename", "kind", "requested_by", "status", "progress", "rows_written"]
    list_display += ["created_at", "finished_at", "message", "page_link"]
    list_filter = ["status", "kind"]
    search_fields = ["filename", "requested_by__email", "requested_by__full_name"]
    list_select_related = ["requested_by"]
    show_full_result_count = False  # no second COUNT(*) of a table that only grows
    fields = ["kind", "filename", "requested_by", "report", "preview", "confirmed"]
    fields += ["status", "progress", "rows_written", "outcome", "message", "page"]
    fields += ["attempts", "queued_at", "lease_expires_at", "created_at", "finished_at"]
    readonly_fields = ["progress", "rows_written", "outcome", "page", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        # The job's own page is its requester's only (exchange.views._own_job).
        mine = ExpressionWrapper(Q(requested_by=request.user), output_field=BooleanField())
        return imports.listed(super().get_queryset(request)).annotate(mine=mine)

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        # The progress of the page's jobs from the cache at once, not a round trip a row.
        shown = imports.progress_of_listed(changelist.result_list)
        for job in changelist.result_list:
            job.shown_progress = shown[job.pk]
        return changelist

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, job: ImportJob) -> str:
        shown = getattr(job, "shown_progress", None)
        shown = shown or imports.progress_of_listed([job])[job.pk]
        if not shown["total"]:
            return "—"
        counts = {"done": _count(shown["done"]), "total": _count(shown["total"])}
        return _("%(done)s of %(total)s rows") % counts

    @admin.display(description=gettext_lazy("rows written"), ordering="written")
    def rows_written(self, job: ImportJob) -> str:
        return _count(job.written) if job.status == JobStatus.DONE else "—"

    @admin.display(description=gettext_lazy("result"))
    def outcome(self, job: ImportJob) -> str:
        """What a job that is done did, as its own page says it, and its first problems."""
        if job.status != JobStatus.DONE:
            return "—"
        result = imports.StoredResult.of(job)
        if not result.ok:
            count = result.error_count
            said = ngettext(
                "Nothing was imported: %(count)d problem.",
                "Nothing was imported: %(count)d problems.",
                count,
            ) % {"count": count}
            shown = result.errors[:ERRORS_SHOWN]
            listed = format_html_join("", "<li>{}</li>", ((error,) for error in shown))
            return format_html("{}<ul>{}</ul>", said, listed)
        if result.dry_run:
            said = _(
                "%(name)s is ready: %(created)s to create, %(updated)s to update, "
                "%(unchanged)s unchanged."
            )
        else:
            said = _(
                "%(name)s imported: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
        counts = {"created": result.created, "updated": result.updated}
        return said % {"name": job.filename, "unchanged": result.unchanged, **counts}

    @admin.display(description=gettext_lazy("page"))
    def page_link(self, job: ImportJob) -> str:
        if not job.mine:
            return "—"
        url = reverse("exchange:job", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, _("The job's page"))

    @admin.display(description=gettext_lazy("page"))
    def page(self, job: ImportJob) -> str:
        if not job.mine:
            return _("Only the person who started it sees its page.")
        return self.page_link(job)

    deletable = False  # who imported what stays


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)  # 20,000 in either language
