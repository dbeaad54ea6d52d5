"""The evaluation as a document, in the structure of the published report (seed 000).

1 委員会の設置, 2 目標および評価指標, 3 中間評価および今後の方向性 (goal by goal, with its
figures), 4 総合評価, 別紙1–3 — as PDF (WeasyPrint, a Japanese font from Debian's
fonts-ipaexfont) or as XLSX (openpyxl, a sheet per goal). A Celery job makes the file and
reports its progress on the EvaluationReport row.
"""

import contextlib
import datetime
import io
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from aspire import jobs
from aspire.spreadsheets import xlsx_row
from evaluations import services
from evaluations.catalogue import GOALS, INDICATORS, definition
from evaluations.models import (
    CommitteeRole,
    Evaluation,
    EvaluationReport,
    Opinion,
    ReportFileStatus,
    ReportFormat,
)
from programs.fiscal import japanese_year
from programs.models import Program

GRADE_WORDS = {
    "S": gettext_lazy("S (excellent)"),
    "A": gettext_lazy("A (very good)"),
    "B": gettext_lazy("B (adequate)"),
    "C": gettext_lazy("C (somewhat insufficient)"),
}

FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def numeral(number: int | str, language: str) -> str:
    """Numbers in a Japanese heading or date are full-width (目標１, 令和７年４月)."""
    return str(number).translate(FULL_WIDTH_DIGITS) if language == "ja" else str(number)


def japanese_date(day: datetime.date, with_day: bool = True) -> str:
    """令和７年４月 (or 令和５年７月２１日), the way the seed writes dates."""
    era = numeral(japanese_year(day.year), "ja")
    text = f"{era}年{numeral(day.month, 'ja')}月"
    return f"{text}{numeral(day.day, 'ja')}日" if with_day else text


def document_date(day: datetime.date | None, language: str, with_day: bool = True) -> str:
    if day is None:
        return ""
    if language == "ja":
        return japanese_date(day, with_day)
    return day.strftime("%-d %B %Y" if with_day else "%B %Y")


def text_of(obj, field: str, language: str) -> str:
    """A committee text in the document's language: the English field for English (the
    Japanese one, marked, where nobody has written the English yet)."""
    japanese = getattr(obj, field, None) or getattr(obj, f"{field}_ja", "") or ""
    if language == "ja":
        return japanese
    english = getattr(obj, f"{field}_en", "") or ""
    if english or not japanese:
        return english
    marker = _("[No English text yet; the Japanese text follows.]")
    return f"{marker} {japanese}"


def paragraphs(text: str) -> list[str]:
    """One paragraph a line; blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def figure_rows(document: dict, goal: int) -> list[dict]:
    """One goal's figures with labels in the current language (the snapshot keeps codes),
    each with its pace against its target where the target has a baseline."""
    rows = []
    paces = document.get("pace", {})
    for code, (indicator_goal, label) in INDICATORS.items():
        if indicator_goal != goal:
            continue
        figure = document["indicators"][code]
        target = figure.get("target") or {}
        pace = paces.get(code) or {}
        rows.append(
            {
                "code": code,
                "label": str(label),
                "value": figure["value"],
                "target_year": target.get("fiscal_year"),
                "target": target.get("value"),
                "attainment": figure.get("attainment_pct"),
                "expected": pace.get("expected"),
                "pace": pace.get("status"),
                "definition": definition(code),
            }
        )
    return rows


def program_goals(program: Program, language: str) -> dict[int, dict]:
    """The program's goals and official indicators (programs.ProgramGoal); the catalogue's
    four goals, without indicators, for a program that has not entered its own."""
    stored = {goal.number: goal for goal in program.goals.all()}
    goals = {}
    for number in sorted(set(GOALS) | set(stored)):
        goal = stored.get(number)
        if goal is None:
            goals[number] = {"title": str(GOALS[number]), "policy_title": "", "indicators": []}
            continue
        english = language != "ja"
        title = (goal.title_en if english else "") or goal.title_ja
        policy_title = (goal.policy_title_en if english else goal.policy_title_ja) or title
        indicators = (goal.indicators_en if english else "") or goal.indicators_ja
        goals[number] = {
            "title": title,
            "policy_title": policy_title,
            "indicators": paragraphs(indicators),
        }
    return goals


def context(evaluation: Evaluation, language: str | None = None) -> dict:
    """Everything the document shows, in `language` (default: the active one)."""
    language = language or get_language() or "ja"
    language = "ja" if language.startswith("ja") else "en"
    document = services.figures(evaluation)
    program = evaluation.program
    assessments = {item.goal: item for item in evaluation.assessments.all()}
    opinions = defaultdict(list)
    for opinion in Opinion.objects.filter(member__evaluation=evaluation).select_related("member"):
        opinions[opinion.goal].append(text_of(opinion, "text", language))
    members = list(evaluation.members.all())
    program_goal = program_goals(program, language)
    goals = []
    for number, goal in program_goal.items():
        assessment = assessments.get(number)
        goals.append(
            {
                "number": number,
                "heading": _("Goal %(number)s") % {"number": numeral(number, language)},
                "label": goal["title"],
                "policy_title": goal["policy_title"],
                "indicators": goal["indicators"],
                "assessment": assessment,
                "grade": GRADE_WORDS.get(assessment.grade, "") if assessment else "",
                "paragraphs": paragraphs(text_of(assessment, "assessment", language))
                if assessment
                else [],
                "future": paragraphs(text_of(assessment, "future_directions", language))
                if assessment
                else [],
                "figures": figure_rows(document, number),
                "opinions": opinions[number],
            }
        )
    english = language != "ja"
    policy_name = (program.policy_name_en if english else "") or program.policy_name_ja
    return {
        "language": language,
        "evaluation": evaluation,
        "program": program,
        "title": (evaluation.title_en if english else "")
        or evaluation.title_ja
        or f"{program.name if english else program.name_ja or program.name} "
        f"{evaluation.get_kind_display()}",
        "committee_name": (evaluation.committee_name_en if english else "")
        or evaluation.committee_name_ja,
        "preamble": paragraphs(text_of(evaluation, "preamble", language))
        if evaluation.preamble_ja or evaluation.preamble_en
        else [],
        "issued": document_date(evaluation.held_on, language, with_day=False),
        "policy_name": policy_name or _("the program's operating policy"),
        "policy_revised": document_date(program.policy_revised_on, language),
        "policy_excerpt": paragraphs(text_of(program, "policy_excerpt", language)),
        "agency": program.managing_agency.code,
        "overall_grade": GRADE_WORDS.get(evaluation.overall_grade, ""),
        "overall_comment": paragraphs(text_of(evaluation, "overall_comment", language)),
        "chair": [member for member in members if member.role == CommitteeRole.CHAIR],
        "members": [member for member in members if member.role != CommitteeRole.CHAIR],
        "goals": goals,
        "snapshot_taken_at": document.get("snapshot_taken_at"),
        "fiscal_year": document["fiscal_year"],
        "as_of": document_date(evaluation.as_of, language),
        # Until finalised, every page and sheet says DRAFT; then the date it was signed.
        "finalised_on": services.finalised_on(evaluation) if evaluation.is_final else None,
    }


# The steps of making a file, each with the progress (%) the row shows from its start, in
# the page's words. The shares follow the demo PDF's measured times (8 pages, median of 5
# runs, 2026-12-03): the figures and texts 0.08 s, the HTML 0.01 s, WeasyPrint's layout
# 0.85 s (reported page by page), writing the PDF 0.25 s, of 1.23 s.
STAGES: dict[str, tuple[int, Promise]] = {
    "figures": (2, gettext_lazy("reading the figures and texts")),
    "document": (9, gettext_lazy("writing the document")),
    "layout": (10, gettext_lazy("laying out the pages")),
    "file": (79, gettext_lazy("writing the file")),
    "saving": (98, gettext_lazy("saving the file")),
}


def stage_label(progress: int, pages: int | None = None) -> str:
    """The step a row's progress stands for (empty before the first), with the page
    WeasyPrint is laying out while it does."""
    label, name = "", ""
    for key, (start, text) in STAGES.items():
        if progress >= start:
            label, name = str(text), key
    if name == "layout" and pages:
        return _("laying out page %(page)d") % {"page": pages}
    return label


# A step's name, and for the layout the page being laid out (for the file: how many).
Step = Callable[..., None]


def _no_step(name: str, pages: int | None = None) -> None:
    """Rendering outside a job (the benchmark, tests) reports its steps to no one."""


# WeasyPrint announces each page it lays out on this logger, at INFO (weasyprint/logger.py).
WEASYPRINT_PROGRESS = "weasyprint.progress"
LAYOUT_PAGE = "Step 5 - Creating layout - Page"


@contextlib.contextmanager
def _each_page(report_page: Callable[[int], None]) -> Iterator[None]:
    """Hand `report_page` the number of each page WeasyPrint lays out in this thread
    (its layout is one call that has no callback of its own). Should a later WeasyPrint
    word its messages otherwise, the pages are simply not reported."""
    thread = threading.get_ident()

    class Pages(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.thread == thread and str(record.msg).startswith(LAYOUT_PAGE) and record.args:
                report_page(int(record.args[0]))

    logger = logging.getLogger(WEASYPRINT_PROGRESS)
    handler, level = Pages(logging.INFO), logger.level
    logger.addHandler(handler)
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def render_pdf(evaluation: Evaluation, language: str, step: Step = _no_step) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only report jobs need.
    from weasyprint import HTML

    step("figures")
    with override(language):
        data = context(evaluation, language)
        step("document")
        html = render_to_string("evaluations/report_document.html", data)
    step("layout")
    with _each_page(lambda page: step("layout", page)):
        document = HTML(string=html).render()
    step("file", len(document.pages))
    return document.write_pdf()


def render_xlsx(evaluation: Evaluation, language: str, step: Step = _no_step) -> bytes:
    step("figures")
    with override(language):
        data = context(evaluation)
        step("file")
        book = Workbook()
        _summary_sheet(book.active, data)
        for goal in data["goals"]:
            _goal_sheet(book.create_sheet(_("Goal %(number)s") % goal), goal, _status(data))
        _table_sheets(book, evaluation, data)
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


def _table_sheets(book, evaluation: Evaluation, data: dict) -> None:
    """Every table of the PDF and of the dashboard beside it: 別紙1, 別紙3, the calls, the
    stays, the buy-out and travel (evaluations/dashboard.py, the same querysets)."""
    from evaluations import dashboard  # the dashboard reads the indicators, as we do

    program, as_of = evaluation.program, evaluation.as_of
    sheet = book.create_sheet(_("Attachment 1"))
    _append(sheet, [_("role"), _("name"), _("affiliation and title")])
    for member in data["chair"] + data["members"]:
        _append(sheet, [member.get_role_display(), member.name, member.affiliation])
    sheet = book.create_sheet(_("Attachment 3"))
    _append(sheet, [_("goal"), _("position"), _("opinion")])
    for goal in data["goals"]:
        for position, text in enumerate(goal["opinions"], start=1):
            _append(sheet, [goal["number"], position, text])
    sheet.column_dimensions["C"].width = 100
    sheet = book.create_sheet(_("Calls"))
    _append(
        sheet,
        [
            _("code"),
            _("kind"),
            _("opened"),
            _("received"),
            _("adopted"),
            _("adoption rate (%)"),
            _("adoptable"),
            _("adoptable but not adopted"),
        ],
    )
    for call in dashboard.per_call(program, as_of):
        _append(
            sheet,
            [
                call["code"],
                str(call["kind"]),
                call["open_date"],
                call["received"],
                call["adopted"],
                _float(call["rate"]),
                call["adoptable"],
                call["adoptable_not_adopted"],
            ],
        )
    stays = dashboard.stays(program, as_of)
    sheet = book.create_sheet(_("Stays"))
    _append(sheet, [_("stay (days)"), _("stays")])
    for stay_bin in stays["bins"]:
        _append(sheet, [stay_bin["label"], stay_bin["count"]])
    _append(sheet, [])
    _append(sheet, [_("purpose of stays of 7 days or less"), _("stays")])
    for purpose in stays["purposes"]:
        _append(sheet, [purpose["reason"], purpose["count"]])
    years = dashboard.report_years(program, as_of)  # travel's and the buy-out's, one query
    buyout = dashboard.buyout(program, as_of, years)
    sheet = book.create_sheet(_("Buy-out"))
    _append(sheet, [_("used"), buyout["used"]])
    _append(sheet, [_("not used"), buyout["not_used"]])
    _append(sheet, [_("not answered"), buyout["unanswered"]])
    _append(sheet, [])
    _append(sheet, [_("reason for not using it"), _("reports")])
    for reason in buyout["reasons"]:
        _append(sheet, [reason["reason"], reason["count"]])
    sheet = book.create_sheet(_("Travel"))
    _append(
        sheet,
        [
            _("fiscal year"),
            _("reports"),
            _("trips"),
            _("cost (yen)"),
            _("cost per trip (yen)"),
            _("cost per trip, all years to date (yen)"),
        ],
    )
    for year in dashboard.travel(program, as_of, years):
        _append(
            sheet,
            [
                year["fiscal_year"],
                year["reports"],
                year["trips"],
                year["cost"],
                year["cost_per_trip"],
                year["cost_per_trip_to_date"],
            ],
        )


def _float(value):
    return float(value) if value is not None else None


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
    again = {"progress": 0, "file": "", "started_at": None, "finished_at": None, "pages": None}
    if not jobs.reset(EvaluationReport, report.pk, **again):
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
    # This run's own time: a run that takes over a dead one starts the clock again.
    held.update(progress=0, started_at=timezone.now(), finished_at=None, pages=None)
    expected = _pages_last_time(report)
    shown = [0]  # the progress written last: a repagination starts at page 1 again

    def step(name: str, pages: int | None = None) -> None:
        """One fenced UPDATE a step (a page, while laid out): the waiting page polls it."""
        progress = STAGES[name][0]
        if name == "layout" and pages:
            progress += _layout_share(pages, expected)
        shown[0] = max(shown[0], progress)
        held.update(progress=shown[0], **({} if pages is None else {"pages": pages}))

    try:
        content = RENDERERS[report.format](report.evaluation, report.language, step)
        step("saving")
        name = f"{report.evaluation.program.code}-{report.evaluation.as_of}-{report.language}"
        report.file.save(f"{name}.{report.format}", ContentFile(content), save=False)
        done = {"file": report.file.name, "progress": 100, "finished_at": timezone.now()}
        if not jobs.finish(EvaluationReport, report.pk, attempt, ReportFileStatus.DONE, **done):
            report.file.delete(save=False)  # another run took the row over: its file counts
    except Exception as error:  # any failure must show on the row, not leave it "running"
        failed = {"message": str(error)[:500], "finished_at": timezone.now()}
        jobs.finish(EvaluationReport, report.pk, attempt, ReportFileStatus.FAILED, **failed)
        raise


def _pages_last_time(report: EvaluationReport) -> int | None:
    """The pages of the latest finished file like this one: how long the layout will be."""
    like = EvaluationReport.objects.filter(
        evaluation=report.evaluation_id,
        format=report.format,
        language=report.language,
        status=ReportFileStatus.DONE,
        pages__isnull=False,
    )
    return like.order_by("-finished_at").values_list("pages", flat=True).first()


def _layout_share(page: int, expected: int | None) -> int:
    """The part of the layout's progress (%) done at `page`: out of the pages last time,
    or, never made before, a share that nears the whole without reaching it."""
    width = STAGES["file"][0] - STAGES["layout"][0] - 1
    done = page / expected if expected else page / (page + 4)
    return int(width * min(done, 1.0))


def _gave_up(report_id: int) -> str:
    language = EvaluationReport.objects.get(pk=report_id).language
    with override(language):
        return _("The job stopped %(count)d times before it finished; try again.") % {
            "count": jobs.MAX_ATTEMPTS
        }
