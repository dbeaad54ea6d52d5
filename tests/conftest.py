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


@pytest.fixture
def source_replay(settings):
    """researchmap and ORCID replayed from tests/data by a local server: never the network."""
    from tests.source_replay import Replay, serve

    server, url = serve()
    Replay.requests = []
    settings.RESEARCHMAP_API_URL = f"{url}/researchmap"
    settings.ORCID_API_URL = f"{url}/orcid"
    yield Replay
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


@pytest.fixture
def jobs_in_process(settings):
    """Jobs run in the request, as the demo runs them (JOBS_EAGER): for the tests of pages
    whose work is a job (imports and uploads). Real workers: tests/celery_worker.py."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


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


# --- API clients, shared by the tests of the API (tests/test_api*.py) ---------------------


def api_with_key(key: str):
    """An API test client that sends `key` as every other system does (`Token …`)."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def keyed_client(name: str = "analytics", **options):
    """An API test client holding a new key named `name` (api.services.create_client's
    options: can_write, programs, …)."""
    from api.services import create_client

    _client, key = create_client(name, **options)
    return api_with_key(key)


def staff_client():
    """An API test client signed in as staff (past the second factor), without a key."""
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    api = APIClient()
    sign_in(api, UserFactory(roles=["staff"]))
    return api


@pytest.fixture
def keyed(db):
    """A client holding a read-only key of every program."""
    return keyed_client("analytics")


@pytest.fixture
def writer(db):
    """A client holding a write key of every program."""
    return keyed_client("loader", can_write=True)


@pytest.fixture
def staff(db):
    """A client signed in as staff: drafts and personal columns are theirs to read."""
    return staff_client()


@pytest.fixture
def demo(db):
    """The demo's data (load_demo), as the API's tests of whole kinds read it."""
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


def totp_code(device) -> str:
    """The code the user's authenticator app shows now for `device`."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
