"""An import whose worker is killed (issue 12, exchange/imports.py on aspire/jobs.py): a real
worker process is SIGKILLed halfway through a large file; nothing of the file is written,
the job waits with a lease that runs out, and the next worker imports the file, once."""

import datetime
import signal
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from aspire.jobs import JobStatus
from calls.models import Proposal, Researcher
from exchange import imports
from exchange.models import ImportJob
from exchange.services import write_csv
from tests.celery_worker import forget_queue, fresh_queue, kill, routed_to, wait_for, worker_process
from tests.factories import CallFactory, UserFactory
from tests.test_exchange_batches import HEADER, proposals

ROWS = 20_000  # seconds of work on a worker: time to kill it in the middle
LEASE = 3  # seconds; the settings' minute would make the test wait a minute


def progress_of(job: ImportJob) -> dict:
    """What the job's page shows, as the worker reports it to the shared cache."""
    job.refresh_from_db(fields=["status"])
    return imports.progress(job)


@pytest.mark.django_db(transaction=True)  # the worker processes read committed rows
def test_it_imports_a_file_once_after_its_worker_is_killed_mid_import(settings):
    settings.CACHES = {"default": settings.REDIS_CACHE}  # the workers' progress: real Redis
    call = CallFactory()
    officer = UserFactory(roles=["staff"], is_staff=True)
    content = write_csv([HEADER, *proposals(call.code, ROWS)])
    queue = fresh_queue()
    # A short visibility timeout and lease, so that the next worker takes over in seconds.
    env = {"JOBS_VISIBILITY_TIMEOUT": str(LEASE), "JOBS_LEASE_SECONDS": str(LEASE)}
    with routed_to(queue):  # queued before any worker runs: it waits in Redis
        job = imports.start(kind="proposals", filename="p.csv", content=content, by=officer)
    cache.delete(imports._progress_key(job.pk))  # an earlier run's job of the same id
    first = worker_process(queue, **env)
    second = None
    try:
        # Kill it once it is well into the rows, before it could finish them.
        deadline = time.monotonic() + 180
        while (shown := progress_of(job))["done"] < ROWS // 10:
            assert not shown["finished"], f"the job finished before it was killed: {shown}"
            assert time.monotonic() < deadline, "the first worker never got into the rows"
            time.sleep(0.05)
        kill(first)
        killed_at = timezone.now()
        assert progress_of(job)["done"] < ROWS, "the job finished before it was killed"
        job.refresh_from_db()
        assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)
        # The lease runs out: no heartbeat renews it (it was renewed every LEASE / 3 s).
        assert job.lease_expires_at <= killed_at + datetime.timedelta(seconds=LEASE)
        assert not Proposal.objects.exists(), "a killed import wrote some of its rows"
        assert not Researcher.objects.exists()

        second = worker_process(queue, **env)
        job = wait_for(job, JobStatus.DONE, JobStatus.FAILED)
    finally:
        kill(first)
        if second is not None:
            kill(second, signal.SIGTERM)  # a warm shutdown: it acknowledged the job
        forget_queue(queue)
    assert (job.status, job.attempts) == (JobStatus.DONE, 2), job.message
    assert (job.result["created"], job.result["error_count"]) == (ROWS, 0)
    assert Proposal.objects.count() == ROWS == Proposal.objects.values("ref").distinct().count()
    assert Proposal.history.count() == ROWS  # one history row each: imported once
    assert Researcher.objects.count() == ROWS + 1  # each row's PI and the shared partner
    assert progress_of(job) == {"status": "done", "finished": True, "done": ROWS, "total": ROWS}
