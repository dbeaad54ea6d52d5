"""Identities written one way: the same name, code or DOI is the same text at every door.

People type `'伊藤 拓也 '`, `'慶應義塾大学　'` (an ideographic space) or a DOI as
`https://doi.org/10.…` in forms, files and API bodies alike; stored as typed, each
spelling made a second researcher or a second paper. The model fields of aspire/fields.py
apply these functions whenever a value is cleaned, saved or looked up, so no door can
store or search another spelling.
"""

import functools
import re
import unicodedata
import urllib.parse

import idutils

_SPACE = re.compile(r"\s+")
_RESOLVER = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/", re.IGNORECASE)
_DOI_LABEL = re.compile(r"^doi\s*:?\s*", re.IGNORECASE)


# White space that `spaces` changes inside a text: a run of two, or any but the plain space.
_UNEVEN_SPACE = re.compile(r"\s\s|[^\S ]")


def spaces(text: str) -> str:
    """Every kind of white space stripped at both ends, inner runs made one space.

    For titles: compatibility characters (CO₂, m², ①) are kept, NFKC would flatten them.
    """
    text = unicodedata.normalize("NFC", text)
    if _UNEVEN_SPACE.search(text) is None:  # most text: nothing to replace (imports: issue 18)
        return text.strip()
    return _SPACE.sub(" ", text).strip()


@functools.lru_cache(maxsize=65536)  # names repeat: an import asks for each a row at a time
def name(text: str) -> str:
    """Names, institutions and codes: NFKC (full-width Ａ and half-width ｶ become A and カ,
    the ideographic space a space), then `spaces`."""
    return spaces(unicodedata.normalize("NFKC", text))


def person_key(text: str) -> str:
    """Who a typed name means within a project: 福田悠人 and 福田 悠人 are one person."""
    return "".join(name(text).casefold().split())


def doi(text: str) -> str:
    """The canonical DOI: NFKC, no resolver or `doi:` prefix, lowercase (DOIs are
    case-insensitive). Text that is no DOI comes back normalised but otherwise as typed,
    for the field's validator to refuse."""
    value = name(text)
    if _RESOLVER.match(value):
        value = urllib.parse.unquote(_RESOLVER.sub("", value))
    value = _DOI_LABEL.sub("", value) if value.lower().startswith("doi") else value
    if idutils.is_doi(value):
        value = idutils.normalize_doi(value)
    return value.strip().lower()


def is_doi(text: str) -> bool:
    return bool(text) and bool(idutils.is_doi(text)) and text.startswith("10.")


# ROR ids: `0`, six characters of Crockford's base32 (no i, l, o or u) and two check digits.
_ROR_DIGITS = "0123456789abcdefghjkmnpqrstvwxyz"


def ror(text: str) -> str:
    """The canonical ROR id: NFKC, no `https://ror.org/`, lowercase (`0`, six characters,
    two check digits). Text that is no ROR id comes back normalised, for the validator."""
    value = name(text)
    if idutils.is_ror(value):  # idutils knows the form and the resolver, not the check digits
        value = idutils.normalize_ror(value)
    return value.lower()


def is_ror(text: str) -> bool:
    """A canonical ROR id whose check digits are right: ISO 7064 Mod 97-10 of the number
    its first seven characters spell in Crockford's base32 (ror.org/facts)."""
    if not re.fullmatch(rf"0[{_ROR_DIGITS}]{{6}}[0-9]{{2}}", text):
        return False
    number = 0
    for character in text[:7]:
        number = number * 32 + _ROR_DIGITS.index(character)
    return 98 - (number * 100) % 97 == int(text[7:])
