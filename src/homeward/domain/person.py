"""A person as a registry records them: the fields of GCIII Art. 17/122 and GCIV Art. 138."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from homeward.domain.values import Category, Health, LegalStatus, PartialDate, Sex


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One row of a registry, as imported. Names are kept exactly as written."""

    record_id: str
    surname: str
    given_name: str
    patronymic: str | None = None
    sex: Sex | None = None
    date_of_birth: PartialDate | None = None
    place_of_birth: str | None = None
    citizenship: str | None = None
    status: LegalStatus | None = None
    category: Category | None = None
    rank: str | None = None
    service_number: str | None = None
    unit: str | None = None
    document_number: str | None = None
    date_of_capture: PartialDate | None = None
    place_of_capture: str | None = None
    health: Health | None = None
    held_at: str | None = None
    father_name: str | None = None
    mother_maiden_name: str | None = None
    next_of_kin: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    @property
    def effective_category(self) -> Category:
        """The category an agreement counts: given, else derived from the legal status."""
        if self.category is not None:
            return self.category
        return Category.MILITARY if self.status is LegalStatus.POW else Category.CIVILIAN

    def as_row(self) -> dict[str, str]:
        """The record in the person file format (every value a string, extras kept)."""
        row: dict[str, str] = {}
        for name in _FIELD_NAMES:
            value = getattr(self, name)
            row[name] = "" if value is None else str(value)
        row.update(self.extra)
        return row


PERSON_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PersonRecord) if f.name != "extra")
_FIELD_NAMES = PERSON_FIELDS
REQUIRED_FIELDS: tuple[str, ...] = ("record_id", "surname", "given_name")
