"""Number formatting shared by the view model and the Jinja filters. ``–`` marks undefined values."""

from __future__ import annotations

import math
import re
from typing import TypeGuard

__all__ = [
    "COMMENT_MAX",
    "DASH",
    "cap_text",
    "clean_text",
    "fmt_agi",
    "fmt_int",
    "fmt_money",
    "fmt_money_short",
    "fmt_num",
    "fmt_p",
    "fmt_pct",
    "fmt_signed",
    "one_decimal",
    "short_hash",
]

DASH = "–"

#: Longest comment printed, in characters; a longer one is cut at a word and ends in "…".
COMMENT_MAX = 600

# C0 and C1 control characters (NUL, ESC, ...) and DEL, and the explicit bidi embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069; Unicode UAX #9, §2.1–2.2): user text must
# not reorder the text around it. Implicit marks (LRM, RLM, ALM) stay; they cannot leak.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_LONG_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d{2,}(?!\d)")


def one_decimal(text: str) -> str:
    """``text`` with every number of two or more decimals rounded to one (a reissue's text).

    Parameters
    ----------
    text : str
        Any text, e.g. a level's explanation.

    Returns
    -------
    str
        The text with those numbers to one decimal.

    Examples
    --------
    >>> one_decimal("the median is 2.67, level 2")
    'the median is 2.7, level 2'
    """
    return _LONG_DECIMAL.sub(lambda m: f"{float(m.group(0)):.1f}", text)


def _ok(x: float | None) -> TypeGuard[float]:
    """True for a printable number: not ``None`` and not NaN (narrows ``x`` to ``float``)."""
    return not (x is None or (isinstance(x, float) and math.isnan(x)))


def fmt_num(x: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals (``3.4``); ``–`` for missing. Negative zero prints as ``0.0``.

    Parameters
    ----------
    x : float or None
        The number; ``None`` or NaN = missing.
    digits : int, default 1
        Decimals.

    Returns
    -------
    str
        The number with a true minus sign.

    Examples
    --------
    >>> fmt_num(3.44), fmt_num(-0.01), fmt_num(None)
    ('3.4', '0.0', '–')
    """
    if not _ok(x):
        return DASH
    s = f"{x:.{digits}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s.replace("-", "−")


def fmt_signed(x: float | None, digits: int = 1) -> str:
    """A signed number, ``+0.4`` / ``−1.2`` (true minus sign); zero unsigned.

    Parameters
    ----------
    x : float or None
        The number; ``None`` or NaN = missing (``–``).
    digits : int, default 1
        Decimals.

    Returns
    -------
    str
        The number with its sign.

    Examples
    --------
    >>> fmt_signed(0.4), fmt_signed(-1.23)
    ('+0.4', '−1.2')
    """
    if not _ok(x):
        return DASH
    s = f"{x:+.{digits}f}"
    if float(s) == 0:
        return f"{0:.{digits}f}"
    return s.replace("-", "−")


def fmt_agi(x: float | None) -> str:
    """AGI on its 0–100 scale, whole numbers.

    Parameters
    ----------
    x : float or None
        The AGI; ``None`` or NaN = missing (``–``).

    Returns
    -------
    str
        The AGI rounded to a whole number.

    Examples
    --------
    >>> fmt_agi(23.6)
    '24'
    """
    return fmt_num(x, 0)


def fmt_int(x: float | None) -> str:
    """A whole number with thousands separators; ``–`` for missing.

    Parameters
    ----------
    x : float or None
        The number; ``None`` or NaN = missing.

    Returns
    -------
    str
        The rounded number.

    Examples
    --------
    >>> fmt_int(1234.6)
    '1,235'
    """
    return DASH if not _ok(x) else f"{round(x):,}"


def fmt_pct(x: float | None, digits: int = 0) -> str:
    """A share 0–1 as ``78%``.

    Parameters
    ----------
    x : float or None
        The share; ``None`` or NaN = missing (``–``).
    digits : int, default 0
        Decimals of the percentage.

    Returns
    -------
    str
        The percentage.

    Examples
    --------
    >>> fmt_pct(0.78)
    '78%'
    """
    return DASH if not _ok(x) else f"{100 * x:.{digits}f}%"


#: Currency symbols printed before an amount; any other ISO code is printed as ``CHF 1,000``.
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def fmt_money(x: float | None, currency: str = "USD") -> str:
    """An amount as ``$780,000``; negative as ``−$460,000``; in ``currency`` (ISO 4217).

    Parameters
    ----------
    x : float or None
        The amount; ``None`` or NaN = missing (``–``).
    currency : str, default "USD"
        ISO 4217 code: ``$``, ``€`` and ``£`` for USD, EUR and GBP, else the code and a space.

    Returns
    -------
    str
        The amount in whole units.

    Examples
    --------
    >>> fmt_money(-460000)
    '−$460,000'
    >>> fmt_money(1500, "EUR"), fmt_money(1500, "CHF")
    ('€1,500', 'CHF 1,500')
    """
    if not _ok(x):
        return DASH
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    return ("−" if x < 0 else "") + f"{symbol}{abs(x):,.0f}"


def fmt_money_short(x: float | None, currency: str = "USD") -> str:
    """An amount rounded for a headline: ``€5.2m``, ``€150k``, ``€900``.

    Parameters
    ----------
    x : float or None
        The amount; ``None`` or NaN = missing (``–``).
    currency : str, default "USD"
        ISO 4217 code (as :func:`fmt_money`).

    Returns
    -------
    str
        Millions to one decimal from 1m, thousands from 10k, else whole units.

    Examples
    --------
    >>> fmt_money_short(5171040, "EUR"), fmt_money_short(-150000), fmt_money_short(900)
    ('€5.2m', '−$150k', '$900')
    """
    if not _ok(x):
        return DASH
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    a = abs(x)
    if a >= 999_500:
        body = f"{a / 1e6:,.1f}m"
    elif a >= 10_000:
        body = f"{a / 1e3:,.0f}k"
    else:
        body = f"{a:,.0f}"
    return ("−" if x < 0 else "") + symbol + body


def fmt_p(p: float | None) -> str:
    """A p-value as ``0.03``, ``0.005`` or ``< 0.001``.

    Parameters
    ----------
    p : float or None
        The p-value; ``None`` or NaN = missing (``–``).

    Returns
    -------
    str
        Two decimals, three below 0.01, ``< 0.001`` below 0.001.

    Examples
    --------
    >>> fmt_p(0.031), fmt_p(0.0051), fmt_p(0.0004)
    ('0.03', '0.005', '< 0.001')
    """
    if not _ok(p):
        return DASH
    return "< 0.001" if p < 0.001 else f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def short_hash(h: str, n: int = 12) -> str:
    """``sha256:3f2a…`` shortened for display; the full hash is printed once on the cover.

    Parameters
    ----------
    h : str
        A hash, ``algorithm:hexdigest`` or bare.
    n : int, default 12
        Hex digits kept.

    Returns
    -------
    str
        The shortened hash.

    Examples
    --------
    >>> short_hash("sha256:3f2a9c0b1d2e4f5a6b7c")
    'sha256:3f2a9c0b1d2e'
    """
    algo, _, digest = h.partition(":")
    return f"{algo}:{digest[:n]}" if digest else h[:n]


def clean_text(text: str) -> str:
    r"""User-supplied text (comments, department and client names, ids) made safe to print.

    Control characters (NUL, escape sequences, C1) and explicit bidi overrides, embeddings and
    isolates are removed; runs of whitespace (tabs, line breaks) become one space. Templates
    additionally isolate such text (``<bdi>``, CSS ``unicode-bidi: isolate``) so right-to-left
    text cannot reorder its surroundings (Unicode UAX #9, "Bidi Paired Brackets and Isolates").

    Parameters
    ----------
    text : str
        The text as supplied.

    Returns
    -------
    str
        The cleaned text.

    Examples
    --------
    >>> clean_text("IT\u202e (8)\x00\n ok")
    'IT (8) ok'
    """
    return " ".join(_CONTROLS.sub("", text).split())


def cap_text(text: str, limit: int = COMMENT_MAX) -> str:
    """``text`` cut to at most ``limit`` characters, followed by "…".

    The cut is at the last space when there is one in the last fifth.

    Parameters
    ----------
    text : str
        The text.
    limit : int, default COMMENT_MAX
        Most characters kept, "…" included.

    Returns
    -------
    str
        ``text`` itself when short enough, else the cut text.

    Examples
    --------
    >>> cap_text("one two three", 9)
    'one two…'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= 0.8 * (limit - 1):
        cut = cut[:space]
    return cut.rstrip() + "…"
