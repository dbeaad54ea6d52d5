from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import invitations
from accounts.forms import AdminSignInForm
from accounts.models import Role, User

# The admin's sign-in page, like ours, says when the client address is refused.
admin.site.login_form = AdminSignInForm


class InvitingAddForm(BaseUserAdmin.add_form):
    """A new account: a reviewer (by default) with no password, invited to set one."""

    as_reviewer = forms.BooleanField(label=_("Reviewer"), required=False, initial=True)
    invite = forms.BooleanField(
        label=_("Send an invitation to set a password"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].initial = "false"  # they set it from the invitation
        if "language" in self.fields:
            self.fields["language"].required = False

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or "ja"


PERSON = ["full_name", "institution", "institution_ror", "reviewer_code", "language"]


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
        (_("Person"), {"fields": PERSON}),
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
                "fields": ["email", "full_name", "institution", "institution_ror", "language"]
                + ["as_reviewer", "invite", "usable_password", "password1", "password2"],
            },
        ),
    ]

    add_form = InvitingAddForm
    actions = ["send_invitation"]
    # What an officer (the staff group, not a superuser) manages: reviewers and PIs, never
    # rights. They see and change only accounts outside the staff and the committee.
    OFFICER_ROLES = (Role.REVIEWER, Role.PI)
    officer_fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Person"), {"fields": PERSON}),
        (_("Roles"), {"fields": ["is_active", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def get_queryset(self, request) -> QuerySet:
        # The groups of the whole page in one query, not one per row.
        users = super().get_queryset(request).prefetch_related("groups")
        if not request.user.is_superuser:
            users = users.filter(is_staff=False, is_superuser=False).exclude(
                groups__name__in=[Role.STAFF, Role.COMMITTEE]
            )
        return users

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return self.fieldsets if request.user.is_superuser else self.officer_fieldsets

    def save_model(self, request, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and form.cleaned_data.get("as_reviewer"):
            group, _created = Group.objects.get_or_create(name=Role.REVIEWER)
            obj.groups.add(group)
        if not change and form.cleaned_data.get("invite"):
            invitations.invite(obj, request.user)
            self.message_user(request, _("Invitation sent to %(email)s.") % {"email": obj.email})

    def get_search_results(self, request, queryset, search_term):
        users, duplicates = super().get_search_results(request, queryset, search_term)
        # The reviewer pickers (autocomplete) offer reviewers only.
        if request.GET.get("field_name") == "reviewer":
            users = users.filter(groups__name=Role.REVIEWER, is_active=True)
        return users, duplicates

    @admin.action(description=_("Send an invitation to set a password"), permissions=["change"])
    def send_invitation(self, request, queryset: QuerySet) -> None:
        count = 0
        for user in queryset.filter(is_active=True):
            invitations.invite(user, request.user)
            count += 1
        message = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        names = [group.name for group in user.groups.all()]
        return ", ".join(str(Role(name).label) if name in Role else name for name in names)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=self.OFFICER_ROLES)
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
