"""The settings module, read from the environment, in the demo and in production."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "aspire.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/aspire",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://aspire:secret@mail.example:587",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment holding only `env` (and PATH)."""
    clean = {"PATH": os.environ["PATH"], **env}
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=clean, capture_output=True, text=True)


def setting(name: str, env: dict) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    return manage("shell", "-c", code, env=env).stdout.strip().splitlines()[-1]


def test_it_passes_the_deployment_checks_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_production_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_never_runs_jobs_eagerly_in_production():
    env = {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:1/0"}  # nothing listens there
    assert setting("CELERY_TASK_ALWAYS_EAGER", env) == "False"


def test_it_runs_the_demo_on_sqlite_in_the_project_folder():
    assert setting("DATABASES['default']['NAME']", {}) == str(ROOT / "aspire.sqlite3")
    assert setting("DATABASES['default']['ENGINE']", {}) == "django.db.backends.sqlite3"


def test_it_reads_the_mailer_from_email_url():
    mailer = setting("MAILERS['default']['OPTIONS']", PRODUCTION)
    assert "'host': 'mail.example'" in mailer
    assert "'use_tls': True" in mailer


@pytest.mark.parametrize("debug", ["true", "false"])
def test_it_pools_postgresql_connections(debug):
    env = {**PRODUCTION, "DJANGO_DEBUG": debug}
    assert "pool" in setting("DATABASES['default']['OPTIONS']", env)
