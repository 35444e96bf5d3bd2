"""Cells written to CSV for people who open them in a spreadsheet (CSV injection).

A record id typed as ``=HYPERLINK("http://…")`` must stay text when the file is opened in
Excel or LibreOffice: a cell starting with ``= + - @``, a tab or a carriage return gets a
leading apostrophe (OWASP "CSV Injection"), as the tranche manifests do.

>>> neutralise('=HYPERLINK("x")')
'\\'=HYPERLINK("x")'
>>> neutralise("UAH-00017")
'UAH-00017'
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return "'" + value if value.startswith(FORMULA_START) else value
