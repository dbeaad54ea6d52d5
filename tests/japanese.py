"""Finding English on a Japanese page: the text a person reads, less the data it shows."""

import html
import re

from django.apps import apps
from django.db import models

ASCII_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]+(?:[ ,.:;/()]+[A-Za-z][A-Za-z'’-]+)+")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Names, formats and codes that are the same in both languages.
ALLOWED = {
    "Aspire",
    "English",
    "PDF",
    "CSV",
    "XLSX",
    "DOI",
    "API",
    "ORCID",
    "TOTP",
    "JST",
    "ETag",
    "e-Rad",
    "ROR",
    "OpenAlex",
    "Crossref",
    "researchmap",
    "BibTeX",
    "RIS",
    "FY",
    "UTF-8",
    "Django",
    "JSON",
    "URL",
    "AMED",
    "MEXT",
    "ASPIRE",
    "Token",
    "REST",
}


def visible_text(page: str) -> list[str]:
    """The page's text nodes and the attributes people read (title, placeholder, value
    of buttons), without scripts, styles and hidden inputs."""
    page = re.sub(r"<(script|style|svg|datalist)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r'<input[^>]*type="hidden"[^>]*>', " ", page, flags=re.I)
    readable = re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', page)
    readable += re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', page)
    texts = re.sub(r"<[^>]+>", "\n", page).split("\n")
    return [html.unescape(text).strip() for text in texts + readable if text.strip()]


def data_values() -> set[str]:
    """Every text the database holds: names, titles and codes show as they were typed."""
    found = set()
    for model in apps.get_models():
        if model._meta.label in NOT_DATA:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.EmailField)
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                found.update(str(value) for value in row if value)
    return found


# Stored in English by Django, shown to staff: the pages must translate them.
NOT_DATA = {"auth.Permission", "auth.Group", "contenttypes.ContentType"}


def english(page: str, data: set[str]) -> list[str]:
    """Runs of English words on a page that are no data and no name allowed in both."""
    found = []
    data_words = {word for value in data for word in re.findall(r"[A-Za-z][A-Za-z'’-]+", value)}
    for text in visible_text(page):
        if text in data or JAPANESE.search(text) and not ASCII_WORDS.search(text):
            continue
        for run in ASCII_WORDS.findall(text):
            words = set(re.findall(r"[A-Za-z][A-Za-z'’-]+", run))
            if words <= ALLOWED | data_words:
                continue
            found.append(run)
    return found
