"""A client generated from the schema by openapi-python-client (a generator from PyPI):
ASCII names only, and it reads every list of a live server with the demo's data."""

import importlib
import inspect
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from api.services import create_client

STAFF_ONLY = {"v1_reviews_list", "v1_surveys_list"}


@pytest.fixture
def generated(tmp_path: Path):
    import json

    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    (tmp_path / "schema.json").write_text(json.dumps(schema, default=str))
    (tmp_path / "config.yml").write_text(
        "project_name_override: aspire-client\npackage_name_override: aspire_client\n"
        "post_hooks: []\n"
    )
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [generator, "generate", "--path", "schema.json", "--config", "config.yml"]
        + ["--meta", "none"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(tmp_path))
    yield tmp_path / "aspire_client"
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.startswith("aspire_client")]:
        del sys.modules[name]


def test_it_generates_a_client_that_reads_every_list(generated, live_server, transactional_db):
    names = [path.name for path in generated.rglob("*.py")]
    assert all(name.isascii() for name in names)
    call_command("load_demo", stdout=io.StringIO())
    _client, key = create_client("generated")
    package = importlib.import_module("aspire_client")
    client = package.AuthenticatedClient(base_url=live_server.url, token=key, prefix="Token")
    lists = sorted(path.stem for path in (generated / "api" / "v1").glob("v1_*_list.py"))
    assert len(lists) >= 17
    for name in lists:
        endpoint = importlib.import_module(f"aspire_client.api.v1.{name}")
        needs_program = "program" in inspect.signature(endpoint.sync_detailed).parameters
        extra = {"program": "ASPIRE"} if needs_program else {}
        response = endpoint.sync_detailed(client=client, **extra)
        if name in STAFF_ONLY:
            assert response.status_code == 403, name  # personal or confidential: staff only
            continue
        assert response.status_code == 200, name
        page = response.parsed
        rows = page if isinstance(page, list) else page.results  # a table or a page
        assert isinstance(rows, list), name
        assert rows or name == "v1_evaluations_list", name  # the demo has rows
