"""The evaluation as a document, in the structure of the published report (seed 000).

1 委員会の設置, 2 目標および評価指標, 3 中間評価および今後の方向性 (goal by goal, with its
figures), 4 総合評価, 別紙1–3 — as PDF (WeasyPrint, a Japanese font from Debian's
fonts-ipaexfont) or as XLSX (openpyxl, a sheet per goal). A Celery job makes the file and
reports its progress on the EvaluationReport row.
"""

import io
from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Font

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


def _summary_sheet(sheet, data: dict) -> None:
    evaluation = data["evaluation"]
    sheet.title = _("Summary")
    sheet.append([_("Program"), str(evaluation.program)])
    sheet.append([_("Evaluation"), evaluation.get_kind_display()])
    sheet.append([_("As of"), evaluation.as_of])
    sheet.append([_("Overall grade"), evaluation.get_overall_grade_display()])
    sheet.append([_("Overall comment"), evaluation.overall_comment])
    sheet.append([_("Status"), _status(data)])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 80


def _status(data: dict) -> str:
    if data["finalised_on"]:
        return _("Finalised on %(date)s") % {"date": data["finalised_on"]}
    return _("DRAFT: not finalised, the figures may still change")


def _goal_sheet(sheet, goal: dict, status: str) -> None:
    sheet.append([goal["label"], status])
    sheet["A1"].font = Font(bold=True)
    assessment = goal["assessment"]
    if assessment is not None:
        sheet.append([_("Grade"), assessment.get_grade_display()])
        sheet.append([_("Assessment"), assessment.assessment])
        sheet.append([_("Future directions"), assessment.future_directions])
    sheet.append([])
    sheet.append(
        [_("code"), _("indicator"), _("value"), _("target FY"), _("target"), _("attainment %")]
    )
    for row in goal["figures"]:
        sheet.append([row[key] for key in _ROW_KEYS])
    sheet.column_dimensions["B"].width = 60


_ROW_KEYS = ["code", "label", "value", "target_year", "target", "attainment"]
RENDERERS = {ReportFormat.PDF: render_pdf, ReportFormat.XLSX: render_xlsx}


def request_report(evaluation: Evaluation, language: str, format: str) -> EvaluationReport:
    """Queue the document's generation; the row shows the job's progress."""
    # Imported here because the task module imports this one (tasks sit on top of services).
    from evaluations.tasks import generate_report

    report = EvaluationReport.objects.create(
        evaluation=evaluation, language=language, format=format
    )
    generate_report.delay_on_commit(report.pk)
    return report


def generate(report_id: int) -> None:
    """Make the file of one requested report, once: a second run finds it claimed or done."""
    if not _claim(report_id):
        return
    report = EvaluationReport.objects.select_related("evaluation__program").get(pk=report_id)
    try:
        _progress(report, 20)
        content = RENDERERS[report.format](report.evaluation, report.language)
        _progress(report, 90)
        name = f"{report.evaluation.program.code}-{report.evaluation.as_of}-{report.language}"
        report.file.save(f"{name}.{report.format}", ContentFile(content), save=False)
        report.status, report.progress = ReportFileStatus.DONE, 100
        report.save(update_fields=["file", "status", "progress"])
    except Exception as error:  # any failure must show on the row, not leave it "running"
        report.status, report.message = ReportFileStatus.FAILED, str(error)[:500]
        report.save(update_fields=["status", "message"])
        raise


def _claim(report_id: int) -> bool:
    with transaction.atomic():
        claimed = EvaluationReport.objects.filter(
            pk=report_id, status=ReportFileStatus.PENDING
        ).update(status=ReportFileStatus.RUNNING, progress=5)
    return claimed == 1


def _progress(report: EvaluationReport, percent: int) -> None:
    report.progress = percent
    EvaluationReport.objects.filter(pk=report.pk).update(progress=percent)
