"""The PI's pages: my projects and the annual report, section by section.

Views stay thin: they check permissions (accounts/rules.py), bind forms and call
projects.reporting, which owns the workflow and the version check.
"""

import dataclasses
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.rules import visible_projects, visible_reports
from aspire import versions
from programs.fiscal import fiscal_year_end, fiscal_year_start
from projects import forms, history, home, notices, reminders, reporting, sources
from projects.models import (
    AnnualReport,
    DraftKind,
    DraftOutput,
    DraftSource,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    MemberRole,
    Paper,
    Presentation,
    Project,
    ProjectMember,
    Reminder,
    ReportingPeriod,
    ReportStatus,
    ResearcherIds,
    SurveyAnswer,
)


@dataclasses.dataclass(frozen=True)
class Section:
    """A part of the report page: one kind of row and the form that edits it."""

    model: type[models.Model]
    form: type[forms.VersionedForm]
    title: str
    columns: tuple[str, ...]
    per_project: bool = False  # hubs and survey answers belong to the project, not the year

    def labels(self) -> list[str]:
        return [self.model._meta.get_field(name).verbose_name for name in self.columns]

    def rows(self, report: AnnualReport) -> models.QuerySet:
        """The rows the report shows: its own, and the project-level items as they stood
        in its year (hubs open in it; survey answers recorded up to it)."""
        if self.model is Hub:
            start, end = fiscal_year_start(report.fiscal_year), fiscal_year_end(report.fiscal_year)
            open_then = models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=start)
            return Hub.objects.filter(open_then, project=report.project_id, established_on__lte=end)
        if self.model is SurveyAnswer:
            recorded = models.Q(report__isnull=True) | models.Q(
                report__fiscal_year__lte=report.fiscal_year
            )
            answers = SurveyAnswer.objects.filter(recorded, project=report.project_id)
            return answers.select_related("participant", "report")
        return self.model.objects.filter(report=report)

    def attach(self, row: models.Model, report: AnnualReport) -> None:
        row.project = report.project
        if hasattr(row, "report_id"):  # outputs, and survey answers (recorded in it)
            row.report = report


def _fields(form: type[forms.VersionedForm]) -> tuple[str, ...]:
    return tuple(form.Meta.fields)


SECTIONS = {
    "papers": Section(
        Paper,
        forms.PaperForm,
        gettext_lazy("Papers"),
        ("doi", "title", "journal", "published_on", "international_coauthored"),
    ),
    "presentations": Section(
        Presentation,
        forms.PresentationForm,
        gettext_lazy("Presentations"),
        _fields(forms.PresentationForm),
    ),
    "events": Section(Event, forms.EventForm, gettext_lazy("Events"), _fields(forms.EventForm)),
    "exchanges": Section(
        Exchange,
        forms.ExchangeForm,
        gettext_lazy("Exchanges"),
        ("direction", "person", "career_stage", "country", "start_date", "end_date"),
    ),
    "hubs": Section(
        Hub, forms.HubForm, gettext_lazy("Hubs"), _fields(forms.HubForm), per_project=True
    ),
    "lab_statistics": Section(
        LabStatistic,
        forms.LabStatisticForm,
        gettext_lazy("Lab-wide statistics"),
        _fields(forms.LabStatisticForm),
    ),
    "surveys": Section(
        SurveyAnswer,
        forms.SurveyAnswerForm,
        gettext_lazy("Survey of young researchers (1–5)"),
        ("participant", *_fields(forms.SurveyAnswerForm)),
        per_project=True,
    ),
}


def _cell(row: models.Model, name: str, report: AnnualReport) -> object:
    """A field's value as people read it: choice labels, country names, yes/no."""
    if isinstance(row, Hub) and name == "closed_on":
        # As the year's report reads: a hub that closed later was open at its end.
        closed = reporting.hub_as_shown(row, report.fiscal_year)[3]
        return closed or "—"
    display = getattr(row, f"get_{name}_display", None)
    value = display() if display else getattr(row, name)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return getattr(value, "name", value) if value not in (None, "") else "—"


def _report(request: HttpRequest, pk: int) -> AnnualReport:
    """The report if the user may see it (accounts.rules.visible_reports: the committee
    sees only what was handed in); a 404 otherwise, so strangers learn nothing."""
    reports = AnnualReport.objects.select_related("project__proposal__call__program")
    return get_object_or_404(visible_reports(request.user, reports), pk=pk)


def editable_report(request: HttpRequest, pk: int) -> AnnualReport:
    """The report if the user may edit it now; 404 if they may not see it, 403 if not edit."""
    report = _report(request, pk)
    if not request.user.has_perm("projects.change_annualreport", report):
        raise PermissionDenied(_("This report cannot be edited now."))
    return report


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@login_required
def my_projects(request: HttpRequest) -> HttpResponse:
    projects = (
        Project.objects.filter(memberships__user=request.user)
        .select_related("proposal__call__program")
        .prefetch_related(models.Prefetch("reports", AnnualReport.objects.order_by("fiscal_year")))
        .order_by("code")
    )
    periods = {
        (period.program_id, period.fiscal_year): period for period in ReportingPeriod.objects.all()
    }
    for project in projects:
        program = project.proposal.call.program_id
        for report in project.reports.all():
            report.period = periods.get((program, report.fiscal_year))
    context = {"projects": projects, "decisions": notices.decisions_for(request.user)}
    return render(request, "projects/my_projects.html", context)


@login_required
def report_page(request: HttpRequest, pk: int, bound: dict | None = None, status: int = 200):
    """The whole report; `bound` carries a form that failed, so nothing typed is lost."""
    report = _report(request, pk)
    return render(
        request, "projects/report.html", _page(request, report, bound or {}), status=status
    )


def _page(request: HttpRequest, report: AnnualReport, bound: dict) -> dict:
    user = request.user
    program = report.project.proposal.call.program
    can_edit = user.has_perm("projects.change_annualreport", report)
    return {
        "report": report,
        "project": report.project,
        "period": ReportingPeriod.objects.filter(
            program=program, fiscal_year=report.fiscal_year
        ).first(),
        "sections": [_section(name, report, bound, can_edit) for name in SECTIONS],
        "details_form": bound.get("details")
        or forms.ReportDetailsForm(
            instance=report, prefix="details", initial={"version": report.version}
        ),
        "conflicts": bound.get("conflicts"),
        "can_edit": can_edit,
        "can_submit": user.has_perm("projects.submit_annualreport", report),
        "can_review": user.has_perm("projects.review_annualreport", report),
        "return_form": bound.get("return") or forms.ReturnForm(),
        "history": history.report_history(report),
        "summary": reporting.summary(report),
        "drafts": _drafts(report),
        "ids": ResearcherIds.objects.filter(user=user).first(),
        "notices": notices.for_report(report),
        "reminders": Reminder.objects.filter(report=report).order_by("-created_at"),
        "confirming": None,
        "form_errors": _form_errors(bound),
    }


def _form_errors(bound: dict) -> list[dict]:
    """Every error of the forms that failed, for the summary at the top of the page: each
    links to its field (or to its section), and the page moves the focus there."""
    found = []
    for section, form in bound.items():
        if not hasattr(form, "errors"):
            continue
        for name, errors in form.errors.items():
            field = form[name] if name in form.fields else None
            for message in errors:
                found.append(
                    {
                        "anchor": field.auto_id if field is not None else section,
                        "label": field.label if field is not None else _("Form"),
                        "message": message,
                    }
                )
    return found


def _drafts(report: AnnualReport) -> list[DraftOutput]:
    drafts = list(report.drafts.select_related("report"))
    reports = sources.named_reports(drafts)
    for draft in drafts:
        draft.problem_text = sources.draft_problem(draft, reports) if draft.problem else ""
    return drafts


def _section(name: str, report: AnnualReport, bound: dict, can_edit: bool) -> dict:
    section = SECTIONS[name]
    rows = list(section.rows(report))
    locked = reporting.locked_items(report.project_id, rows) if section.per_project else set()
    for row in rows:
        date = getattr(row, "output_date", None)
        row.before_start = bool(date and date < report.project.start_date)
        row.cells = [_cell(row, name, report) for name in section.columns]
        # Project-level items another handed-in report holds are shown, not edited here.
        row.editable = can_edit and (type(row), row.pk) not in locked
    form = bound.get(name)
    if form is None and can_edit:
        form = section.form(report=report, prefix=name)
    single = section.model is LabStatistic and rows
    return {
        "name": name,
        # Survey answers name a participant: the page offers the ones the project has.
        "participants": report.project.participants.all() if section.model is SurveyAnswer else (),
        "title": section.title,
        "labels": section.labels(),
        "rows": rows,
        "form": None if single else form,
    }


@require_POST
@login_required
def add_row(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    report = editable_report(request, pk)
    spec = SECTIONS.get(section) or _not_found()
    # Each section's form has its own prefix: one page holds seven forms, ids stay unique.
    form = spec.form(request.POST, report=report, instance=spec.model(), prefix=section)
    spec.attach(form.instance, report)
    return _save(request, report, section, form)


@login_required
def edit_row(request: HttpRequest, pk: int, section: str, row: int) -> HttpResponse:
    report = editable_report(request, pk)
    spec = SECTIONS.get(section) or _not_found()
    instance = get_object_or_404(spec.rows(report), pk=row)
    if request.method != "POST":
        form = spec.form(report=report, instance=instance, initial={"version": instance.version})
        return render(request, "projects/row_form.html", _row_context(report, spec, form))
    form = spec.form(request.POST, report=report, instance=instance)
    return _save(request, report, section, form, page="projects/row_form.html")


def _row_context(report: AnnualReport, spec: Section, form, **extra) -> dict:
    return {"report": report, "title": spec.title, "form": form, **extra}


def _save(request, report, section, form, page: str | None = None) -> HttpResponse:
    """Validate and save a row; bad input, a refusal or a conflict re-renders the form
    with the input kept and the reason next to the field."""
    if form.is_valid():
        try:
            if form.instance.pk is None:
                reporting.add_row(report, form.save(commit=False))
            else:
                version = form.cleaned_data["version"]
                reporting.edit_row(report, form.instance, version, form.row_values())
            messages.success(request, _("Saved."))
            return redirect(f"{report_url(report)}#{section}")
        except versions.EditConflict as conflict:
            return _conflict(request, report, section, form, conflict, page)
        except ValidationError as error:
            _add_errors(form, error)
        except IntegrityError:
            form.add_error(None, _("The same row is already in this project's reports."))
    if page:
        return render(request, page, _row_context(report, SECTIONS[section], form), status=400)
    return report_page(request, report.pk, bound={section: form}, status=400)


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal next to the field it names (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _conflict(request, report, section, form, conflict, page) -> HttpResponse:
    """Someone else changed the fields this edit changes. The form now holds their
    values, with yours only where you changed something, and both are shown field by
    field: saving again keeps theirs except where you decide otherwise."""
    current = conflict.current
    data = form.data.copy()
    for name, field in form.fields.items():
        if name in form._meta.fields and name not in conflict.mine:
            value = field.prepare_value(getattr(current, current._meta.get_field(name).attname))
            data[form.add_prefix(name)] = "" if value is None else value
    data[form.add_prefix("version")] = current.version
    form.data = data
    messages.warning(request, str(conflict))
    extra = {"conflicts": conflict}
    if page:
        context = _row_context(report, SECTIONS[section], form, **extra)
        return render(request, page, context, status=409)
    return report_page(request, report.pk, bound={section: form, **extra}, status=409)


@require_POST
@login_required
def delete_row(request: HttpRequest, pk: int, section: str, row: int) -> HttpResponse:
    report = editable_report(request, pk)
    spec = SECTIONS.get(section) or _not_found()
    instance = get_object_or_404(spec.rows(report), pk=row)
    try:
        reporting.delete_row(report, instance, _version(request))
        messages.success(request, _("Removed."))
    except versions.EditConflict:
        messages.warning(request, _("Someone else changed this row since: look at it again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{report_url(report)}#{section}")


@require_POST
@login_required
def save_details(request: HttpRequest, pk: int) -> HttpResponse:
    report = editable_report(request, pk)
    form = forms.ReportDetailsForm(request.POST, instance=report, prefix="details")
    if not form.is_valid():
        return report_page(request, pk, bound={"details": form}, status=400)
    try:
        reporting.save_details(report, form.cleaned_data["version"], form.row_values())
    except versions.EditConflict as conflict:
        return _conflict(request, report, "details", form, conflict, None)
    except ValidationError as error:
        _add_errors(form, error)
        return report_page(request, pk, bound={"details": form}, status=400)
    messages.success(request, _("Saved."))
    return redirect(report_url(report))


@require_POST
@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submitting shows the summary (what is missing, the warnings) and asks to confirm;
    the confirmed second post hands the report in (reporting.submission_refusal)."""
    nothing = request.POST.get("nothing_to_report") == "1"
    confirmed = request.POST.get("confirmed") == "1"
    if not confirmed:
        report = _may_submit(request, _report(request, pk))
        refusal = reporting.submission_refusal(report, nothing, confirmed=True)
        if refusal is None:  # possible: ask to confirm, with the summary in view
            page = _page(request, report, {})
            page["confirming"] = "nothing" if nothing else "report"
            return render(request, "projects/report.html", page)
    visible = visible_reports(request.user, AnnualReport.objects)
    allowed = functools.partial(_may_submit, request)
    try:
        reporting.submit_visible(visible, pk, allowed, nothing, confirmed=confirmed)
        messages.success(request, _("Submitted. Staff will review the report."))
    except AnnualReport.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('projects:report', args=[pk])}#summary")
    return redirect("projects:report", pk)


def _may_submit(request: HttpRequest, report: AnnualReport) -> AnnualReport:
    if not request.user.has_perm("projects.submit_annualreport", report):
        raise PermissionDenied(_("Only the PI submits the report."))
    return report


@require_POST
@login_required
def bring_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the researcher's IDs (kept for next year) and bring this year's outputs."""
    report = editable_report(request, pk)
    try:
        researchmap_id = request.POST.get("researchmap_id", "").strip()
        orcid = request.POST.get("orcid", "").strip()
        researchmap_id = sources.clean_permalink(researchmap_id) if researchmap_id else ""
        orcid = sources.clean_orcid(orcid) if orcid else ""
    except sources.SourceError as error:
        messages.error(request, str(error))
        return redirect(f"{report_url(report)}#bring-in")
    if not (researchmap_id or orcid):
        messages.error(request, _("Give your researchmap ID or your ORCID iD."))
        return redirect(f"{report_url(report)}#bring-in")
    ResearcherIds.objects.update_or_create(
        user=request.user, defaults={"researchmap_id": researchmap_id, "orcid": orcid}
    )
    try:
        outcome = sources.bring_in(report, researchmap_id, orcid)
    except (sources.SourceError, ValidationError) as error:
        messages.error(request, str(getattr(error, "message", error)))
        return redirect(f"{report_url(report)}#bring-in")
    _say_outcome(request, outcome)
    return redirect(f"{report_url(report)}#drafts")


@require_POST
@login_required
def import_outputs(request: HttpRequest, pk: int) -> HttpResponse:
    """A BibTeX or RIS file, or a list of DOIs, as drafts to confirm."""
    report = editable_report(request, pk)
    upload = request.FILES.get("file")
    pasted = request.POST.get("paste", "")[:500_000]
    try:
        if pasted.strip():
            kind = request.POST.get("kind")
            kind = kind if kind in DraftKind.values else DraftKind.PRESENTATION
            outcome = sources.make_drafts(
                report, sources.parse_paste(pasted, kind), DraftSource.PASTE
            )
        elif upload is not None:
            if upload.size > 5_000_000:
                raise sources.SourceError(_("The file is too large (at most 5 MB)."))
            found = sources.read_file(upload.read(), upload.name)
            source = DraftSource.RIS if upload.name.lower().endswith(".ris") else DraftSource.BIBTEX
            outcome = sources.make_drafts(report, found, source)
        else:
            found, down = sources.from_dois(request.POST.get("dois", "")[:200_000])
            outcome = sources.make_drafts(report, found, DraftSource.DOI)
            if down:
                outcome.unreachable.append("Crossref")
    except sources.SourceError as error:
        messages.error(request, str(error))
        return redirect(f"{report_url(report)}#bring-in")
    _say_outcome(request, outcome)
    return redirect(f"{report_url(report)}#drafts")


def _say_outcome(request: HttpRequest, outcome: sources.Outcome) -> None:
    for service in outcome.unreachable:
        messages.warning(
            request,
            _(
                "%(service)s could not be reached just now (this is no “not found”): what is "
                "known was kept; try again later or complete the rows by hand."
            )
            % {"service": service},
        )
    counts = {"count": outcome.created, "duplicates": outcome.duplicates}
    messages.success(
        request,
        _("%(count)d outputs to confirm, of which %(duplicates)d already reported.") % counts,
    )


@require_POST
@login_required
def drafts(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the ticked drafts (they become rows) or discard them."""
    report = editable_report(request, pk)
    ids = [int(value) for value in request.POST.getlist("draft") if value.isdigit()]
    try:
        if request.POST.get("action") == "discard":
            count = sources.discard(report, ids)
            messages.success(request, _("%(count)d discarded.") % {"count": count})
        else:
            confirmed, refused = sources.confirm(report, ids)
            counts = {"count": confirmed, "refused": refused}
            messages.success(
                request, _("%(count)d confirmed, %(refused)d left to look at.") % counts
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{report_url(report)}#drafts")


@require_POST
@login_required
def copy_standing_items(request: HttpRequest, pk: int) -> HttpResponse:
    report = editable_report(request, pk)
    try:
        count = reporting.copy_standing_items(report)
        messages.success(request, _("%(count)d continuing stays copied.") % {"count": count})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{report_url(report)}#exchanges")


@require_POST
@login_required
def review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Staff accept a submitted report or return it with a comment."""
    report = _report(request, pk)
    if not request.user.has_perm("projects.review_annualreport", report):
        raise PermissionDenied
    form = forms.ReturnForm(request.POST)
    try:
        if decision == "accept":
            reporting.accept(report, request.user)
        elif form.is_valid():
            reporting.return_report(report, form.cleaned_data["comment"], request.user)
        else:
            return report_page(request, pk, bound={"return": form}, status=400)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report_url(report))
    messages.success(request, _("Accepted.") if decision == "accept" else _("Returned to the PI."))
    return redirect("projects:queue")


@login_required
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """The PI names the members who may edit drafts, and removes them."""
    project = get_object_or_404(visible_projects(request.user, Project.objects.all()), pk=pk)
    if not request.user.has_perm("projects.change_projectmember", project):
        raise PermissionDenied
    if request.method == "POST" and "remove" in request.POST:
        removal = forms.RemoveMemberForm(request.POST, project=project)
        if removal.is_valid():
            removal.cleaned_data["remove"].delete()
            return redirect("projects:members", pk=pk)
        messages.error(request, " ".join(removal.errors["remove"]))
        return _members_page(request, project, forms.MemberForm(project=project), status=400)
    form = forms.MemberForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        ProjectMember.objects.create(project=project, user=form.user, role=MemberRole.MEMBER)
        messages.success(request, _("%(user)s can now edit drafts.") % {"user": form.user})
        return redirect("projects:members", pk=pk)
    return _members_page(request, project, form, status=400 if form.errors else 200)


def _members_page(request, project: Project, form, status: int) -> HttpResponse:
    memberships = project.memberships.select_related("user").order_by("role", "user__email")
    context = {"project": project, "form": form, "memberships": memberships}
    return render(request, "projects/members.html", context, status=status)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Staff's queue of submitted reports, oldest first, and each year's progress."""
    if not request.user.has_perm("projects.review_annualreport"):
        raise PermissionDenied
    submitted = AnnualReport.objects.filter(status=ReportStatus.SUBMITTED)
    today = timezone.localdate()
    context = {
        "reports": submitted.select_related("project").order_by("submitted_at"),
        "progress": reporting.progress(today),
        "late": list(home.late_reports(today)),  # one query for the rows and their count
        "today": today,
    }
    return render(request, "projects/queue.html", context)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff's "remind now": the project's members are mailed at once, and it is recorded."""
    if not request.user.has_perm("projects.review_annualreport"):
        raise PermissionDenied
    report = get_object_or_404(AnnualReport.objects.select_related("project"), pk=pk)
    try:
        reminder = reminders.remind_now(report, by=request.user)
    except reminders.CannotRemind as refusal:
        messages.error(request, str(refusal))
    else:
        message = _("%(project)s reminded: mailed to %(recipients)s.")
        messages.success(
            request, message % {"project": report.project.code, "recipients": reminder.recipients}
        )
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """Where the button was: the admin's home or the queue, never another site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("projects:queue")


def report_url(report: AnnualReport) -> str:
    return reverse("projects:report", args=[report.pk])


def _not_found():
    raise Http404
