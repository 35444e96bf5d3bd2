"""Numbers in paths and query strings, range-checked before they reach the database.

A row id is a 32-bit integer on both databases and a log index fits a 64-bit one: a
larger or negative number in a URL is answered 422 by validation, never passed on to
become a 500 (``bigint out of range`` on PostgreSQL, ``OverflowError`` on SQLite).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

ROW_ID_MAX = 2**31 - 1  # INTEGER primary keys (PostgreSQL's integer, SQLite's rowid range)
LOG_INDEX_MAX = 2**63 - 1  # BIGINT log positions
OFFSET_MAX = 10_000_000

RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]
LogIndex = Annotated[int, Path(ge=0, le=LOG_INDEX_MAX)]
Version = Annotated[int, Query(ge=1, le=ROW_ID_MAX)]
BaseVersion = Annotated[int, Query(ge=0, le=ROW_ID_MAX)]
"""The version a difference starts from: 0 is "nothing submitted yet"."""
Offset = Annotated[int, Query(ge=0, le=OFFSET_MAX)]
