"""Errors of our own (issue 12): pages in the site's look and both languages, JSON with a
code under /api/, 413 for a body too large, and nothing private left in a cache."""

import json

import pytest
from django.template import loader
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import APIClient as Key
from api.services import create_client
from evaluations.models import Target
from tests.factories import AgencyFactory, MemberFactory, ProgramFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def keyed(can_write: bool = False) -> APIClient:
    _client, key = create_client(f"errors-{Key.objects.count()}", can_write=can_write)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


# --- Pages ---------------------------------------------------------------------------------


@pytest.fixture
def pi():
    report = ReportFactory(status="submitted")  # a submitted report cannot be edited
    return MemberFactory(project=report.project).user, report


def test_it_refuses_in_its_own_page_in_japanese_by_default(client, pi, settings):
    settings.LANGUAGE_CODE = "ja"
    user, report = pi
    client.force_login(user)
    response = client.post(reverse("projects:details", args=[report.pk]))
    assert response.status_code == 403
    assert "aspire.css" in response.text  # the site's look, not a bare "403 Forbidden"
    assert 'lang="ja"' in response.text
    assert "許可されていません" in response.text
    assert "この報告は現在編集できません。" in response.text  # why, as the view said


def test_it_refuses_in_english_when_asked(client, pi):
    user, report = pi
    client.force_login(user)
    response = client.post(reverse("projects:details", args=[report.pk]))
    assert response.status_code == 403
    assert "Not allowed" in response.text
    assert "This report cannot be edited now." in response.text


@pytest.mark.parametrize(
    ("language", "text"), [("ja", "ページが見つかりません"), ("en", "Page not found")]
)
def test_it_answers_an_unknown_page_with_its_own_404(client, settings, language, text):
    settings.LANGUAGE_CODE = language
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert text in response.text
    assert "aspire.css" in response.text


def test_it_renders_the_500_page_without_a_request_or_a_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = loader.get_template("500.html").render()
    assert "Something went wrong" in page
    assert "aspire.css" in page
    assert "csrfmiddlewaretoken" not in page  # no form that could not be posted


def test_it_answers_a_server_error_with_its_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("accounts.views.redirect", broken)
    client.force_login(UserFactory(roles=["pi"]))
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "boom" not in response.text


def test_it_answers_a_too_large_form_with_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(UserFactory(roles=["pi"]))
    response = client.post(
        reverse("login"), "x=" + "a" * 2000, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "Too large" in response.text


# --- The API ---------------------------------------------------------------------------------


def test_it_answers_an_unknown_api_address_with_json_404():
    response = keyed().get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_it_names_the_code_of_each_api_error():
    api = keyed()
    assert api.get("/api/v1/agencies/NOPE/").json() == {
        "detail": "Not found.",  # naming no model (issue 17)
        "code": "not_found",
    }
    refused = api.post("/api/v1/agencies/", {"code": "X"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    anonymous = APIClient().get("/api/v1/agencies/")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    wrong = APIClient(HTTP_AUTHORIZATION="Token nope").get("/api/v1/agencies/")
    assert wrong.json()["code"] == "authentication_failed"
    invalid = keyed(can_write=True).post("/api/v1/agencies/", {"code": "X"}, format="json")
    assert set(invalid.json()) == {"name", "country"}  # field errors keep their shape


def test_it_answers_the_api_in_japanese_by_default(settings):
    settings.LANGUAGE_CODE = "ja"
    response = keyed().get("/api/v1/nothing-here/")
    assert response.json() == {"detail": "見つかりませんでした。", "code": "not_found"}


def test_it_answers_a_server_error_of_the_api_with_json(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("api.views.AgencyViewSet.list", broken)
    api = keyed()
    api.raise_request_exception = False
    response = api.get("/api/v1/agencies/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.text


def test_it_answers_a_nul_character_in_an_api_form_with_json():
    response = keyed(can_write=True).post(
        "/api/v1/targets/", "program=A%00B", content_type="application/x-www-form-urlencoded"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_it_answers_a_too_large_json_body_with_413_before_reading_it(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    ProgramFactory(code="ASPIRE")
    body = {"program": "ASPIRE", "indicator": "g1.proposals", "fiscal_year": 2025, "value": 3}
    body["padding"] = "x" * 2000
    response = keyed(can_write=True).post(
        "/api/v1/targets/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not Target.objects.exists()


def test_it_answers_a_form_upload_to_the_api_with_415_whatever_its_size(settings):
    # The API reads JSON bodies only (one format to document and validate).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = keyed(can_write=True).post(
        "/api/v1/agencies/", {"code": "X", "name": "y" * 2000, "country": "US"}, format="multipart"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


# --- Caches -----------------------------------------------------------------------------------


def test_it_keeps_private_pages_and_api_data_out_of_caches(client, pi):
    user, report = pi
    client.force_login(user)
    for address in [reverse("projects:report", args=[report.pk]), reverse("projects:mine")]:
        assert "no-store" in client.get(address)["Cache-Control"]
    AgencyFactory()
    assert "no-store" in keyed().get("/api/v1/agencies/")["Cache-Control"]
    assert "no-store" in keyed().get("/api/v1/agencies/?format=csv")["Cache-Control"]
