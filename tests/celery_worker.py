"""A real Celery worker for tests: the app of aspire/celery.py, the real Redis, real threads.

    @pytest.mark.django_db(transaction=True)  # the worker's threads read committed data
    def test_it_…():
        with real_worker(concurrency=2):
            result = some_task.delay(…)      # .delay and delay_on_commit reach this worker
            result.get(timeout=30)

The worker runs in threads of the test process, so it sees the test database and the
locmem mail outbox. It consumes a queue of its own, and every task is sent there while it
runs (whatever CELERY_TASK_ROUTES say): other test runs on the same Redis (or a
development worker) can neither take our jobs nor hand us theirs. Without Redis the test
fails, saying how to start it: a real-worker test must never pass, nor quietly step aside,
without a real worker.

A thread cannot be killed. `worker_process` starts a real `celery -A aspire worker` in a
process of its own, on the test database, for the tests that kill one (tests/test_jobs.py).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db.models import Model

from aspire.celery import app
from tests import outside


def require_redis() -> None:
    url = app.conf.broker_url
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        message = (
            f"a real Celery worker needs Redis at {url}: {error}. Start one with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379` (or `.ci/run`)."
        )
        pytest.fail(message, pytrace=False)


def fresh_queue() -> str:
    return f"aspire-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def routed_to(queue: str) -> Iterator[None]:
    """Send every task of this process to `queue` while the block runs."""
    router = app.amqp.router
    # task_always_eager: the demo runs jobs in-process; task_default_queue: where unrouted
    # tasks go. Only what was overridden before is put back: writing the old values back
    # would pin them over Django's settings, and a later test's `settings.CELERY_…` (say
    # jobs_in_process) would then change nothing.
    keys = ("task_always_eager", "task_default_queue")
    overridden = {key: app.conf.changes[key] for key in keys if key in app.conf.changes}
    routes = router.routes  # CELERY_TASK_ROUTES: reports, imports
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    router.routes = []  # so every task goes to the default queue, ours
    try:
        yield
    finally:
        router.routes = routes
        for key in keys:
            app.conf.changes.pop(key, None)
        app.conf.update(overridden)


@contextlib.contextmanager
def real_worker(concurrency: int = 2) -> Iterator[str]:
    """Run a worker on a fresh queue; yields the queue's name."""
    require_redis()
    queue = fresh_queue()
    queues = app.amqp.queues  # made now, with the real default queue, before we change it
    consume_from = queues._consume_from  # start_worker(queues=…) narrows it for the app
    try:
        with (
            routed_to(queue),
            start_worker(
                app,
                pool="threads",
                concurrency=concurrency,
                queues=[queue],
                perform_ping_check=False,  # the ping task would go to the default queue
                shutdown_timeout=30,
            ),
        ):
            yield queue
    finally:
        queues._consume_from = consume_from
        forget_queue(queue)


def forget_queue(queue: str) -> None:
    """Leave no queue nor binding behind in Redis."""
    queues = app.amqp.queues
    declared = queues.pop(queue, None) or queues.new_missing(queue)
    with app.connection_for_write() as connection:
        bound = declared(connection.default_channel)
        bound.declare()  # makes the channel know the binding, so delete removes it
        bound.delete()


def worker_process(queue: str, **env: str) -> subprocess.Popen:
    """A real worker in its own process (and process group, so that it can be killed with
    its pool's children), consuming `queue` on the test database; `env` adds settings."""
    require_redis()
    command = [sys.executable, "-m", "celery", "-A", "aspire", "worker", "--queues", queue]
    command += ["--concurrency", "1", "--without-mingle", "--without-gossip", "-l", "INFO"]
    return subprocess.Popen(
        command,
        cwd=outside.ROOT,
        env=outside.environment(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill(process: subprocess.Popen, signal_number: int = signal.SIGKILL) -> None:
    """Signal the worker and its pool's children; wait until they are gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal_number)
    process.wait(timeout=60)


def wait_for(row: Model, *statuses: str, timeout: float = 180) -> Model:
    """Read the row again until its status is one of `statuses`; the row as it stands then.

    Generous: a loaded machine may take a minute to start a worker and lay out a PDF. The
    caller asserts on what it returns, so a job that never gets there fails the test.
    """
    deadline = time.monotonic() + timeout
    row.refresh_from_db()
    while row.status not in statuses and time.monotonic() < deadline:
        time.sleep(0.1)
        row.refresh_from_db()
    return row
