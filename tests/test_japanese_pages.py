"""Every page a program officer works on reads in Japanese (issue 13): no English left,
Django's and the libraries' own messages, group and permission names and statuses
included. The data shown (names, titles, codes as typed) is no message and is left out."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from exchange.kinds import KINDS
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.japanese import data_values, english
from tests.test_admin import make_one_of_everything

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]


def _try(name: str, *args) -> list[str]:
    try:
        return [reverse(name, args=args)]
    except NoReverseMatch:
        return []


def officer_pages() -> list[str]:
    """The admin's index, and per model its list, add page, a record and its history;
    the report queue, the dashboards, and the import and export of every kind."""
    pages = [reverse("admin:index"), reverse("projects:queue"), reverse("evaluations:index")]
    for model in admin.site._registry:
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += _try(f"{base}_changelist") + _try(f"{base}_add")
        first = model._default_manager.first()
        if first is not None:
            pages += _try(f"{base}_change", first.pk) + _try(f"{base}_history", first.pk)
    for kind in KINDS:
        pages += [reverse("exchange:import", args=[kind]), reverse("exchange:export", args=[kind])]
    return pages


def test_it_leaves_no_english_on_an_officers_japanese_pages(client, settings):
    settings.LANGUAGE_CODE = "ja"
    make_one_of_everything()
    sign_in(client, UserFactory(roles=["staff"], is_staff=True))
    data = data_values()
    found = {}
    for page in officer_pages():
        response = client.get(page, HTTP_ACCEPT_LANGUAGE="ja")
        if response.status_code != 200:  # not an officer's page (the machinery)
            continue
        for run in english(response.content.decode(), data):
            found.setdefault(run, page)
    assert found == {}
