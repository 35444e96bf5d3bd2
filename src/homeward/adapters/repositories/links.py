"""Identity links in SQL (``identity_links``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, insert

from homeward.adapters.tables_exchange import identity_links
from homeward.services.repositories.links import IdentityLink


class SqlLinkRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_many(self, links: Sequence[IdentityLink], purpose: str) -> None:
        if not links:
            return
        rows = [
            {
                "sought_person_id": link.sought_person_id,
                "held_person_id": link.held_person_id,
                "probability": f"{link.probability:.6f}",
                "decision": link.decision,
                "reasons": json.dumps(link.reasons, sort_keys=True),
                "purpose": purpose,
            }
            for link in links
        ]
        self.conn.execute(insert(identity_links), rows)
