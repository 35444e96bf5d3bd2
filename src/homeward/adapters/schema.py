"""The complete schema: imports every table module so the metadata is whole."""

from homeward.adapters import (  # noqa: F401 - imported for their tables
    tables_disclosure,
    tables_exchange,
    tables_ledger,
    tables_matching,
    tables_registry,
    tables_rounds,
    tables_web,
)
from homeward.adapters.tables import metadata

__all__ = ["metadata"]
