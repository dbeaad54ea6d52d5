"""The evaluation as a document, in the structure of the published report (seed 000).

1 委員会の設置, 2 目標および評価指標, 3 中間評価および今後の方向性 (goal by goal, with its
figures), 4 総合評価, 別紙1–3 — as PDF (WeasyPrint, a Japanese font from Debian's
fonts-ipaexfont) or as XLSX (openpyxl, a sheet per goal). A Celery job makes the file and
reports its progress on the EvaluationReport row.
"""

import io
from collections import defaultdict

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Font

from aspire import jobs
from aspire.spreadsheets import xlsx_row
from evaluations import services
from evaluations.catalogue import GOALS, INDICATORS
from evaluations.models import (
    CommitteeRole,
    Evaluation,
    EvaluationReport,
    Opinion,
    ReportFileStatus,
    ReportFormat,
)


def figure_rows(document: dict, goal: int) -> list[dict]:
    """One goal's figures with labels in the current language (the snapshot keeps codes)."""
    rows = []
    for code, (indicator_goal, label) in INDICATORS.items():
        if indicator_goal != goal:
            continue
        figure = document["indicators"][code]
        target = figure.get("target") or {}
        rows.append(
            {
                "code": code,
                "label": str(label),
                "value": figure["value"],
                "target_year": target.get("fiscal_year"),
                "target": target.get("value"),
                "attainment": figure.get("attainment_pct"),
            }
        )
    return rows


def context(evaluation: Evaluation) -> dict:
    """Everything the document shows, in the active language."""
    document = services.figures(evaluation)
    assessments = {item.goal: item for item in evaluation.assessments.all()}
    opinions = defaultdict(list)
    for opinion in Opinion.objects.filter(member__evaluation=evaluation).select_related("member"):
        opinions[opinion.goal].append(opinion)
    members = list(evaluation.members.all())
    goals = [
        {
            "number": number,
            "label": str(label),
            "assessment": assessments.get(number),
            "figures": figure_rows(document, number),
            "opinions": opinions[number],
        }
        for number, label in GOALS.items()
    ]
    return {
        "evaluation": evaluation,
        "program": evaluation.program,
        "chair": [member for member in members if member.role == CommitteeRole.CHAIR],
        "members": [member for member in members if member.role != CommitteeRole.CHAIR],
        "goals": goals,
        "snapshot_taken_at": document.get("snapshot_taken_at"),
        "fiscal_year": document["fiscal_year"],
        # Until finalised, every page and sheet says DRAFT; then the date it was signed.
        "finalised_on": services.finalised_on(evaluation) if evaluation.is_final else None,
    }


def render_pdf(evaluation: Evaluation, language: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only report jobs need.
    from weasyprint import HTML

    with override(language):
        html = render_to_string("evaluations/report_document.html", context(evaluation))
    return HTML(string=html).write_pdf()


def render_xlsx(evaluation: Evaluation, language: str) -> bytes:
    with override(language):
        data = context(evaluation)
        book = Workbook()
        _summary_sheet(book.active, data)
        for goal in data["goals"]:
            _goal_sheet(book.create_sheet(_("Goal %(number)s") % goal), goal, _status(data))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet, values: list) -> None:
    """A row whose texts are typed as strings: a committee text starting with `=` is shown,
    never run as a formula (aspire/spreadsheets.py)."""
    sheet.append(xlsx_row(sheet, values))


def _summary_sheet(sheet, data: dict) -> None:
    evaluation = data["evaluation"]
    sheet.title = _("Summary")
    _append(sheet, [_("Program"), str(evaluation.program)])
    _append(sheet, [_("Evaluation"), evaluation.get_kind_display()])
    _append(sheet, [_("As of"), evaluation.as_of])
    _append(sheet, [_("Overall grade"), evaluation.get_overall_grade_display()])
    _append(sheet, [_("Overall comment"), evaluation.overall_comment])
    _append(sheet, [_("Status"), _status(data)])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 80


def _status(data: dict) -> str:
    if data["finalised_on"]:
        return _("Finalised on %(date)s") % {"date": data["finalised_on"]}
    return _("DRAFT: not finalised, the figures may still change")


def _goal_sheet(sheet, goal: dict, status: str) -> None:
    _append(sheet, [goal["label"], status])
    sheet["A1"].font = Font(bold=True)
    assessment = goal["assessment"]
    if assessment is not None:
        _append(sheet, [_("Grade"), assessment.get_grade_display()])
        _append(sheet, [_("Assessment"), assessment.assessment])
        _append(sheet, [_("Future directions"), assessment.future_directions])
    sheet.append([])
    _append(
        sheet,
        [_("code"), _("indicator"), _("value"), _("target FY"), _("target"), _("attainment %")],
    )
    for row in goal["figures"]:
        _append(sheet, [row[key] for key in _ROW_KEYS])
    sheet.column_dimensions["B"].width = 60


_ROW_KEYS = ["code", "label", "value", "target_year", "target", "attainment"]
RENDERERS = {ReportFormat.PDF: render_pdf, ReportFormat.XLSX: render_xlsx}


def request_report(evaluation: Evaluation, language: str, format: str) -> EvaluationReport:
    """Queue the document's generation; the row shows the job's progress (or why it failed)."""
    report = EvaluationReport.objects.create(
        evaluation=evaluation, language=language, format=format
    )
    _queue(report.pk)
    return report


def retry_report(report: EvaluationReport) -> bool:
    """Start a failed, stopped or lost report again; False if it is not one of those."""
    if not jobs.reset(EvaluationReport, report.pk, progress=0, file=""):
        return False
    _queue(report.pk)
    return True


def _queue(report_id: int) -> None:
    # Imported here because the task module imports this one (tasks sit on top of services).
    from evaluations.tasks import generate_report

    jobs.queue_on_commit(
        generate_report, report_id, lambda message: jobs.fail(EvaluationReport, report_id, message)
    )


def generate(report_id: int) -> float | None:
    """Make the file of one requested report, once: a second run finds it claimed or done.

    Returns the seconds until another run's lease expires when one holds the row, so that
    the task can look again then (that run may have died with its worker).
    """
    claim = jobs.claim(EvaluationReport, report_id)
    if claim.given_up:
        jobs.fail(EvaluationReport, report_id, _gave_up(report_id))
    if claim.attempt is None:
        return claim.wait_seconds
    report = EvaluationReport.objects.select_related("evaluation__program").get(pk=report_id)
    with jobs.heartbeat(EvaluationReport, report_id, claim.attempt):
        _make_file(report, claim.attempt)
    return None


def _make_file(report: EvaluationReport, attempt: int) -> None:
    held = jobs.held(EvaluationReport, report.pk, attempt)
    try:
        held.update(progress=20)
        content = RENDERERS[report.format](report.evaluation, report.language)
        held.update(progress=90)
        name = f"{report.evaluation.program.code}-{report.evaluation.as_of}-{report.language}"
        report.file.save(f"{name}.{report.format}", ContentFile(content), save=False)
        done = {"file": report.file.name, "progress": 100}
        if not jobs.finish(EvaluationReport, report.pk, attempt, ReportFileStatus.DONE, **done):
            report.file.delete(save=False)  # another run took the row over: its file counts
    except Exception as error:  # any failure must show on the row, not leave it "running"
        message = str(error)[:500]
        jobs.finish(EvaluationReport, report.pk, attempt, ReportFileStatus.FAILED, message=message)
        raise


def _gave_up(report_id: int) -> str:
    language = EvaluationReport.objects.get(pk=report_id).language
    with override(language):
        return _("The job stopped %(count)d times before it finished; try again.") % {
            "count": jobs.MAX_ATTEMPTS
        }
