"""Aspire in another process, on this test run's database: for the faults that one process
cannot fake honestly (Redis or the database down from start-up, a worker killed mid-job).

Settings are read once, at start-up: a process started with another environment is the
only way to see what Aspire does with it. The data the other process reads must be
committed: use these from `@pytest.mark.django_db(transaction=True)` tests.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the test database pytest-django created for this run (test_aspire_<pid>)."""
    db = connection.settings_dict
    assert db["ENGINE"] == "django.db.backends.postgresql", "these tests need PostgreSQL"
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}/{db['NAME']}"


def environment(**overrides: str) -> dict[str, str]:
    """This run's environment, on the test database; `overrides` on top."""
    return {**os.environ, "DATABASE_URL": database_url(), **overrides}


def run_script(code: str, timeout: float = 120, **env: str) -> dict:
    """Run Python `code` under `manage.py shell` with `env`; it prints one JSON object last.

    The script sets up Django's test environment itself (the test client's host, no real
    mail), as the test runner does in this process.
    """
    prelude = "from django.test.utils import setup_test_environment; setup_test_environment()\n"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", prelude + code]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
