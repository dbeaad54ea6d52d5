"""schemathesis against the live schema: no server error, no response that breaks it."""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from api.services import create_client
from tests.factories import PaperFactory, ProposalFactory, TargetFactory

# The schema the server serves at /api/schema/, generated the same way (a test below checks
# that they are the same document), so that the operations are known when tests are collected.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))

# The checks the issue asks for; a 400 for a generated bad body is a correct answer.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def write_key(transactional_db) -> dict:
    PaperFactory()  # a little of everything, so detail pages have something to find
    ProposalFactory()
    TargetFactory()
    _client, key = create_client("schemathesis", can_write=True)
    return {"Authorization": f"Token {key}"}


def test_it_serves_the_schema_it_is_tested_against(client):
    served = client.get("/api/schema/?format=json").json()
    assert served["paths"].keys() == schema.raw_schema["paths"].keys()


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_keeps_to_its_schema(case, live_server, write_key):
    # A download (CSV, XLSX, JSON Lines) is no JSON document to validate: it must not fail.
    download = (case.query or {}).get("format") in ("csv", "xlsx", "jsonl")
    checks = [not_a_server_error] if download else CHECKS
    case.call_and_validate(base_url=live_server.url, headers=write_key, checks=checks)
