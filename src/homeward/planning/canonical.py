"""The canonical dict form of terms, the thing the parties and the mediator sign.

Only str, int, bool, list and dict appear (no floats, no None: absent means "not set"),
dates are ISO strings, and lists whose order carries no meaning are sorted, so equal terms
give equal dicts and equal canonical JSON.
"""

from __future__ import annotations

from typing import Any

from homeward.planning.model import EligibilityRule, Terms
from homeward.planning.terms_file import FORMAT


def _rule(rule: EligibilityRule) -> dict[str, Any]:
    out: dict[str, Any] = {"require_acknowledged": rule.require_acknowledged}
    if rule.min_age is not None:
        out["min_age"] = rule.min_age
    if rule.max_age is not None:
        out["max_age"] = rule.max_age
    if rule.health is not None:
        out["health"] = sorted(h.value for h in rule.health)
    if rule.statuses is not None:
        out["statuses"] = sorted(rule.statuses)
    if rule.captured_from is not None:
        out["captured_from"] = rule.captured_from.isoformat()
    if rule.captured_until is not None:
        out["captured_until"] = rule.captured_until.isoformat()
    return out


def terms_to_canonical(terms: Terms) -> dict[str, Any]:
    """Terms as a plain, float-free dict; ``terms_from_dict`` reads it back.

    >>> from homeward.planning.istanbul import istanbul_2025_terms
    >>> terms_to_canonical(istanbul_2025_terms())["tranches"][0]["military"]
    270
    """
    out: dict[str, Any] = {
        "format": FORMAT,
        "name": terms.name,
        "sides": list(terms.sides),
        "total_per_side": terms.total_per_side,
        "parity": terms.parity.value,
        "priority_groups": [g.value for g in terms.priority_groups],
        "seriously_ill_outside_parity": terms.seriously_ill_outside_parity,
        "reserve_size": terms.reserve_size,
    }
    if terms.military is not None:
        out["military"] = terms.military
    if terms.civilian is not None:
        out["civilian"] = terms.civilian
    if terms.reference_date is not None:
        out["reference_date"] = terms.reference_date.isoformat()
    out["eligibility"] = {r.category.value: _rule(r) for r in terms.eligibility}
    out["crossing_points"] = [
        {"name": p.name, "daily_capacity": p.daily_capacity} for p in terms.crossing_points
    ]
    tranches = []
    for t in terms.tranches:
        item: dict[str, Any] = {
            "id": t.id,
            "day": t.day.isoformat(),
            "crossing": t.crossing,
        }
        for key in ("total", "military", "civilian"):
            value = getattr(t, key)
            if value is not None:
                item[key] = value
        tranches.append(item)
    out["tranches"] = tranches
    return out
