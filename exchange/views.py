"""The staff admin's import (upload → preview → confirm) and export of every kind."""

import base64

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from exchange.kinds import KINDS, Kind
from exchange.services import (
    ImportFailed,
    export_table,
    import_for_report,
    import_table,
    read_table,
    write_csv,
    write_xlsx,
)
from programs.models import Program
from projects.views import editable_report

MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def _kind(request: HttpRequest, name: str, action: str) -> Kind:
    kind = KINDS.get(name) or _not_found()
    opts = kind.model._meta
    if not request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        raise PermissionDenied
    return kind


def _not_found():
    raise Http404


def _changelist(kind: Kind) -> str:
    opts = kind.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


@staff_member_required
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload shows a preview (nothing written); confirming imports the same file."""
    spec = _kind(request, kind, "add")
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, spec)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"kind": spec, "form": form, "opts": spec.model._meta, "columns": spec.columns}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        context.update(_preview(spec, content, upload.name))
        request.session["exchange_upload"] = {
            "kind": spec.name,
            "name": upload.name,
            "content": base64.b64encode(content).decode(),
        }
    status = 400 if context.get("errors") else 200
    return render(request, "exchange/import.html", context, status=status)


def _preview(kind: Kind, content: bytes, name: str) -> dict:
    try:
        result = import_table(kind.name, read_table(content, name), dry_run=True)
    except ImportFailed as failure:
        return {"errors": failure.result.errors, "filename": name}
    return {"result": result, "filename": name}


def _confirm(request: HttpRequest, kind: Kind) -> HttpResponse:
    upload = request.session.get("exchange_upload")
    if not upload or upload["kind"] != kind.name:
        messages.error(request, _("Upload the file again: the preview has expired."))
        return redirect("exchange:import", kind=kind.name)
    content = base64.b64decode(upload["content"])
    try:
        result = import_table(kind.name, read_table(content, upload["name"]))
    except ImportFailed as failure:  # the data changed since the preview
        context = {"kind": kind, "form": UploadForm(), "opts": kind.model._meta}
        context.update({"errors": failure.result.errors, "filename": upload["name"]})
        return render(request, "exchange/import.html", context, status=400)
    del request.session["exchange_upload"]
    messages.success(
        request,
        _("%(name)s imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % {"name": upload["name"], **vars(result)},
    )
    return redirect(_changelist(kind))


@staff_member_required
def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(request, kind, "view")
    code = request.GET.get("program")
    program = Program.objects.filter(code=code).first() if code else None
    if code and program is None:
        raise Http404(_("Unknown program."))
    table = export_table(spec.name, program)
    if request.GET.get("format") == "xlsx":
        content, kind_type, suffix = write_xlsx(table), XLSX, "xlsx"
    else:
        content, kind_type, suffix = write_csv(table), "text/csv; charset=utf-8", "csv"
    response = HttpResponse(content, content_type=kind_type)
    name = f"{spec.name}-{code}" if code else spec.name
    response["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    kind = SECTION_KINDS.get(section) or _not_found()
    form = UploadForm(request.POST, request.FILES)
    back = reverse("projects:report", args=[report.pk]) + f"#{section}"
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("file", [_("Choose a file.")])))
        return redirect(back)
    upload = form.cleaned_data["file"]
    try:
        result = import_for_report(report, kind, read_table(upload.read(), upload.name))
    except ImportFailed as failure:
        for error in failure.result.errors:
            messages.error(request, error)
        return redirect(back)
    messages.success(
        request,
        _("%(name)s: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.")
        % {"name": upload.name, **vars(result)},
    )
    return redirect(back)
