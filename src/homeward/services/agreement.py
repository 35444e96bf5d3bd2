"""Use cases on the terms of an exchange: propose them, show them, check who is eligible.

Each party signs the canonical terms with its own key, offline (``homeward cosigner sign``),
and uploads the signed note (:func:`upload_signature`); the server checks it against the
party's registered key. The mediator signs on its server (``services.exchange.sign_agreement``).
Planning a signed agreement is
``services.planning_bridge.plan_agreement``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from homeward.adapters.tables_exchange import agreement_signatures, agreements, tranches
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.values import Side
from homeward.ledger.canonical import canonical_json
from homeward.ledger.note import ED25519, NoteError, VerifierKey, key_id, open_note
from homeward.planning.canonical import terms_to_canonical
from homeward.planning.eligibility import check_eligibility
from homeward.planning.model import Terms
from homeward.planning.terms_file import terms_from_dict
from homeward.services.events import EventSink
from homeward.services.exchange import (
    ProposeTerms,
    SignAgreement,
    agreement_terms,
    create_agreement,
    sign_agreement,
)
from homeward.services.planning_bridge import acknowledged_candidates
from homeward.services.witnessing import list_witnesses


def propose_terms(engine: Engine, events: EventSink, terms: Terms) -> int:
    """Record ``terms`` (in canonical form) as a new agreement awaiting signatures."""
    return create_agreement(
        ProposeTerms(terms.name, terms_to_canonical(terms)), SqlUnitOfWork(engine, events)
    )


def agreement_view(engine: Engine, agreement_id: int) -> dict[str, Any]:
    """The agreement, its terms, who signed when, and whether it is planned
    (``NoResultFound`` if there is no such agreement)."""
    with engine.connect() as conn:
        row = conn.execute(select(agreements).where(agreements.c.id == agreement_id)).one()
        signed = {
            r.party: r.signed_at
            for r in conn.execute(
                select(agreement_signatures).where(
                    agreement_signatures.c.agreement_id == agreement_id
                )
            )
        }
        planned = conn.execute(
            select(func.count()).where(tranches.c.agreement_id == agreement_id)
        ).scalar_one()
    return {
        "id": row.id,
        "name": row.name,
        "terms": json.loads(row.terms),
        "signed": signed,
        "signatures": signature_notes(engine, agreement_id),
        "planned": int(planned) > 0,
    }


def eligibility(engine: Engine, agreement_id: int) -> dict[str, Any]:
    """The eligibility report for the people each side acknowledged holding."""
    raw = agreement_terms(agreement_id, SqlUnitOfWork(engine))
    if raw.get("format") == "homeward-category-terms/1":  # a category agreement (round 2)
        from homeward.services.category_round import category_eligibility

        view = category_eligibility(engine, agreement_id)
        return {"counts": view["counts"], "summary": "", **view}
    terms = terms_from_dict(raw)
    with engine.connect() as conn:
        candidates = acknowledged_candidates(conn)
    report = check_eligibility(terms, candidates)
    return {"counts": report.counts(), "summary": report.summary()}


# -- the parties' own signatures over the terms ---------------------------------------------

TERMS_HEADER = "homeward agreement terms v1"


class SignatureRejected(Exception):
    """An uploaded signed note over the terms is not a valid signature by the party."""


def terms_note_text(engine: Engine, agreement_id: int) -> str:
    """The exact text each party signs: a header, the agreement id and the canonical JSON of
    the terms (the bytes the log's ``TermsProposed`` entry commits to), one line each."""
    terms = agreement_terms(agreement_id, SqlUnitOfWork(engine))
    body = canonical_json(terms).decode("utf-8")
    return f"{TERMS_HEADER}\nagreement {agreement_id}\n{body}\n"


def party_note_key(engine: Engine, party: Side) -> VerifierKey | None:
    """The party's note key: the public key of its registered witness, as an Ed25519 note
    key (type 0x01), the key ``homeward cosigner sign`` signs with."""
    for witness in list_witnesses(engine):
        if witness.name == party.value:
            key = witness.key
            return VerifierKey(key.name, key_id(key.name, ED25519, key.public), ED25519, key.public)
    return None


def upload_signature(
    engine: Engine, events: EventSink, agreement_id: int, party: Side, note: str
) -> bool:
    """Record ``party``'s signed note over the terms after checking it against the party's
    registered key; True once all three have signed. Raises SignatureRejected."""
    if party is Side.MEDIATOR:
        raise SignatureRejected("the mediator signs with its own key on its server")
    key = party_note_key(engine, party)
    if key is None:
        raise SignatureRejected(
            f"no key registered for {party.value}: register its cosigner with "
            "`homeward witnesses add` first"
        )
    expected = terms_note_text(engine, agreement_id)
    try:
        opened = open_note(note, [key])
    except NoteError as exc:
        raise SignatureRejected(
            f"signed note: {exc} (expected a signature by {key.text()})"
        ) from exc
    if opened.text != expected:
        raise SignatureRejected(
            f"signed note: the signed text is not the terms of agreement {agreement_id}"
        )
    own = f"\u2014 {key.name} "
    kept = [line for line in opened.signature_lines if line.startswith(own)][:1]
    stored = opened.text + "\n" + "".join(kept)
    return sign_agreement(SignAgreement(agreement_id, party, stored), SqlUnitOfWork(engine, events))


def signature_notes(engine: Engine, agreement_id: int) -> dict[str, dict[str, Any]]:
    """Each party's stored signed note and whether it verifies under its registered key."""
    expected = terms_note_text(engine, agreement_id)
    out: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(agreement_signatures.c.party, agreement_signatures.c.note).where(
                agreement_signatures.c.agreement_id == agreement_id
            )
        ).all()
    for row in rows:
        if row.note is None:
            continue
        key = party_note_key(engine, Side(row.party))
        verified = False
        if key is not None:
            try:
                verified = open_note(row.note, [key]).text == expected
            except NoteError:
                verified = False
        out[row.party] = {
            "note": row.note,
            "key": None if key is None else key.text(),
            "verified": verified,
        }
    return out


def export_signatures(engine: Engine, out_dir: Path) -> list[Path]:
    """Write ``agreements/agreement-<id>.note`` (the terms with every party's signature line)
    and ``agreements/keys/<party>.vkey`` (the note keys they verify under) into an export,
    so anyone can check offline who agreed to what."""
    folder = out_dir / "agreements"
    written: list[Path] = []
    with engine.connect() as conn:
        ids = list(conn.execute(select(agreements.c.id).order_by(agreements.c.id)).scalars())
    for agreement_id in ids:
        notes = signature_notes(engine, agreement_id)
        if not notes:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "keys").mkdir(exist_ok=True)
        text = terms_note_text(engine, agreement_id)
        lines = []
        for party, entry in sorted(notes.items()):
            lines.append(entry["note"][len(text) + 1 :])
            if entry["key"]:
                (folder / "keys" / f"{party}.vkey").write_text(entry["key"] + "\n", "utf-8")
        path = folder / f"agreement-{agreement_id}.note"
        path.write_text(text + "\n" + "".join(lines), encoding="utf-8", newline="")
        written.append(path)
    return written
