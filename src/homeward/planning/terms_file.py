"""Reading terms from TOML (or the canonical dict) with errors that name the key.

The canonical dict (``terms_to_canonical``) has the same shape as the TOML file, with dates
as ISO strings and no floats, so ``terms_from_dict(terms_to_canonical(t)) == t``.

>>> terms_from_dict({"name": "x", "total_per_side": "ten"})
Traceback (most recent call last):
...
homeward.planning.terms_file.TermsFileError: total_per_side: expected an integer, got "ten"
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from homeward.planning.model import (
    Category,
    CrossingPoint,
    EligibilityRule,
    Health,
    InvalidTermsError,
    Parity,
    PriorityGroup,
    Terms,
    TrancheTerms,
)

FORMAT = "homeward-terms/1"
E = TypeVar("E", Category, Health, Parity, PriorityGroup)


class TermsFileError(ValueError):
    """A key is unknown, missing or of the wrong type; ``key`` names it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key


def load_terms(path: Path | str) -> Terms:
    """Read terms from a TOML file (see docs/terms.md)."""
    text = Path(path).read_text(encoding="utf-8")
    return parse_terms_toml(text)


def parse_terms_toml(text: str) -> Terms:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TermsFileError("", f"not valid TOML: {exc}") from exc
    return terms_from_dict(data)


def _show(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _fail(key: str, expected: str, value: object) -> TermsFileError:
    return TermsFileError(key, f"expected {expected}, got {_show(value)}")


class _Table:
    """A TOML table being read; remembers which keys were used to reject the rest."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise _fail(path or "terms", "a table", data)
        self.data: Mapping[str, Any] = data
        self.path = path
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: str, required: bool) -> object:
        self.used.add(name)
        if name not in self.data:
            if required:
                raise TermsFileError(self.key(name), "missing")
            return None
        return self.data[name]

    def get_int(self, name: str, *, required: bool = False) -> int | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(self.key(name), "an integer", value)
        if value < 0:
            raise TermsFileError(self.key(name), f"must not be negative, got {value}")
        return value

    def get_str(self, name: str, *, required: bool = False) -> str | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _fail(self.key(name), "a string", value)
        return value

    def get_bool(self, name: str, default: bool) -> bool:
        value = self.raw(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise _fail(self.key(name), "true or false", value)
        return value

    def get_date(self, name: str, *, required: bool = False) -> date | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise _fail(self.key(name), "a date (YYYY-MM-DD)", value)

    def get_enum(self, kind: type[E], value: object, key: str) -> E:
        try:
            if not isinstance(value, str):
                raise TypeError(value)
            return kind(value)
        except (TypeError, ValueError):
            allowed = ", ".join(m.value for m in kind)
            raise _fail(key, f"one of {allowed}", value) from None

    def get_list(self, name: str) -> list[Any] | None:
        value = self.raw(name, False)
        if value is None:
            return None
        if not isinstance(value, list):
            raise _fail(self.key(name), "a list", value)
        return value

    def done(self) -> None:
        for name in self.data:
            if name not in self.used:
                raise TermsFileError(self.key(name), "unknown key")


T = TypeVar("T")


def _items(table: _Table, name: str, read: Callable[[_Table], T]) -> tuple[T, ...]:
    items = table.get_list(name) or []
    out: list[T] = []
    for i, item in enumerate(items):
        sub = _Table(item, f"{table.key(name)}[{i}]")
        out.append(read(sub))
        sub.done()
    return tuple(out)


def _crossing(t: _Table) -> CrossingPoint:
    name = t.get_str("name", required=True)
    capacity = t.get_int("daily_capacity", required=True)
    assert name is not None
    assert capacity is not None
    return CrossingPoint(name=name, daily_capacity=capacity)


def _tranche(t: _Table) -> TrancheTerms:
    tranche_id = t.get_str("id", required=True)
    day = t.get_date("day", required=True)
    crossing = t.get_str("crossing", required=True)
    assert tranche_id is not None
    assert day is not None
    assert crossing is not None
    return TrancheTerms(
        id=tranche_id,
        day=day,
        crossing=crossing,
        total=t.get_int("total"),
        military=t.get_int("military"),
        civilian=t.get_int("civilian"),
    )


def _enum_list(t: _Table, name: str, kind: type[E]) -> tuple[E, ...] | None:
    values = t.get_list(name)
    if values is None:
        return None
    return tuple(t.get_enum(kind, v, f"{t.key(name)}[{i}]") for i, v in enumerate(values))


def _rule(t: _Table, category: Category) -> EligibilityRule:
    statuses = t.get_list("statuses")
    if statuses is not None:
        for i, s in enumerate(statuses):
            if not isinstance(s, str):
                raise _fail(f"{t.key('statuses')}[{i}]", "a string", s)
    return EligibilityRule(
        category=category,
        require_acknowledged=t.get_bool("require_acknowledged", True),
        min_age=t.get_int("min_age"),
        max_age=t.get_int("max_age"),
        health=_enum_list(t, "health", Health),
        statuses=tuple(statuses) if statuses is not None else None,
        captured_from=t.get_date("captured_from"),
        captured_until=t.get_date("captured_until"),
    )


def _rules(top: _Table) -> tuple[EligibilityRule, ...] | None:
    raw = top.raw("eligibility", False)
    if raw is None:
        return None
    table = _Table(raw, "eligibility")
    rules = []
    for name in table.data:
        if name not in {c.value for c in Category}:
            raise TermsFileError(table.key(name), "unknown key (expected military or civilian)")
        sub = _Table(table.data[name], table.key(name))
        rules.append(_rule(sub, Category(name)))
        sub.done()
        table.used.add(name)
    return tuple(sorted(rules, key=lambda r: list(Category).index(r.category)))


def terms_from_dict(data: Mapping[str, Any]) -> Terms:
    """Build terms from a TOML-shaped mapping, naming the key of the first problem."""
    top = _Table(data, "")
    fmt = top.get_str("format")
    if fmt is not None and fmt != FORMAT:
        raise TermsFileError("format", f"expected {FORMAT}, got {_show(fmt)}")
    name = top.get_str("name", required=True)
    total = top.get_int("total_per_side", required=True)
    parity_raw = top.raw("parity", False)
    parity = (
        Parity.PER_TRANCHE_AND_CATEGORY
        if parity_raw is None
        else top.get_enum(Parity, parity_raw, "parity")
    )
    sides_raw = top.get_list("sides")
    if sides_raw is not None and (
        len(sides_raw) != 2 or not all(isinstance(s, str) for s in sides_raw)
    ):
        raise _fail("sides", "a list of two strings", sides_raw)
    kwargs: dict[str, Any] = {}
    rules = _rules(top)
    if rules is not None:
        kwargs["eligibility"] = rules
    if sides_raw is not None:
        kwargs["sides"] = (sides_raw[0], sides_raw[1])
    assert name is not None
    assert total is not None
    terms_args = dict(
        name=name,
        total_per_side=total,
        parity=parity,
        military=top.get_int("military"),
        civilian=top.get_int("civilian"),
        priority_groups=_enum_list(top, "priority_groups", PriorityGroup) or (),
        seriously_ill_outside_parity=top.get_bool("seriously_ill_outside_parity", False),
        reserve_size=top.get_int("reserve_size") or 0,
        reference_date=top.get_date("reference_date"),
        crossing_points=_items(top, "crossing_points", _crossing),
        tranches=_items(top, "tranches", _tranche),
        **kwargs,
    )
    top.done()
    try:
        return Terms(**terms_args)
    except InvalidTermsError as exc:
        first = str(exc).split("; ")[0]
        key, _, message = first.partition(": ")
        raise TermsFileError(key, message) from exc
