"""A real Celery worker for tests: the app of aspire/celery.py, the real Redis, real threads.

    @pytest.mark.django_db(transaction=True)  # the worker's threads read committed data
    def test_it_…():
        with real_worker(concurrency=2):
            result = some_task.delay(…)      # .delay and delay_on_commit reach this worker
            result.get(timeout=30)

The worker runs in threads of the test process, so it sees the test database and the
locmem mail outbox. It consumes a queue of its own, and `.delay()` sends there while it
runs: other test runs on the same Redis (or a development worker) can neither take our
jobs nor hand us theirs. Without Redis the test fails, saying how to start it: a
real-worker test must never pass, nor quietly step aside, without a real worker.
"""

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from aspire.celery import app


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


@contextlib.contextmanager
def real_worker(concurrency: int = 2) -> Iterator[str]:
    """Run a worker on a fresh queue; yields the queue's name."""
    require_redis()
    queue = f"aspire-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    queues = app.amqp.queues  # made now, with the real default queue, before we change it
    saved = {
        "task_always_eager": app.conf.task_always_eager,  # the demo runs jobs in-process
        "task_default_queue": app.conf.task_default_queue,  # what .delay() sends to
    }
    consume_from = queues._consume_from  # start_worker(queues=…) narrows it for the app
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=concurrency,
            queues=[queue],
            perform_ping_check=False,  # the ping task would go to the default queue
            shutdown_timeout=30,
        ):
            yield queue
    finally:
        app.conf.update(saved)
        queues._consume_from = consume_from
        declared = queues.pop(queue, None)
        if declared is not None:  # leave no binding behind in Redis
            with app.connection_for_write() as connection:
                bound = declared(connection.default_channel)
                bound.declare()  # makes the channel know the binding, so delete removes it
                bound.delete()
