"""Interface languages: English, Ukrainian and Russian, read from .po catalogues at startup.

The catalogues live in ``homeward/web/locale/<lang>/LC_MESSAGES/messages.po`` and are read
with ``babel.messages.pofile``, so no compiled .mo is needed at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from babel.messages.pofile import read_po

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


def load_all() -> dict[str, Translations]:
    return {lang: Translations(lang, load_catalogue(lang)) for lang in LANGUAGES}


def pick(translations: dict[str, Translations], language: str | None) -> Callable[..., str]:
    chosen = translations.get(language or DEFAULT_LANGUAGE) or translations[DEFAULT_LANGUAGE]
    return chosen.gettext


def negotiate(accept_language: str | None) -> str:
    """The first of our languages named in an Accept-Language header, else English."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
