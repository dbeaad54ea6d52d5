"""Jobs of the data exchange: thin, an id in, one service call, safe to run twice."""

from celery import shared_task

from exchange import imports


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,  # the ImportJob row is the job's state
    max_retries=None,  # retries only while another run's lease holds, which time limits end
    # 100,000 rows take a minute or two; a file within the limits never twenty.
    soft_time_limit=20 * 60,
    time_limit=21 * 60,
)
def run_import(self, job_id: int) -> None:
    """Import one file (queued by exchange.imports.start); later while another run has it."""
    if (wait_seconds := imports.run(job_id)) is not None:
        raise self.retry(countdown=wait_seconds + 1)
