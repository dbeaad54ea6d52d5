"""Japanese by default, English one click away, in the admin and on Aspire's own pages."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as project_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def _japanese_by_default(settings):
    settings.LANGUAGE_CODE = "ja"  # as aspire/settings.py says; the suite's default is English


def switcher(page: str) -> str:
    """The language switcher's form in a page ('' when there is none)."""
    found = re.search(r'<form[^>]*action="/i18n/setlang/".*?</form>', page, re.S)
    return found.group(0) if found else ""


def choose(client, language: str, next_url: str):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_the_project_speaks_japanese_first():
    assert project_settings.LANGUAGE_CODE == "ja"
    assert [code for code, _name in project_settings.LANGUAGES] == ["ja", "en"]


def test_the_admin_sign_in_page_is_japanese_by_default(client):
    page = client.get(ADMIN_LOGIN).text
    assert '<html lang="ja"' in page
    assert "ログイン" in page
    assert '<div id="site-name"><a href="/admin/">Aspire</a></div>' in page


def test_the_admin_sign_in_page_is_english_after_choosing_it(client):
    response = choose(client, "en", ADMIN_LOGIN)
    assert response.status_code == 302
    assert response["Location"] == ADMIN_LOGIN
    page = client.get(ADMIN_LOGIN).text
    assert '<html lang="en"' in page
    assert "Log in" in page
    assert "ログイン" not in page


def test_the_admin_sign_in_page_offers_both_languages_without_script(client):
    form = switcher(client.get(ADMIN_LOGIN + "?next=/admin/").text)
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/admin/login/?next=/admin/">' in form
    assert 'name="language" value="ja"' in form
    assert 'name="language" value="en"' in form
    assert 'value="ja" lang="ja" aria-current="true"' in form  # the current language is marked
    # The Content Security Policy allows no inline script: one submit button per language.
    assert "<script" not in form
    assert not re.search(r"\son[a-z]+=", form)


def test_the_admin_offers_the_switcher_once_signed_in(admin_client):
    page = admin_client.get(reverse("admin:index")).text
    form = switcher(page)
    assert 'name="language" value="en"' in form
    assert page.count('action="/i18n/setlang/"') == 1
    assert choose(admin_client, "en", "/admin/").status_code == 302
    assert '<html lang="en"' in admin_client.get(reverse("admin:index")).text


def test_aspire_pages_speak_japanese_by_default(client):
    page = client.get(reverse("login")).text
    assert '<html lang="ja">' in page
    assert "ログイン" in page
    assert 'name="language" value="en"' in switcher(page)


def test_aspire_pages_switch_to_english_in_one_click(client):
    choose(client, "en", reverse("login"))
    page = client.get(reverse("login")).text
    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert 'value="en" lang="en" aria-current="true"' in switcher(page)


def test_aspire_pages_load_only_local_static_files(client):
    page = client.get(reverse("login")).text
    assert not re.search(r'(src|href)="(https?:)?//', page)


LOCALE = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES"
VENDOR = Path(__file__).resolve().parent.parent / "aspire" / "translations" / "ja" / "LC_MESSAGES"


def test_it_has_a_japanese_translation_for_every_message():
    entries = (LOCALE / "django.po").read_text().split("\n\n")[1:]  # after the header
    empty = ('msgstr ""', 'msgstr[0] ""')
    untranslated = [entry for entry in entries if entry.rstrip().endswith(empty)]
    assert untranslated == []


@pytest.mark.parametrize("locale", [LOCALE, VENDOR], ids=["ours", "the libraries'"])
def test_it_ships_the_compiled_catalogue_of_the_current_messages(tmp_path, locale):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", compiled, locale / "django.po"], check=True)
    assert compiled.read_bytes() == (locale / "django.mo").read_bytes()
