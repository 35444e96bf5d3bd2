"""Why access was granted or refused, in the reader's language.

The access policy (services/access.py) keeps its reasons in English for the access log;
a page shows the same reason translated. Reasons that name a kind of data, a party or a
role are matched by their pattern and told in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jinja2 import Environment, pass_context
from jinja2.runtime import Context


def _(message: str) -> str:
    """Marks a msgid for the catalogue check; translated where it is shown."""
    return message


FIXED = {
    "administrators only": _("Only administrators may do this."),
    "interview notes are the mediator's alone": _("Interview notes are the mediator's alone."),
    "not for this role": _("This is not for your role."),
    "only officers and the coordinator sign": _(
        "Only party officers and the mediator's coordinator sign."
    ),
    "only the mediator coordinator drafts terms": _(
        "Only the mediator's coordinator drafts the terms."
    ),
    "only the mediator coordinator publishes": _("Only the mediator's coordinator publishes."),
    "only the mediator coordinator runs this step": _(
        "Only the mediator's coordinator runs this step."
    ),
    "only the receiving party's officer confirms receipt": _(
        "Only the receiving party's officer confirms receipt."
    ),
    "read only": _("You may read this but not change it."),
    "rebalancing is the mediator's": _("Rebalancing is the mediator's."),
    "the field verifier runs the crossing; a party confirms only its receipt": _(
        "The field verifier runs the crossing; a party confirms only its own receipt."
    ),
    "the other side's people at the crossing are not shown": _(
        "The other side's people at the crossing are not shown."
    ),
    "viewers cannot change data": _("Viewers cannot change data."),
}
# Why access was granted, as the administrator's access log shows it.
GRANTED = {
    "administrator": _("administrator"),
    "aggregates and commitments only": _("aggregates and commitments only"),
    "an officer confirms its own party's receipt": _(
        "an officer confirms their own party's receipt"
    ),
    "an officer signs for their party": _("an officer signs for their party"),
    "own account": _("own account"),
    "own party": _("own party"),
    "own people at the crossing": _("own people at the crossing"),
    "parties and mediator follow the exchange": _("parties and mediator follow the exchange"),
    "parties and mediator see the terms": _("parties and mediator see the terms"),
    "parties see the plan": _("parties see the plan"),
    "public": _("public"),
    "shared by the other side": _("shared by the other side"),
    "the coordinator oversees": _("the coordinator oversees"),
    "the field verifier holds the interview": _("the field verifier holds the interview"),
    "the field verifier runs the crossing": _("the field verifier runs the crossing"),
    "the field verifier works from the plan": _("the field verifier works from the plan"),
    "the mediator coordinates the exchange": _("the mediator coordinates the exchange"),
    "the mediator countersigns": _("the mediator countersigns"),
    "the mediator drafts the terms": _("the mediator drafts the terms"),
    "the mediator keeps parity": _("the mediator keeps parity"),
    "the mediator plans": _("the mediator plans"),
    "the mediator publishes": _("the mediator publishes"),
    "the mediator reads its own notes": _("the mediator reads its own notes"),
    "the mediator verifies": _("the mediator verifies"),
}
PATTERNS = (
    (
        re.compile(r"^only (UA|RU) confirms its own receipt$"),
        _("Only %(party)s confirms its own receipt."),
    ),
    (re.compile(r"^\S+ belongs to the parties$"), _("This belongs to the parties.")),
    (re.compile(r"^\S+ is not for the \S+$"), _("This is not for your role.")),
    (re.compile(r"^\S+ of (UA|RU) is not shared$"), _("%(party)s has not shared this.")),
)


def explain_denial(reason: str, gettext: Callable[..., str]) -> str:
    """The access policy's ``reason`` told in the language ``gettext`` speaks."""
    if reason in FIXED:
        return gettext(FIXED[reason])
    if reason in GRANTED:
        return gettext(GRANTED[reason])
    for pattern, message in PATTERNS:
        found = pattern.match(reason)
        if found:
            return gettext(message, party=found.group(1)) if found.groups() else gettext(message)
    return reason


@pass_context
def reason_filter(context: Context, reason: str | None) -> str:
    """``{{ r.reason | access_reason }}``: an access decision's reason in the page's language."""
    return explain_denial(str(reason or ""), context["_"])


def install_reason_filter(environment: Environment) -> None:
    environment.filters["access_reason"] = reason_filter
