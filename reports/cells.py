"""Spreadsheet cells of every export: text stays text, whoever wrote it (pure).

Subjects, senders, titles, authors and file names come from strangers' mail.
A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@``
as a formula (``=HYPERLINK(…)``, DDE), so every text cell of every export goes
through this module: CSV cells that a spreadsheet would read as a formula get a
leading apostrophe (OWASP's advice), XLSX cells are written as string cells,
never formulas, with the value kept. Numbers and dates the project computes are
not text and stay typed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is slow to import; only the workbook writer needs it
    from openpyxl.cell.cell import Cell

#: What makes a spreadsheet read a CSV cell as a formula (tab and CR: OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (lone surrogates too): an XLSX cell or a DOCX
# paragraph cannot keep them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def csv_text(text: str) -> str:
    """Return ``text`` as a CSV cell that no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def put_text(cell: Cell, text: str) -> None:
    """Write ``text`` into an XLSX ``cell`` as a string, never as a formula.

    openpyxl stores a string that begins with ``=`` as a formula; forcing the
    string type keeps the value exactly, except characters XML cannot hold,
    which become U+FFFD.
    """
    cell.value = xml_text(text)
    cell.data_type = "s"


def xml_text(text: str) -> str:
    """Return ``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
