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
