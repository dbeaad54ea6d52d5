"""The settings module, read from the environment, in the demo and in production.

Most tests run manage.py in a subprocess with a clean environment: settings are read once,
at start-up, so that is the only honest way to see what a given environment produces.
"""

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "aspire.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/aspire",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://aspire:secret@mail.example:587",
}
MAILERS_CONSOLE = "django.core.mail.backends.console"
NO_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
# Deprecations (Django's RemovedInDjango* warnings among them) are errors in these runs.
STRICT = ["-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning"]


def manage(*args: str, env: dict, python: tuple = ()) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment holding only `env` (and PATH)."""
    clean = {"PATH": os.environ["PATH"], **env}
    command = [sys.executable, *python, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=clean, capture_output=True, text=True)


def setting(name: str, env: dict):
    """The value of a setting as `env` makes it: a Python literal (a path as a string)."""
    code = (
        "from pathlib import Path; from django.conf import settings as s; "
        f"value = s.{name}; print(repr(str(value) if isinstance(value, Path) else value))"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


# Production


def test_it_passes_the_deployment_checks_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_it_refuses_to_start_production_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_never_runs_jobs_eagerly_in_production():
    env = {**PRODUCTION, "REDIS_URL": NO_REDIS}  # even when Redis cannot be reached
    assert setting("CELERY_TASK_ALWAYS_EAGER", env) is False
    assert setting("CELERY_BROKER_URL", env) == NO_REDIS
    assert setting("CACHES['default']['BACKEND']", env).endswith("RedisCache")


def test_the_demo_runs_jobs_eagerly_only_without_redis():
    assert setting("CELERY_TASK_ALWAYS_EAGER", {"REDIS_URL": NO_REDIS}) is True
    # The test suite insists on the real Redis: no silent fall-back to eager jobs.
    strict = {"REDIS_URL": NO_REDIS, "REQUIRE_REDIS": "true"}
    assert setting("CELERY_TASK_ALWAYS_EAGER", strict) is False


def test_it_serves_hashed_and_compressed_static_files_in_production():
    storage = setting("STORAGES['staticfiles']['BACKEND']", PRODUCTION)
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert setting("STATIC_ROOT", PRODUCTION) == str(ROOT / "staticfiles")
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_production_collects_the_static_files(tmp_path):
    env = {**PRODUCTION, "STATIC_ROOT": str(tmp_path)}
    result = manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in [
        "aspire.css",
        "admin-aspire.css",
        "admin/css/base.css",
        "vendor/chart.js/chart.umd.min.js",
    ]:
        assert f'"{name}"' in manifest
    assert list(tmp_path.glob("aspire.*.css.gz"))  # compressed by whitenoise


def test_the_demo_and_the_tests_need_no_collectstatic():
    storage = setting("STORAGES['staticfiles']['BACKEND']", {})
    assert storage == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert setting("WHITENOISE_USE_FINDERS", {}) is True


# The demo's defaults


def test_it_runs_the_demo_on_sqlite_in_the_project_folder():
    assert setting("DATABASES['default']['ENGINE']", {}) == "django.db.backends.sqlite3"
    assert setting("DATABASES['default']['NAME']", {}) == str(ROOT / "aspire.sqlite3")
    assert setting("DEBUG", {}) is True


@pytest.mark.parametrize("debug", ["true", "false"])
def test_it_pools_postgresql_connections(debug):
    env = {**PRODUCTION, "DJANGO_DEBUG": debug}
    assert "pool" in setting("DATABASES['default']['OPTIONS']", env)
    assert setting("DATABASES['default']['CONN_MAX_AGE']", env) == 0


def test_it_pools_one_connection_per_thread_of_a_gunicorn_worker():
    """gunicorn.conf.py and the pool read the same WEB_THREADS: no thread waits for a
    connection, and no process holds more than its threads can use (two at least: a
    job's heartbeat beside the job)."""
    pool = "DATABASES['default']['OPTIONS']['pool']"
    assert setting(f"{pool}['max_size']", PRODUCTION) == 4
    assert setting(f"{pool}['max_size']", {**PRODUCTION, "WEB_THREADS": "8"}) == 8
    assert setting(f"{pool}['max_size']", {**PRODUCTION, "WEB_THREADS": "1"}) == 2
    served = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
            "print(c['worker_class'], c['workers'], c['threads'])",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "WEB_WORKERS": "2", "WEB_THREADS": "8"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert served.stdout.split() == ["gthread", "2", "8"]


def test_it_sets_the_session_options_of_postgresql_unless_the_url_does():
    options = "DATABASES['default']['OPTIONS']['options']"
    assert setting(options, PRODUCTION) == "-c jit=off -c work_mem=64MB"
    url = PRODUCTION["DATABASE_URL"] + "?options=-c%20work_mem%3D8MB"
    assert setting(options, {**PRODUCTION, "DATABASE_URL": url}) == "-c work_mem=8MB"


def test_it_finds_the_project_templates():
    assert ROOT / "templates" in settings.TEMPLATES[0]["DIRS"]


# Mail through MAILERS (Django 6.1)


def test_it_reads_the_mailer_from_email_url():
    mailers = setting("MAILERS", PRODUCTION)
    assert mailers == {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "mail.example",
                "port": 587,
                "username": "aspire",
                "password": "secret",
                "use_tls": True,
                "timeout": 10,
            },
        }
    }


def test_it_passes_the_query_string_of_email_url_to_the_mailer():
    env = {**PRODUCTION, "EMAIL_URL": "smtp+ssl://mail.example:465?timeout=30"}
    options = setting("MAILERS['default']['OPTIONS']", env)
    assert options == {"host": "mail.example", "port": 465, "use_ssl": True, "timeout": 30}


def test_production_mails_through_a_local_mta_by_default():
    env = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_URL"}
    mailer = setting("MAILERS['default']", env)
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {"host": "localhost", "port": 25, "timeout": 10}


def test_the_demo_prints_mail_to_the_console():
    mailer = setting("MAILERS['default']", {})
    assert mailer == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    assert setting("DEFAULT_FROM_EMAIL", {}) == "aspire@localhost"
    assert setting("DEFAULT_FROM_EMAIL", {"DEFAULT_FROM_EMAIL": "aspire@amed.example"}) == (
        "aspire@amed.example"
    )


def test_the_tests_keep_mail_in_the_outbox():
    assert settings.MAILERS == {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    mail.outbox.clear()
    mail.send_mail("Subject", "Body", None, ["pi@aspire.example"])
    assert [message.to for message in mail.outbox] == [["pi@aspire.example"]]
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL


@pytest.mark.parametrize("env", [{}, PRODUCTION], ids=["demo", "production"])
def test_the_settings_use_nothing_deprecated(env):
    """Django 6.1 deprecates EMAIL_BACKEND and friends: none of them, and no other deprecation."""
    result = manage("check", env=env, python=STRICT)
    assert result.returncode == 0, result.stderr
    code = "from django.core import mail; print(type(mail.mailers['default']).__module__)"
    result = manage("shell", "--no-imports", "-c", code, env=env, python=STRICT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] in {"django.core.mail.backends.smtp", MAILERS_CONSOLE}


def test_the_settings_module_names_no_email_setting():
    import aspire.settings

    assert [name for name in vars(aspire.settings) if name.startswith("EMAIL_")] == []


def test_the_demo_sends_mail_without_deprecation_warnings():
    code = "from django.core import mail; mail.send_mail('Subject', 'Body', None, ['a@b.example'])"
    result = manage("shell", "--no-imports", "-c", code, env={}, python=STRICT)
    assert result.returncode == 0, result.stderr
    assert "Subject: Subject" in result.stdout
    assert "From: aspire@localhost" in result.stdout


# Faults: short waits for an unreachable database or Redis, jobs that come back


def test_it_waits_three_seconds_at_most_for_a_database_connection():
    assert setting("DATABASES['default']['OPTIONS']['connect_timeout']", PRODUCTION) == 3
    assert setting("DATABASES['default']['OPTIONS']['pool']['timeout']", PRODUCTION) == 3
    shorter = {**PRODUCTION, "DATABASE_CONNECT_TIMEOUT": "1", "DATABASE_POOL": "false"}
    assert setting("DATABASES['default']['OPTIONS']['connect_timeout']", shorter) == 1


def test_it_sets_the_brokers_visibility_timeout_longer_than_the_longest_job():
    from aspire.celery import app

    options = "CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout']"
    assert setting(options, PRODUCTION) == 30 * 60
    assert setting(options, {**PRODUCTION, "JOBS_VISIBILITY_TIMEOUT": "3"}) == 3
    app.loader.import_default_modules()  # every app's tasks, whichever tests ran before
    longest = max(task.time_limit or 0 for task in app.tasks.values())
    assert 0 < longest < 30 * 60
