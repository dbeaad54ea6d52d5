"""Keyset pagination: {next, previous, results}, 50 rows a page, the same cost on every page.

Page numbers and a total `count` cost a COUNT(*) of the whole filtered list on every page and
an OFFSET that reads every row before the page: at a million proposals that is most of a
second per page, and crawling a list page by page grows with the square of its length. The
cursor instead names the last row seen (its values of the ordering), and the next page is
"the rows after it" — an index range scan, the same cost on page 1 and page 20,000. Any
`ordering` a list allows still works: the primary key breaks ties, NULLs sort where
PostgreSQL puts them (last ascending, first descending), so no row is skipped or repeated.
Going up a nullable column (a final score), the page where the values end reads the NULLs
that follow them with one more query, so that every other page stays one index range.
Totals are what the indicators endpoint is for.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.template import loader
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

Key = tuple[str, bool]  # (field path, descending)


class Pages(BasePagination):
    """`?cursor=` from the `next` or `previous` link; `page_size` up to 500."""

    page_size = 50
    max_page_size = 500
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    template = "rest_framework/pagination/previous_and_next.html"

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        if "page" in request.query_params:
            # Silently answering page 1 to a client counting pages would loop it for ever.
            raise exceptions.ValidationError(
                {"page": _("Pages are not numbered: follow the `next` link.")}
            )
        self.request = request
        self.base_url = request.build_absolute_uri()
        keys = ordering_keys(queryset)
        values, backwards = self._decode(request, len(keys))
        nulls = None  # the rows whose first key is NULL, when they come after the page's start
        if values is not None:
            model, (first, desc) = queryset.model, keys[0]
            # Going up a nullable column from a value, the NULLs come after every value: no
            # index range holds both, so they are read apart, once the values run out.
            split = values[0] is not None and desc == backwards and _column(model, first)[1]
            try:
                if split:
                    nulls = queryset.filter(**{f"{first}__isnull": True})
                after = _rows_after(model, keys, values, backwards, nulls_after=not split)
                queryset = queryset.filter(after)
            except (ValueError, TypeError, ValidationError):
                raise _bad_cursor() from None  # a value of the wrong type: 400, not 500
        size = self.page_size_of(request)
        order = [f"{'-' if desc != backwards else ''}{name}" for name, desc in keys]
        rows = list(queryset.order_by(*order)[: size + 1])
        if nulls is not None and len(rows) <= size:  # the page reaches the NULLs
            rows += nulls.order_by(*order)[: size + 1 - len(rows)]
        more, rows = len(rows) > size, rows[:size]
        if backwards:
            rows.reverse()
        # Going forward, a next page exists when a row more was found; a previous one when
        # we came from somewhere (and the other way round going backwards).
        came = values is not None
        has_next, has_previous = (came, more) if backwards else (more, came)
        model = queryset.model
        self.next_values = _values(rows[-1], model, keys) if rows and has_next else None
        self.previous_values = _values(rows[0], model, keys) if rows and has_previous else None
        self.display_page_controls = bool(self.next_values or self.previous_values)
        return rows

    def get_paginated_response(self, data) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_next_link(self) -> str | None:
        return self._link(self.next_values, backwards=False)

    def get_previous_link(self) -> str | None:
        return self._link(self.previous_values, backwards=True)

    def get_html_context(self) -> dict:
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}

    def to_html(self) -> str:
        return loader.get_template(self.template).render(self.get_html_context())

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: take it from the `next` or `previous` "
                "link of the page before (pages are not numbered).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, {self.page_size} unless asked; at most "
                f"{self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def page_size_of(self, request) -> int:
        """The size asked, from 1 to max_page_size; anything else is a 400 (a silent 50
        would hide the client's mistake)."""
        asked = request.query_params.get(self.page_size_query_param)
        if not asked:  # an empty value is no value, as a form sends an untouched field
            return self.page_size
        if not asked.isdigit() or not 1 <= int(asked) <= self.max_page_size:
            message = _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(asked)

    def _link(self, values: list | None, backwards: bool) -> str | None:
        if values is None:
            return None
        token = json.dumps({"v": values, "b": backwards}, separators=(",", ":"))
        cursor = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def _decode(self, request, length: int) -> tuple[list | None, bool]:
        cursor = request.query_params.get(self.cursor_query_param)
        if not cursor:
            return None, False
        try:
            decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            values, backwards = decoded["v"], decoded["b"]
        except (binascii.Error, ValueError, KeyError, TypeError):
            raise _bad_cursor() from None
        if not isinstance(values, list) or len(values) != length or type(backwards) is not bool:
            raise _bad_cursor()  # e.g. a cursor made under another `ordering`
        return values, backwards


def _bad_cursor() -> exceptions.NotFound:
    """404, as DRF's own cursor pagination answers: a cursor addresses a page, and a cursor
    that no link gave addresses none (a well-formed request for a page that is not there)."""
    return exceptions.NotFound({"cursor": [_("This cursor is invalid: follow a link.")]})


def ordering_keys(queryset: QuerySet) -> list[Key]:
    """The list's ordering, up to its first unique column, else with the primary key added."""
    keys: list[Key] = []
    for term in queryset.query.order_by or ("pk",):
        name = str(term)
        desc, name = name.startswith("-"), name.lstrip("-")
        name = "pk" if name in ("pk", "id") else name
        keys.append((name, desc))
        if _unique(queryset.model, name):
            return keys
    return [*keys, ("pk", False)]


def _column(model: type[Model], path: str) -> tuple[object | None, bool]:
    """The model field at the end of `path` (None for an annotation), and whether the value
    can be NULL: a nullable field, or one reached through a nullable foreign key."""
    field, nullable = None, False
    for part in path.split("__"):
        try:
            field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist:
            return None, True
        nullable = nullable or field.null
        model = field.related_model or model
    return field, nullable


def _unique(model: type[Model], path: str) -> bool:
    field, nullable = _column(model, path)
    if path == "pk":
        return True
    return "__" not in path and field is not None and field.unique and not nullable


def _rows_after(
    model: type[Model], keys: Sequence[Key], values: list, backwards: bool, nulls_after=True
) -> Q:
    """The rows that come after `values` in the ordering (before them when `backwards`);
    without the rows whose first key is NULL when not `nulls_after` (the caller reads
    those apart)."""
    after, same = Q(pk__in=[]), Q()
    for (name, desc), value in zip(keys, values, strict=True):
        after |= same & _beyond(model, name, desc != backwards, value)
        same &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    (first, desc), start = keys[0], values[0]
    descending = desc != backwards
    # Going down, NULLs come first: every row after a value is at or below it, nullable or
    # not (a final score). Going up they come last, after every value: bounded only once
    # they are left out.
    bounded = descending or not _column(model, first)[1] or not nulls_after
    if not nulls_after:
        after &= Q(**{f"{first}__isnull": False})
    if len(keys) > 1 and start is not None and bounded:
        # Implied by the OR above, but only this form lets an index start at the cursor.
        after &= Q(**{f"{first}__lte" if descending else f"{first}__gte": start})
    return after


def _beyond(model: type[Model], name: str, desc: bool, value) -> Q:
    """Rows strictly past `value` in one column; PostgreSQL puts NULLs last ascending."""
    _field, nullable = _column(model, name)
    if value is None:
        return Q(**{f"{name}__isnull": False}) if desc else Q(pk__in=[])
    past = Q(**{f"{name}__lt" if desc else f"{name}__gt": value})
    return past | Q(**{f"{name}__isnull": True}) if nullable and not desc else past


def _values(row: Model | dict, model: type[Model], keys: Sequence[Key]) -> list:
    return [_plain(model, name, _attribute(row, name)) for name, _desc in keys]


def _attribute(row: Model | dict, path: str):
    if isinstance(row, dict):  # a `.values()` row, which holds the ordering's columns
        return row[path]
    value = row
    for part in path.split("__"):
        value = getattr(value, part) if value is not None else None
    return value


def _plain(model: type[Model], path: str, value):
    """A JSON-safe value that a lookup on the same column accepts back, whatever the
    field's Python type: the field's own database form first (a Country becomes its code,
    a related row its key), then text for what JSON has no type for (dates, decimals,
    UUIDs), as lookups parse it back."""
    if value is None:
        return None
    if isinstance(value, Model):
        value = value.pk
    field, _nullable = _column(model, path)
    if field is not None and not field.is_relation:
        value = field.get_prep_value(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)  # Decimal, UUID and any other type a column holds
