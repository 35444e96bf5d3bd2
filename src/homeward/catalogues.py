"""The translation catalogues and number formats, shared by the web pages and the files
homeward writes (report.html): read from the .po files in homeward/web/locale with Babel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LANGUAGES: dict[str, str] = {"en": "English", "uk": "Українська", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Translations:
    language: str
    messages: dict[str, str]

    def gettext(self, message: str, **values: object) -> str:
        text = self.messages.get(message) or message
        return text % values if values else text


def load_catalogue(language: str) -> dict[str, str]:
    """msgid -> msgstr for every translated, non-fuzzy message of ``language``."""
    path = resources.files("homeward.web") / "locale" / language / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    return {
        str(m.id): str(m.string)
        for m in catalogue
        if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }


def format_number(value: float, language: str) -> str:
    """A count as a reader of ``language`` writes it: 10,000 in English, 10 000 in uk/ru.

    >>> format_number(10000, "uk") == "10\\u00a0000"
    True
    """
    return format_decimal(value, locale=language if language in LANGUAGES else DEFAULT_LANGUAGE)


def format_share(share: float, language: str) -> str:
    """A share (0.096) as a percentage with one decimal: 9.6% in English, 9,6 % in Russian.

    >>> format_share(0.096, "ru") == "9,6\\u00a0%"
    True
    """
    locale = Locale.parse(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    pattern = str(locale.percent_formats[None].pattern).replace("#,##0", "#,##0.0", 1)
    return format_percent(share, format=pattern, locale=locale)


def gettext_in(language: str) -> Callable[..., str]:
    """The translation function of ``language`` (English for one we do not have)."""
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return Translations(chosen, load_catalogue(chosen)).gettext
