"""Countries as people now name them, in the page's language and its order (aspire/countries.py)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django_countries.fields import Country

from aspire import countries
from exchange import cells
from projects.models import ReportStatus
from tests.conftest import sign_in
from tests.factories import MemberFactory, ReportFactory


def _options(html: str, select_id: str) -> list[str]:
    """The names a <select> offers, in its order (the blank choice left out)."""
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="(\w*)"[^>]*>([^<]*)<', select)
    return [name for code, name in options if code]


@pytest.fixture
def page(client, settings, db):
    report = ReportFactory(status=ReportStatus.DRAFT)
    sign_in(client, MemberFactory(project=report.project).user)

    def get(language: str) -> str:
        settings.LANGUAGE_CODE = language
        url = reverse("projects:report", args=[report.pk])
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language).text

    return get


def test_it_offers_japanese_names_in_reading_order_on_japanese_pages(page):
    names = _options(page("ja"), "id_presentations-country")
    assert "ジョージア" in names and "グルジア" not in names
    assert names[:3] == ["アイスランド", "アイルランド", "アゼルバイジャン"]
    # Names written in kanji sit where they are read: 日本 (にほん), 韓国 (かんこく).
    assert names[names.index("日本") - 1 : names.index("日本") + 2] == [
        "西サハラ",
        "日本",
        "ニューカレドニア",
    ]
    assert names.index("カメルーン") < names.index("韓国") < names.index("ガンビア")
    # A voiced kana sorts as its plain one: ニジェール (にしえる) after ニカラグア.
    assert names.index("ニカラグア") < names.index("ニジェール")
    assert "香港" in names  # CLDR's short name, not 中華人民共和国香港特別行政区
    # Every section's list reads so: the stay country and the event and hub countries.
    assert _options(page("ja"), "id_exchanges-country") == names
    assert _options(page("ja"), "id_events-country") == names


def test_it_offers_english_names_alphabetically_on_english_pages(page):
    names = _options(page("en"), "id_presentations-country")
    assert names[:3] == ["Afghanistan", "Åland Islands", "Albania"]  # Å read as A
    assert names.index("Costa Rica") < names.index("Côte d’Ivoire") < names.index("Croatia")
    assert "Türkiye" in names and "Georgia" in names and "South Korea" in names
    assert names == sorted(names, key=countries.english_key)


def test_it_names_a_saved_country_in_the_page_language():
    with translation.override("ja"):
        assert Country("GE").name == "ジョージア"
        assert Country("HK").name == "香港"
    with translation.override("en"):
        assert Country("GE").name == "Georgia"
        assert Country("KR").name == "South Korea"


def test_it_has_a_reading_for_every_japanese_name_that_starts_with_kanji():
    """A new or renamed country in a CLDR update fails here until its reading is added."""
    unread = [
        name
        for name in countries.names("ja").values()
        if not re.match(r"[\u3040-\u30ff]", name) and name not in countries.READINGS
    ]
    assert unread == []


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ジョージア", "GE"),
        ("グルジア", "GE"),  # the old name, in spreadsheets of earlier years
        ("Georgia", "GE"),
        ("韓国", "KR"),
        ("韓国(大韓民国)", "KR"),
        ("Korea (the Republic of)", "KR"),
        ("South Korea", "KR"),
        ("中華人民共和国香港特別行政区", "HK"),
        ("Swaziland", "SZ"),
        ("ドイツ", "DE"),
    ],
)
def test_it_reads_a_country_by_any_name_now_or_formerly(name, code):
    assert countries.code_for(name) == code
    assert cells.country(name) == code


def test_it_sorts_kana_as_japanese_dictionaries_do():
    readings = ["ガーナ", "カーボベルデ", "カタール", "かなだ", "ガボン"]
    # ー is read as the vowel before it (ガーナ: かあな), voiced after plain on a tie.
    assert sorted(readings, key=countries.kana_key) == [
        "ガーナ",
        "カーボベルデ",
        "カタール",
        "かなだ",
        "ガボン",
    ]
