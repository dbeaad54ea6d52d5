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
def _no_openalex(settings):
    """Conflict checks never ask the real OpenAlex; `openalex_replay` gives a recorded one."""
    settings.OPENALEX_API_URL = ""


@pytest.fixture
def openalex_replay(settings):
    """OpenAlex replayed from tests/data/openalex by a local server."""
    from tests.openalex_replay import serve

    server, url = serve()
    settings.OPENALEX_API_URL = url
    yield url
    server.shutdown()


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read messages in English; the tests of Japanese ask for it (tests/test_i18n.py)."""
    settings.LANGUAGE_CODE = "en"


def sign_in(client, user):
    """Sign `user` in as the sign-in page would, second factor included: staff and the
    committee (accounts.rules.needs_second_factor) come with a TOTP app and a session that
    has passed it; everyone else just with a password. The requirement itself stays on."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.rules import needs_second_factor

    client.force_login(user)
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, past the second factor as every superuser must be."""
    from django.test import Client

    client = Client()
    sign_in(client, admin_user)
    return client


def totp_code(device) -> str:
    """The code the user's authenticator app shows now for `device`."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
