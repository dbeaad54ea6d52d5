"""Japanese fiscal years (年度): FY N runs from 1 April N to 31 March N+1."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

# Fiscal years as people write them; anything else is a typo (and would not fit the column).
FIRST_YEAR, LAST_YEAR = 1900, 2999
# A model field of a fiscal year refuses others at every door (admin, import, API).
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]

# (first Gregorian year of the era, era name): 令和 began in 2019, 平成 in 1989.
ERAS = [(2019, "令和"), (1989, "平成")]


def fiscal_year(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(year: int) -> datetime.date:
    return datetime.date(year, 4, 1)


def fiscal_year_end(year: int) -> datetime.date:
    return datetime.date(year + 1, 3, 31)


def japanese_year(year: int) -> str:
    """令和6 for 2024; the first year of an era is 元 (令和元 for 2019)."""
    for first, era in ERAS:
        if year >= first:
            number = year - first + 1
            return f"{era}{'元' if number == 1 else number}"
    return str(year)


def format_fiscal_year(year: int) -> str:
    """FY2024 (令和6年度): the form staff and the committee read in both languages."""
    return _("FY%(year)s (%(japanese)s年度)") % {"year": year, "japanese": japanese_year(year)}
