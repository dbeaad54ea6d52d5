"""Reading and writing one cell of shared/design/data-exchange.md.

A parser turns the text of a cell into a value or raises CellError with a message for
the person who typed it; `formatted` writes a value back so that it parses to itself
(dates ISO, booleans `true`/`false`, empty text for None), which is what makes an
export import back unchanged.

Cells are read as Japanese offices write them (issue 13): full-width digits, `2024/4/1`,
`2024年4月1日`, 和暦 (`R6.4.1`, `令和6年4月1日`, `令和元年5月1日`), Excel's serial day
numbers (a date cell saved as CSV from a sheet formatted as a number), `1,000`, はい/いいえ,
and a choice by its label in either language (採択 as well as `adopted`).
"""

import datetime
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.fields import Country

from aspire import countries as aspire_countries
from aspire import normalise
from programs.fiscal import FIRST_YEAR, LAST_YEAR

TRUE = {"true", "yes", "1", "はい", "有", "あり", "○", "〇"}
FALSE = {"false", "no", "0", "いいえ", "無", "なし", "×"}


class CellError(ValueError):
    """A cell that cannot be read; the message says why."""


def text(cell: str) -> str:
    """Free text as written (an export must import back unchanged); blank is empty."""
    return cell if cell.strip() else ""


def code(cell: str) -> str:
    """A code, a reference or a name, as aspire/normalise.py stores it: surrounding spaces
    (of any kind) are never part of it, nor are full-width letters."""
    return normalise.name(cell)


def ror(cell: str) -> str:
    """A ROR id as stored (`057zh3y96`, also from `https://ror.org/057zh3y96`); the
    field's validator checks it."""
    return normalise.ror(cell)


def _plain(cell: str) -> str:
    """Full-width digits and signs as ASCII (NFKC), without surrounding spaces."""
    return unicodedata.normalize("NFKC", cell).strip()


# Thousands separated by commas, as Excel shows amounts: `1,000,000`.
THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")


def _number(cell: str) -> str:
    value = _plain(cell)
    return value.replace(",", "") if THOUSANDS.fullmatch(value) else value


def integer(cell: str) -> int | None:
    if not cell.strip():
        return None
    try:
        return int(_number(cell))
    except ValueError:
        raise CellError(_("%(value)r is not a whole number.") % {"value": cell}) from None


# A fiscal year as the pages show it (FY2024 (令和6年度)) or as offices write it (令和6年度, R6).
FISCAL_YEAR = re.compile(r"FY\s*(\d{4}).*")
ERA_YEAR = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)\s*(年度?)?")


def year(cell: str) -> int | None:
    plain = _plain(cell).upper()
    if match := FISCAL_YEAR.fullmatch(plain):
        return year(match.group(1))
    if match := ERA_YEAR.fullmatch(plain):
        era, number = match.group(1), match.group(2)
        start = ERAS[ERA_LETTERS.get(era, era)].year
        return year(str(start + (1 if number == "元" else int(number)) - 1))
    value = integer(cell)
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise CellError(_("%(value)r is not a fiscal year such as 2025.") % {"value": cell})
    return value


def decimal(cell: str) -> Decimal | None:
    if not cell.strip():
        return None
    try:
        value = Decimal(_number(cell))
    except InvalidOperation:
        raise CellError(_("%(value)r is not a number.") % {"value": cell}) from None
    if not value.is_finite():  # NaN and Infinity parse, but are no score or target
        raise CellError(_("%(value)r is not a number.") % {"value": cell})
    return value


# The first day of each era that 和暦 dates of our time are written in.
ERAS = {
    "明治": datetime.date(1868, 1, 25),
    "大正": datetime.date(1912, 7, 30),
    "昭和": datetime.date(1926, 12, 25),
    "平成": datetime.date(1989, 1, 8),
    "令和": datetime.date(2019, 5, 1),
}
ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
WESTERN = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
JAPANESE = re.compile(
    r"(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
)
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); five digits are
# the dates of 1927 to 2173, so no year or YYYYMMDD is taken for one.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
SERIAL = re.compile(r"\d{5}")
COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def date(cell: str) -> datetime.date | None:
    value = _plain(cell).upper()
    if not value:
        return None
    try:
        return _date(value)
    except ValueError:
        message = _(
            "%(value)r is not a date such as 2024-04-01, 2024/4/1, R6.4.1 or 令和6年4月1日."
        ) % {"value": cell}
        raise CellError(message) from None


def _date(value: str) -> datetime.date:
    """A date in any of the spellings above; ValueError when it is none of them."""
    if SERIAL.fullmatch(value):
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    if match := WESTERN.fullmatch(value) or COMPACT.fullmatch(value):
        return datetime.date(*(int(part) for part in match.groups()))
    if match := JAPANESE.fullmatch(value):
        return _era_date(*match.groups())
    return datetime.date.fromisoformat(value)


def _era_date(era: str, year: str, month: str, day: str) -> datetime.date:
    start = ERAS[ERA_LETTERS.get(era, era)]
    number = 1 if year == "元" else int(year)
    value = datetime.date(start.year + number - 1, int(month), int(day))
    if value < start:  # 令和1年4月1日 was still 平成
        raise ValueError(value)
    return value


def boolean(cell: str) -> bool | None:
    value = _plain(cell).casefold()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellError(_("%(value)r is not one of true/false, yes/no, 1/0.") % {"value": cell})


def country(cell: str) -> str:
    """An ISO code, or a country's name in Japanese or English (ドイツ, Germany)."""
    value = _country_code(cell)
    if cell.strip() and not value:
        message = _("%(value)r is not a country: an ISO code such as DE, or its name.")
        raise CellError(message % {"value": cell})
    return value


@functools.lru_cache(maxsize=4096)  # a cell a row, and few countries: asked once each
def _country_code(cell: str) -> str:
    value = _plain(cell).upper()
    if value and value not in countries:
        value = aspire_countries.code_for(_plain(cell))  # グルジア and ジョージア alike
    return value


def choice(*allowed: str, labels: type[TextChoices] | None = None):
    """A parser for one of a few codes, such as a status; with `labels`, a code may also
    be given by its label in Japanese or English (採択, adopted), as the pages show it."""

    def parse(cell: str) -> str:
        value = cell.strip()
        if labels is not None:
            value = _labelled(labels).get(_label_key(value), value)
        if value and value not in allowed:
            raise CellError(
                _("%(value)r is not one of %(allowed)s.")
                % {"value": cell, "allowed": ", ".join(allowed)}
            )
        return value

    return parse


def choice_of(choices: type[TextChoices]):
    """A parser for one of a model's choices, by code or by label."""
    return choice(*choices.values, labels=choices)


def _label_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


@functools.cache  # a cell a row: the labels are the catalogue's, which a process never changes
def _labelled(choices: type[TextChoices]) -> dict[str, str]:
    """Each choice's label, in both languages, to its code."""
    found = {}
    for language in ("en", "ja"):
        with translation.override(language):
            found.update((_label_key(str(label)), value) for value, label in choices.choices)
    return found


def codes(cell: str) -> list[str]:
    """Codes separated by `;`, as partner agencies are written."""
    return [normalise.name(code) for code in cell.split(";") if code.strip()]


def formatted(value) -> str:
    """The canonical text of a value: an export imports back to the same record."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Country):
        return value.code or ""
    if isinstance(value, list | tuple):
        return ";".join(formatted(item) for item in value)
    return str(value)
