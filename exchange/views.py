"""The staff admin's import (upload → preview → confirm) and export of every kind, and a
PI's upload into one section of their report. Thin: the work is in exchange.services,
done by jobs (exchange.imports) whose page follows them with a progress bar.

The preview is a job that writes nothing; its row keeps the file until it is confirmed,
by its own uploader only and once (the form names the preview's job), and two previews in
two tabs never mix. The file is imported again on confirmation, by a job of its own,
checked anew against the data as it is then.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aspire import jobs
from aspire.jobs import JobStatus
from audit.models import Action, Channel
from audit.services import record_request
from exchange import imports, limits
from exchange.kinds import KINDS, Kind
from exchange.models import ImportJob
from exchange.services import export_table, section_template, write_csv, write_xlsx
from programs import codes
from programs.models import Program
from projects.views import editable_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            limits.check_size(upload.size)  # before anything reads it
            if upload.name.lower().endswith(".xlsx"):
                # A zip bomb is refused here, from its directory, in milliseconds: it is
                # never kept nor queued (the job checks again, as every door does).
                limits.check_archive(upload.read())
                upload.seek(0)
        except limits.TooLarge as error:
            raise forms.ValidationError(str(error)) from None
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
    """Upload starts a preview job (nothing written); confirming starts the import's job.
    Either page follows its job (exchange.imports) until it shows the result."""
    # An import both adds records and changes existing ones.
    spec = _kind(request, kind, {"add"}, {"change"})
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, spec)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Without an export time in the file, the preview's moment is where a change
            # by someone else starts to count as newer than the file.
            job = imports.start(
                kind=spec.name,
                filename=upload.name,
                content=upload.read(),
                by=request.user,
                preview=True,
                since=timezone.now(),
            )
        except ValidationError as error:  # too many imports of theirs running
            form.add_error("file", error)
            return _import_page(request, spec, form, status=429)
        return _follow(request, job)
    return _import_page(request, spec, form, status=400 if form.errors else 200)


def _import_page(request: HttpRequest, kind: Kind, form, status: int = 200, **extra):
    context = _context(request, kind, form=form, title=_("Import %(name)s") % _names(kind))
    return render(request, "exchange/import.html", context | extra, status=status)


def _confirm(request: HttpRequest, kind: Kind) -> HttpResponse:
    try:
        preview = int(request.POST["token"])
    except ValueError:
        preview = None
    # Ticked, the box overwrites what the preview listed; what changed after the preview
    # is still refused: nobody has seen it.
    overwrite = request.POST.get("overwrite") == "1"
    try:
        job = preview and imports.confirm(preview, request.user, kind.name, overwrite)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("exchange:import", kind=kind.name)
    if not job:
        messages.error(request, _("Upload the file again: the preview has expired."))
        return redirect("exchange:import", kind=kind.name)
    return _follow(request, job)


def _follow(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """The job's result when it is done (the demo runs it in the request), else the page
    that follows it."""
    if job.status != JobStatus.DONE:
        return redirect("exchange:job", pk=job.pk)
    return _done(request, job)


def _done(request: HttpRequest, job: ImportJob) -> HttpResponse:
    result = imports.StoredResult.of(job)
    if job.report_id is not None:  # a PI's upload: the report page says how it went
        for error in result.errors:
            messages.error(request, error)
        if result.ok:
            messages.success(
                request,
                _("%(name)s: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.")
                % _counts(result, job.filename),
            )
        section = SECTIONS_OF_KINDS.get(job.kind, "")
        return redirect(reverse("projects:report", args=[job.report_id]) + f"#{section}")
    kind = KINDS[job.kind]
    if job.preview or not result.ok:
        extra = {"result": result, "filename": job.filename}
        if result.ok and not job.confirmed:
            extra["token"] = job.pk
        status = 200 if result.ok else 400
        return _import_page(request, kind, UploadForm(), status=status, **extra)
    messages.success(
        request,
        _("%(name)s imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % _counts(result, job.filename),
    )
    opts = kind.model._meta
    return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    """One's own job (404 for anyone else's, as if it did not exist)."""
    jobs_of_user = ImportJob.objects.defer("content").filter(requested_by=request.user)
    return get_object_or_404(jobs_of_user, pk=pk)


@login_required
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A job being worked through: its progress bar, which polls; once done, its result."""
    job = _own_job(request, pk)
    if job.status == JobStatus.DONE:
        return _done(request, job)
    with_flag = jobs.with_retryable(ImportJob.objects.filter(pk=job.pk))
    context = {
        "job": job,
        "retryable": with_flag.values_list("retryable", flat=True).first(),
        "progress": imports.progress(job),
        "title": _("Importing %(name)s") % {"name": job.filename},
    }
    if job.report_id is None:
        kind = KINDS[job.kind]
        context = _context(request, kind) | context
        return render(request, "exchange/job.html", context)
    return render(request, "exchange/report_job.html", context)


@login_required
def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bar polls: {status, finished, done, total}."""
    return JsonResponse(imports.progress(_own_job(request, pk)))


@require_POST
@login_required
def retry_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        if not imports.retry(job):
            messages.error(request, _("This import is still running."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("exchange:job", pk=job.pk)


def _counts(result, filename: str) -> dict:
    return {
        "name": filename,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


def _names(kind: Kind) -> dict:
    return {"name": kind.model._meta.verbose_name_plural}


# --- Export ------------------------------------------------------------------------------


def _renamed_program(request: HttpRequest) -> HttpResponse | None:
    """An export link naming a program by a former code (programs/codes.py) leads to the
    same export under its code now; staff, who export, see every program."""
    asked = request.GET.get("program", "")
    if not asked or Program.objects.filter(code=asked).exists():
        return None
    now = codes.moved(Program.objects.all(), asked)
    if now is None:
        return None
    query = request.GET.copy()
    query["program"] = now
    return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")


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
    if renamed := _renamed_program(request):
        return renamed
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
        ordering=listed.query.order_by if listed is not None else (),
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
    """A PI fills a section of their report from a file in the format of data-exchange.md;
    the file is imported by a job, whose page follows it."""
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
        job = imports.start(
            kind=kind, filename=upload.name, content=upload.read(), by=request.user, report=report
        )
    except ValidationError as error:  # too many uploads of theirs running
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    return _follow(request, job)


SECTIONS_OF_KINDS = {kind: section for section, kind in SECTION_KINDS.items()}


@login_required
def report_template(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """A section's XLSX to fill offline (exchange.services.section_template), for a report
    the PI may edit; it uploads back into the section as it is."""
    report = editable_report(request, pk)
    kind = SECTION_KINDS.get(section)
    if kind is None:
        raise Http404
    content = section_template(kind, report.project.code, report.fiscal_year)
    name = f"{report.project.code}-FY{report.fiscal_year}-{section}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
