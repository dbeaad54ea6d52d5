"""Reading and writing one cell of shared/design/data-exchange.md.

A parser turns the text of a cell into a value or raises CellError with a message for
the person who typed it; `formatted` writes a value back so that it parses to itself
(dates ISO, booleans `true`/`false`, empty text for None), which is what makes an
export import back unchanged.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.fields import Country

from aspire import normalise
from programs.fiscal import FIRST_YEAR, LAST_YEAR

TRUE = {"true", "yes", "1"}
FALSE = {"false", "no", "0"}


class CellError(ValueError):
    """A cell that cannot be read; the message says why."""


def text(cell: str) -> str:
    """Free text as written (an export must import back unchanged); blank is empty."""
    return cell if cell.strip() else ""


def code(cell: str) -> str:
    """A code, a reference or a name, as aspire/normalise.py stores it: surrounding spaces
    (of any kind) are never part of it, nor are full-width letters."""
    return normalise.name(cell)


def integer(cell: str) -> int | None:
    if not cell.strip():
        return None
    try:
        return int(cell.strip())
    except ValueError:
        raise CellError(_("%(value)r is not a whole number.") % {"value": cell}) from None


def year(cell: str) -> int | None:
    value = integer(cell)
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise CellError(_("%(value)r is not a fiscal year such as 2025.") % {"value": cell})
    return value


def decimal(cell: str) -> Decimal | None:
    if not cell.strip():
        return None
    try:
        value = Decimal(cell.strip())
    except InvalidOperation:
        raise CellError(_("%(value)r is not a number.") % {"value": cell}) from None
    if not value.is_finite():  # NaN and Infinity parse, but are no score or target
        raise CellError(_("%(value)r is not a number.") % {"value": cell})
    return value


def date(cell: str) -> datetime.date | None:
    if not cell.strip():
        return None
    try:
        return datetime.date.fromisoformat(cell.strip())
    except ValueError:
        message = _("%(value)r is not a date of the form YYYY-MM-DD.") % {"value": cell}
        raise CellError(message) from None


def boolean(cell: str) -> bool | None:
    value = cell.strip().casefold()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellError(_("%(value)r is not one of true/false, yes/no, 1/0.") % {"value": cell})


def country(cell: str) -> str:
    value = cell.strip().upper()
    if value and value not in countries:
        raise CellError(_("%(value)r is not an ISO 3166-1 alpha-2 country code.") % {"value": cell})
    return value


def choice(*allowed: str):
    """A parser for one of a few codes, such as a status."""

    def parse(cell: str) -> str:
        value = cell.strip()
        if value and value not in allowed:
            raise CellError(
                _("%(value)r is not one of %(allowed)s.")
                % {"value": cell, "allowed": ", ".join(allowed)}
            )
        return value

    return parse


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
