"""How much a file may hold, checked before (or while, never after) it is parsed.

Every door that reads a table (the admin's import, a PI's upload, `import_data`, the
import jobs) goes through exchange.services.read_table, and read_table through these
checks, so that the limits are stated once, in settings (IMPORT_MAX_*, read from the
environment):

- the upload's size, before anything reads it (the forms and the command);
- an XLSX's size once unpacked: the sum of its members' sizes as the zip's directory
  states them (Python's zipfile never unpacks more than the directory says), and the
  ratio of each large member's unpacked to packed size. A zip bomb (4 MB holding
  930 MB of XML) is refused from its directory, in milliseconds, without unpacking a byte;
- rows, columns and cells, counted while the rows are read: reading stops at the first
  row over a limit, so that a file of a million empty rows is not read to its end.

A file over a limit is refused with one message that names the limit; nothing is written.
"""

import dataclasses
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A member this small is never a bomb, whatever its ratio (an empty sheet packs 1:50).
RATIO_FROM_BYTES = 1024 * 1024
# A CSV line this long (characters) is refused before the csv module splits it into cells:
# a line of 50 MB of commas would otherwise be 50 million cells in memory at once. Ten
# times the longest free text a model takes (20,000 characters) on every column.
LONGEST_LINE = 2_000_000


class TooLarge(ValueError):
    """A file over one of the limits; the message says which, for the person uploading."""


@dataclasses.dataclass(frozen=True)
class Limits:
    bytes: int  # the file as uploaded
    unpacked: int  # an XLSX's members, unpacked
    ratio: int  # unpacked / packed size of one member
    rows: int  # below the header
    columns: int
    cells: int  # rows × columns as read


def limits() -> Limits:
    """The limits as configured now (read when used, so that tests can change them)."""
    return Limits(
        bytes=settings.IMPORT_MAX_BYTES,
        unpacked=settings.IMPORT_MAX_UNPACKED_BYTES,
        ratio=settings.IMPORT_MAX_PACKING_RATIO,
        rows=settings.IMPORT_MAX_ROWS,
        columns=settings.IMPORT_MAX_COLUMNS,
        cells=settings.IMPORT_MAX_CELLS,
    )


def check_size(size: int) -> None:
    """The upload as it arrives: before anything reads it."""
    limit = limits().bytes
    if size > limit:
        message = _("The file is %(size)s; at most %(limit)s may be imported at once.")
        raise TooLarge(message % {"size": filesizeformat(size), "limit": filesizeformat(limit)})


def check_archive(content: bytes) -> None:
    """An XLSX (a zip) from its directory alone: what it would unpack to, member by member.

    A file that is no zip is left to the reader, which says so in its own words."""
    check_size(len(content))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return
    bound = limits()
    total = sum(member.file_size for member in members)
    if total > bound.unpacked:
        message = _(
            "The workbook unpacks to %(size)s; at most %(limit)s may be imported at once. "
            "Split it into smaller files."
        )
        sizes = {"size": filesizeformat(total), "limit": filesizeformat(bound.unpacked)}
        raise TooLarge(message % sizes)
    for member in members:
        packed = max(member.compress_size, 1)
        if member.file_size > RATIO_FROM_BYTES and member.file_size / packed > bound.ratio:
            message = _(
                "The workbook's part %(name)s unpacks %(ratio)d times larger than it is "
                "stored, which no spreadsheet does (at most %(limit)d times): it is refused "
                "as a zip bomb."
            )
            ratio = member.file_size // packed
            names = {"name": member.filename, "ratio": ratio, "limit": bound.ratio}
            raise TooLarge(message % names)


def bounded(rows: Iterable[Sequence]) -> Iterator[Sequence]:
    """The rows (the header first) as they are read, until one is over a limit: then
    TooLarge, before the next is read. Cells are counted as read, trailing blanks included
    (they cost as much to read as any other)."""
    bound = limits()
    cells = 0
    for number, row in enumerate(rows, start=1):
        if number - 1 > bound.rows:  # the header is no data row
            message = _("The file has more than %(limit)s rows; split it into smaller files.")
            raise TooLarge(message % {"limit": f"{bound.rows:,}"})
        cells += len(row)
        if cells > bound.cells:
            message = _(
                "The file has more than %(limit)s cells; split it into smaller files "
                "(or remove the blank columns at its right)."
            )
            raise TooLarge(message % {"limit": f"{bound.cells:,}"})
        yield row


def lines(text: Iterable[str]) -> Iterator[str]:
    """The physical lines of a CSV, refusing one longer than LONGEST_LINE characters."""
    for number, line in enumerate(text, start=1):
        if len(line) > LONGEST_LINE:
            message = _("Line %(number)d of the file is longer than %(limit)s characters.")
            raise TooLarge(message % {"number": number, "limit": f"{LONGEST_LINE:,}"})
        yield line
