"""Renaming a record's code, the name of a program, agency, call or project in URLs,
files and API clients: a staff action that keeps the old code resolving (FormerCode), so
that nothing handed out before breaks. The API never renames (api/serializers.StableCode).

Records are known here only as models with a `code` field: programs imports no other app.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from aspire.fields import CODE_PATTERN
from programs.models import FormerCode


@transaction.atomic
def rename(record: models.Model, new_code: str, user=None) -> models.Model:
    """The record under its new code; its old one (and any before it) now lead to it."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    old = record.code
    record.code = new_code
    _check(record, old)
    kind = record._meta.label_lower
    FormerCode.objects.filter(kind=kind, code__iexact=record.code).delete()  # a rename back
    FormerCode.objects.filter(kind=kind, record_id=record.pk).update(renamed_to=record.code)
    FormerCode.objects.create(
        kind=kind, code=old, record_id=record.pk, renamed_to=record.code, renamed_by=user
    )
    record._change_reason = _("Code renamed from %(old)s") % {"old": old}  # its history
    record.save()
    return record


def _check(record: models.Model, old: str) -> None:
    """The new code keeps to the pattern and names no other record, now or formerly."""
    others = [field.name for field in record._meta.fields if field.name != "code"]
    record.clean_fields(exclude=others)  # normalises and validates the code alone
    if record.code == old:
        raise ValidationError({"code": _("This is the code already.")})
    refuse_taken(type(record), record.code, record.pk)


def refuse_taken(model: type[models.Model], code: str, pk=None) -> None:
    """The one rule of every door that makes a record or renames one (the admin's add and
    rename pages, imports, the API, adoption): a code names one record of its kind, now
    or formerly, whatever the case (AMED and amed are one). The message names only the
    code asked for, never the record it names: the caller may not see that one.

    `pk` is the record's own, whose current and former codes are its own to keep.
    """
    params = {"code": code}
    if model._default_manager.filter(code__iexact=code).exclude(pk=pk).exists():
        message = _("The code %(code)s is another record's.")
        raise ValidationError({"code": ValidationError(message, code="unique", params=params)})
    taken = FormerCode.objects.filter(kind=model._meta.label_lower, code__iexact=code)
    if taken.exclude(record_id=pk).exists():
        message = _("%(code)s was another record's code, and still leads to it.")
        raise ValidationError({"code": ValidationError(message, code="unique", params=params)})


def moved(records: models.QuerySet, code: str) -> str | None:
    """The code now of the record `code` named before a rename, if `records` (what the
    caller may see) holds it: else None, and the caller answers as for an unknown code."""
    if not isinstance(code, str) or not re.fullmatch(CODE_PATTERN, code):
        return None  # never a code (a NUL cannot even be looked up)
    now = current_code(records.model, code)
    return now if now is not None and records.filter(code=now).exists() else None


def current_code(model: type[models.Model], code: str) -> str | None:
    """The code now of the record that `code` named before a rename, if any did."""
    former = FormerCode.objects.filter(kind=model._meta.label_lower, code__iexact=code)
    return former.values_list("renamed_to", flat=True).first()


def current_codes(model: type[models.Model], olds: set[str]) -> dict[str, str]:
    """current_code of each of `olds` that names a renamed record, in one query."""
    if not olds:
        return {}
    kind = model._meta.label_lower
    lookup = models.Q()
    for old in olds:
        lookup |= models.Q(code__iexact=old)
    found = FormerCode.objects.filter(lookup, kind=kind).values_list("code", "renamed_to")
    by_case = {old.casefold(): old for old in olds}
    return {by_case[code.casefold()]: now for code, now in found if code.casefold() in by_case}


def former_codes(record: models.Model) -> list[str]:
    kind = record._meta.label_lower
    found = FormerCode.objects.filter(kind=kind, record_id=record.pk).order_by("renamed_at")
    return list(found.values_list("code", flat=True))
