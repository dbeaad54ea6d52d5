"""The committee's evaluation page: who may do what, conflicts, finalising, report files."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import report, services
from evaluations.models import (
    CommitteeMember,
    Evaluation,
    EvaluationReport,
    GoalAssessment,
    Opinion,
    ReportFileStatus,
)
from tests.conftest import sign_in
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation():
    evaluation = Evaluation.objects.create(
        program=ProgramFactory(), kind="mid_term", as_of=datetime.date(2025, 3, 31)
    )
    services.ensure_goal_assessments(evaluation)
    return evaluation


@pytest.fixture
def member(evaluation):
    user = UserFactory(roles=["committee"])
    CommitteeMember.objects.create(evaluation=evaluation, name="Member", user=user)
    return user


def url(name: str, evaluation: Evaluation, *args) -> str:
    return reverse(f"evaluations:{name}", args=[evaluation.pk, *args])


def assessment_data(evaluation, goal=1, **fields) -> dict:
    assessment = evaluation.assessments.get(goal=goal)
    prefix = f"goal{goal}-"
    data = {"grade": "A", "assessment": "Good", "future_directions": "More"}
    data.update(fields)
    data = {prefix + key: value for key, value in data.items()}
    data[prefix + "version"] = assessment.version
    return data


def test_it_shows_the_figures_to_the_committee(client, evaluation, member):
    sign_in(client, member)
    response = client.get(url("evaluation", evaluation))
    assert response.status_code == 200
    assert "g1.proposals" not in response.text  # labels, not codes
    assert response.text.count("<table") >= 4


def test_it_hides_evaluations_from_pis_and_reviewers(client, evaluation):
    for role in ["pi", "reviewer"]:
        sign_in(client, UserFactory(roles=[role]))
        assert client.get(url("evaluation", evaluation)).status_code == 404


def test_it_lets_a_member_grade_a_goal_and_keeps_who_did_it(client, evaluation, member):
    sign_in(client, member)
    response = client.post(url("assessment", evaluation, 1), assessment_data(evaluation))
    assert response.status_code == 302
    assessment = evaluation.assessments.get(goal=1)
    assert assessment.grade == "A"
    assert assessment.history.first().history_user == member


def test_it_refuses_a_grade_outside_s_a_b_c(client, evaluation, member):
    sign_in(client, member)
    response = client.post(url("assessment", evaluation, 1), assessment_data(evaluation, grade="E"))
    assert response.status_code == 400
    assert evaluation.assessments.get(goal=1).grade == ""


def test_it_never_overwrites_a_text_saved_in_between(client, evaluation, member):
    opened = assessment_data(evaluation, assessment="Mine")  # the form as it was opened
    other = evaluation.assessments.get(goal=1)
    other.assessment = "Theirs"
    other.save()
    sign_in(client, member)
    response = client.post(url("assessment", evaluation, 1), opened)
    assert response.status_code == 409
    assert "<td>—</td><td>Theirs</td><td><strong>Mine</strong></td>" in response.text
    assert evaluation.assessments.get(goal=1).assessment == "Theirs"


def test_it_keeps_both_texts_when_two_members_change_different_fields(client, evaluation, member):
    opened = assessment_data(evaluation, grade="", assessment="", future_directions="More")
    other = evaluation.assessments.get(goal=1)
    other.assessment = "Theirs"
    other.save()
    sign_in(client, member)
    assert client.post(url("assessment", evaluation, 1), opened).status_code == 302
    saved = evaluation.assessments.get(goal=1)
    assert (saved.assessment, saved.future_directions) == ("Theirs", "More")


def test_it_lets_members_write_only_their_own_opinions(client, evaluation, member):
    sign_in(client, member)
    client.post(
        url("opinion", evaluation, 2), {"opinion2-goal": 2, "opinion2-text": "Track growth"}
    )
    opinion = Opinion.objects.get()
    assert (opinion.member.user, opinion.goal) == (member, 2)
    outsider = UserFactory(roles=["committee"])
    sign_in(client, outsider)
    data = {"opinion2-goal": 2, "opinion2-text": "Not mine to give"}
    assert client.post(url("opinion", evaluation, 2), data).status_code == 403
    assert client.post(url("delete_opinion", evaluation, opinion.pk)).status_code == 403
    assert Opinion.objects.count() == 1


@pytest.fixture
def chair(evaluation):
    user = UserFactory(roles=["committee"])
    CommitteeMember.objects.create(evaluation=evaluation, name="Chair", user=user, role="chair")
    return user


def test_it_lets_only_the_chair_finalise(client, evaluation, member, chair):
    evaluation.overall_grade = "S"
    evaluation.save()
    for somebody in (UserFactory(roles=["staff"]), member):
        sign_in(client, somebody)
        assert client.post(url("finalise", evaluation)).status_code == 403
    sign_in(client, chair)
    page = client.get(url("finalise", evaluation))  # the confirmation lists what freezes
    assert page.status_code == 200
    assert "Chair" in page.text and "Member" in page.text and "Finalise and freeze" in page.text
    evaluation.refresh_from_db()
    assert not evaluation.is_final  # looking at the confirmation finalises nothing
    client.post(url("finalise", evaluation))
    evaluation.refresh_from_db()
    assert evaluation.is_final


def test_it_lets_a_member_edit_only_their_own_opinion(client, evaluation, member, chair):
    seat = CommitteeMember.objects.get(user=member)
    mine = services.add_opinion(seat, Opinion(goal=1, text="First"))
    theirs = services.add_opinion(
        CommitteeMember.objects.get(user=chair), Opinion(goal=1, text="Chair's")
    )
    sign_in(client, member)
    data = {f"edit{mine.pk}-text": "Better", f"edit{mine.pk}-text_en": "Better (en)"}
    data[f"edit{mine.pk}-version"] = mine.version
    client.post(url("edit_opinion", evaluation, mine.pk), data)
    mine.refresh_from_db()
    assert (mine.text, mine.text_en) == ("Better", "Better (en)")
    other = {f"edit{theirs.pk}-text": "Hijacked", f"edit{theirs.pk}-version": theirs.version}
    assert client.post(url("edit_opinion", evaluation, theirs.pk), other).status_code == 404
    theirs.refresh_from_db()
    assert theirs.text == "Chair's"


def test_it_shows_both_texts_and_what_differs_on_a_conflict(client, evaluation, member):
    seat = CommitteeMember.objects.get(user=member)
    opinion = services.add_opinion(seat, Opinion(goal=1, text="基本の文章"))
    seen = opinion.version
    services.save_opinion(opinion, seen, {"text": "相手の文章", "text_en": ""})
    sign_in(client, member)
    data = {f"edit{opinion.pk}-text": "自分の文章", f"edit{opinion.pk}-version": seen}
    response = client.post(url("edit_opinion", evaluation, opinion.pk), data)
    assert response.status_code == 409
    assert "<del>相手</del>" in response.text and "<ins>自分</ins>" in response.text
    opinion.refresh_from_db()
    assert opinion.text == "相手の文章"


def test_it_keeps_opinions_in_the_order_entered_and_lets_the_chair_reorder(
    client, evaluation, member, chair
):
    seat = CommitteeMember.objects.get(user=member)
    chair_seat = CommitteeMember.objects.get(user=chair)
    first = services.add_opinion(chair_seat, Opinion(goal=2, text="A"))
    services.add_opinion(seat, Opinion(goal=2, text="B"))
    services.add_opinion(chair_seat, Opinion(goal=2, text="C"))
    order = lambda: list(Opinion.objects.filter(goal=2).values_list("text", flat=True))  # noqa: E731
    assert order() == ["A", "B", "C"]  # as entered, not by member
    sign_in(client, member)
    assert (
        client.post(url("move_opinion", evaluation, first.pk), {"direction": "down"}).status_code
        == 403
    )
    sign_in(client, chair)
    client.post(url("move_opinion", evaluation, first.pk), {"direction": "down"})
    assert order() == ["B", "A", "C"]


def test_it_freezes_everything_once_finalised(client, evaluation, member, chair):
    sign_in(client, chair)
    response = client.post(url("finalise", evaluation), follow=True)
    assert "Give an overall grade before finalising." in response.text
    evaluation.overall_grade = "S"
    evaluation.save()
    client.post(url("finalise", evaluation))
    evaluation.refresh_from_db()
    assert evaluation.snapshot["snapshot_taken_at"]
    sign_in(client, member)
    response = client.post(url("assessment", evaluation, 1), assessment_data(evaluation))
    assert response.status_code == 403
    assert GoalAssessment.objects.get(evaluation=evaluation, goal=1).grade == ""


def test_it_queues_a_report_file_and_offers_it_when_done(
    client, evaluation, member, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, member)
    client.post(url("request_file", evaluation), {"language": "en", "format": "xlsx"})
    requested = EvaluationReport.objects.get()
    page = client.get(url("evaluation", evaluation)).text
    assert 'http-equiv="refresh"' in page  # the page follows the job until it is done
    report.generate(requested.pk)  # what the worker does with the queued job
    page = client.get(url("evaluation", evaluation)).text
    download = url("download", evaluation, requested.pk)
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"  # an XLSX is a zip


def test_it_shows_the_step_and_the_time_of_a_file_being_made(client, evaluation, member):
    now = timezone.now()
    EvaluationReport.objects.create(
        evaluation=evaluation,
        language="ja",
        format="pdf",
        status=ReportFileStatus.DONE,
        progress=100,
        started_at=now - datetime.timedelta(seconds=9.25),
        finished_at=now - datetime.timedelta(seconds=0.05),
    )
    EvaluationReport.objects.create(
        evaluation=evaluation,
        language="en",
        format="pdf",
        status=ReportFileStatus.RUNNING,
        progress=report.STAGES["layout"][0],
        started_at=now - datetime.timedelta(seconds=4),
        lease_expires_at=now + datetime.timedelta(minutes=1),  # a live run, not stopped
    )
    sign_in(client, member)
    page = client.get(url("evaluation", evaluation)).text
    assert "laying out the pages" in page
    assert re.search(r"\b[45] s so far; the last one took 9.2 s", page)
    assert "made in 9.2 s" in page
    assert 'http-equiv="refresh"' in page  # and it follows the job until it is done


def test_it_refuses_a_report_in_an_unknown_format(client, evaluation, member):
    sign_in(client, member)
    client.post(url("request_file", evaluation), {"language": "en", "format": "docx"})
    assert EvaluationReport.objects.count() == 0


@pytest.mark.parametrize("opinions", [2, 20])
def test_it_renders_the_page_in_a_fixed_number_of_queries(
    client, evaluation, member, django_assert_num_queries, opinions
):
    seat = CommitteeMember.objects.get(user=member)
    Opinion.objects.bulk_create(Opinion(member=seat, goal=1, text=f"O{n}") for n in range(opinions))
    EvaluationReport.objects.create(
        evaluation=evaluation, language="ja", format="pdf", status=ReportFileStatus.DONE
    )
    sign_in(client, member)
    with django_assert_num_queries(QUERIES):
        assert client.get(url("evaluation", evaluation)).status_code == 200


# session, user, groups, evaluation, seat check (view), goals present, indicators (14: the
# 13 sections of evaluations/indicators.py and the targets), the targets again for the pace
# (evaluations/pace.py), seat, opinions, assessments, seat checks (change, opinion), chair
# checks (finalise, order the opinions), report files, members, and the device that
# verified the session's second factor (django-otp)
QUERIES = 31


def all_texts(evaluation, **changes) -> dict:
    data = {}
    for goal in range(1, 5):
        data.update(
            assessment_data(evaluation, goal, grade="", assessment="", future_directions="")
        )
    data.update({"overall_grade": "", "overall_comment": "", "version": evaluation.version})
    data.update(changes)
    return data


def test_it_saves_every_text_of_the_evaluation_with_one_save(client, evaluation, member):
    sign_in(client, member)
    data = all_texts(evaluation, **{"goal1-assessment": "One", "goal3-assessment": "Three"})
    data["overall_comment"] = "Overall"
    response = client.post(url("save_all", evaluation), data)
    assert response.status_code == 302
    texts = dict(evaluation.assessments.values_list("goal", "assessment"))
    assert (texts[1], texts[3]) == ("One", "Three")
    evaluation.refresh_from_db()
    assert evaluation.overall_comment == "Overall"


def test_it_saves_nothing_of_one_save_when_a_text_conflicts(client, evaluation, member):
    sign_in(client, member)
    data = all_texts(evaluation, **{"goal1-assessment": "Mine", "goal2-assessment": "Mine too"})
    services.save_text(evaluation.assessments.get(goal=2), None, {"assessment": "Theirs"})
    response = client.post(url("save_all", evaluation), data)
    assert response.status_code == 409
    texts = dict(evaluation.assessments.values_list("goal", "assessment"))
    assert (texts[1], texts[2]) == ("", "Theirs")  # all or nothing
    assert "<del>" in response.text and "<ins>" in response.text  # what differs, shown


def test_it_invites_a_seat_with_a_set_password_link(client, evaluation):
    from django.core import mail

    from evaluations.invitations import invite

    seat = CommitteeMember.objects.create(
        evaluation=evaluation, name="New", email="new@example.org"
    )
    user = invite(seat, "https://aspire.example")
    seat.refresh_from_db()
    assert seat.user == user and user.has_role("committee")
    assert not user.has_usable_password()
    link = next(word for word in mail.outbox[-1].body.split() if word.startswith("https://"))
    response = client.get(link.removeprefix("https://aspire.example"), follow=True)
    assert response.status_code == 200 and "new_password1" in response.text
