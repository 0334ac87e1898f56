"""A client's logo, checked and made inert before it goes into a report.

Logos come from clients, so a theme's logo file is untrusted input:

- it must be a local regular file (a URL, a folder, a FIFO or a device is refused), at most
  :data:`MAX_BYTES`, whose content is what its suffix says: a PNG by its signature, or SVG by its
  parsed root element;
- an SVG may not declare a DOCTYPE or entities (entity-expansion and external-entity attacks);
- an SVG loses everything that could run or load something: ``<script>``, ``<foreignObject>``,
  embedded HTML, animation elements (which can rewrite an ``href``), ``on*`` event attributes,
  every ``href``/``xlink:href`` that is not a same-document ``#id`` or an embedded PNG/JPEG/GIF
  ``data:`` URI, and every CSS ``url(...)`` or ``@import`` that points outside the document.

What was removed is returned as notes, so the caller can tell the user. The report's URL fetcher
(:mod:`reports.fetch`) refuses any reference that would still slip through.
"""

from __future__ import annotations

import base64
import contextlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from questionnaires.errors import ReportError

__all__ = ["MAX_BYTES", "Logo", "load_logo", "sanitise_svg"]

MAX_BYTES = 2 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(//)?")
_DROP = {
    "script",
    "foreignObject",
    "iframe",
    "object",
    "embed",
    "audio",
    "video",
    "handler",
    "listener",
    "set",
    "animate",
    "animateTransform",
    "animateMotion",
    "animateColor",
    "discard",
}
_SAFE_DATA = re.compile(r"^data:image/(png|jpeg|gif);base64,", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*(?!#)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_CSS_IMAGE_SET = re.compile(r"(-webkit-)?image-set\([^)]*\)", re.IGNORECASE)


@dataclass(frozen=True)
class Logo:
    """A logo ready for a report: a ``data:`` URI and what was removed to make it safe.

    Attributes
    ----------
    data_uri : str
        ``data:image/png;base64,...`` or ``data:image/svg+xml;base64,...``.
    notes : tuple of str
        What was removed from an SVG logo to make it safe.
    """

    data_uri: str
    notes: tuple[str, ...] = ()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean_css(text: str, where: str, notes: list[str]) -> str:
    if "\\" in text:  # CSS escapes (u\72l, @\69mport) would hide a reference from the rules below
        notes.append(f"{where}: removed a style with CSS escapes")
        return ""

    def replace(match: re.Match[str]) -> str:
        notes.append(f"{where}: removed the reference url({match.group(2)[:80]})")
        return "none"

    cleaned = _CSS_URL.sub(replace, text)
    if _CSS_IMAGE_SET.search(cleaned):
        notes.append(f"{where}: removed an image-set()")
        cleaned = _CSS_IMAGE_SET.sub("none", cleaned)
    if _CSS_IMPORT.search(cleaned):
        notes.append(f"{where}: removed an @import")
        cleaned = _CSS_IMPORT.sub("", cleaned)
    return cleaned


def _refuse_doctype(data: bytes, source: str) -> None:
    """Refuse a DOCTYPE or entity declaration in any encoding (expat decodes UTF-16 too)."""
    import xml.parsers.expat

    def refuse(*_args: object) -> None:
        raise ReportError(
            f"{source}: an SVG logo may not declare a DOCTYPE or entities; "
            "save it again as plain SVG (most editors offer 'plain' or 'optimised' SVG)"
        )

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    with contextlib.suppress(xml.parsers.expat.ExpatError):  # the real parse reports it
        parser.Parse(data, True)


def _safe_data_uri(value: str) -> bool:
    """A ``data:`` image whose bytes really are PNG, JPEG or GIF (not SVG posing as one)."""
    match = _SAFE_DATA.match(value)
    if not match:
        return False
    try:
        head = base64.b64decode(value[match.end() :][:64] + "==", validate=False)[:8]
    except ValueError:
        return False
    return head.startswith((PNG_SIGNATURE, b"\xff\xd8\xff", b"GIF87a", b"GIF89a"))


def sanitise_svg(data: bytes, source: str) -> tuple[bytes, tuple[str, ...]]:
    """``data`` as an SVG with nothing in it that can run or load, and notes on what was removed.

    Parameters
    ----------
    data : bytes
        The SVG file's content.
    source : str
        The file's name, used in the notes and errors.

    Returns
    -------
    clean : bytes
        The sanitised SVG.
    notes : tuple of str
        One note per removed element or attribute.

    Raises
    ------
    questionnaires.errors.ReportError
        When ``data`` is not a well-formed SVG image or declares a DOCTYPE or entities.

    Examples
    --------
    >>> svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x.example/a.png"/></svg>'
    >>> clean, notes = sanitise_svg(svg, "logo.svg")
    >>> b"x.example" in clean, notes
    (False, ("logo.svg: removed <image href='http://x.example/a.png'>",))
    """
    _refuse_doctype(data, source)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, col = exc.position
        raise ReportError(
            f"{source}: not a well-formed SVG file (line {line}, column {col + 1})"
        ) from None
    if root.tag not in (f"{{{SVG_NS}}}svg", "svg"):
        raise ReportError(
            f"{source}: not an SVG image (its root element is <{_local(root.tag)}>, not <svg>)"
        )
    notes: list[str] = []
    _clean_attributes(root, source, notes)
    _clean_element(root, source, notes)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False), tuple(notes)


def _clean_element(element: ET.Element, source: str, notes: list[str]) -> None:
    for child in list(element):  # the parser drops comments and processing instructions
        name = _local(child.tag)
        if name in _DROP:
            notes.append(f"{source}: removed <{name}>")
            element.remove(child)
            continue
        _clean_attributes(child, source, notes)
        if name == "style" and child.text:
            child.text = _clean_css(child.text, source, notes)
        _clean_element(child, source, notes)


def _clean_attributes(element: ET.Element, source: str, notes: list[str]) -> None:
    name = _local(element.tag)
    for attr, value in list(element.attrib.items()):
        local = _local(attr)
        if local.lower().startswith("on"):
            notes.append(f"{source}: removed the event attribute {local!r} of <{name}>")
            del element.attrib[attr]
        elif local == "href":
            if not (value.startswith("#") or _safe_data_uri(value)):
                notes.append(f"{source}: removed <{name} href={value[:80]!r}>")
                del element.attrib[attr]
        elif any(t in value.lower() for t in ("url(", "@import", "image-set(", "\\")):
            element.attrib[attr] = _clean_css(value, source, notes)


def load_logo(value: str, source: str, base: Path | None = None) -> Logo:
    """Read the logo named ``value`` in the theme ``source`` as a :class:`Logo`.

    Parameters
    ----------
    value : str
        The theme's ``logo`` entry: a ``.png`` or ``.svg`` file name.
    source : str
        The theme's name, used in errors.
    base : pathlib.Path, optional
        Folder ``value`` is relative to (the theme file's folder).

    Returns
    -------
    Logo
        The logo as a ``data:`` URI with its notes.

    Raises
    ------
    questionnaires.errors.ReportError
        Naming the theme and the logo for a URL, a missing or unreadable file, something that is
        not a regular file, a file over :data:`MAX_BYTES`, or content that is not the PNG or SVG
        its suffix promises.
    """
    if _URL_LIKE.match(value) and not re.match(r"^[A-Za-z]:[\\/]", value):
        shown = value if len(value) <= 80 else value[:79] + "…"
        raise ReportError(
            f"{source}: logo must be a file path relative to the theme file, not a URL "
            f"(got {shown!r}); download the logo and name the file"
        )
    if "\0" in value:
        raise ReportError(f"{source}: logo {value!r} contains a NUL character; name a real file")
    path = Path(value)
    if not path.is_absolute() and base is not None:
        path = base / path
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise ReportError(f"{source}: logo {path.name!r} must be an .svg or .png file")
    try:
        real = path.resolve(strict=True)
        if not real.is_file():
            raise ReportError(f"{source}: logo {str(path)!r} is not a regular file")
        if real.stat().st_size > MAX_BYTES:
            raise ReportError(
                f"{source}: logo {str(path)!r} is larger than {MAX_BYTES // (1024 * 1024)} MB"
            )
        data = real.read_bytes()
    except OSError as exc:
        raise ReportError(
            f"{source}: cannot read logo {str(path)!r} ({exc.strerror or exc}); "
            "give a path relative to the theme file"
        ) from None
    if suffix == ".png":
        if not data.startswith(PNG_SIGNATURE):
            raise ReportError(f"{source}: logo {str(path)!r} is not a PNG image")
        return Logo(f"data:image/png;base64,{base64.b64encode(data).decode('ascii')}")
    clean, notes = sanitise_svg(data, f"{source}: logo {path.name}")
    return Logo(f"data:image/svg+xml;base64,{base64.b64encode(clean).decode('ascii')}", notes)
