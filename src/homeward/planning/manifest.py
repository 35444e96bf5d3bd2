"""Manifest rows: what goes on a tranche's paper list, independent of storage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from homeward.planning.codes import checkin_codes
from homeward.planning.plan import TranchePlan


@dataclass(frozen=True)
class PersonName:
    surname: str
    given_name: str
    patronymic: str = ""
    date_of_birth: str = ""


@dataclass(frozen=True)
class ManifestRow:
    code: str
    surname: str
    given_name: str
    patronymic: str
    date_of_birth: str
    category: str


@dataclass(frozen=True)
class ManifestHeader:
    title: str
    tranche_id: str
    side: str
    day: date
    crossing: str


COLUMNS = ("code", "surname", "given_name", "patronymic", "date_of_birth", "category")


def manifest_rows(
    tranche: TranchePlan, side: str, names: Mapping[str, PersonName], key: bytes
) -> list[ManifestRow]:
    """One row per person ``side`` hands over in ``tranche``, in the plan's order.

    Someone travelling outside parity has category ``"<category> (outside parity)"``.
    """
    people = tranche.sides[side]
    codes = checkin_codes(tranche.tranche_id, (p.person_id for p in people), key)
    rows = []
    for p in people:
        name = names.get(p.person_id, PersonName(surname=p.person_id, given_name=""))
        category = p.category.value + (" (outside parity)" if p.outside_parity else "")
        rows.append(
            ManifestRow(
                code=codes[p.person_id],
                surname=name.surname,
                given_name=name.given_name,
                patronymic=name.patronymic,
                date_of_birth=name.date_of_birth,
                category=category,
            )
        )
    return rows


def manifest_header(tranche: TranchePlan, side: str, title: str = "") -> ManifestHeader:
    return ManifestHeader(
        title=title or f"Tranche {tranche.tranche_id}: people handed over by {side}",
        tranche_id=tranche.tranche_id,
        side=side,
        day=tranche.day,
        crossing=tranche.crossing,
    )


def qr_payload(header: ManifestHeader, row: ManifestRow) -> str:
    """What a person's QR code holds: no name, only tranche, side and check-in code."""
    return f"HW1:{header.tranche_id}:{header.side}:{row.code}"
