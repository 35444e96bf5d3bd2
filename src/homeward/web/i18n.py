"""Interface languages: English, Ukrainian and Russian, read from .po catalogues at startup.

The catalogues live in ``homeward/web/locale/<lang>/LC_MESSAGES/messages.po`` and are read
with ``babel.messages.pofile``, so no compiled .mo is needed at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

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


@pass_context
def number_filter(context: Context, value: object) -> str:
    """``{{ n | number }}``: a count in the page's language (``lang`` of the context); what
    is not a number (a suppressed small count, "—") is shown as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return format_number(value, str(context.get("lang", DEFAULT_LANGUAGE)))


@pass_context
def share_filter(context: Context, value: float | None) -> str:
    """``{{ share | share }}``: a share (0..1) as a percentage in the page's language."""
    return "" if value is None else format_share(value, str(context.get("lang", DEFAULT_LANGUAGE)))


def install_filters(environment: Environment) -> None:
    environment.filters["number"] = number_filter
    environment.filters["share"] = share_filter
