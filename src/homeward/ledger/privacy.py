"""What may not enter the log: people's data, staff usernames, values that look personal.

Everyone can read the log, and nothing in it can ever be removed, so it must hold no
personal data at all. A person enters it only as a commitment, a member of staff only as
a pseudonymous actor id (``actor-`` and 16 hex digits, a keyed hash the mediator can
recompute), a party as its code. The check runs on the payload before it becomes a leaf:

* every key, normalised (``Surname``, ``dateOfBirth``, ``passport-no`` all count), is
  refused when it names a personal field or a variant of one;
* a ``by``-style key (``by``, ``*_by``, ``reviewer``, ``actor``, ``user`` ...) must hold an
  actor id, a row id or a party code, never a username;
* every string value is refused when it looks like a date (outside the schedule's own
  date fields), a document or service number, or a person's name.

The value checks are heuristics: they catch a name or a passport number pasted where it
does not belong, not every way to smuggle one in; the key check and the commitments remain
the rule.

>>> personal_data({"Surname": "x"})
"payload field 'Surname' is personal data"
>>> personal_data({"by": "ua.officer"}) is not None
True
>>> personal_data({"by": "actor-0123456789abcdef", "person": "ab" * 32}) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["ACTOR_ID", "PARTIES", "PERSONAL_KEYS", "is_actor_key", "normalise_key", "personal_data"]

PERSONAL_KEYS = frozenset(
    {
        "address",
        "birth_date",
        "birthdate",
        "birthday",
        "born",
        "date_of_birth",
        "dob",
        "doc_no",
        "doc_number",
        "document",
        "document_no",
        "document_number",
        "email",
        "e_mail",
        "father_name",
        "fio",
        "first_name",
        "firstname",
        "full_name",
        "fullname",
        "given_name",
        "id_card",
        "id_number",
        "last_name",
        "lastname",
        "middle_name",
        "mother_maiden_name",
        "national_id",
        "next_of_kin",
        "passport",
        "passport_no",
        "passport_number",
        "patronymic",
        "phone",
        "place_of_birth",
        "service_no",
        "service_number",
        "surname",
        "tax_id",
        "telephone",
        "mobile",
        # a registry's own identifiers name a person as surely as a name does
        "record_id",
        "request_id",
        "kept_record_id",
        "merged_record_id",
    }
)
"""Normalised keys refused anywhere in a payload: people enter the log as commitments."""

# Any key containing one of these (after normalising) is personal too: passport_series,
# home_address, birth_place, surname_latin, ...
_STEMS = (
    "surname",
    "birth",
    "passport",
    "patronym",
    "phone",
    "email",
    "address",
    "maiden",
    "next_of_kin",
    "record_id",
    "request_id",
)

_ACTOR_KEYS = frozenset(
    {"by", "actor", "user", "username", "user_name", "login", "reviewer", "operator", "officer"}
)
ACTOR_ID = re.compile(r"actor-[0-9a-f]{16}")
"""The shape of a pseudonymous actor id in the log."""
PARTIES = frozenset({"UA", "RU", "MED"})
"""Party codes: an institution acting, not a person."""

# Dates the schedule itself states (a tranche's day, the terms' dates); any other date
# could be someone's birth date.
_DATE_KEYS = frozenset({"date", "day", "reference_date", "captured_from", "captured_until"})
_DATE = re.compile(r"(?:1[89]|20)\d\d-[01]\d(?:-[0-3]\d)?|[0-3]?\d[./][01]?\d[./](?:1[89]|20)\d\d")
_DOCUMENT = re.compile(
    r"[A-ZА-ЯЁІЇЄҐ]{1,3}[-\s№]?\d{6,10}|\d{2}\s?\d{2}\s?\d{6}|\d{8,12}",
)
_CAPITALISED = re.compile(r"[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ'’ʼ-]+")
_CYRILLIC = re.compile(r"[А-ЯЁІЇЄҐа-яёіїєґ]")
# Places and titles the terms name: a crossing point, the agreement's own name.
_NAMING_KEYS = frozenset({"crossing", "crossing_point"})


def normalise_key(key: str) -> str:
    """``dateOfBirth``, ``Date-Of-Birth`` and ``DATE_OF_BIRTH`` all read ``date_of_birth``.

    >>> normalise_key("passportNo"), normalise_key(" Surname "), normalise_key("e-mail")
    ('passport_no', 'surname', 'e_mail')
    """
    spaced = re.sub(r"(?<=[a-zа-яё0-9])(?=[A-ZА-ЯЁ])", "_", key.strip())
    return re.sub(r"[^0-9a-zа-яёіїєґ]+", "_", spaced.casefold()).strip("_")


def is_actor_key(key: str) -> bool:
    """Whether a key names who did something (``by``, ``merged_by``, ``reviewer``, ...)."""
    norm = normalise_key(key)
    return norm in _ACTOR_KEYS or norm.endswith("_by")


def _personal_key(norm: str) -> bool:
    compact = norm.replace("_", "")
    return (
        norm in PERSONAL_KEYS
        or compact in {k.replace("_", "") for k in PERSONAL_KEYS}
        or any(stem in norm or stem.replace("_", "") in compact for stem in _STEMS)
    )


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (key path, value) in a JSON value; list items carry their list's key."""
    yield path, value
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, path)


def _looks_like_a_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 4 or not all(_CAPITALISED.fullmatch(w) for w in words):
        return False
    return len(words) >= 2 or bool(_CYRILLIC.search(text))


def _value_problem(path: tuple[str, ...], text: str) -> str | None:
    key = normalise_key(path[-1]) if path else ""
    if _DATE.fullmatch(text.strip()) and key not in _DATE_KEYS:
        return "looks like a date of birth"
    if _DOCUMENT.fullmatch(text.strip()):
        return "looks like a document or service number"
    naming = key in _NAMING_KEYS or (key == "name" and "terms" in path)
    if not naming and _looks_like_a_name(text):
        return "looks like a person's name"
    return None


def _where(path: tuple[str, ...]) -> str:
    return ".".join(path) or "payload"


def personal_data(payload: Mapping[str, Any]) -> str | None:
    """Why ``payload`` may not be logged, or None when it may."""
    for path, value in _walk(payload, ()):
        if path:
            key = path[-1]
            if _personal_key(normalise_key(key)):
                return f"payload field {key!r} is personal data"
            if is_actor_key(key) and not (
                value is None
                or (isinstance(value, int) and not isinstance(value, bool))
                or isinstance(value, Mapping | list)
                or (isinstance(value, str) and (ACTOR_ID.fullmatch(value) or value in PARTIES))
            ):
                return (
                    f"payload field {_where(path)!r} holds a username; log an actor only as "
                    "a pseudonymous id (actor-...)"
                )
        if isinstance(value, str):
            problem = _value_problem(path, value)
            if problem is not None:
                return f"payload value at {_where(path)!r} {problem}"
    return None
