"""Model fields that store an identity one way (aspire/normalise.py), at every door.

The value is normalised when a form or import cleans it (`to_python`), when it is saved
(`pre_save`, so a plain `save()` in a job or the shell cannot skip it) and when it is
looked up (`get_prep_value`: `filter(name="伊藤 拓也 ")` finds 伊藤 拓也).
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from aspire import normalise


class NormalisedCharField(models.CharField):
    normaliser: Callable[[str], str]

    def _normal(self, value):
        return type(self).normaliser(value) if isinstance(value, str) else value

    def to_python(self, value):
        return self._normal(super().to_python(value))

    def get_prep_value(self, value):
        return self._normal(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = self._normal(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class NameField(NormalisedCharField):
    """Names, institutions and codes: NFKC, white space stripped and collapsed."""

    normaliser = staticmethod(normalise.name)


class LineField(NormalisedCharField):
    """A title or any one line of text: white space stripped and collapsed, characters kept."""

    normaliser = staticmethod(normalise.spaces)


def validate_doi(value: str) -> None:
    if value and not normalise.is_doi(value):
        raise ValidationError(
            _("“%(value)s” is not a DOI: enter one such as 10.1038/s41586-020-2649-2."),
            code="invalid_doi",
            params={"value": value},
        )


# A code names a record in URLs, files and API clients for good: letters, digits, `.`, `_`
# and `-`, starting with a letter or digit (no space, no slash: `A B/C` could never be
# addressed). Changing one is a rename (programs/codes.py), which keeps the old one working.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
validate_code = RegexValidator(
    CODE_PATTERN,
    _("A code has letters A-Z, digits, '.', '_' and '-', starting with a letter or digit."),
    code="invalid_code",
)


class CodeField(NormalisedCharField):
    """A record's code (CODE_PATTERN), NFKC-normalised like a name: ＡＭＥＤ is AMED."""

    normaliser = staticmethod(normalise.name)
    default_validators = [validate_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)


class DOIField(NormalisedCharField):
    """A DOI in its canonical form: lowercase, no resolver, no `doi:`."""

    normaliser = staticmethod(normalise.doi)
    default_validators = [validate_doi]


def validate_ror(value: str) -> None:
    if value and not normalise.is_ror(value):
        raise ValidationError(
            _(
                "“%(value)s” is no ROR id, or its check digits are wrong: "
                "enter one such as 057zh3y96."
            ),
            code="invalid_ror",
            params={"value": value},
        )


class RORField(NormalisedCharField):
    """An organisation's ROR id (ror.org) in canonical form: `057zh3y96`, however typed
    (`https://ror.org/057ZH3Y96`); its check digits checked."""

    normaliser = staticmethod(normalise.ror)
    default_validators = [validate_ror]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 9)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # A form takes the id as people paste it (`https://ror.org/057zh3y96`, spaces
        # around): the model normalises and checks it, so the form's limit is the URL's.
        return super().formfield(**{"max_length": 64, **kwargs})


def updated_at_field() -> models.DateTimeField:
    """When a row last changed, for `?updated_since=` (the API) and for readers who sync.

    Set by every save (auto_now) and by the database where no save runs (db_default: the
    rows that were there before the column, and those written by COPY, aspire/db.py)."""
    return models.DateTimeField(_("updated at"), auto_now=True, db_default=Now(), db_index=True)
