"""The mediator collects cosignatures over HTTP (c2sp.org/tlog-witness) and publishes.

Witnesses (the parties' cosigners, perhaps a neutral one) are registered in the workspace
with their URL and cosignature/v1 key. Publishing signs a checkpoint of the log with the
mediator's key, asks every witness for a cosignature with a consistency proof from the
size it last cosigned (on 409, once more from the size it reports), stores what it gets,
and publishes the checkpoint once every witness the policy requires has cosigned it.
Otherwise the checkpoint stays pending, each failing witness's reason is recorded for the
ledger page, and the next publication retries. Nothing here runs inside the crossing's
transactions: a witness that is down or refuses never blocks a handover.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, insert, select, update

from homeward.adapters.ledger_store import LedgerStore
from homeward.adapters.tables_ledger import ledger_witness_policy, ledger_witnesses
from homeward.adapters.witness_http import WitnessAnswer, request_cosignature
from homeward.ledger.merkle import consistency_proof
from homeward.ledger.note import COSIGNATURE_V1, KeyFormatError, Signer, VerifierKey
from homeward.services import ledger

__all__ = [
    "DEFAULT_REQUIRED",
    "Asker",
    "PublishResult",
    "Witness",
    "WitnessError",
    "WitnessStatus",
    "add_witness",
    "list_witnesses",
    "publish",
    "remove_witness",
    "required_names",
    "set_policy",
    "witness_status",
]

DEFAULT_REQUIRED = ("UA", "RU")
_RETRIES = 2

Asker = Callable[[str, VerifierKey, str, int, Sequence[bytes]], WitnessAnswer]
"""(url, witness key, note, old size, proof) -> answer; :func:`request_cosignature`."""


class WitnessError(Exception):
    """A witness cannot be registered (bad key, bad URL, bad name)."""


@dataclass(frozen=True)
class Witness:
    name: str
    url: str
    key: VerifierKey
    last_attempt_at: datetime | None
    last_problem: str | None
    cosigned_size: int | None


@dataclass(frozen=True)
class PublishResult:
    size: int
    published: bool
    cosigned: tuple[str, ...]
    missing: dict[str, str]  # required witness name -> why its cosignature is missing


def add_witness(engine: Engine, name: str, url: str, key_text: str) -> VerifierKey:
    try:
        key = VerifierKey.parse(key_text)
    except KeyFormatError as exc:
        raise WitnessError(f"--key: {exc}") from exc
    if key.sig_type != COSIGNATURE_V1:
        raise WitnessError("--key: not a cosignature/v1 (type 0x04) witness key")
    if key.name != name:
        raise WitnessError(f"--key names {key.name!r}, not the witness {name!r}")
    if name == "MED":
        raise WitnessError("MED is the log's own signer and cannot be its witness")
    if not url.startswith(("http://", "https://")):
        raise WitnessError(f"--url {url!r} is not an http(s) URL")
    now = ledger.utc_now()
    with engine.begin() as conn:
        conn.execute(delete(ledger_witnesses).where(ledger_witnesses.c.name == name))
        conn.execute(
            insert(ledger_witnesses).values(name=name, url=url, vkey=key.text(), added_at=now)
        )
    return key


def remove_witness(engine: Engine, name: str) -> bool:
    with engine.begin() as conn:
        return bool(
            conn.execute(delete(ledger_witnesses).where(ledger_witnesses.c.name == name)).rowcount
        )


def set_policy(engine: Engine, names: Sequence[str]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(ledger_witness_policy))
        for name in dict.fromkeys(names):
            conn.execute(insert(ledger_witness_policy).values(name=name))


def required_names(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        names = tuple(conn.execute(select(ledger_witness_policy.c.name)).scalars())
    return tuple(sorted(names)) if names else DEFAULT_REQUIRED


def list_witnesses(engine: Engine) -> list[Witness]:
    with engine.connect() as conn:
        store = LedgerStore(conn)
        rows = conn.execute(select(ledger_witnesses).order_by(ledger_witnesses.c.name)).all()
        out = []
        for row in rows:
            state = store.cosigner_state(row.name)
            out.append(
                Witness(
                    row.name,
                    row.url,
                    VerifierKey.parse(row.vkey),
                    row.last_attempt_at,
                    row.last_problem,
                    None if state is None else state.size,
                )
            )
    return out


def _ask(
    ask: Asker, witness: Witness, note: str, size: int, engine: Engine
) -> tuple[WitnessAnswer, str | None]:
    """Ask one witness, following a 409 to the size it reports; (answer, problem)."""
    old = witness.cosigned_size or 0
    answer = WitnessAnswer(0, problem="not asked")
    for _ in range(_RETRIES + 1):
        if old > size:
            return answer, (
                f"the witness has cosigned size {old}, beyond this log's {size}: "
                "it saw a different (forked) log or a newer one"
            )
        with engine.connect() as conn:
            proof = (
                consistency_proof(old, size, LedgerStore(conn).fetch_nodes)
                if 0 < old < size
                else []
            )
        answer = ask(witness.url, witness.key, note, old, proof)
        if answer.status == 409 and answer.size is not None:
            if answer.size != old:
                old = answer.size
                continue
            return answer, (
                f"the witness cosigned another root at size {old}: the log it saw has forked "
                "from this one"
            )
        if answer.lines:
            return answer, None
        return answer, answer.problem or f"HTTP {answer.status}"
    return answer, f"{answer.problem} (gave up after {_RETRIES} retries)"


def publish(
    engine: Engine,
    mediator: Signer,
    origin: str,
    ask: Asker = request_cosignature,
    clock: Callable[[], datetime] = ledger.utc_now,
) -> PublishResult:
    """Sign the log's current state, collect cosignatures, publish if the policy is met."""
    with engine.begin() as conn:
        note = ledger.make_checkpoint(conn, mediator, origin, clock)
        size = LedgerStore(conn).size()
    witnesses = list_witnesses(engine)
    required = required_names(engine)
    problems: dict[str, str] = {}
    cosigned: list[str] = []
    keys: dict[str, VerifierKey] = {}
    for witness in witnesses:
        keys[witness.name] = witness.key
        if witness.name in ledger.signed_by(note, [witness.key]):
            cosigned.append(witness.name)
            continue
        answer, problem = _ask(ask, witness, note, size, engine)
        if problem is None:
            try:
                with engine.begin() as conn:
                    note = ledger.add_cosignatures(
                        conn, size, witness.key, answer.lines, [mediator.verifier]
                    )
            except ledger.LedgerError as exc:
                problem = str(exc)
        if problem is None:
            cosigned.append(witness.name)
        else:
            problems[witness.name] = problem
        with engine.begin() as conn:
            conn.execute(
                update(ledger_witnesses)
                .where(ledger_witnesses.c.name == witness.name)
                .values(last_attempt_at=clock(), last_problem=problem)
            )
    missing = {
        name: problems.get(name, "no witness registered under this name")
        for name in required
        if name not in cosigned
    }
    published = False
    if not missing:
        with engine.begin() as conn:
            published = ledger.publish_if_signed(
                conn, size, [mediator.verifier, *(keys[n] for n in required)], clock
            )
    return PublishResult(size, published, tuple(cosigned), missing)


@dataclass(frozen=True)
class WitnessStatus:
    required: tuple[str, ...]
    latest_size: int | None
    published_size: int | None
    pending: bool
    missing: dict[str, str]
    witnesses: tuple[Witness, ...]


def witness_status(engine: Engine) -> WitnessStatus:
    """For the ledger page: the latest checkpoint, whether it is published, who is missing."""
    required = required_names(engine)
    witnesses = {w.name: w for w in list_witnesses(engine)}
    with engine.connect() as conn:
        store = LedgerStore(conn)
        latest = store.latest_checkpoint()
        published = store.latest_published()
        latest_published_at = None if latest is None else store.published_at(latest.size)
    missing: dict[str, str] = {}
    if latest is not None and latest_published_at is None:
        for name in required:
            witness = witnesses.get(name)
            if witness is None:
                missing[name] = "no witness registered under this name"
            elif name not in ledger.signed_by(latest.note, [witness.key]):
                missing[name] = witness.last_problem or "not asked yet"
    return WitnessStatus(
        required,
        None if latest is None else latest.size,
        None if published is None else published.size,
        latest is not None and latest_published_at is None,
        missing,
        tuple(witnesses.values()),
    )
