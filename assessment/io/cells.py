"""The one formula-neutralising rule for every spreadsheet cell the product writes (CSV, XLSX).

A text cell beginning with ``=``, ``+``, ``-``, ``@``, tab, carriage return, line feed or NUL is
run as a formula by Excel, LibreOffice or Google Sheets (OWASP "CSV Injection", ASVS 1.2.10),
e.g. a comment ``=HYPERLINK("http://evil.example","open")``. The rule:

- :func:`neutralise` prefixes one apostrophe (which spreadsheets take as "this is text") to a
  text that starts with any number of apostrophes followed by a trigger character. So ``=1+1``
  is written ``'=1+1`` and a text that really starts with ``'=`` is written ``''=``; any other
  text, including one starting with an apostrophe not followed by a trigger (``'quoted'``,
  ``''x``), is written unchanged.
- A text that is exactly a decimal number (``-1``, ``+2``, ``-0.25``, ``1e-3``) is a number to a
  spreadsheet, not a formula, and is written unchanged; numbers (``int``, ``float``) are never
  touched (:func:`neutralise_cell`).
- :func:`restore` (used by every CSV/XLSX reader) removes exactly one apostrophe from a text that
  starts with one or more apostrophes followed by a trigger character.

``restore(neutralise(s)) == s`` for every string ``s``, so export, import and export again give
identical files. JSON is not a spreadsheet format and is neither neutralised nor restored.

>>> neutralise('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> neutralise("'=already"), restore("''=already")
("''=already", "'=already")
>>> neutralise("-1"), neutralise("-2+3"), neutralise("'quoted'")
('-1', "'-2+3", "'quoted'")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from questionnaires.answers import LONG_COLUMNS

if TYPE_CHECKING:
    from questionnaires.answers import ResponseRecord

__all__ = ["TRIGGERS", "needs_quote", "neutralise", "neutralise_cell", "record_cells", "restore"]

TRIGGERS = frozenset("=+-@\t\r\n\0")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _after_quotes(text: str) -> str:
    """The first character after the leading apostrophes, ``""`` when there is none."""
    first = text[:1]
    return first if first != "'" else text.lstrip("'")[:1]


def needs_quote(text: str) -> bool:
    """True when :func:`neutralise` changes ``text``.

    That is apostrophes, then a trigger character, and not a plain decimal number.

    Parameters
    ----------
    text : str
        A text cell.

    Returns
    -------
    bool
        Whether ``text`` gets a leading apostrophe.
    """
    if not text:
        return False
    return _after_quotes(text) in TRIGGERS and not _NUMBER.fullmatch(text)


def neutralise(value: str) -> str:
    """``value`` made safe as a spreadsheet text cell (see the module docstring for the rule).

    Parameters
    ----------
    value : str
        A text cell.

    Returns
    -------
    str
        ``value``, with one more leading apostrophe when a spreadsheet would read a formula.

    Examples
    --------
    >>> neutralise("@SUM(A1)"), neutralise("fine"), neutralise("\\tx")
    ("'@SUM(A1)", 'fine', "'\\tx")
    """
    return "'" + value if needs_quote(value) else value


def neutralise_cell(value: object) -> object:
    """:func:`neutralise` for a text cell; any other value (numbers, ``None``) as it is.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        The neutralised text, or ``value`` itself.
    """
    return neutralise(value) if isinstance(value, str) else value


def restore(text: str) -> str:
    """Undo :func:`neutralise`.

    Drop exactly one leading apostrophe when apostrophes are followed by a trigger character (a
    plain decimal number is left alone, as ``neutralise`` leaves it).

    Parameters
    ----------
    text : str
        A text cell as read.

    Returns
    -------
    str
        The text as it was before :func:`neutralise`.

    Examples
    --------
    >>> restore("'=1+1"), restore("''=1"), restore("'quoted'"), restore("-1")
    ('=1+1', "'=1", "'quoted'", '-1')
    """
    if text[:1] == "'" and _after_quotes(text) in TRIGGERS:
        return text[1:]
    return text


def record_cells(
    rec: ResponseRecord, safe: bool, columns: Sequence[str] = LONG_COLUMNS
) -> list[Any]:
    """A record as a row of cell values in ``columns`` order (``None`` for empty).

    Parameters
    ----------
    rec : ResponseRecord
        One answer.
    safe : bool
        Neutralise every text cell (:func:`neutralise_cell`).
    columns : sequence of str, default LONG_COLUMNS
        The record fields, in order (``LONG_COLUMNS`` then ``points`` for capability answers).

    Returns
    -------
    list
        The cell values.
    """
    row = [getattr(rec, col) for col in columns]
    return [neutralise_cell(v) for v in row] if safe else row
