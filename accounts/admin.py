from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The e-mail-login user: no username; roles are the groups."""

    ordering = ["email"]
    list_display = ["email", "full_name", "institution", "language", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active", "language"]
    search_fields = ["email", "full_name", "institution", "reviewer_code"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "institution", "reviewer_code", "language"]}),
        (
            _("Roles and permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
