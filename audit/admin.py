from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
