"""Country names as people now call them, in the page's language, and lists in its order.

django-countries gives the codes and the form field; its Japanese names are a community
translation that still says グルジア for Georgia (renamed ジョージア in Japanese law in 2015).
The names here come from CLDR, the Unicode consortium's locale data that ICU and the
browsers use, as Babel ships it (offline, updated with every CLDR release):
`settings.COUNTRIES_OVERRIDE` (`overrides()`) makes every `Country.name` and every choice
list read them. Old names still read back (`code_for`): a spreadsheet that says グルジア or
"Korea (the Republic of)" is understood.

Sorting: English names alphabetically, accents ignored (Åland under A). Japanese names in
reading order (五十音順), as Japanese lists of countries are: by the kana of the name, a
voiced kana after its plain one, small kana as large ones, ー as the vowel before it. Kana
are read as written; a name that starts with kanji (日本, 韓国, 南アフリカ) is read from
`READINGS`, which a test keeps complete for the names CLDR has.
"""

import functools
import unicodedata

from django.utils.functional import lazy
from django.utils.translation import get_language

# CLDR's own short forms ("alt=short"), which Babel does not carry: a choice list says
# 香港, not 中華人民共和国香港特別行政区.
SHORT = {
    "ja": {"HK": "香港", "MO": "マカオ"},
    "en": {"HK": "Hong Kong", "MO": "Macao"},
}

# How the Japanese names that start with kanji are read (the rest are read as written).
READINGS = {
    "米領サモア": "べいりょうさもあ",
    "南極": "なんきょく",
    "英領インド洋地域": "えいりょういんどようちいき",
    "中央アフリカ共和国": "ちゅうおうあふりかきょうわこく",
    "中国": "ちゅうごく",
    "赤道ギニア": "せきどうぎにあ",
    "仏領ギアナ": "ふつりょうぎあな",
    "仏領ポリネシア": "ふつりょうぽりねしあ",
    "仏領極南諸島": "ふつりょうきょくなんしょとう",
    "香港": "ほんこん",
    "日本": "にほん",
    "北朝鮮": "きたちょうせん",
    "韓国": "かんこく",
    "北マケドニア": "きたまけどにあ",
    "北マリアナ諸島": "きたまりあなしょとう",
    "合衆国領有小離島": "がっしゅうこくりょうゆうしょうりとう",
    "南アフリカ": "みなみあふりか",
    "南スーダン": "みなみすーだん",
    "台湾": "たいわん",
    "東ティモール": "ひがしてぃもーる",
    "英領ヴァージン諸島": "えいりょうゔぁーじんしょとう",
    "米領ヴァージン諸島": "べいりょうゔぁーじんしょとう",
    "西サハラ": "にしさはら",
}

LANGUAGES = ("ja", "en")
_IGNORED = set(" 　・･()（）[]-‐–—'’.,&")  # full-width ones too


def _language(language: str | None = None) -> str:
    """The page's language as CLDR names it; English when no translation is active."""
    language = (language or get_language() or "en").split("-")[0].lower()
    return language if language in LANGUAGES else "en"


@functools.cache
def names(language: str) -> dict[str, str]:
    """Every code django-countries knows → its CLDR name in `language` (ja or en)."""
    from babel import Locale  # a large table: loaded when first asked for
    from django_countries.data import COUNTRIES

    territories = Locale(language).territories
    short = SHORT.get(language, {})
    return {code: short.get(code) or territories.get(code) or code for code in COUNTRIES}


def name(code: str, language: str | None = None) -> str:
    return names(_language(language)).get(code, code)


_lazy_name = lazy(name, str)


def overrides() -> dict:
    """For settings.COUNTRIES_OVERRIDE: each name read when shown, in the active language."""
    from django_countries.data import COUNTRIES

    return {code: _lazy_name(code) for code in COUNTRIES}


def _vowel(kana: str) -> str:
    """The vowel a hiragana ends in (か → あ), for the ー after it; "" for ん and others."""
    letter = unicodedata.name(kana, "")[-1:]
    return {"A": "あ", "I": "い", "U": "う", "E": "え", "O": "お"}.get(letter, "")


def _large(kana: str) -> str:
    """ゃ → や, っ → つ: small kana sort as their large ones."""
    label = unicodedata.name(kana, "")
    if " SMALL " in label:
        try:
            return unicodedata.lookup(label.replace(" SMALL ", " "))
        except KeyError:
            return kana
    return kana


def kana_key(text: str) -> tuple[str, str]:
    """The 五十音順 key of a reading: first by plain kana, then voiced after unvoiced."""
    plain, exact = [], []
    for char in unicodedata.normalize("NFKC", text):
        if char in _IGNORED:
            continue
        if "ァ" <= char <= "ヶ":  # katakana → hiragana (ヴ → ゔ included)
            char = chr(ord(char) - 0x60)
        if char == "ー" and plain:
            char = _vowel(plain[-1]) or char
        exact.append(char)
        base = unicodedata.normalize("NFD", char)[0]  # が → か, ぱ → は
        plain.append(_large(base))
    return "".join(plain), "".join(exact)


def english_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c) and c not in _IGNORED)
    return letters.casefold()


def sort_key(country_name: str, language: str | None = None) -> tuple:
    if _language(language) == "ja":
        return kana_key(READINGS.get(country_name, country_name))
    return (english_key(country_name),)


@functools.cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    pairs = names(language).items()
    return tuple(sorted(pairs, key=lambda pair: sort_key(pair[1], language)))


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) in the page's language and order."""
    return list(_choices(_language(language)))


@functools.cache
def _all_names() -> dict[str, str]:
    """Every spelling we know → code: CLDR's in both languages, then django-countries'
    (its English, its Japanese and the old names it keeps, such as グルジア)."""
    from django.utils import translation
    from django_countries import Countries
    from django_countries.data import COUNTRIES

    found: dict[str, str] = {}
    for code, old_names in Countries.OLD_NAMES.items():
        for old in old_names:
            for language in LANGUAGES:
                with translation.override(language):
                    found.setdefault(_fold(str(old)), code)
    for code, original in COUNTRIES.items():
        for language in LANGUAGES:
            with translation.override(language):
                found[_fold(str(original))] = code
    for language in LANGUAGES:
        for code, current in names(language).items():
            found[_fold(current)] = code
        for code, long in _long_names(language).items():
            found[_fold(long)] = code
    return found


def _long_names(language: str) -> dict[str, str]:
    from babel import Locale

    territories = Locale(language).territories
    return {code: territories[code] for code in SHORT.get(language, {}) if code in territories}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def code_for(country_name: str) -> str:
    """The code of a country named in Japanese or English, now or formerly; "" if none."""
    return _all_names().get(_fold(country_name), "")
