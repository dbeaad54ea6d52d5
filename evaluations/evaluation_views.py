"""The committee's evaluation page: figures, grades, opinions, finalising and the report files.

Views stay thin: permissions are rules of accounts/rules.py, the work is in
evaluations.services and evaluations.report.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aspire import jobs, versions
from audit.models import Action, Channel
from audit.services import record_request
from evaluations import diff, forms, report, services
from evaluations.catalogue import GOALS
from evaluations.models import (
    Evaluation,
    EvaluationReport,
    GoalAssessment,
    Opinion,
    ReportFileStatus,
)


def _evaluation(request: HttpRequest, pk: int, perm: str = "view_evaluation") -> Evaluation:
    evaluation = get_object_or_404(Evaluation.objects.select_related("program"), pk=pk)
    if not request.user.has_perm("evaluations.view_evaluation", evaluation):
        raise Http404
    if not request.user.has_perm(f"evaluations.{perm}", evaluation):
        raise PermissionDenied
    return evaluation


@login_required
def evaluation_page(request: HttpRequest, pk: int, bound: dict | None = None, status: int = 200):
    evaluation = _evaluation(request, pk)
    services.ensure_goal_assessments(evaluation)
    context = _context(request, evaluation, bound or {})
    return render(request, "evaluations/evaluation.html", context, status=status)


def _context(request: HttpRequest, evaluation: Evaluation, bound: dict) -> dict:
    document = services.figures(evaluation)
    seat = evaluation.members.filter(user=request.user).first()
    opinions = Opinion.objects.filter(member__evaluation=evaluation).select_related("member")
    goals = [
        _goal(assessment, document, opinions, seat, bound)
        for assessment in evaluation.assessments.order_by("goal")
    ]
    files = _with_times(list(jobs.with_retryable(evaluation.reports.all())))
    return {
        "evaluation": evaluation,
        "goals": goals,
        "members": evaluation.members.all(),
        "seat": seat,
        "can_edit": request.user.has_perm("evaluations.change_evaluation", evaluation),
        "can_give_opinion": request.user.has_perm("evaluations.add_opinion", evaluation),
        "can_finalise": request.user.has_perm("evaluations.finalise_evaluation", evaluation),
        "can_order": request.user.has_perm("evaluations.order_opinions", evaluation),
        "overall_form": bound.get("overall") or _overall_form(evaluation),
        "request_form": forms.ReportRequestForm(),
        "files": files,
        # The page refreshes while a file is being made, not while one waits for a retry.
        "working": any(
            f.status in (ReportFileStatus.PENDING, ReportFileStatus.RUNNING) and not f.retryable
            for f in files
        ),
        "snapshot_taken_at": document.get("snapshot_taken_at"),
        "conflicts": bound.get("conflicts"),
        "diffs": diff.conflict_diffs(bound["conflicts"]) if bound.get("conflicts") else [],
        "finalised_on": services.finalised_on(evaluation) if evaluation.is_final else None,
    }


def _with_times(files: list[EvaluationReport]) -> list[EvaluationReport]:
    """Each file's step and time (so far, or in all), and for one being made how long the
    latest finished file of its format took: what the committee may expect to wait."""
    took: dict[str, float] = {}
    for file in files:  # newest first: the first finished of a format is the latest
        if file.status == ReportFileStatus.DONE and file.seconds is not None:
            took.setdefault(file.format, file.seconds)
    for file in files:
        file.stage = report.stage_label(file.progress, file.pages)
        file.last_took = took.get(file.format)
    return files


def _overall_form(evaluation: Evaluation) -> forms.OverallForm:
    return forms.OverallForm(instance=evaluation, initial={"version": evaluation.version})


def _with_form(opinion: Opinion, seat, bound: dict) -> Opinion:
    """A member's own opinion carries its edit form."""
    if seat is not None and opinion.member_id == seat.pk:
        opinion.form = bound.get(f"edit{opinion.pk}") or forms.OpinionEditForm(
            instance=opinion, prefix=f"edit{opinion.pk}", initial={"version": opinion.version}
        )
    return opinion


def _goal(assessment, document, opinions, seat, bound) -> dict:
    goal = assessment.goal
    form = bound.get(f"goal{goal}") or forms.AssessmentForm(
        instance=assessment, prefix=f"goal{goal}", initial={"version": assessment.version}
    )
    return {
        "number": goal,
        "label": GOALS[goal],
        "assessment": assessment,
        "form": form,
        "figures": report.figure_rows(document, goal),
        "opinions": [
            _with_form(opinion, seat, bound) for opinion in opinions if opinion.goal == goal
        ],
        "opinion_form": bound.get(f"opinion{goal}")
        or forms.OpinionForm(initial={"goal": goal}, prefix=f"opinion{goal}"),
    }


@require_POST
@login_required
def save_assessment(request: HttpRequest, pk: int, goal: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "change_evaluation")
    assessment = get_object_or_404(GoalAssessment, evaluation=evaluation, goal=goal)
    form = forms.AssessmentForm(request.POST, instance=assessment, prefix=f"goal{goal}")
    return _save(request, evaluation, form, f"goal{goal}")


@require_POST
@login_required
def save_overall(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "change_evaluation")
    return _save(
        request, evaluation, forms.OverallForm(request.POST, instance=evaluation), "overall"
    )


@require_POST
@login_required
def save_all(request: HttpRequest, pk: int) -> HttpResponse:
    """The one save of the whole evaluation: the four goals and the overall texts, all or
    nothing; a conflict in any shows it (both texts, what differs) and saves none."""
    evaluation = _evaluation(request, pk, "change_evaluation")
    bound: dict = {}
    for assessment in services.ensure_goal_assessments(evaluation):
        key = f"goal{assessment.goal}"
        bound[key] = forms.AssessmentForm(request.POST, instance=assessment, prefix=key)
    bound["overall"] = forms.OverallForm(request.POST, instance=evaluation)
    if not all(form.is_valid() for form in bound.values()):
        return evaluation_page(request, evaluation.pk, bound=bound, status=400)
    try:
        services.save_texts(
            [
                (form.instance, form.cleaned_data["version"], form.row_values())
                for form in bound.values()
            ]
        )
    except versions.EditConflict as conflict:
        return evaluation_page(
            request, evaluation.pk, bound={**bound, "conflicts": conflict}, status=409
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(evaluation_url(evaluation))
    messages.success(request, _("Saved."))
    return redirect(evaluation_url(evaluation))


def _save(request, evaluation, form, key: str) -> HttpResponse:
    """Save unless invalid or someone saved in between; then show the form again, input kept."""
    if not form.is_valid():
        return evaluation_page(request, evaluation.pk, bound={key: form}, status=400)
    try:
        services.save_text(form.instance, form.cleaned_data["version"], form.row_values())
    except versions.EditConflict as conflict:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = conflict.current.version
        for name in form._meta.fields:  # theirs, except where you changed something
            if name not in conflict.mine:
                form.data[form.add_prefix(name)] = getattr(conflict.current, name)
        bound = {key: form, "conflicts": conflict}
        return evaluation_page(request, evaluation.pk, bound=bound, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(evaluation_url(evaluation))
    messages.success(request, _("Saved."))
    return redirect(f"{evaluation_url(evaluation)}#{key}")


@require_POST
@login_required
def add_opinion(request: HttpRequest, pk: int, goal: int) -> HttpResponse:
    """A member writes their own opinion on a goal (別紙3)."""
    evaluation = _evaluation(request, pk, "add_opinion")
    seat = evaluation.members.get(user=request.user)
    # The member before validation: the model's clean() asks whose evaluation it is.
    opinion = Opinion(member=seat)
    form = forms.OpinionForm(request.POST, prefix=f"opinion{goal}", instance=opinion)
    if not form.is_valid():
        return evaluation_page(request, pk, bound={f"opinion{goal}": form}, status=400)
    try:
        services.add_opinion(seat, form.save(commit=False))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(evaluation_url(evaluation))
    messages.success(request, _("Your opinion was added."))
    return redirect(f"{evaluation_url(evaluation)}#goal{goal}")


@require_POST
@login_required
def edit_opinion(request: HttpRequest, pk: int, opinion: int) -> HttpResponse:
    """A member edits their own opinion (Japanese and English)."""
    evaluation = _evaluation(request, pk, "add_opinion")
    mine = Opinion.objects.filter(member__evaluation=evaluation, member__user=request.user)
    own = get_object_or_404(mine.select_related("member"), pk=opinion)
    form = forms.OpinionEditForm(request.POST, instance=own, prefix=f"edit{own.pk}")
    if not form.is_valid():
        return evaluation_page(request, pk, bound={f"edit{own.pk}": form}, status=400)
    try:
        services.save_opinion(own, form.cleaned_data["version"], form.row_values())
    except versions.EditConflict as conflict:
        return evaluation_page(request, pk, bound={"conflicts": conflict}, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(evaluation_url(evaluation))
    messages.success(request, _("Saved."))
    return redirect(f"{evaluation_url(evaluation)}#goal{own.goal}")


@require_POST
@login_required
def move_opinion(request: HttpRequest, pk: int, opinion: int) -> HttpResponse:
    """The chair (or staff) orders 別紙3: one place up or down."""
    evaluation = _evaluation(request, pk, "change_evaluation")
    if not request.user.has_perm("evaluations.order_opinions", evaluation):
        raise PermissionDenied
    row = get_object_or_404(
        Opinion.objects.filter(member__evaluation=evaluation).select_related("member"), pk=opinion
    )
    try:
        services.move_opinion(row, -1 if request.POST.get("direction") == "up" else 1)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{evaluation_url(evaluation)}#goal{row.goal}")


@require_POST
@login_required
def delete_opinion(request: HttpRequest, pk: int, opinion: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "add_opinion")
    mine = Opinion.objects.filter(member__evaluation=evaluation, member__user=request.user)
    try:
        services.delete_opinion(get_object_or_404(mine, pk=opinion))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(evaluation_url(evaluation))


@login_required
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair's confirmation page (GET) lists what becomes frozen; POST finalises."""
    evaluation = _evaluation(request, pk, "finalise_evaluation")
    if request.method != "POST":
        return render(request, "evaluations/finalise.html", services.what_freezes(evaluation))
    try:
        services.finalise(evaluation)
        messages.success(request, _("Finalised: the figures are frozen."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(evaluation_url(evaluation))


@require_POST
@login_required
def request_file(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    form = forms.ReportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a language and a format."))
    else:
        requested = report.request_report(
            evaluation, form.cleaned_data["language"], form.cleaned_data["format"]
        )
        _say_queued(request, requested, _("The report is being generated."))
    return redirect(f"{evaluation_url(evaluation)}#files")


@require_POST
@login_required
def retry_file(request: HttpRequest, pk: int, file: int) -> HttpResponse:
    """Start again a file whose job failed, stopped or was lost (whoever may request one)."""
    evaluation = _evaluation(request, pk)
    requested = get_object_or_404(EvaluationReport, evaluation=evaluation, pk=file)
    if report.retry_report(requested):
        _say_queued(request, requested, _("The report is being generated again."))
    else:
        messages.info(request, _("This report has not stopped: there is nothing to try again."))
    return redirect(f"{evaluation_url(evaluation)}#files")


def _say_queued(request: HttpRequest, requested: EvaluationReport, queued: str) -> None:
    """The job is queued, or (the queue unreachable) the row failed and says why."""
    requested.refresh_from_db()
    if requested.status == ReportFileStatus.FAILED:
        messages.error(request, requested.message)
    else:
        messages.success(request, queued)


@login_required
def download(request: HttpRequest, pk: int, file: int) -> FileResponse:
    evaluation = _evaluation(request, pk)
    done = EvaluationReport.objects.filter(evaluation=evaluation, status=ReportFileStatus.DONE)
    generated = get_object_or_404(done, pk=file)
    content = generated.file.open("rb")
    record_request(
        request,
        Action.DOWNLOAD,
        Channel.PAGE,
        "evaluation report",
        target=f"{evaluation} ({evaluation.pk}), file {generated.pk}: {generated.file.name}",
        filters={"language": generated.language},
        format=generated.format,
    )
    return FileResponse(content, as_attachment=True)


def evaluation_url(evaluation: Evaluation) -> str:
    return reverse("evaluations:evaluation", args=[evaluation.pk])
