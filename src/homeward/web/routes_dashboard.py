"""The dashboard: per-day and per-category figures, cumulative progress, recovered vs sought."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from homeward.reports.charts import bar_chart, line_chart, progress_bars
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.carry_over import still_owed
from homeward.services.programme import programme_summary
from homeward.services.reports import exchange_summary, sought_recovered, summary_seen_by
from homeward.services.rounds import NoSuchRound, chosen_round, rounds
from homeward.web.context import gettext_for, language_of, render, web
from homeward.web.errors import NotFound
from homeward.web.security import Require

router = APIRouter(include_in_schema=False)
REPORT = Require(ResourceKind.REPORT, Action.READ)
COLOURS = {"UA": "#1f5fbf", "RU": "#b2452c"}


def dashboard_data(
    engine: Engine, principal: Principal, round_number: int | None = None
) -> dict[str, Any]:
    """The chosen round (the newest signed one by default; a draft never replaces it) and
    the history of every round with the cumulative totals."""
    try:
        shown = chosen_round(engine, round_number)
    except NoSuchRound as exc:
        raise NotFound(str(exc)) from exc
    agreement_id = shown.agreement_id if shown is not None and shown.signed else None
    summary = exchange_summary(engine, agreement_id) if agreement_id is not None else None
    recovered = summary["sought_recovered"] if summary else sought_recovered(engine)
    exceptions = []
    if summary is not None:
        # Exceptions name record ids: the mediator sees all, a party its own side's only.
        # and a party reads the mediator's findings as "did not travel".
        exceptions = [
            e
            for e in summary_seen_by(summary, principal.party)["exceptions"]
            if principal.role.is_mediator or e["side"] == principal.party.value
        ]
    history = programme_summary(engine, principal.party)
    if not principal.role.is_mediator:  # record ids: a party sees its own side's only
        for r in history["rounds"]:
            r["exceptions"] = [e for e in r["exceptions"] if e["side"] == principal.party.value]
    owed = {
        side: {k: v for k, v in figures.items() if k in ("still_sought", "still_held")}
        for side, figures in still_owed(engine, principal.party).items()
    }
    return {
        "summary": summary,
        "recovered": recovered,
        "exceptions": exceptions,
        "round": shown,
        "rounds": rounds(engine),
        "history": history,
        "owed": owed,
    }


def charts(data: dict[str, Any], _: Any, language: str = "en") -> dict[str, Markup]:
    summary = data["summary"]
    out: dict[str, str] = {}
    home = {_("Home to Ukraine"): "#1f5fbf", _("Home to Russia"): "#b2452c"}
    if summary and summary["tranches"]:
        days = summary["tranches"]
        labels = [_("Day %(n)s", n=t["day"]) for t in days]
        groups = []
        for t, label in zip(days, labels, strict=True):
            groups.append(
                (
                    label,
                    {
                        _("Home to Ukraine"): t["released_by"]["RU"]["total"],
                        _("Home to Russia"): t["released_by"]["UA"]["total"],
                    },
                )
            )
        out["per_day"] = bar_chart(groups, home, _("People home per day"), language)
        per_category = []
        for category in ("military", "civilian"):
            per_category.append(
                (
                    _(category),
                    {
                        _("Home to Ukraine"): summary["totals"]["RU"][category],
                        _("Home to Russia"): summary["totals"]["UA"][category],
                    },
                )
            )
        out["per_category"] = bar_chart(per_category, home, _("People home per category"), language)
        cumulative: dict[str, list[float]] = {name: [] for name in home}
        running = {"RU": 0, "UA": 0}
        for t in days:
            for side in running:
                running[side] += t["released_by"][side]["total"]
            cumulative[_("Home to Ukraine")].append(running["RU"])
            cumulative[_("Home to Russia")].append(running["UA"])
        out["cumulative"] = line_chart(labels, cumulative, home, _("Cumulative progress"), language)
    history = data.get("history")
    if history and len(history["rounds"]) > 1:
        # Recovered against sought per party over time: after each round, cumulatively.
        labels = [_("Round %(n)s", n=r["round"]) for r in history["rounds"]]
        names = {"UA": _("Recovered by UA"), "RU": _("Recovered by RU")}
        running = {"UA": 0, "RU": 0}
        lines: dict[str, list[float]] = {names["UA"]: [], names["RU"]: []}
        for r in history["rounds"]:
            for side in running:
                running[side] += r["recovered"][side]
                lines[names[side]].append(running[side])
        colours = {names["UA"]: COLOURS["UA"], names["RU"]: COLOURS["RU"]}
        out["rounds"] = line_chart(
            labels, lines, colours, _("Recovered after each round"), language
        )
    rec = data["recovered"]
    out["recovered"] = progress_bars(
        [
            (side, rec[side]["recovered"], rec[side]["sought"])
            for side in ("UA", "RU")
            if side in rec
        ],
        language=language,
    )
    # The charts escape every label they draw: safe to place in the page as they are.
    return {name: Markup(svg) for name, svg in out.items()}


@router.get("/dashboard")
async def dashboard(
    request: Request,
    principal: Annotated[Principal, Depends(REPORT)],
    round_number: Annotated[int | None, Query(alias="round", ge=1, le=100_000)] = None,
) -> Response:
    data = await run_in_threadpool(dashboard_data, web(request).engine, principal, round_number)
    return render(
        request,
        "dashboard.html",
        data | {"charts": charts(data, gettext_for(request), language_of(request))},
    )
