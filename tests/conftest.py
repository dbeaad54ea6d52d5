import os

import pytest
from django.db import connection
from pytest_django.fixtures import _set_suffix_to_test_databases


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """A test database per run, so that two runs on one machine never drop each other's."""
    _set_suffix_to_test_databases(suffix=str(os.getpid()))


@pytest.fixture(autouse=True, scope="session")
def _postgres_in_ci(django_db_setup, django_db_blocker):
    """In CI the suite runs on PostgreSQL; a silent fall-back to SQLite would hide bugs."""
    if os.environ.get("CI") == "true":
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "CI must run the suite on PostgreSQL"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A cache per test: API rate budgets and lockouts must not leak between tests or runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password per user: a fast hasher keeps big data sets quick to build."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def crossref_replay(settings):
    """Crossref replayed from tests/data/crossref by a local server: never the network."""
    from tests.crossref_replay import serve

    server, url = serve()
    settings.CROSSREF_API_URL = url
    yield url
    server.shutdown()


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read messages in English; the tests of Japanese ask for it (tests/test_i18n.py)."""
    settings.LANGUAGE_CODE = "en"
