"""Jinja filters that show identifiers as words (domain/display_names.py):
``{{ t.id | tranche }}``, ``{{ t.crossing | place }}``, ``{{ a.name | agreement_name }}``."""

from __future__ import annotations

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from homeward.domain.display_names import (
    agreement_words,
    category_words,
    place_words,
    tranche_words,
)


@pass_context
def agreement_filter(context: Context, name: str | None) -> str:
    return agreement_words(name, context["_"])


@pass_context
def tranche_filter(context: Context, tranche_id: str | None) -> str:
    return tranche_words(tranche_id, context["_"])


@pass_context
def place_filter(context: Context, name: str | None) -> str:
    return place_words(name, context["_"])


@pass_context
def one_person_filter(context: Context, value: str | None) -> str:
    """``{{ p.health | one_person }}``: one person's category or health, in the singular."""
    return category_words(value, context["_"])


def install_word_filters(environment: Environment) -> None:
    environment.filters["tranche"] = tranche_filter
    environment.filters["place"] = place_filter
    environment.filters["agreement_name"] = agreement_filter
    environment.filters["one_person"] = one_person_filter
