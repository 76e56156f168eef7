"""Writing a cell that an office or a unit wrote: safe against formula (CSV/DDE) injection.

A spreadsheet program takes a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
for a formula. Every export writer routes its text cells through here (``docs/security.md``): in CSV
such a text gets a leading apostrophe; in .xlsx it is stored as a string with Excel's quote prefix, so
it stays text even when the cell is edited.
"""

from __future__ import annotations

from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_LEADS)


def csv_cell(value: object) -> str:
    """A CSV field: ``None`` is empty; a formula-like text gets a leading ``'``."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def csv_row(values: list[Any] | tuple[Any, ...]) -> list[str]:
    return [csv_cell(v) for v in values]


def guard_xlsx_cell(cell: Any) -> None:
    """Make an openpyxl cell holding a formula-like text a string with the quote prefix."""
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or is_formula_like(value)):
        cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
