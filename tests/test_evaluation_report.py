"""The evaluation report: the seed's structure and figures, as PDF and XLSX, made by a job."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def flat(text: str) -> str:
    """The PDF's text without line breaks and spaces: a justified line may break anywhere."""
    return "".join(text.split())


# ruff: noqa: E501 (the seed's sentences are kept whole)
# The seed's document, in its order (seed 000): title block, sections 1–5, 以上, 別紙1–3, 以上.
SEED_ORDER = [
    "令和７年４月",
    "ASPIRE事業中間評価委員会",
    "基金を財源としたプログラムの運用基本方針に従い",
    "１委員会の設置",
    "先端国際共同研究推進事業／プログラム運用基本方針（令和５年７月２１日改正）のもと、AMEDが事業中間評価を行う評価委員会を設置した。（別紙１）",
    "２目標および評価指標",
    "同運用基本方針をもとに、目標および評価指標が設定された。（別紙２）",
    "３中間評価および今後の方向性",
    "目標１我が国と欧米等科学技術先進国・地域のトップ研究者同士を結び付ける施策の実施",
    "目標２ASPIREの支援で加速する国際共同研究",
    "目標３最先端の研究開発につながる情報を取得可能なネットワークを構築",
    "目標４我が国の次世代トップ研究者の育成",
    "各目標に関する各委員意見を別紙３に示す。",
    "４総合評価",
    "総合評価：Ｓ（大変優れている）",
    "講評：",
    "５添付資料",
    "別紙１：評価委員会委員名簿",
    "別紙２：目標および評価指標",
    "別紙３：各委員意見",
    "以上",
    "別紙１",
    "■評価委員会委員名簿",
    "○評価委員長",
    "大曲貴夫国立国際医療センター国際感染症センター長",
    "○評価委員（50音順）",
    "木下賢吾",
    "坂内博子",
    "別紙２",
    "■目標および評価指標",
    "本プログラムは、我が国の国際的な研究コミュニティにおける存在感が低下している",
    "目標４我が国の次世代のトップ研究者を育成",
    "別紙３",
    "■各委員意見",
    "現在の公募対象は",
    "円安や物価上昇など",
    "以上",
]

# 別紙2's official indicators (seed 000), every line of them.
SEED_INDICATORS = [
    "適切な国、分野・領域の設定",
    "トップ研究者の採択",
    "公募相手国FAとの連携",
    "共著論文、国際会議発表実績",
    "研究交流に係る実績（ワークショップ、シンポジウム、セミナー、レクチャーツアー等）",
    "拠点・研究ハブの構築",
    "国際ネットワーク構築・拡大に係る実績（波及効果）",
    "相手国への若手研究者等の派遣",
    "相手国からの若手研究者等の受け入れと日本側次世代研究者の育成",
    "渡航あるいは招聘した次世代研究者の状況調査（育成面での効果確認）",
    "次世代トップ研究者の育成で生じる研究体制の変化（波及効果）",
]


def in_order(text: str, parts: list[str]) -> list[str]:
    """The parts not found in `text` after the previous one (empty: all in order)."""
    missing, at = [], 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            missing.append(part)
        else:
            at = found + len(part)
    return missing


def test_it_writes_the_seeds_document_in_the_seeds_order(evaluation):
    evaluation = services.finalise(evaluation)
    pages = [
        page.extract_text()
        for page in PdfReader(io.BytesIO(report.render_pdf(evaluation, "ja"))).pages
    ]
    text = flat("\n".join(pages))
    assert in_order(text, SEED_ORDER) == []
    assert "草案" not in text  # finalised: no DRAFT
    attachment2 = text[text.index("■目標および評価指標") : text.index("■各委員意見")]
    assert in_order(attachment2, SEED_INDICATORS) == []
    assert (
        attachment2.count("・") >= 0
        and "次世代トップ研究者の育成で生じる研究体制の変化（波及効果）" in attachment2
    )
    # Opinions as 別紙3 lists them, in the order entered (not by member).
    assert (
        in_order(
            text, ["現在の公募対象は", "世界トップレベルの研究促進には", "評価の高い研究提案が"]
        )
        == []
    )


def test_it_prints_the_seeds_figures_as_evidence_under_each_goal(evaluation):
    evaluation = services.finalise(evaluation)
    text = pdf_text(report.render_pdf(evaluation, "ja"))
    goal1 = text[text.index("目標１") : text.index("目標２")]
    for figure in ["128", "18", "14.1", "83"]:
        assert figure in goal1
    goal2 = flat(text[text.index("目標２") : text.index("目標３")])
    # Papers 18 of 20 by FY2027 and presentations 39 of 40 by FY2025: both ahead of pace.
    assert "18" in goal2 and "20(FY2027)" in goal2 and "39" in goal2 and "40(FY2025)" in goal2
    assert goal2.count("目標を上回る進捗") >= 2
    assert "目標を下回る進捗" not in goal2


@pytest.mark.parametrize("language", ["ja", "en"])
def test_it_has_no_near_empty_page(evaluation, language):
    pages = PdfReader(io.BytesIO(report.render_pdf(evaluation, language))).pages
    lengths = [len(flat(page.extract_text()).replace("•", "")) for page in pages]
    assert min(lengths) > 150, lengths


def test_it_never_starts_a_line_with_a_closing_mark(evaluation):
    text = pdf_text(report.render_pdf(evaluation, "ja"))
    starts = [line.strip()[:1] for line in text.splitlines() if line.strip()]
    assert not [mark for mark in starts if mark in "。、」）"]


def test_it_says_draft_until_finalised(evaluation):
    text = pdf_text(report.render_pdf(evaluation, "ja"))
    assert "草案" in text


def test_it_writes_the_english_pdf_from_the_english_texts(evaluation):
    text = pdf_text(report.render_pdf(evaluation, "en"))
    assert "1 Establishment of the committee" in text
    assert "4 Overall evaluation" in text
    assert "International co-authored papers" in text
    assert "ASPIRE Mid-term Evaluation Committee" in text
    assert "April 2025" in text
    flat_text = flat(text)
    assert "Manyhighlyratedproposalsarenotadopted" in flat_text
    # No Japanese sentence of the committee's: every text has its English.
    assert "評価の高い研究提案" not in text and "今後は" not in text


def test_it_writes_a_sheet_per_goal_into_the_xlsx(evaluation):
    book = load_workbook(io.BytesIO(report.render_xlsx(evaluation, "en")))
    assert book.sheetnames == [
        "Summary",
        "Goal 1",
        "Goal 2",
        "Goal 3",
        "Goal 4",
        "Attachment 1",
        "Attachment 3",
        "Calls",
        "Stays",
        "Buy-out",
        "Travel",
    ]
    assert book["Attachment 1"].max_row == 1 + 8  # the chair and seven members
    assert book["Attachment 3"].max_row == 1 + 15  # the seed's fifteen opinions
    calls = list(book["Calls"].iter_rows(min_row=2, values_only=True))
    assert sum(row[3] for row in calls) == 128 and sum(row[4] for row in calls) == 18
    rows = {row[0]: row for row in book["Goal 2"].iter_rows(values_only=True) if row}
    code, _label, value, target_year, target, attainment = rows["g2.intl_coauthored_papers"]
    assert (value, target_year, target, attainment) == (18, 2027, 20, 90.0)
    travel = list(book["Travel"].iter_rows(values_only=True))
    assert travel[0][-2:] == ("cost per trip (yen)", "cost per trip, all years to date (yen)")
    assert all(len(row) == 6 for row in travel)


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
    assert requested.started_at <= requested.finished_at  # the time it took, on the row
    assert requested.seconds == (requested.finished_at - requested.started_at).total_seconds()
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


def test_it_names_each_step_of_the_pdf_as_it_is_made(evaluation):
    steps = []
    content = report.render_pdf(evaluation, "ja", lambda *step: steps.append(step))
    pages = len(PdfReader(io.BytesIO(content)).pages)
    # Each page WeasyPrint lays out is a step of its own (its progress logger).
    layout = [("layout", page) for page in range(1, pages + 1)]
    assert steps == [("figures",), ("document",), ("layout",), *layout, ("file", pages)]


def _progress_written(requested: EvaluationReport) -> list[int]:
    """The progress values the job writes to the row, in order: what the page reads."""
    with CaptureQueriesContext(connection) as queries:
        report.generate(requested.pk)
    return [
        int(found)
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "evaluations_evaluationreport"')
        for found in re.findall(r'"progress" = (\d+)', query["sql"])
    ]


def test_it_writes_each_steps_progress_to_the_row_while_the_pdf_job_runs(
    evaluation, settings, tmp_path
):
    """The row's progress rises step by step, and page by page through the layout."""
    settings.MEDIA_ROOT = tmp_path
    first = EvaluationReport.objects.create(evaluation=evaluation, language="ja", format="pdf")
    written = _progress_written(first)
    first.refresh_from_db()
    assert first.status == ReportFileStatus.DONE and first.seconds > 0
    assert first.pages == len(PdfReader(first.file.open("rb")).pages)
    assert written[0] == 0 and written[-1] == 100 and written == sorted(written)
    assert {start for start, _label in report.STAGES.values()} <= set(written)
    layout, file = report.STAGES["layout"][0], report.STAGES["file"][0]
    assert len([n for n in written if layout < n < file]) >= first.pages - 1
    # The next run knows how many pages to expect: the layout's last page nears the file's.
    again = EvaluationReport.objects.create(evaluation=evaluation, language="ja", format="pdf")
    assert max(n for n in _progress_written(again) if n < file) == file - 1
    assert report.stage_label(layout) == "laying out the pages"
    assert report.stage_label(layout + 10, pages=3) == "laying out page 3"
