"""gunicorn serving a scale's database with benchmarks.settings, for the HTTP scenarios."""

import contextlib
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

from benchmarks.harness import ROOT, database_url, manage

# The server: two workers on a two-core machine, each of WEB_THREADS threads
# (gunicorn.conf.py, the production server's settings, read from ROOT where it starts).
WORKERS = 2
THREADS = int(os.environ.get("WEB_THREADS", "4"))
STARTUP_S = 60
# The server's key, known here so that sessions made in this process are valid there.
SECRET_KEY = secrets.token_urlsafe(50)


def environment(scale: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(scale),
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "WEB_THREADS": str(THREADS),  # the threads of each worker, and so its pool's size
    }


def collect_static(scale: str) -> None:
    """Production pages name hashed static files: the manifest must list every one of them.
    Collected on every run (only new or changed files are copied): a manifest left by an
    earlier checkout lacks the files added since, and its pages answer 500."""
    manage("collectstatic", "--noinput", "-v0", env=environment(scale))


@contextlib.contextmanager
def gunicorn(scale: str, workers: int = WORKERS) -> Iterator[str]:
    """The base URL of a gunicorn on a free loopback port; always stopped afterwards."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    env = environment(scale) | {"WEB_WORKERS": str(workers)}
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        _wait_until_it_answers(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_it_answers(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {server.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/api/v1/")  # any answer will do (a 401 here)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer on port {port} within {STARTUP_S} s")
