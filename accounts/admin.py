from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
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

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _translated_choices(db_field.name, field)


# --- Groups and permissions in the page's language ---------------------------------------

# Django stores a permission's name in English ("Can add call") and a group's name as its
# code: shown to staff, both read in the page's language.
ACTIONS = {"add": _("add"), "change": _("change"), "delete": _("delete"), "view": _("view")}


def permission_label(permission: Permission) -> str:
    """ "研究課題と報告 | 論文 | 追加": the app, the model and the action, translated."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or action not in ACTIONS:
        return _(permission.name)  # a permission of our own, named in gettext
    app = model._meta.app_config.verbose_name
    return f"{app} | {model._meta.verbose_name} | {ACTIONS[action]}"


def group_label(group: Group) -> str:
    return str(Role(group.name).label) if group.name in Role else group.name


def _translated_choices(name: str, field):
    if field is not None and name in ("permissions", "user_permissions"):
        field.queryset = field.queryset.select_related("content_type")
        field.label_from_instance = permission_label
    elif field is not None and name == "groups":
        field.label_from_instance = group_label
    return field


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    list_display = ["shown_name"]

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, group: Group) -> str:
        return group_label(group)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _translated_choices(db_field.name, field)
