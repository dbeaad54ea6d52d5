from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import APIClient
from api.services import check_expiry, create_client, revoke
from programs.admin import HistoryAdmin
from programs.models import Program


class NewClientForm(forms.ModelForm):
    """What a key may do, chosen once: it never changes afterwards."""

    programs = forms.ModelMultipleChoiceField(
        Program.objects.order_by("code"),
        label=_("programs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The key reads only these programs' data; none chosen: every program."),
    )

    class Meta:
        model = APIClient
        fields = ["name", "can_write", "expires_at"]

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            check_expiry(cleaned.get("expires_at"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(APIClient)
class APIClientAdmin(HistoryAdmin):
    """Staff make keys here; a new key is shown once, on the page that answers the form,
    never in a message (messages travel in a readable cookie). After that only the name
    changes; revoking is an action, and final. Keys are never deleted: their history and
    the audit log keep naming them."""

    list_display = ["name", "prefix", "can_write", "scope", "expires_at", "last_used_at"]
    list_display += ["revoked_at", "revoked_by"]
    list_filter = ["can_write"]
    list_select_related = ["revoked_by"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    shown = ["prefix", "can_write", "scope", "expires_at", "created_at", "created_by"]
    shown += ["last_used_at", "revoked_at", "revoked_by"]

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = NewClientForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["name", "can_write", "expires_at", "programs"] if obj is None else ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [] if obj is None else self.shown

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fields = self.get_fields(request, obj)
        return [(None, {"fields": fields if obj is None else fields + self.shown})]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return True  # the history is read; a revert could revive a key or widen it

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj: APIClient, form, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)  # the name only
        data = form.cleaned_data
        client, key = create_client(
            data["name"],
            can_write=data["can_write"],
            created_by=request.user,
            expires_at=data["expires_at"],
            programs=data["programs"],
        )
        for field in APIClient._meta.concrete_fields:
            setattr(obj, field.attname, getattr(client, field.attname))
        obj._state.adding = False
        obj.new_key = key  # for response_add only: never stored, never in a cookie

    def save_related(self, request, form, formsets, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)  # the new key has none

    def response_add(self, request: HttpRequest, obj: APIClient, post_url_continue=None):
        """The key, once, in the answer to the form itself: not cached, not redirected."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("The key of %(name)s") % {"name": obj.name},
            "client": obj,
            "key": obj.new_key,
        }
        response = TemplateResponse(request, "admin/api/apiclient/new_key.html", context)
        add_never_cache_headers(response)
        return response

    @admin.display(description=_("programs"))
    def scope(self, client: APIClient) -> str:
        if not client.program_ids:
            return str(_("every program"))
        codes = Program.objects.filter(pk__in=client.program_ids).values_list("code", flat=True)
        return ", ".join(codes) or "—"  # a deleted program narrows the key, never widens it

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        revoked = sum(revoke(client, by=request.user) for client in queryset)
        message = ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked)
        self.message_user(request, message % {"count": revoked}, messages.SUCCESS)
        return None
