"""The staff admin's import (upload → preview → confirm) and export of every kind, and a
PI's upload into one section of their report. Thin: the work is in exchange.services.

Between the preview and the confirmation the uploaded file waits in a temporary file
named by a random token; the session lists the tokens its user uploaded, so that only
they can confirm it, and two previews in two tabs never mix. The file is imported again
on confirmation, checked anew against the data as it is then.
"""

import copy
import datetime
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import Action, Channel
from audit.services import record_request
from exchange.kinds import KINDS, Kind
from exchange.services import (
    ImportResult,
    UnreadableFile,
    export_table,
    import_file,
    import_for_report,
    read_table,
    write_csv,
    write_xlsx,
)
from programs.models import Program
from projects.views import editable_report

MAX_UPLOAD = 50 * 1024 * 1024
UPLOADS = Path(tempfile.gettempdir()) / "aspire-exchange"
UPLOAD_LIFETIME = 24 * 3600  # seconds a previewed file waits for its confirmation
SESSION_KEY = "exchange_uploads"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("csv", "CSV"), ("xlsx", "XLSX")],
        initial="csv",
        widget=forms.RadioSelect,
    )
    program = forms.ModelChoiceField(
        Program.objects.order_by("code"),
        label=gettext_lazy("Program"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All programs"),
    )
    headers = forms.ChoiceField(
        label=gettext_lazy("Headers and choices"),
        choices=[
            ("contract", gettext_lazy("Column names and codes of the data-exchange contract")),
            ("labels", gettext_lazy("As the pages show them, in this page's language")),
        ],
        initial="contract",
        required=False,  # a link without it exports by the contract, as before
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Either kind of file imports back unchanged."),
    )
    # The admin list's filters and search (its query string), when the export comes from it.
    filters = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


# --- Who may do what -------------------------------------------------------------------


def _kind(request: HttpRequest, name: str, *needs: set[str]) -> Kind:
    """The kind named in the URL, if the user holds, of each set of model permissions
    (`add`, `change`, `view`), at least one."""
    kind = KINDS.get(name)
    if kind is None:
        raise Http404
    opts = kind.model._meta

    def may(action: str) -> bool:
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    if not all(any(may(action) for action in actions) for actions in needs):
        raise PermissionDenied
    return kind


def _context(request: HttpRequest, kind: Kind, **extra) -> dict:
    opts = kind.model._meta
    return {
        **admin.site.each_context(request),  # the admin's header, sidebar and user links
        "kind": kind,
        "opts": opts,
        "app_label": opts.app_label,
        **extra,
    }


# --- Import ------------------------------------------------------------------------------


@staff_member_required
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload shows a preview (nothing written); confirming imports the same file."""
    # An import both adds records and changes existing ones.
    spec = _kind(request, kind, {"add"}, {"change"})
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, spec)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = _context(request, spec, form=form, title=_("Import %(name)s") % _names(spec))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        previewed = timezone.now()
        # Without an export time in the file, the preview's moment is where a change by
        # someone else starts to count as newer than the file.
        result = import_file(spec.name, content, upload.name, dry_run=True, since=previewed)
        context |= {"result": result, "filename": upload.name}
        if result.ok:
            context["token"] = _keep(request, spec, upload.name, content, previewed)
    failed = form.errors or not context.get("result", ImportResult()).ok
    return render(request, "exchange/import.html", context, status=400 if failed else 200)


def _confirm(request: HttpRequest, kind: Kind) -> HttpResponse:
    kept = _take(request, kind, request.POST["token"])
    if kept is None:
        messages.error(request, _("Upload the file again: the preview has expired."))
        return redirect("exchange:import", kind=kind.name)
    filename, content, previewed = kept
    # Ticked, the box overwrites what the preview listed; what changed after the preview
    # is still refused: nobody has seen it.
    overwrite = request.POST.get("overwrite") == "1"
    result = import_file(
        kind.name,
        content,
        filename,
        since=previewed,
        overwrite=False,
        file_since=not overwrite,
    )
    if not result.ok:  # the data changed since the preview
        context = _context(request, kind, form=UploadForm(), result=result, filename=filename)
        context["title"] = _("Import %(name)s") % _names(kind)
        return render(request, "exchange/import.html", context, status=400)
    messages.success(
        request,
        _("%(name)s imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % _counts(result, filename),
    )
    opts = kind.model._meta
    return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def _keep(request: HttpRequest, kind: Kind, filename: str, content: bytes, previewed) -> str:
    """Keep a previewed file until it is confirmed; the token names it."""
    UPLOADS.mkdir(mode=0o700, exist_ok=True)
    _forget_stale_uploads()
    token = secrets.token_urlsafe(24)
    (UPLOADS / token).write_bytes(content)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = {"kind": kind.name, "filename": filename, "at": previewed.isoformat()}
    request.session[SESSION_KEY] = uploads
    return token


def _take(request: HttpRequest, kind: Kind, token: str) -> tuple | None:
    """The file a preview kept, once: confirming twice does not import twice."""
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    path = UPLOADS / token
    if entry is None or entry["kind"] != kind.name or not path.is_file():
        return None
    content = path.read_bytes()
    path.unlink(missing_ok=True)
    return entry["filename"], content, datetime.datetime.fromisoformat(entry["at"])


def _forget_stale_uploads() -> None:
    """Previews never confirmed must not pile up."""
    deadline = time.time() - UPLOAD_LIFETIME
    for path in UPLOADS.iterdir():
        if path.stat().st_mtime < deadline:
            path.unlink(missing_ok=True)


def _counts(result: ImportResult, filename: str) -> dict:
    return {
        "name": filename,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


def _names(kind: Kind) -> dict:
    return {"name": kind.model._meta.verbose_name_plural}


# --- Export ------------------------------------------------------------------------------


@staff_member_required
def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Without a format, a page to choose one (and a program); with one, the file."""
    spec = _kind(request, kind, {"view", "change"})  # as the admin: change implies view
    if "format" not in request.GET:
        context = _context(
            request,
            spec,
            form=ExportForm(initial={"filters": request.GET.get("filters", "")}),
            title=_("Export %(name)s") % _names(spec),
        )
        return render(request, "exchange/export.html", context)
    form = ExportForm(request.GET)
    if not form.is_valid():
        context = _context(request, spec, form=form, title=_("Export %(name)s") % _names(spec))
        return render(request, "exchange/export.html", context, status=400)
    program = form.cleaned_data["program"]
    try:
        listed = _listed(request, spec, form.cleaned_data["filters"])
    except IncorrectLookupParameters:
        form.add_error(None, _("The list's filters cannot be read: export from the list again."))
        context = _context(request, spec, form=form, title=_("Export %(name)s") % _names(spec))
        return render(request, "exchange/export.html", context, status=400)
    xlsx = form.cleaned_data["format"] == "xlsx"
    labelled = form.cleaned_data["headers"] == "labels"
    header, rows = export_table(
        spec.name,
        program,
        user=request.user,
        only=listed,
        computed=True,
        typed=xlsx,
        labelled=labelled,
    )
    if xlsx:
        title = str(spec.model._meta.verbose_name_plural)
        content, content_type = write_xlsx([header, *rows], title=title), XLSX
    else:
        # With a BOM: Excel, which most staff open it in, reads UTF-8 only so.
        content, content_type = write_csv([header, *rows], bom=True), "text/csv; charset=utf-8"
    parts = [spec.name, program.code if program else "", timezone.localdate().isoformat()]
    filename = "-".join(part for part in parts if part) + "." + form.cleaned_data["format"]
    filters = {"program": program.code} if program else {}
    if form.cleaned_data["filters"]:
        filters["list"] = form.cleaned_data["filters"]
    record_request(
        request,
        Action.EXPORT,
        Channel.ADMIN,
        spec.name,
        target=filename,
        filters=filters,
        format=form.cleaned_data["format"],
        rows=len(rows),
    )
    disposition = content_disposition_header(True, filename)
    return HttpResponse(
        content, content_type=content_type, headers={"Content-Disposition": disposition}
    )


def _listed(request: HttpRequest, kind: Kind, filters: str):
    """The records the kind's admin list shows with these filters and search, as it
    filters them (its own filters, search and permissions); None for the whole kind."""
    if not filters:
        return None
    model_admin = admin.site._registry[kind.model]
    listing = copy.copy(request)
    listing.GET = QueryDict(filters)
    return model_admin.get_changelist_instance(listing).queryset


# --- A PI's upload into their report ---------------------------------------------------

# The report page's sections and the kinds their files hold.
SECTION_KINDS = {
    "papers": "publications",
    "presentations": "presentations",
    "events": "events",
    "exchanges": "exchanges",
    "hubs": "hubs",
    "lab_statistics": "lab_statistics",
    "surveys": "surveys",
}


@require_POST
@login_required
def upload_to_report(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """A PI fills a section of their report from a file in the format of data-exchange.md."""
    report = editable_report(request, pk)
    kind = SECTION_KINDS.get(section)
    if kind is None:
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    back = reverse("projects:report", args=[report.pk]) + f"#{section}"
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("file", [_("Choose a file.")])))
        return redirect(back)
    upload = form.cleaned_data["file"]
    try:
        result = import_for_report(report, kind, read_table(upload.read(), upload.name))
    except UnreadableFile as error:
        result = ImportResult(errors=error.errors)
    for error in result.errors:
        messages.error(request, error)
    if result.ok:
        messages.success(
            request,
            _("%(name)s: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.")
            % _counts(result, upload.name),
        )
    return redirect(back)
