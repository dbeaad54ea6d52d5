"""The `fiscal_year` template filter: FY2024 (令和6年度) in either language."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from programs.fiscal import fiscal_year, fiscal_year_end, fiscal_year_start, format_fiscal_year


def render(value, language="ja") -> str:
    with translation.override(language):
        return Template("{% load fiscal %}{{ value|fiscal_year }}").render(
            Context({"value": value})
        )


@pytest.mark.parametrize(
    ("year", "shown"),
    [
        (2024, "FY2024 (令和6年度)"),
        (2020, "FY2020 (令和2年度)"),
        (2019, "FY2019 (令和元年度)"),  # the first year of an era is 元
        (2018, "FY2018 (平成30年度)"),
        (1989, "FY1989 (平成元年度)"),
    ],
)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_it_shows_the_fiscal_year_with_the_japanese_era(year, shown, language):
    assert render(year, language) == shown
    with translation.override(language):
        assert format_fiscal_year(year) == shown


def test_it_reads_a_year_given_as_text():
    assert render("2025") == "FY2025 (令和7年度)"


@pytest.mark.parametrize("value", [None, ""])
def test_it_shows_nothing_for_no_year(value):
    assert render(value) == ""


def test_it_leaves_what_is_not_a_year_alone():
    assert render("<b>soon</b>") == "&lt;b&gt;soon&lt;/b&gt;"  # unchanged, and still escaped


def test_it_works_inside_a_translated_sentence():
    template = Template(
        "{% load i18n fiscal %}{% blocktranslate with year=y|fiscal_year %}"
        "Report {{ year }}{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert template.render(Context({"y": 2024})) == "Report FY2024 (令和6年度)"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2024, 4, 1), 2024),
        (datetime.date(2025, 3, 31), 2024),
        (datetime.date(2025, 4, 1), 2025),
    ],
)
def test_fiscal_years_run_from_april_to_march(day, year):
    assert fiscal_year(day) == year
    assert fiscal_year_start(year) <= day <= fiscal_year_end(year)
