"""The complete schema: imports every table module so the metadata is whole."""

from homeward.adapters import tables_registry  # noqa: F401
from homeward.adapters.tables import metadata

for _module in ("tables_ledger", "tables_matching", "tables_exchange", "tables_web"):
    try:
        __import__(f"homeward.adapters.{_module}")
    except ModuleNotFoundError as exc:  # a feature whose tables are not written yet
        if exc.name != f"homeward.adapters.{_module}":
            raise

__all__ = ["metadata"]
