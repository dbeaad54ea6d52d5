"""What every app may ask of the database beyond the ORM."""

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.db.models.expressions import RawSQL


def copy_rows(
    model: type[models.Model],
    attnames: list[str],
    rows: Iterable[Sequence],
    binary: bool = False,
) -> int:
    """PostgreSQL's COPY of `rows` (values in the order of `attnames`, ready for the
    database) into the model's table: many times faster than INSERTs for thousands of rows.
    Returns how many rows went in. On the same connection, hence in its transaction.
    `binary`: in PostgreSQL's binary format, which neither psycopg nor the server need
    spell out and parse again as text; each value must then be of its column's Python
    type exactly (an int for an integer, a Decimal for a numeric, a str for a text)."""
    quote, by_attname = connection.ops.quote_name, {f.attname: f for f in model._meta.fields}
    fields = [by_attname[name] for name in attnames]
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    if binary:
        statement += " (FORMAT BINARY)"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        if binary:  # the column's type without its modifiers: varchar(40) is varchar
            copy.set_types([field.db_type(connection).split("(")[0] for field in fields])
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def among(values: Iterable, of: str = "text") -> list | RawSQL:
    """The right-hand side of `field__in=` for thousands of values: on PostgreSQL one array
    parameter (`IN (SELECT unnest(%s))`) rather than a placeholder each, which Django and
    psycopg would spell out and parse again value by value. The values must be as the
    field stores them (normalised: aspire/fields.py's lookups are bypassed); `of` is their
    SQL type."""
    values = list(values)
    if connection.vendor != "postgresql":
        return values
    return RawSQL(f"SELECT unnest(%s::{of}[])", [values])  # noqa: S611 (`of` is ours)
