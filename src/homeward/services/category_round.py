"""Use cases on category agreements ("all for all" for categories): propose, check who is
eligible person by person, and plan the stages.

The terms are stored like any agreement (canonical dict, signed by all three); a stage is
a tranche of the round. Planning starts from the acknowledged holdings minus the people an
earlier round keeps out (``services.carry_over``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.handover import HandoverException
from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, Side
from homeward.planning.categories import (
    CategoryAgreement,
    CategoryTermsError,
    category_terms_problems,
    category_terms_to_dict,
    check_categories,
    plan_stages,
)
from homeward.planning.category_terms_file import category_terms_from_dict
from homeward.planning.model import Candidate
from homeward.services.carry_over import excluded_ids, person_names
from homeward.services.disclosure import committed_outcome
from homeward.services.events import EventSink
from homeward.services.exchange import (
    ProposeTerms,
    SubmitList,
    agreement_terms,
    create_agreement,
    submit_list,
)
from homeward.services.handover import PlannedTranche, _load, _store, save_plan
from homeward.services.planning_bridge import acknowledged_candidates


def propose_category_terms(engine: Engine, events: EventSink, terms: CategoryAgreement) -> int:
    """Record the terms as a new agreement awaiting signatures; refused whole (nothing
    saved) when the categories contradict or overlap each other."""
    problems = category_terms_problems(terms)
    if problems:
        raise CategoryTermsError("; ".join(problems))
    return create_agreement(
        ProposeTerms(terms.name, category_terms_to_dict(terms)), SqlUnitOfWork(engine, events)
    )


def _candidates(engine: Engine) -> list[Candidate]:
    with engine.connect() as conn:
        kept_out = excluded_ids(conn)
        return [c for c in acknowledged_candidates(conn) if int(c.person_id) not in kept_out]


def category_eligibility(
    engine: Engine, agreement_id: int, listed: Sequence[int] = ()
) -> dict[str, Any]:
    """Counts per side and category, the people a rule could not judge (missing field),
    and which ``listed`` people fit no agreed category."""
    terms = category_terms_from_dict(agreement_terms(agreement_id, SqlUnitOfWork(engine)))
    report = check_categories(terms, _candidates(engine))
    missing = {p.person_id: p.missing for p in report.people if p.missing}
    unfit = report.do_not_fit([str(i) for i in listed])
    with engine.connect() as conn:
        names = person_names(conn, [int(pid) for pid in missing] + [int(i) for i in listed])
    return {
        "counts": report.counts(),
        "missing": missing,
        # The same, naming each person (surname, given name, record id).
        "missing_named": [
            f"{names.get(int(pid), f'person {pid}')}: {line}"
            for pid, lines in missing.items()
            for line in lines
        ],
        "do_not_fit": [_named(line, names) for line in unfit],
    }


def _named(line: str, names: dict[int, str]) -> str:
    """ "person 12 fits no ..." with the person's name and record id instead of the id."""
    head, _, rest = line.partition(" ")
    pid, _, tail = rest.partition(" ")
    if head == "person" and pid.rstrip(":").isdigit():
        number = int(pid.rstrip(":"))
        return f"{names.get(number, f'person {number}')}{':' if pid.endswith(':') else ''} {tail}"
    return line


def plan_category_round(engine: Engine, events: EventSink, agreement_id: int) -> list[int]:
    """Plan every stage of a signed category agreement; returns the tranche ids."""
    terms = category_terms_from_dict(agreement_terms(agreement_id, SqlUnitOfWork(engine)))
    stages = plan_stages(terms, _candidates(engine), [s.value for s in BELLIGERENTS])
    planned = [
        PlannedTranche(
            day=s.number,
            date=s.date,
            crossing=terms.crossing,
            people={
                Side(side): [(int(pid), cat) for pid, cat in ps] for side, ps in s.people.items()
            },
        )
        for s in stages
    ]
    # The plan first: if it is refused (an earlier round still open, someone kept out),
    # no release offer has been submitted either.
    ids = save_plan(agreement_id, planned, [], engine, events)
    for side in BELLIGERENTS:
        offered = [pid for t in planned for pid, _ in t.people[side]]
        submit_list(
            SubmitList(side, ListKind.RELEASE_OFFER, side.other, offered),
            SqlUnitOfWork(engine, events),
        )
    return ids


def record_stage_exception(
    handover_id: int, exception: HandoverException, engine: Engine, events: EventSink, *, actor: str
) -> None:
    """Mark a handover of an all-for-all stage failed. No parity to keep, so nothing is
    proposed: nobody is substituted or held back (the log entry is the same as in an
    N-for-N tranche: "did not travel" and the sealed outcome for the mediator's findings)."""
    with engine.begin() as conn:
        handover, _ = _load(conn, handover_id)
        handover.fail(exception)
        _store(conn, handover_id, handover)
        events.append(
            conn,
            "HandoverFailed",
            {
                "handover": handover_id,
                "day": handover.day,
                "person": events.person_ref(conn, handover.person_id),
                "from": handover.from_side.value,
                "category": handover.category.value,
                **committed_outcome(conn, handover_id, exception),
                "by": actor,
            },
        )
