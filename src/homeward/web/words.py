"""Identifiers shown to people, turned into words: tranche ids, crossing points and the
names of the bundled terms.

Terms name a tranche ``day-1`` and a crossing point ``ua-by-border``: codes for files,
check-in codes and signatures, not for a reader. A page shows "Day 1" and the crossing's
name in the reader's language; an id it cannot read as words is shown as written.
"""

from __future__ import annotations

import re

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

TRANCHE_DAY = re.compile(r"^day-(\d+)$")


def _(message: str) -> str:
    """Marks a msgid for the catalogue check; translated where it is shown."""
    return message


# Crossing points of the bundled terms (the Istanbul demo); others are shown as written.
PLACES = {
    "ua-by-border": _("the Ukrainian–Belarusian border"),
}


# Names of the bundled terms (the Istanbul demo); an agreement the mediator names itself
# is shown as written, in whatever language it was written in.
AGREEMENTS = {
    "Istanbul 2025: 1000 for 1000": _("Istanbul 2025: 1,000 for 1,000"),
}


@pass_context
def agreement_filter(context: Context, name: str | None) -> str:
    """``{{ agreement.name | agreement_name }}``: a bundled agreement's name in words."""
    text = str(name or "")
    return str(context["_"](AGREEMENTS[text])) if text in AGREEMENTS else text


@pass_context
def tranche_filter(context: Context, tranche_id: str | None) -> str:
    """``{{ t.id | tranche }}``: "Day 1" for ``day-1`` in the page's language."""
    gettext = context["_"]
    found = TRANCHE_DAY.match(str(tranche_id or ""))
    return str(gettext("Day %(n)s", n=found.group(1))) if found else str(tranche_id or "")


@pass_context
def place_filter(context: Context, name: str | None) -> str:
    """``{{ t.crossing | place }}``: a crossing point's name in the page's language."""
    text = str(name or "")
    return str(context["_"](PLACES[text])) if text in PLACES else text


def install_word_filters(environment: Environment) -> None:
    environment.filters["tranche"] = tranche_filter
    environment.filters["place"] = place_filter
    environment.filters["agreement_name"] = agreement_filter
