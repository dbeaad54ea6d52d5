"""The evaluation report: the seed's structure and figures, as PDF and XLSX, made by a job."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluations import report, services
from evaluations.indicators import compute
from evaluations.models import Evaluation, EvaluationReport, ReportFileStatus
from projects.models import Paper
from tests.celery_worker import real_worker, wait_for
from tests.factories import PaperFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    return Evaluation.objects.get(program__code="ASPIRE", kind="mid_term")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_it_loads_the_published_evaluation_with_the_demo(evaluation):
    assert evaluation.overall_grade == "S"
    assert evaluation.members.get(role="chair").name == "大曲 貴夫"
    assert evaluation.members.count() == 8
    assert evaluation.assessments.count() == 4
    assert evaluation.assessments.get(goal=4).future_directions.startswith("今後は")


def test_it_writes_the_seed_structure_and_figures_into_the_japanese_pdf(evaluation):
    text = pdf_text(report.render_pdf(evaluation, "ja"))
    for heading in ["委員会の設置", "目標および評価指標", "中間評価および今後の方向性", "総合評価"]:
        assert heading in text
    for attachment in ["別紙１", "別紙２", "別紙３"]:
        assert attachment in text
    assert "大曲 貴夫" in text
    for figure in ["128", "14.1", "83", "90.0"]:
        assert figure in text


def test_it_writes_the_english_pdf(evaluation):
    text = pdf_text(report.render_pdf(evaluation, "en"))
    assert "1 Establishment of the committee" in text
    assert "4 Overall evaluation" in text
    assert "International co-authored papers" in text


def test_it_writes_a_sheet_per_goal_into_the_xlsx(evaluation):
    book = load_workbook(io.BytesIO(report.render_xlsx(evaluation, "en")))
    assert book.sheetnames == ["Summary", "Goal 1", "Goal 2", "Goal 3", "Goal 4"]
    rows = {row[0]: row for row in book["Goal 2"].iter_rows(values_only=True) if row}
    code, _label, value, target_year, target, attainment = rows["g2.intl_coauthored_papers"]
    assert (value, target_year, target, attainment) == (18, 2027, 20, 90.0)


def test_it_keeps_a_finalised_evaluations_figures(evaluation):
    evaluation = services.finalise(evaluation)
    before = report.render_xlsx(evaluation, "en")
    paper = Paper.objects.filter(report__status="accepted", published_on__gte="2024-04-01").first()
    PaperFactory(report=paper.report, published_on=paper.published_on)  # accepted, counted
    live = compute(evaluation.program, evaluation.as_of)["indicators"]
    assert live["g2.intl_coauthored_papers"]["value"] == 19  # the data moved…
    evaluation.refresh_from_db()
    after = report.render_xlsx(evaluation, "en")
    assert _figures(before) == _figures(after)  # …the finalised evaluation did not


def _figures(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets[1:]]


def test_it_generates_the_file_once_and_shows_progress(evaluation):
    requested = EvaluationReport.objects.create(evaluation=evaluation, language="en", format="xlsx")
    report.generate(requested.pk)
    requested.refresh_from_db()
    assert requested.status == ReportFileStatus.DONE
    assert requested.progress == 100
    assert requested.file.name.endswith(".xlsx")
    first_file = requested.file.name
    report.generate(requested.pk)  # a second run (a redelivered job) changes nothing
    requested.refresh_from_db()
    assert requested.file.name == first_file


@pytest.mark.django_db(transaction=True)
def test_it_makes_the_file_on_a_real_worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evaluation = Evaluation.objects.create(
        program=ProgramFactory(), kind="mid_term", as_of="2025-03-31", overall_grade="A"
    )
    with real_worker(concurrency=1):  # on a queue of its own
        requested = report.request_report(evaluation, "en", "pdf")
        requested = wait_for(requested, ReportFileStatus.DONE, ReportFileStatus.FAILED)
    assert (requested.status, requested.progress) == (ReportFileStatus.DONE, 100)
    assert requested.file.read()[:4] == b"%PDF"
