"""Japanese by default, English one click away; fiscal years as FY2024 (令和6年度)."""

import subprocess
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from programs.fiscal import format_fiscal_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _japanese_by_default(settings):
    settings.LANGUAGE_CODE = "ja"  # as aspire/settings.py says; the suite's default is English


def test_it_speaks_japanese_by_default(client):
    response = client.get(reverse("login"))
    assert '<html lang="ja">' in response.text
    assert "ログイン" in response.text


def test_it_switches_to_english_in_one_click(client):
    switcher = client.get(reverse("login")).text
    assert 'name="language" value="en"' in switcher
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    response = client.get(reverse("login"))
    assert '<html lang="en">' in response.text
    assert "Sign in" in response.text


def test_it_offers_the_switcher_in_the_admin(admin_client):
    page = admin_client.get(reverse("admin:index")).text
    assert reverse("set_language") in page
    assert 'value="en"' in page


@pytest.mark.parametrize(
    ("year", "shown"),
    [(2024, "FY2024 (令和6年度)"), (2019, "FY2019 (令和元年度)"), (2018, "FY2018 (平成30年度)")],
)
def test_it_shows_fiscal_years_with_the_japanese_era(year, shown):
    with translation.override("en"):
        assert format_fiscal_year(year) == shown
        assert (
            Template("{% load fiscal %}{{ y|fiscal_year }}").render(Context({"y": year})) == shown
        )


LOCALE = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES"


def test_it_has_a_japanese_translation_for_every_message():
    entries = (LOCALE / "django.po").read_text().split("\n\n")[1:]  # after the header
    empty = ('msgstr ""', 'msgstr[0] ""')
    untranslated = [entry for entry in entries if entry.rstrip().endswith(empty)]
    assert untranslated == []


def test_it_ships_the_compiled_catalogue_of_the_current_messages(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", compiled, LOCALE / "django.po"], check=True)
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes()
