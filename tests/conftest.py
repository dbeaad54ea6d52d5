import os

import pytest
from django.db import connection


@pytest.fixture(autouse=True, scope="session")
def _postgres_in_ci(django_db_setup, django_db_blocker):
    """In CI the suite runs on PostgreSQL; a silent fall-back to SQLite would hide bugs."""
    if os.environ.get("CI") == "true":
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "CI must run the suite on PostgreSQL"
