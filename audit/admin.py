from django.contrib import admin

from aspire.admin_site import ReadOnlyAdmin
from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log, for staff to read: nobody adds, changes or deletes an entry."""

    list_display = ["at", "actor", "action", "channel", "kind", "target", "format", "rows"]
    list_display += ["status", "address"]
    list_filter = [
        "action",
        "channel",
        ("at", admin.DateFieldListFilter),
        ("actor", admin.AllValuesFieldListFilter),
    ]
    search_fields = ["actor", "kind", "target"]
    show_full_result_count = False  # no second COUNT(*) of a log that only grows
    deletable = False  # the log is the trail
