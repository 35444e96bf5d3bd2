"""Reasons from the import (quarantined rows, refused files) in the reader's language.

The adapters and the domain keep each reason as an English message template and its
values; here the template is looked up in the catalogue and filled in. A value that is
itself a message (what kind of file was found) is translated first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from homeward.adapters.personfile_errors import FILE_MESSAGES
from homeward.domain.validation import MESSAGES

KNOWN = frozenset(FILE_MESSAGES) | frozenset(MESSAGES)
Explain = Callable[[str, Mapping[str, str]], str]


def explainer(gettext: Callable[..., str]) -> Explain:
    """``explain(template, values)`` in the language ``gettext`` speaks."""

    def explain(template: str, values: Mapping[str, str]) -> str:
        filled = {k: (gettext(v) if v in KNOWN else v) for k, v in values.items()}
        try:
            return gettext(template, **filled) if filled else gettext(template)
        except (KeyError, ValueError, TypeError):  # a catalogue entry out of step
            return template % filled if filled else template

    return explain


def _(message: str) -> str:
    """Marks a msgid for the catalogue check; translated where it is shown."""
    return message


FIELD_LABELS = {
    "record_id": _("record id"),
    "surname": _("surname"),
    "given_name": _("given name"),
    "patronymic": _("patronymic"),
    "sex": _("sex"),
    "date_of_birth": _("date of birth"),
    "place_of_birth": _("place of birth"),
    "citizenship": _("citizenship"),
    "status": _("legal status"),
    "category": _("category"),
    "rank": _("rank"),
    "service_number": _("service number"),
    "unit": _("unit"),
    "document_number": _("document number"),
    "date_of_capture": _("date of capture"),
    "place_of_capture": _("place of capture"),
    "health": _("state of health"),
    "held_at": _("place of internment"),
    "father_name": _("father's name"),
    "mother_maiden_name": _("mother's maiden name"),
    "next_of_kin": _("next of kin"),
    "row": _("the whole row"),
}


def field_label(name: str) -> str:
    """The msgid naming a person-file column for people (the column itself if unknown)."""
    return FIELD_LABELS.get(name, name)
