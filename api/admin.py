from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from api.models import APIClient
from api.services import create_client, revoke


@admin.register(APIClient)
class APIClientAdmin(admin.ModelAdmin):
    """Staff make keys here; the key is shown once, in the message after saving."""

    list_display = ["name", "prefix", "can_write", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["can_write"]
    search_fields = ["name", "prefix"]
    fields = ["name", "can_write", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj: APIClient, form, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        client, key = create_client(obj.name, can_write=obj.can_write, created_by=request.user)
        obj.pk, obj.prefix = client.pk, client.prefix
        message = _("The key of %(name)s, shown only this once: %(key)s") % {
            "name": client.name,
            "key": key,
        }
        self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset: QuerySet) -> None:
        for client in queryset:
            revoke(client)
