"""Turn one raw row of a person file into a PersonRecord, or say exactly what is wrong.

Every reason is built from a message template (an English msgid with ``%(name)s``
placeholders, listed in ``MESSAGES``) and its values, so the quarantine can show it in the
reader's language; ``str(error)`` is the English text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from homeward.domain.field_values import canonical_value
from homeward.domain.person import PERSON_FIELDS, REQUIRED_FIELDS, PersonRecord
from homeward.domain.values import Category, Health, LegalStatus, PartialDate, Sex

MAX_FIELD_LENGTH = 500
OLDEST_AGE = 120  # a birth date further back than this is a typing error, not a person
UNNAMED_PREFIX = "__unnamed_"  # readers key a value under an empty header as __unnamed_<n>__
DAMAGE_KEY = "__damage__"  # readers put a list of FieldError here for damaged rows

# Message templates (msgids). web/locale/*/messages.po translate every one of them.
REQUIRED_EMPTY = "required field is empty"
REQUIRED_MISSING = "required column is missing"
NOT_KNOWN = "%(value)s is not a value homeward reads here; use one of %(allowed)s"
TOO_LONG = "longer than %(limit)s characters; it starts: %(start)s"
HAS_NUL = "contains a NUL character"
UNNAMED = "a value under column %(column)s, which has no name in the header: %(value)s"
DATE_FORM = "%(value)s is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"
DATE_INVALID = "%(value)s is not a date that exists"
DATE_FUTURE = "%(value)s is in the future"
DATE_TOO_OLD = "%(value)s is more than %(years)s years ago"
CAPTURE_BEFORE_BIRTH = "%(value)s is before the date of birth"
DUPLICATE = "duplicate of line %(line)s in this file"
SHAPE = "%(values)s values for %(columns)s columns; the raw line: %(raw)s"
NOT_OBJECT = "this item is not an object"
NUL_LINE = "a NUL byte in the line; the raw bytes: %(raw)s"
BAD_BYTES = "not valid %(encoding)s; the raw bytes: %(raw)s"
STRAY_QUOTE = "a quote is not closed, or other text follows a closing quote; the raw line: %(raw)s"
LINE_TOO_LONG = "the line is longer than %(limit)s bytes; it starts: %(raw)s"
FORMULA = (
    "cell %(cell)s holds a formula with no saved value; open the file in a spreadsheet "
    "program and save it again"
)
MESSAGES = (
    REQUIRED_EMPTY,
    REQUIRED_MISSING,
    NOT_KNOWN,
    TOO_LONG,
    HAS_NUL,
    UNNAMED,
    DATE_FORM,
    DATE_INVALID,
    DATE_FUTURE,
    DATE_TOO_OLD,
    CAPTURE_BEFORE_BIRTH,
    DUPLICATE,
    SHAPE,
    NOT_OBJECT,
    BAD_BYTES,
    NUL_LINE,
    STRAY_QUOTE,
    LINE_TOO_LONG,
    FORMULA,
)

_TYPED_FIELDS = frozenset(
    {"record_id", "surname", "given_name", "sex", "date_of_birth", "status", "category"}
    | {"date_of_capture", "health"}
)
_TEXT_FIELDS = tuple(f for f in PERSON_FIELDS if f not in _TYPED_FIELDS)
_KNOWN = frozenset(PERSON_FIELDS)


@dataclass(frozen=True, slots=True)
class FieldError:
    """What is wrong with one field of one row: the template and its values."""

    field: str
    template: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def reason(self) -> str:
        """The reason in English."""
        return self.template % dict(self.values) if self.values else self.template

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


def field_error(field: str, template: str, **values: object) -> FieldError:
    """``field_error("sex", NOT_KNOWN, value="'X'", allowed="M, F")``."""
    return FieldError(field, template, tuple((k, str(v)) for k, v in values.items()))


E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], name: str, text: str, errors: list[FieldError]) -> E | None:
    canonical = canonical_value(name, text)
    if canonical is not None:
        return kind(canonical)
    allowed = ", ".join(m.value for m in kind)
    errors.append(field_error(name, NOT_KNOWN, value=repr(text), allowed=allowed))
    return None


def _date(name: str, text: str, errors: list[FieldError]) -> PartialDate | None:
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        template = DATE_INVALID if "valid date" in str(exc) else DATE_FORM
        errors.append(field_error(name, template, value=repr(text)))
        return None


def _check_dates(
    dob: PartialDate | None, captured: PartialDate | None, today: dt.date, errors: list[FieldError]
) -> None:
    """Dates no registry can mean: born or captured after today, born over 120 years ago."""
    if dob is not None:
        if dob.earliest() > today:
            errors.append(field_error("date_of_birth", DATE_FUTURE, value=str(dob)))
        elif dob.year < today.year - OLDEST_AGE:
            errors.append(
                field_error("date_of_birth", DATE_TOO_OLD, value=str(dob), years=OLDEST_AGE)
            )
    if captured is not None:
        if captured.earliest() > today:
            errors.append(field_error("date_of_capture", DATE_FUTURE, value=str(captured)))
        elif dob is not None and _before(captured, dob):
            errors.append(field_error("date_of_capture", CAPTURE_BEFORE_BIRTH, value=str(captured)))


def _before(later: PartialDate, earlier: PartialDate) -> bool:
    """True only when ``later`` is certainly before ``earlier`` at the precision both give."""
    a = (later.year, later.month or 12, later.day or 31)
    b = (earlier.year, earlier.month or 1, earlier.day or 1)
    return a < b


def parse_person_row(
    raw: Mapping[str, object], today: dt.date | None = None
) -> tuple[PersonRecord | None, list[FieldError]]:
    """Validate a raw row (column -> value); return the record or every error found.

    Enumerated values are read through the uk/ru/en mapping (``field_values``). With
    ``today``, dates are also checked against it (no birth in the future, none over 120
    years ago); stored rows are re-read without it.

    >>> record, errors = parse_person_row({"record_id": "A1", "surname": "X", "given_name": ""})
    >>> record is None, [str(e) for e in errors]
    (True, ['given_name: required field is empty'])
    """
    errors: list[FieldError] = []
    values: dict[str, str | None] = {}
    extra: dict[str, str] = {}
    refused: set[str] = set()  # fields already reported, not to be called empty as well
    for key, value in raw.items():
        name = str(key).strip()
        if name == DAMAGE_KEY:  # the reader found the row's bytes or shape damaged
            errors.extend(value if isinstance(value, list) else [field_error("row", str(value))])
            continue
        text = "" if value is None else str(value).strip()
        if name not in _KNOWN and name.startswith(UNNAMED_PREFIX):
            if text:  # a value nobody named would be lost silently: refuse the row
                column = name.removeprefix(UNNAMED_PREFIX).strip("_")
                errors.append(
                    field_error(f"[{column}]", UNNAMED, column=column, value=repr(text[:80]))
                )
            continue
        if len(text) > MAX_FIELD_LENGTH:
            start = repr(text[:60]) + "…"
            errors.append(field_error(name, TOO_LONG, limit=MAX_FIELD_LENGTH, start=start))
            refused.add(name)
            continue
        if "\x00" in text:
            errors.append(field_error(name, HAS_NUL))
            refused.add(name)
            continue
        if name in _KNOWN:
            values[name] = text or None
        elif name:
            extra[name] = text
    damaged = DAMAGE_KEY in raw  # its values are not to be trusted; say only what broke
    for name in REQUIRED_FIELDS:
        if not damaged and name not in refused and not values.get(name):
            errors.append(field_error(name, REQUIRED_EMPTY if name in values else REQUIRED_MISSING))

    get = values.get
    sex = status = category = health = None
    dob = captured = None
    if (v := get("sex")) is not None:
        sex = _enum(Sex, "sex", v, errors)
    if (v := get("status")) is not None:
        status = _enum(LegalStatus, "status", v, errors)
    if (v := get("category")) is not None:
        category = _enum(Category, "category", v, errors)
    if (v := get("health")) is not None:
        health = _enum(Health, "health", v, errors)
    if (v := get("date_of_birth")) is not None:
        dob = _date("date_of_birth", v, errors)
    if (v := get("date_of_capture")) is not None:
        captured = _date("date_of_capture", v, errors)
    if today is not None:
        _check_dates(dob, captured, today, errors)
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
