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


def derived_sql(model: type[models.Model], columns: list[str], source: models.QuerySet):
    """What a statement writing `source`'s rows into the model's `columns` needs, quoted:
    (table, column names, the source's aliases in the same order, its SQL, its params)."""
    quote = connection.ops.quote_name
    sql, params = source.order_by().query.sql_with_params()
    aliases = [quote(name) for name in source.query.annotation_select]
    names = [quote(model._meta.get_field(c.removesuffix("_id")).column) for c in columns]
    return quote(model._meta.db_table), names, aliases, sql, params


def sync_rows(
    scope: models.QuerySet, columns: list[str], source: models.QuerySet, nullable: set[str]
) -> None:
    """Make the stored rows of `scope` (a table of figures derived from other rows) those
    `source` computes from the raw rows, in two set-based statements: delete the stored
    rows no computed row matches, then insert the computed rows no stored row matches. A
    row that is right stays as it is (same id), so that refreshing twice changes nothing.
    `source` selects, in the order of `columns`, one annotation per column; `nullable`
    names the columns compared as NULL-equal."""
    table, names, aliases, sql, params = derived_sql(scope.model, columns, source)
    same = " IS NOT DISTINCT FROM " if connection.vendor == "postgresql" else " IS "
    match = " AND ".join(
        f"stored.{name}{same if column in nullable else ' = '}source.{alias}"
        for column, name, alias in zip(columns, names, aliases, strict=True)
    )
    # Table and column names come from our models; values only as parameters.
    matched = f"SELECT stored.id FROM {table} AS stored JOIN ({sql}) AS source ON {match}"  # noqa: S608
    scope.exclude(pk__in=RawSQL(matched, params)).delete()  # noqa: S611
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(aliases)} FROM ({sql}) AS source "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS stored WHERE {match})",
            params,
        )
