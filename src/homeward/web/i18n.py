"""Interface languages: English, Ukrainian and Russian, read from .po catalogues at startup.

The catalogues live in ``homeward/web/locale/<lang>/LC_MESSAGES/messages.po`` and are read
with ``babel.messages.pofile``, so no compiled .mo is needed at run time.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from homeward.catalogues import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Translations,
    format_number,
    format_share,
    load_catalogue,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Translations",
    "format_number",
    "format_share",
    "load_catalogue",
]


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
