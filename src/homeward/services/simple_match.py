"""Exact matching on folded names and the birth date: the demo's first pass.

A sought person matches a held person when surname, given name (Ukrainian and Russian forms
and Latin spellings folded to one key) and the birth date as written agree, and exactly one
held person has that key. Doubtful cases (several held people share the key) go to review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from homeward.domain.person import PersonRecord
from homeward.matching.names import given_key, surname_key
from homeward.services.exchange import IdentityLink


def _key(record: PersonRecord) -> tuple[str, str, str]:
    sex = record.sex.value if record.sex else None
    return (
        surname_key(record.surname),
        given_key(record.given_name, sex),
        str(record.date_of_birth or ""),
    )


def exact_links(
    sought: Sequence[tuple[int, PersonRecord]], held: Sequence[tuple[int, PersonRecord]]
) -> list[IdentityLink]:
    """Links from sought to held people (ids are the registry's person ids)."""
    index: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for person_id, record in held:
        index[_key(record)].append(person_id)
    links = []
    for person_id, record in sought:
        key = _key(record)
        if not key[2]:
            continue
        found = index.get(key, [])
        for held_id in found:
            decision = "match" if len(found) == 1 else "review"
            reasons = {"surname": "same", "given_name": "same", "date_of_birth": "same"}
            links.append(IdentityLink(person_id, held_id, 1.0 / len(found), decision, reasons))
    return links
