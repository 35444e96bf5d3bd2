"""Category terms in TOML (and their canonical dict): the same shape, read the same way.

    name = "Istanbul-2 2025"
    all_for_all = true            # or: per_side = 500
    [stages]
    date = 2025-06-09
    capacity = 40                 # people per side per stage
    every_days = 5
    crossing = "ua-by-border"
    [[categories]]
    name = "seriously_wounded_or_ill"
    health = ["seriously_ill"]
    [[categories]]
    name = "aged_18_25"
    min_age = 18
    max_age = 25
    reference_date = 2025-06-02
    category = "military"

A key that is unknown, missing or of the wrong type fails naming it
(``categories[1].min_age: expected an integer, got "ten"``); terms that contradict
themselves are ``categories.category_terms_problems``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from homeward.domain.values import Category, Health
from homeward.planning.categories import CategoryAgreement, CategoryRule
from homeward.planning.terms_file import TermsFileError, _fail, _Table

FORMAT = "homeward-category-terms/1"


def is_category_terms(data: Mapping[str, Any]) -> bool:
    """Terms with ``[[categories]]`` (or the category format) are a category agreement."""
    return data.get("format") == FORMAT or "categories" in data


def parse_category_terms_toml(text: str) -> CategoryAgreement:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TermsFileError("", f"not valid TOML: {exc}") from exc
    return category_terms_from_dict(data)


def _rule(table: _Table) -> CategoryRule:
    health = table.get_list("health")
    statuses = table.get_list("statuses")
    category = table.raw("category", False)
    rule = CategoryRule(
        name=table.get_str("name", required=True) or "",
        health=frozenset(
            table.get_enum(Health, h, f"{table.key('health')}[{i}]") for i, h in enumerate(health)
        )
        if health is not None
        else None,
        min_age=table.get_int("min_age"),
        max_age=table.get_int("max_age"),
        age_on=table.get_date("reference_date"),
        statuses=frozenset(str(s) for s in statuses) if statuses is not None else None,
        category=table.get_enum(Category, category, table.key("category"))
        if category is not None
        else None,
    )
    table.done()
    return rule


def category_terms_from_dict(data: object) -> CategoryAgreement:
    """Category terms from TOML data or their canonical dict (``TermsFileError`` naming
    the key when one is unknown, missing or of the wrong type)."""
    top = _Table(data, "")
    fmt = top.get_str("format")
    if fmt is not None and fmt != FORMAT:
        raise TermsFileError("format", f"expected {FORMAT}, got {fmt!r}")
    name = top.get_str("name", required=True) or ""
    raw_rules = top.get_list("categories")
    if raw_rules is None:
        raise TermsFileError("categories", "missing")
    rules = tuple(_rule(_Table(r, f"categories[{i}]")) for i, r in enumerate(raw_rules))
    stages = _Table(top.raw("stages", True), "stages")
    first = stages.get_date("date", required=True)
    capacity = stages.get_int("capacity", required=True)
    every = stages.get_int("every_days")
    crossing = stages.get_str("crossing")
    stages.done()
    per_side = top.get_int("per_side")
    all_for_all = top.get_bool("all_for_all", per_side is None)
    if all_for_all and per_side is not None:
        raise TermsFileError("per_side", "contradicts all_for_all = true: give one or the other")
    if not all_for_all and per_side is None:
        raise _fail("per_side", "a number when all_for_all = false", None)
    top.done()
    if first is None or capacity is None:  # both are required: raw() has raised already
        raise TermsFileError("stages", "needs date and capacity")
    return CategoryAgreement(
        name=name,
        rules=rules,
        first_stage=first,
        stage_capacity=capacity,
        days_between_stages=every if every is not None else 7,
        per_side=per_side,
        crossing=crossing or "ua-by-border",
    )
