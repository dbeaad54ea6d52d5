"""Jobs that recover (aspire/jobs.py): a claim is a lease that expires, a stopped job can be
tried again from the page, and a real worker killed mid-job is taken over by the next."""

import datetime
import re
import signal
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from aspire import jobs
from aspire.celery import app
from evaluations import report
from evaluations.models import CommitteeMember, Evaluation, EvaluationReport, Opinion
from evaluations.models import ReportFileStatus as Status
from tests.celery_worker import (
    forget_queue,
    fresh_queue,
    kill,
    routed_to,
    wait_for,
    worker_process,
)
from tests.conftest import sign_in
from tests.factories import MemberFactory, ProgramFactory, UserFactory
from tests.outside import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(settings, tmp_path) -> Evaluation:
    settings.MEDIA_ROOT = tmp_path
    return Evaluation.objects.create(
        program=ProgramFactory(), kind="mid_term", as_of=datetime.date(2025, 3, 31)
    )


def in_seconds(seconds: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def requested(evaluation: Evaluation, **fields) -> EvaluationReport:
    return EvaluationReport.objects.create(
        evaluation=evaluation, language="en", format="xlsx", **fields
    )


def stopped(evaluation: Evaluation, **fields) -> EvaluationReport:
    """A report as a worker killed while laying it out leaves it: 'Generating 20 %'."""
    killed = {"status": Status.RUNNING, "progress": 20, "attempts": 1}
    return requested(evaluation, **(killed | {"lease_expires_at": in_seconds(-1)} | fields))


# --- Leases ---------------------------------------------------------------------------------


def test_it_takes_over_a_report_whose_worker_died(evaluation):
    row = stopped(evaluation)
    assert report.generate(row.pk) is None  # the redelivered job
    row.refresh_from_db()
    assert (row.status, row.progress, row.attempts) == (Status.DONE, 100, 2)
    assert row.lease_expires_at is None
    assert row.file.name.endswith(".xlsx")


def test_it_takes_over_a_report_claimed_before_leases_existed(evaluation):
    row = stopped(evaluation, lease_expires_at=None)  # stuck since before the migration
    report.generate(row.pk)
    row.refresh_from_db()
    assert row.status == Status.DONE


def test_it_leaves_a_report_to_the_run_that_holds_its_lease(evaluation):
    row = stopped(evaluation, lease_expires_at=in_seconds(30))
    assert 25 < report.generate(row.pk) <= 30  # the task looks again when the lease ends
    row.refresh_from_db()
    assert (row.status, row.progress, row.attempts) == (Status.RUNNING, 20, 1)


def test_it_gives_up_a_report_that_stopped_its_worker_three_times(evaluation):
    row = stopped(evaluation, attempts=jobs.MAX_ATTEMPTS)
    assert report.generate(row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.message) == (
        Status.FAILED,
        "The job stopped 3 times before it finished; try again.",
    )


def test_it_fences_out_a_run_whose_lease_was_taken_over(evaluation):
    row = requested(evaluation)
    first = jobs.claim(EvaluationReport, row.pk)
    EvaluationReport.objects.filter(pk=row.pk).update(lease_expires_at=in_seconds(-1))
    second = jobs.claim(EvaluationReport, row.pk)  # the first worker stalled past its lease
    assert (first.attempt, second.attempt) == (1, 2)
    assert not jobs.finish(EvaluationReport, row.pk, first.attempt, Status.DONE)
    assert jobs.finish(EvaluationReport, row.pk, second.attempt, Status.DONE)


@pytest.mark.django_db(transaction=True)  # the heartbeat writes from a thread of its own
def test_it_renews_the_lease_while_the_job_works(settings, evaluation):
    settings.JOBS_LEASE_SECONDS = 1  # renewed every third of a second
    row = requested(evaluation)
    claim = jobs.claim(EvaluationReport, row.pk)
    row.refresh_from_db()
    first_lease = row.lease_expires_at
    with jobs.heartbeat(EvaluationReport, row.pk, claim.attempt):
        deadline = time.monotonic() + 30
        while row.lease_expires_at == first_lease and time.monotonic() < deadline:
            time.sleep(0.05)
            row.refresh_from_db()
    assert row.lease_expires_at > first_lease
    time.sleep(1.5)  # past the lease: nobody renews it once the job is over
    assert jobs.claim(EvaluationReport, row.pk).attempt == 2


# --- Trying again from the page --------------------------------------------------------------


@pytest.fixture
def member(evaluation):
    user = UserFactory(roles=["committee"])
    CommitteeMember.objects.create(evaluation=evaluation, name="Member", user=user)
    return user


def retry_url(row: EvaluationReport) -> str:
    return reverse("evaluations:retry_file", args=[row.evaluation_id, row.pk])


def test_it_offers_to_try_again_a_report_that_failed_stopped_or_got_lost(
    client, evaluation, member
):
    failed = requested(evaluation, status=Status.FAILED, message="Out of memory")
    stuck = stopped(evaluation)
    lost = requested(evaluation, queued_at=in_seconds(-3600))  # its message never came
    working = stopped(evaluation, lease_expires_at=in_seconds(30))
    waiting = requested(evaluation)
    done = requested(evaluation, status=Status.DONE)
    sign_in(client, member)
    page = client.get(reverse("evaluations:evaluation", args=[evaluation.pk])).text
    for row in (failed, stuck, lost):
        assert f'action="{retry_url(row)}"' in page
    for row in (working, waiting, done):
        assert retry_url(row) not in page
    assert page.count("Stopped before it finished") == 2  # the stuck and the lost one
    assert 'http-equiv="refresh"' in page  # for the one still working


def test_it_generates_a_report_again_when_asked_to(
    client, evaluation, member, django_capture_on_commit_callbacks
):
    row = stopped(evaluation)
    sign_in(client, member)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(retry_url(row))
    assert response.status_code == 302
    assert len(queued) == 1
    row.refresh_from_db()
    assert (row.status, row.progress, row.attempts, row.message) == (Status.PENDING, 0, 0, "")
    report.generate(row.pk)  # what the worker does with the queued job
    row.refresh_from_db()
    assert row.status == Status.DONE


def test_it_does_not_start_again_a_report_being_made(
    client, evaluation, member, django_capture_on_commit_callbacks
):
    row = stopped(evaluation, lease_expires_at=in_seconds(30))
    sign_in(client, member)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(retry_url(row))
    assert queued == []
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.RUNNING, 1)


def test_it_lets_only_who_may_see_the_evaluation_try_again(client, evaluation):
    row = stopped(evaluation)
    client.force_login(MemberFactory().user)  # a PI
    assert client.post(retry_url(row)).status_code == 404
    row.refresh_from_db()
    assert row.status == Status.RUNNING


# --- A real worker killed mid-job -------------------------------------------------------------


def long_evaluation(evaluation: Evaluation) -> Evaluation:
    """An evaluation whose PDF takes seconds to lay out: 60 long opinions of its members."""
    seat = CommitteeMember.objects.create(evaluation=evaluation, name="委員")
    text = "研究交流の成果は国際共著論文に表れている。" * 60
    Opinion.objects.bulk_create(
        Opinion(member=seat, goal=1 + number % 4, text=text) for number in range(60)
    )
    return evaluation


@pytest.mark.django_db(transaction=True)  # the worker processes read committed rows
def test_it_completes_a_job_after_its_worker_is_killed_mid_job(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evaluation = long_evaluation(
        Evaluation.objects.create(
            program=ProgramFactory(), kind="mid_term", as_of=datetime.date(2025, 3, 31)
        )
    )
    queue = fresh_queue()
    # A short visibility timeout and lease, so that the next worker takes over in seconds.
    env = {"MEDIA_ROOT": str(tmp_path), "JOBS_VISIBILITY_TIMEOUT": "3", "JOBS_LEASE_SECONDS": "3"}
    first = worker_process(queue, **env)
    second = None
    try:
        with routed_to(queue):
            row = report.request_report(evaluation, "ja", "pdf")
        # Laying out the PDF is the long step (its progress moves page by page from
        # report.STAGES["layout"]): kill the worker there.
        layout, written = report.STAGES["layout"][0], report.STAGES["file"][0]
        deadline = time.monotonic() + 180
        while row.progress <= layout:  # past the first page
            assert time.monotonic() < deadline, "the first worker never started the job"
            time.sleep(0.05)
            row.refresh_from_db()
        kill(first)
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.RUNNING, 1)
        assert layout < row.progress < written and row.pages  # killed mid-layout

        second = worker_process(queue, **env)
        row = wait_for(row, Status.DONE, Status.FAILED)
    finally:
        kill(first)
        if second is not None:
            kill(second, signal.SIGTERM)  # a warm shutdown: it acknowledged the job
        forget_queue(queue)
    assert (row.status, row.progress, row.attempts) == (Status.DONE, 100, 2)
    assert row.file.read()[:4] == b"%PDF"


# --- Queues -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("evaluations.tasks.generate_report", "reports"),
        ("exchange.tasks.run_import", "imports"),
        ("projects.tasks.send_due_reminders", "default"),
        ("projects.tasks.open_reports", "default"),
    ],
)
def test_it_sends_each_kind_of_job_to_a_queue_of_its_own(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_the_worker_of_the_stack_consumes_every_queue(settings):
    compose = (ROOT / "docker-compose.yml").read_text()
    worker = re.search(r"command: celery -A aspire worker .*--queues (\S+)", compose)
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert set(worker.group(1).split(",")) == queues | {settings.CELERY_TASK_DEFAULT_QUEUE}


def test_it_leaves_the_jobs_settings_to_django_after_a_test_queue(settings):
    # A test that ran a worker on its own queue once pinned the in-process switch, and
    # every later test's jobs_in_process queued its jobs for no worker (a page that waits).
    with routed_to(fresh_queue()):
        assert app.conf.task_always_eager is False
    for eager in (True, False):
        settings.CELERY_TASK_ALWAYS_EAGER = eager
        assert app.conf.task_always_eager is eager
