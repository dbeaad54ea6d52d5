"""Staff's view of funding agencies, programs and support types.

Also what every app's admin shares (programs is the app all others depend on): the
history admin, the paging of large lists, and a column and a filter that show 2024 as
"FY2024 (令和6年度)".
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, router, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from aspire import frozen, versions
from aspire.admin_site import ReadOnlyAdmin
from programs import codes
from programs.fiscal import format_fiscal_year
from programs.models import FormerCode, FundingAgency, Program, ProgramGoal, SupportType


class ProtectedDeletes:
    """A deletion that would take frozen rows with it (aspire/frozen.py: what a handed-in
    report or a finalised evaluation holds) is refused on the admin's own confirmation
    page, listing them as protected, before the ORM would refuse it."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        refusals = [
            refusal
            for rows in collector.data.values()
            for row in rows
            if (refusal := frozen.deletion_refusal(row))
        ]
        if refusals:  # the reason, rather than "no permission" for the frozen rows' types
            return deleted, counts, set(), [*protected, *dict.fromkeys(refusals)]
        return deleted, counts, perms_needed, protected


class VersionedAdminForm(forms.ModelForm):
    """An admin form of a versioned row (aspire/versions.py): it carries the version the
    page showed, and saving writes only the fields changed from it, so two people
    editing one record never silently undo each other. Both changing one field is an
    error that shows both values."""

    seen_version = forms.IntegerField(
        label=gettext_lazy("version seen"), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def _values(self) -> dict:
        fields = {field.name for field in self.instance._meta.fields}
        return {name: value for name, value in self.cleaned_data.items() if name in fields}

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is not None and not self.errors:
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if stored is not None:
                try:
                    versions.merge(stored, cleaned.get("seen_version"), self._values())
                except versions.EditConflict as conflict:
                    raise forms.ValidationError(conflict_message(conflict)) from None
        return cleaned

    def reason(self) -> str:
        """What the record's history says of why it changed (ReasonedAdminForm asks)."""
        return ""

    def save(self, commit=True):
        if self.instance.pk is None or not commit:
            self.instance._change_reason = self.reason()
            return super().save(commit)
        seen = self.cleaned_data.get("seen_version")
        self.instance = versions.save_edit(
            type(self.instance), self.instance.pk, seen, self._values(), reason=self.reason()
        )
        self._save_m2m()
        return self.instance


class ReasonedAdminForm(VersionedAdminForm):
    """A versioned form whose `reasoned_fields` change only with a reason, which the
    record's history keeps (a panel's override of the reviewers' mean, a budget)."""

    reasoned_fields: tuple[str, ...] = ()
    change_reason = forms.CharField(
        label=gettext_lazy("reason for the change"), max_length=100, required=False
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        changed = set(self.changed_data) & set(self.reasoned_fields)
        if self.instance.pk is not None and changed and not cleaned.get("change_reason"):
            meta = self.instance._meta
            fields = ", ".join(str(meta.get_field(name).verbose_name) for name in sorted(changed))
            message = _("Say why %(fields)s changed: the history keeps the reason.")
            self.add_error("change_reason", message % {"fields": fields})
        return cleaned

    def reason(self) -> str:
        return self.cleaned_data.get("change_reason", "")


def conflict_message(conflict: versions.EditConflict) -> str:
    """Both values of every field two people changed, for a form's error."""
    fields = "; ".join(
        _("%(field)s: theirs “%(theirs)s”, yours “%(yours)s”")
        % {"field": item.label, "theirs": _shown(item.theirs), "yours": _shown(item.yours)}
        for item in conflict.conflicts
    )
    return _("%(who)s changed this since you opened it (%(fields)s). Check and save again.") % {
        "who": conflict.by,
        "fields": fields,
    }


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


class ShowsVersionOnlyWhenEditing:
    """A read-only page (a frozen record, a viewer) has no form to carry a version: the
    hidden field would show as a row "Seen version" instead."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if "seen_version" in fields and not self.has_change_permission(request, obj):
            fields.remove("seen_version")
        return fields


class VersionedInline(ShowsVersionOnlyWhenEditing):
    form = VersionedAdminForm


class VersionedAdmin(ShowsVersionOnlyWhenEditing):
    """Saves a versioned row through its form's three-way merge."""

    form = VersionedAdminForm

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and getattr(request, "reverting_to_history", False):
            # A revert (the history page) starts from the row as it is now: the old values
            # it posts are then the edit, written over whoever changed what since.
            obj.version = (
                type(obj)._default_manager.values_list("version", flat=True).get(pk=obj.pk)
            )
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change: bool) -> None:
        if change and isinstance(form, VersionedAdminForm):
            form.save(commit=True)
        else:
            super().save_model(request, obj, form, change)


class ReopenForm(forms.Form):
    """Why a handed-in report or a finalised evaluation goes back to draft: kept in its
    history (django-simple-history's change reason)."""

    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=100)


class Label:
    """A record's name that a deleted parent cannot break: the history of a record
    outlives the project or proposal its name mentions."""

    def __init__(self, obj):
        self.obj, self.pk = obj, obj.pk

    def __getattr__(self, name: str):
        return getattr(self.obj, name)

    def __str__(self) -> str:
        try:
            return str(self.obj)
        except ObjectDoesNotExist:
            return f"{self.obj._meta.verbose_name} {self.obj.pk}"


class HistoryAdmin(ProtectedDeletes, SimpleHistoryAdmin):
    """Who changed what and when, for models with history; a revert from the history
    page saves in one transaction, as a change does (django-simple-history's does not).
    The history of a deleted record shows even when its parents are gone too."""

    def history_view_title(self, request, obj):
        return super().history_view_title(request, Label(obj))

    def render_history_view(self, request, template, context, **kwargs):
        if "page_obj" in context:  # the list of changes (the revert form renders here too)
            context["object"] = Label(context["object"])
            for record in context["page_obj"].object_list:
                record.history_object = Label(record.instance)
        return super().render_history_view(request, template, context, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.reverting_to_history = True
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


ESTIMATE_ABOVE = 100_000  # rows; below this an exact count costs a few milliseconds


class EstimatedCountPaginator(Paginator):
    """Counting a million rows costs half a second on every page, so an unfiltered list of
    a large table shows PostgreSQL's estimate of its rows; a filtered list counts exactly."""

    @cached_property
    def count(self) -> int:
        estimate = _estimated_rows(self.object_list)
        return estimate if estimate > ESTIMATE_ABOVE else super().count


def _estimated_rows(queryset) -> int:
    if connection.vendor != "postgresql" or queryset.query.where:
        return 0
    with connection.cursor() as cursor:  # refreshed by ANALYZE and autovacuum
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        return cursor.fetchone()[0]


class LargeList:
    """For lists that reach millions of rows at agency scale (docs/performance.md): newest
    first, read off the primary key's index instead of sorting the whole table; no
    second COUNT(*) for the "N total" link, and an estimate where nothing is filtered."""

    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


class FiscalYearFilter(admin.AllValuesFieldListFilter):
    """The fiscal years present, in one query, labelled as staff read them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup_choices = list(self.lookup_choices)  # read once, not once per use

    def choices(self, changelist):
        years = iter([year for year in self.lookup_choices if year is not None])
        for number, choice in enumerate(super().choices(changelist)):
            year = next(years, None) if number else None  # the first choice is "All"
            if year is not None:
                # "2024" or, with facets, "2024 (3)": keep the count, relabel the year.
                choice["display"] = format_fiscal_year(year) + choice["display"][len(str(year)) :]
            yield choice


class FiscalYearColumn:
    """A `fiscal_year_shown` column for models with a `fiscal_year` field."""

    @admin.display(description=gettext_lazy("fiscal year"), ordering="fiscal_year")
    def fiscal_year_shown(self, obj) -> str:
        return "—" if obj.fiscal_year is None else format_fiscal_year(obj.fiscal_year)


class RenameForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("new code"), max_length=40)


class RenamesCodes:
    """A code is set when the record is made; after that it changes only on the rename
    page, which keeps the old code leading to the record (programs/codes.py)."""

    shown_codes = ("code", "code_shown", "code_renamable")

    def get_fields(self, request, obj=None) -> list[str]:
        fields = [f for f in super().get_fields(request, obj) if f not in self.shown_codes]
        return [self._code_field(request, obj), *fields]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is None else [*fields, self._code_field(request, obj)]

    def _code_field(self, request, obj) -> str:
        # The Rename button only for those the rename page lets in: a view-only
        # user would follow it to a 403.
        if obj is None:
            return "code"
        return "code_renamable" if self.has_change_permission(request, obj) else "code_shown"

    @admin.display(description=gettext_lazy("code"))
    def code_shown(self, obj) -> str:
        return format_html("{}{}", obj.code, self._former(obj))

    @admin.display(description=gettext_lazy("code"))
    def code_renamable(self, obj) -> str:
        rename = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_rename", args=[obj.pk]
        )
        return format_html(
            '{} <a class="button" href="{}">{}</a>{}',
            obj.code,
            rename,
            _("Rename"),
            self._former(obj),
        )

    def _former(self, obj) -> str:
        former = codes.former_codes(obj)
        return format_html(" ({}: {})", _("formerly"), ", ".join(former)) if former else ""

    def get_urls(self):
        view = self.admin_site.admin_view(self.rename_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_rename"
        return [path("<path:object_id>/rename/", view, name=name), *super().get_urls()]

    def rename_view(self, request, object_id: str):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = RenameForm(request.POST or None, initial={"code": obj.code})
        if form.is_valid():
            try:
                obj = codes.rename(obj, form.cleaned_data["code"], request.user)
            except ValidationError as error:
                form.add_error("code", error.message_dict.get("code", error.messages))
            else:
                self.message_user(request, _("Renamed: %(code)s.") % {"code": obj.code})
                change = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
                return HttpResponseRedirect(reverse(change, args=[obj.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rename %(record)s") % {"record": obj},
            "opts": self.opts,
            "original": obj,
            "form": form,
            "former": codes.former_codes(obj),
        }
        return TemplateResponse(request, "admin/rename_code.html", context)


@admin.register(FundingAgency)
class FundingAgencyAdmin(RenamesCodes, VersionedAdmin, ProtectedDeletes, admin.ModelAdmin):
    list_display = ["code", "name", "name_ja", "country"]
    list_filter = ["country"]
    search_fields = ["code", "name", "name_ja"]


class SupportTypeInline(admin.TabularInline):
    model = SupportType
    extra = 0


class ProgramGoalInline(admin.StackedInline):
    """The goals and official evaluation indicators the committee's report quotes."""

    model = ProgramGoal
    extra = 0


@admin.register(Program)
class ProgramAdmin(RenamesCodes, admin.ModelAdmin):
    list_display = ["code", "name", "name_ja", "managing_agency", "budget_yen"]
    list_filter = ["managing_agency"]
    list_select_related = ["managing_agency"]
    search_fields = ["code", "name", "name_ja"]
    inlines = [SupportTypeInline, ProgramGoalInline]


@admin.register(ProgramGoal)
class ProgramGoalAdmin(admin.ModelAdmin):
    """A program's goals and official indicators, also edited inline on the program."""

    list_display = ["program", "number", "title_ja"]
    list_filter = ["program"]
    list_select_related = ["program"]
    search_fields = ["title_ja", "title_en", "program__code"]


@admin.register(SupportType)
class SupportTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "program",
        "min_annual_budget_yen",
        "max_annual_budget_yen",
        "min_years",
        "max_years",
    ]
    list_filter = ["program"]
    list_select_related = ["program"]
    search_fields = ["code", "name", "name_ja", "program__code"]

    def get_queryset(self, request):
        # Its name shows the program's code: in lists, autocompletes and the change page.
        return super().get_queryset(request).select_related("program")


@admin.register(FormerCode)
class FormerCodeAdmin(ReadOnlyAdmin):
    """The codes renamed and who renamed them: written by the rename page only."""

    list_display = ["code", "renamed_to", "kind", "renamed_at", "renamed_by"]
    list_filter = ["kind"]
    list_select_related = ["renamed_by"]
    search_fields = ["code", "renamed_to"]
    deletable = False  # an old code must keep leading to its record
