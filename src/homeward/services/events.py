"""Where exchange events go: the co-signed log, behind a small protocol.

Every state change appends one event inside the same database transaction as the change
itself, so there is never a change without its event or an event without its change.
Payloads carry no personal data: a person is referred to by a commitment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection

JSONValue = Any


class EventSink(Protocol):
    def append(self, conn: Connection, kind: str, payload: dict[str, JSONValue]) -> int:
        """Append an event; return its index in the log."""
        ...

    def person_ref(self, conn: Connection, person_id: int) -> str:
        """A hiding commitment that stands for the person in the log."""
        ...


@dataclass
class MemoryEventSink:
    """A fake for tests and dry runs: keeps events in a list."""

    events: list[tuple[str, dict[str, JSONValue]]] = field(default_factory=list)

    def append(self, conn: Connection, kind: str, payload: dict[str, JSONValue]) -> int:  # noqa: ARG002
        json.dumps(payload, allow_nan=False)  # same shape rule as the real log
        self.events.append((kind, payload))
        return len(self.events) - 1

    def person_ref(self, conn: Connection, person_id: int) -> str:  # noqa: ARG002
        return f"person-{person_id}"

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]
