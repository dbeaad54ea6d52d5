from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminSignInForm
from accounts.models import Role, User

# The admin's sign-in page, like ours, says when the client address is refused.
admin.site.login_form = AdminSignInForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The e-mail-login user: no username; roles are the groups."""

    ordering = ["email"]
    list_display = ["email", "full_name", "institution", "roles", "language", "is_staff"]
    list_display += ["is_active", "last_login"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name", "institution", "reviewer_code"]
    readonly_fields = ["last_login", "date_joined"]
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
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "institution", "usable_password"]
                + ["password1", "password2"],
            },
        ),
    ]

    def get_queryset(self, request) -> QuerySet:
        # The groups of the whole page in one query, not one per row.
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        names = [group.name for group in user.groups.all()]
        return ", ".join(str(Role(name).label) if name in Role else name for name in names)
