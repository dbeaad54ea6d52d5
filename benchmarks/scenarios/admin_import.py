"""Importing 100k proposals through the admin's import page, on a real Celery worker.

    python -m benchmarks.run --scale M --only admin_import

What a program officer waits for (issue 12): the file posted to the admin's import page
(`exchange:import`), its preview job (every row checked, nothing written), the
confirmation, and the import job, each worked through by a real `celery -A aspire worker`
(the prefork pool, concurrency 1, as docker-compose runs it) until it is done; the wall
time runs from the upload to the import's job being done, the page polled as the browser
would. The worker's peak memory is the high-water mark (VmHWM) of its pool's child, which
does the work, read from /proc before the worker stops.

The page is driven by Django's test client in a child process, on a scratch database of
benchmarks/scenarios/imports.py (the same file, the same seeded calls and researchers), and
the worker consumes a queue of its own, so that no other worker on the same Redis takes
the jobs. The ceiling is `import_data proposals` of the same file on a fresh copy: the
import alone, in one process, without the preview, the jobs, the pages or the queue.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.harness import ROOT, Result
from benchmarks.scenarios import imports as plain

POLL_S = 0.5  # the progress bar's pace (static/exchange/progress.js polls about so)
TIMEOUT_S = 30 * 60
WORKER_STARTUP_S = 120


def run(scale: str) -> list[Result]:
    rows = plain.ROWS_AT[scale]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "proposals.csv"
        plain.write_file(path, rows)
        plain.make_template()
        try:
            plain.fresh_scratch()
            ours = _through_the_page(str(path))
            plain.fresh_scratch()
            alone = plain._child(plain.SCRATCH, "ours", str(path))
        finally:
            plain.drop_databases()
    return [
        Result(
            f"import {rows // 1000}k proposals via the admin page (jobs)",
            scale,
            ours["seconds"],
            "import_data in one process",
            alone["seconds"],
            {
                "rows": rows,
                "preview_s": ours["preview_s"],
                "import_s": ours["import_s"],
                "rows_per_s": round(rows / ours["seconds"]),
                "worker_peak_mb": ours["worker_peak_mb"],
                "worker_main_peak_mb": ours["worker_main_peak_mb"],
                "import_data_peak_mb": alone["peak_mb"],
                "output": ours["output"],
            },
        )
    ]


def _through_the_page(path: str) -> dict:
    command = [sys.executable, "-m", "benchmarks.scenarios.admin_import", path]
    done = subprocess.run(
        command,
        check=True,
        capture_output=True,
        text=True,
        env=plain._env(plain.SCRATCH),
        cwd=ROOT,
        timeout=TIMEOUT_S,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- In the child: the officer's browser and the worker ------------------------------------


def child_main(path: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aspire.settings")
    django.setup()
    from django.test.utils import setup_test_environment

    from tests.celery_worker import forget_queue, fresh_queue, routed_to

    setup_test_environment()  # the test client's host, and the pages' context to read
    client = _officer()
    queue = fresh_queue()
    name = f"bench-admin-import-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    worker = _start_worker(queue, name)
    try:
        _wait_until_ready(worker, name)
        with routed_to(queue):
            measured = _import(client, path)
        measured |= _peaks(worker.pid)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        forget_queue(queue)
    print(json.dumps(measured))


def _officer():
    """A superuser's client, past the second factor as a sign-in leaves it."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.create_superuser(email="bench-officer@bench.example", password="x")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _start_worker(queue: str, name: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "aspire", "worker", "--queues", queue]
    command += ["--concurrency", "1", "--without-mingle", "--without-gossip", "-l", "WARNING"]
    command += ["-n", name]
    # Its own process group, so that it stops with its pool's child.
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True)


def _wait_until_ready(worker: subprocess.Popen, name: str) -> None:
    """Until the worker answers a ping: its start-up is not the import's time."""
    from aspire.celery import app

    deadline = time.monotonic() + WORKER_STARTUP_S
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker stopped with exit code {worker.returncode}")
        if app.control.ping([name], timeout=1):  # this one: others may share the Redis
            return
    raise RuntimeError(f"the worker did not answer within {WORKER_STARTUP_S} s")


def _import(client, path: str) -> dict:
    from django.urls import reverse

    url = reverse("exchange:import", args=["proposals"])
    started = time.perf_counter()
    with open(path, "rb") as file:
        answer = client.post(url, {"file": file})
    preview = _followed(client, answer)
    previewed = time.perf_counter()
    page = client.get(reverse("exchange:job", args=[preview.pk]))
    answer = client.post(url, {"token": page.context["token"]})
    job = _followed(client, answer)
    finished = time.perf_counter()
    counts = {name: job.result[name] for name in ("created", "updated", "unchanged")}
    return {
        "seconds": finished - started,
        "preview_s": round(previewed - started, 2),
        "import_s": round(finished - previewed, 2),
        "output": "{created} created, {updated} updated, {unchanged} unchanged".format(**counts),
    }


def _followed(client, answer):
    """The job a page answered with, polled as its progress bar does until it is done."""
    from django.urls import resolve, reverse

    from exchange.models import ImportJob

    if answer.status_code != 302:
        raise RuntimeError(f"the import page answered {answer.status_code}")
    job = ImportJob.objects.get(pk=resolve(answer.url).kwargs["pk"])
    progress = reverse("exchange:job_progress", args=[job.pk])
    deadline = time.monotonic() + TIMEOUT_S
    while not client.get(progress).json()["finished"]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"import job {job.pk} did not finish in {TIMEOUT_S} s")
        time.sleep(POLL_S)
    job.refresh_from_db()
    if job.status != "done" or job.result.get("error_count"):
        raise RuntimeError(f"import job {job.pk}: {job.status} {job.message} {job.result}")
    return job


def _peaks(pid: int) -> dict:
    """The high-water marks of the worker and of its pool's children, in MB."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {
        "worker_main_peak_mb": _hwm_mb(pid),
        "worker_peak_mb": max((_hwm_mb(int(child)) for child in children), default=0.0),
    }


def _hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)  # kB
    return 0.0


if __name__ == "__main__":
    child_main(sys.argv[1])
