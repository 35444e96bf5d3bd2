"""Identifiers shown to people, as words: tranche ids, crossing points, bundled names.

Terms name a tranche ``day-1`` and a crossing point ``ua-by-border``: codes for files,
check-in codes and signatures, not for a reader. Pages and manifests show "Day 1" and the
crossing's name in the reader's language; an id that cannot be read as words is shown as
written. ``gettext`` is the reader's translation function (message, **values) -> text.

>>> tranche_words("day-2", lambda m, **v: m % v if v else m)
'Day 2'
"""

from __future__ import annotations

import re
from collections.abc import Callable

Gettext = Callable[..., str]
TRANCHE_DAY = re.compile(r"^day-(\d+)$")


def _(message: str) -> str:
    """Marks a msgid for the catalogue; translated where it is shown."""
    return message


# Crossing points of the bundled terms (the Istanbul demo); others are shown as written.
PLACES = {"ua-by-border": _("the Ukrainian–Belarusian border")}
# Names of the bundled terms; an agreement the mediator names itself is shown as written,
# in whatever language it was written in.
AGREEMENTS = {"Istanbul 2025: 1000 for 1000": _("Istanbul 2025: 1,000 for 1,000")}
# A category on one person's line (the plural forms name groups).
ONE_PERSON = {
    "military": _("military (one person)"),
    "civilian": _("civilian (one person)"),
    "fit": _("fit (one person)"),
    "wounded": _("wounded (one person)"),
    "seriously_ill": _("seriously ill (one person)"),
}


def tranche_words(tranche_id: str | None, gettext: Gettext) -> str:
    found = TRANCHE_DAY.match(str(tranche_id or ""))
    return gettext("Day %(n)s", n=found.group(1)) if found else str(tranche_id or "")


def place_words(name: str | None, gettext: Gettext) -> str:
    text = str(name or "")
    return gettext(PLACES[text]) if text in PLACES else text


def agreement_words(name: str | None, gettext: Gettext) -> str:
    text = str(name or "")
    return gettext(AGREEMENTS[text]) if text in AGREEMENTS else text


def category_words(category: str | None, gettext: Gettext) -> str:
    """One person's category or state of health: "військовий", not the group's
    "військові"; "поранений", not "поранені"."""
    text = str(category or "")
    head, _sep, rest = text.partition(" ")
    if head in ONE_PERSON:
        return " ".join(p for p in (gettext(ONE_PERSON[head]), gettext(rest) if rest else "") if p)
    return gettext(text) if text else ""
