"""The ``homeward`` command line: ``main`` is the group (``homeward.cli.main``), one module
per feature holds its commands, ``workspace`` opens the workspace for them."""

from __future__ import annotations

from homeward.cli.main import main

__all__ = ["main"]
