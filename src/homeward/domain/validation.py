"""Turn one raw row of a person file into a PersonRecord, or say exactly what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from homeward.domain.person import PERSON_FIELDS, REQUIRED_FIELDS, PersonRecord
from homeward.domain.values import Category, Health, LegalStatus, PartialDate, Sex

MAX_FIELD_LENGTH = 500
_TYPED_FIELDS = frozenset(
    {"record_id", "surname", "given_name", "sex", "date_of_birth", "status", "category"}
    | {"date_of_capture", "health"}
)
_TEXT_FIELDS = tuple(f for f in PERSON_FIELDS if f not in _TYPED_FIELDS)
_KNOWN = frozenset(PERSON_FIELDS)


@dataclass(frozen=True, slots=True)
class FieldError:
    """What is wrong with one field of one row."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], name: str, text: str, errors: list[FieldError]) -> E | None:
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        errors.append(FieldError(name, f"{text!r} is not one of {allowed}"))
        return None


def _date(name: str, text: str, errors: list[FieldError]) -> PartialDate | None:
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        errors.append(FieldError(name, str(exc)))
        return None


def parse_person_row(raw: Mapping[str, object]) -> tuple[PersonRecord | None, list[FieldError]]:
    """Validate a raw row (column -> value); return the record or every error found.

    >>> record, errors = parse_person_row({"record_id": "A1", "surname": "X", "given_name": ""})
    >>> record is None, [str(e) for e in errors]
    (True, ['given_name: required field is empty'])
    """
    errors: list[FieldError] = []
    values: dict[str, str | None] = {}
    extra: dict[str, str] = {}
    for key, value in raw.items():
        name = str(key).strip()
        if name == "__shape__":  # set by the readers for rows of the wrong shape
            errors.append(FieldError("row", str(value)))
            continue
        text = "" if value is None else str(value).strip()
        if len(text) > MAX_FIELD_LENGTH:
            errors.append(FieldError(name, f"longer than {MAX_FIELD_LENGTH} characters"))
            continue
        if "\x00" in text:
            errors.append(FieldError(name, "contains a NUL character"))
            continue
        if name in _KNOWN:
            values[name] = text or None
        elif name:
            extra[name] = text
    for name in REQUIRED_FIELDS:
        if not values.get(name):
            reason = "required field is empty" if name in values else "required column is missing"
            errors.append(FieldError(name, reason))

    get = values.get
    sex = status = category = health = None
    dob = captured = None
    if (v := get("sex")) is not None:
        sex = _enum(Sex, "sex", v.upper(), errors)
    if (v := get("status")) is not None:
        status = _enum(LegalStatus, "status", v.lower(), errors)
    if (v := get("category")) is not None:
        category = _enum(Category, "category", v.lower(), errors)
    if (v := get("health")) is not None:
        health = _enum(Health, "health", v.lower(), errors)
    if (v := get("date_of_birth")) is not None:
        dob = _date("date_of_birth", v, errors)
    if (v := get("date_of_capture")) is not None:
        captured = _date("date_of_capture", v, errors)
    if errors:
        return None, errors
    # Plain text fields go in as given; the typed ones replace their text form.
    fields = {name: get(name) for name in _TEXT_FIELDS}
    return (
        PersonRecord(
            record_id=values["record_id"] or "",
            surname=values["surname"] or "",
            given_name=values["given_name"] or "",
            sex=sex,
            date_of_birth=dob,
            status=status,
            category=category,
            date_of_capture=captured,
            health=health,
            extra=extra,
            **fields,
        ),
        [],
    )
