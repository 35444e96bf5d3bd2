"""Synthetic people for tests (Faker only; never real names)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from faker import Faker
from sqlalchemy import Engine

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.handover import HandoverException
from homeward.domain.values import RegistryKind, Side
from homeward.services import crossing
from homeward.services.access import MemoryAccessLog, Principal, Role
from homeward.services.crossing import Desk
from homeward.services.events import EventSink
from homeward.services.registry import ImportPersonFile, import_person_file

HEADER = [
    "record_id",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "date_of_birth",
    "category",
    "status",
    "health",
    "held_at",
]


def person_rows(
    prefix: str, count: int, *, seed: int, locale: str = "uk_UA", military_share: float = 0.7
) -> list[dict[str, str]]:
    fake = Faker(locale)
    fake.seed_instance(seed)
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        military = rng.random() < military_share
        rows.append(
            {
                "record_id": f"{prefix}-{i:05d}",
                "surname": fake.last_name_male(),
                "given_name": fake.first_name_male(),
                "patronymic": fake.middle_name_male() if hasattr(fake, "middle_name_male") else "",
                "sex": "M",
                "date_of_birth": fake.date_of_birth(minimum_age=19, maximum_age=60).isoformat(),
                "category": "military" if military else "civilian",
                "status": "pow" if military else "civilian_detained",
                "health": rng.choice(["fit", "fit", "fit", "wounded"]),
                "held_at": f"Facility {prefix}-{rng.randint(1, 4):02d}",
            }
        )
    return rows


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_rows(
    engine: Engine, tmp: Path, party: Side, kind: RegistryKind, rows: list[dict[str, str]]
) -> None:
    path = write_rows(tmp / f"{party.value}-{kind.value}.csv", rows)
    import_person_file(ImportPersonFile(party, kind, path), SqlUnitOfWork(engine))


def record_exception(
    handover_id: int,
    exception: HandoverException,
    engine: Engine,
    events: EventSink,
    actor: str = "verifier-1",
) -> None:
    """The mediator's field verifier records ``exception`` at the crossing, through the
    crossing service; the rebalancing proposal it leaves stays pending."""
    verifier = Principal(0, actor, Side.MEDIATOR, Role.MEDIATOR_VERIFIER)
    crossing.record_exception(
        Desk(engine, events, MemoryAccessLog()), verifier, handover_id, exception
    )
