"""Report themes: client name, logo, colours and fonts, read from a YAML or TOML file.

A theme file looks like this (every key is optional; missing keys keep the default)::

    client: Northwind Telecom
    logo: northwind.svg            # SVG or PNG, relative to the theme file (see reports.logo)
    colours:
      primary: "#1F3A5F"           # headings, cover band, current state
      accent: "#C8702A"            # target state, highlights
    fonts:
      body: "Lato, 'Helvetica Neue', Arial, sans-serif"
      heading: "Lato, 'Helvetica Neue', Arial, sans-serif"

The default theme is a calm navy/slate palette with a single warm accent, the look of a
strategy-consultancy deliverable.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import IO, Any

from questionnaires.errors import ReportError
from reports.logo import load_logo

__all__ = ["DEFAULT_THEME", "Theme", "load_theme"]

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_FONT = re.compile(r"^[A-Za-z0-9 ,'\"-]+$")


@dataclass(frozen=True)
class Colours:
    """Named colours of a theme, all ``#rrggbb``."""

    primary: str = "#1F3A5F"  # deep navy: headings, current state
    accent: str = "#C8702A"  # warm copper: target state, call-outs
    text: str = "#1E2329"
    muted: str = "#6B7480"
    rule: str = "#D5DAE1"
    panel: str = "#F3F5F8"
    positive: str = "#2E7D5B"  # aligned / improved
    caution: str = "#C79A1E"  # partly aligned
    negative: str = "#B23A3A"  # misaligned / declined
    management: str = "#1F3A5F"
    others: str = "#8FA3BF"


@dataclass(frozen=True)
class Fonts:
    body: str = "'Centric Lato', Lato, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
    heading: str = "'Centric Lato', Lato, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"

    @property
    def chart_family(self) -> list[str]:
        """The body font stack as a list matplotlib understands (quotes removed)."""
        return [f.strip().strip("'\"") for f in self.body.split(",") if f.strip()]


@dataclass(frozen=True)
class Theme:
    """The look of a report: client name, logo, colours and fonts.

    Attributes
    ----------
    client : str
        Client name shown on the cover; empty = none.
    logo_data_uri : str
        ``data:image/...;base64,...``; empty = no logo.
    logo_notes : tuple of str
        What was removed from an SVG logo to make it safe.
    colours : Colours
        Named colours, all ``#rrggbb``.
    fonts : Fonts
        Body and heading font stacks.
    source : str
        Where the theme came from (file or upload name, ``"default"``).
    """

    client: str = ""
    logo_data_uri: str = ""
    logo_notes: tuple[str, ...] = ()
    colours: Colours = field(default_factory=Colours)
    fonts: Fonts = field(default_factory=Fonts)
    source: str = "default"

    def css_variables(self) -> str:
        """``:root { --primary: ...; }`` for the template head; the one CSS file uses these.

        Returns
        -------
        str
            The CSS rule.
        """
        parts = [f"--{f.name}: {getattr(self.colours, f.name)};" for f in fields(Colours)]
        # WeasyPrint does not resolve var() inside font-family lists: fonts are written out.
        return (
            ":root { " + " ".join(parts) + " } "
            f"html {{ font-family: {self.fonts.body}; }} "
            f"h1, h2, h3, .kpi-value, .cover-title {{ font-family: {self.fonts.heading}; }}"
        )


DEFAULT_THEME = Theme()


def load_theme(
    path: str | Path | bytes | IO[bytes] | None,
    *,
    name: str | None = None,
    base: Path | None = None,
) -> Theme:
    """Read a theme from a ``.yaml``/``.yml`` or ``.toml`` file; ``None`` gives the default theme.

    A logo file is found relative to the theme file's folder, or for an upload relative to
    ``base``; an upload without ``base`` may not name a logo file (it would be read from wherever
    the program runs).

    Parameters
    ----------
    path : str or pathlib.Path or bytes or binary file or None
        The theme file, or its content as ``bytes`` or a binary file object (an upload has no
        path); ``None`` = :data:`DEFAULT_THEME`.
    name : str, optional
        Display name of an upload (e.g. ``"acme.yaml"``), carried by errors; its suffix chooses
        YAML or TOML.
    base : pathlib.Path, optional
        Folder an uploaded theme's logo file is relative to.

    Returns
    -------
    Theme
        The theme.

    Raises
    ------
    questionnaires.errors.ReportError
        Naming the key, for unknown keys, malformed colours and unreadable logos.
    """
    if path is None:
        return DEFAULT_THEME
    upload = not isinstance(path, str | Path)
    if isinstance(path, str | Path):
        path = Path(path)
        source = name or str(path)
        suffix = path.suffix.lower()
        base = path.parent
    else:
        source = name or "<theme>"
        suffix = Path(source).suffix.lower()
    try:
        raw = path.read_bytes() if isinstance(path, Path) else path
        text = (raw if isinstance(raw, bytes) else raw.read()).decode("utf-8")
    except FileNotFoundError:
        raise ReportError(f"{source}: no such theme file") from None
    except UnicodeDecodeError:
        raise ReportError(f"{source}: theme file is not UTF-8 text") from None
    data = _parse_theme(text, suffix, source)
    if upload and base is None and isinstance(data.get("logo"), str) and data["logo"]:
        raise ReportError(
            f"{source}: logo: a theme given as data (an upload) cannot name a logo file; "
            "pass the folder of its logo as base, or upload the theme without a logo"
        )
    return theme_from_data(data, source, base=base)


def _parse_theme(text: str, suffix: str, source: str) -> dict[str, Any]:
    """The mapping of a theme file's ``text`` (TOML or YAML by ``suffix``)."""
    data: Any
    if suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ReportError(f"{source}: not valid TOML: {exc}") from None
    elif suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ReportError(f"{source}: not valid YAML: {exc}") from None
    else:
        raise ReportError(f"{source}: a theme file must end in .yaml, .yml or .toml")
    if not isinstance(data, dict):
        raise ReportError(f"{source}: expected a mapping with client, logo, colours, fonts")
    return data


def theme_from_data(
    data: dict[str, Any], source: str = "<theme>", base: Path | None = None
) -> Theme:
    """Build a :class:`Theme` from a parsed mapping, checking every key."""
    allowed = {"client", "logo", "colours", "colors", "fonts"}
    unknown = sorted(str(k) for k in data if k not in allowed)  # YAML keys may be numbers or null
    if unknown:
        raise ReportError(
            f"{source}: unknown theme key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    theme = DEFAULT_THEME
    if data.get("client") is not None:
        theme = replace(theme, client=str(data["client"]).strip())
    if data.get("logo"):
        logo = load_logo(str(data["logo"]), source, base)
        theme = replace(theme, logo_data_uri=logo.data_uri, logo_notes=logo.notes)
    colours = data.get("colours", data.get("colors")) or {}
    if not isinstance(colours, dict):
        raise ReportError(f"{source}: colours must be a mapping such as {{primary: '#1F3A5F'}}")
    names = {f.name for f in fields(Colours)}
    for key, value in colours.items():
        if key not in names:
            raise ReportError(
                f"{source}: colours.{key} is not a theme colour; known: {', '.join(sorted(names))}"
            )
        if not isinstance(value, str) or not _HEX.match(value):
            raise ReportError(f"{source}: colours.{key} must look like '#1F3A5F', got {value!r}")
    theme = replace(
        theme, colours=replace(theme.colours, **{k: v.upper() for k, v in colours.items()})
    )
    fonts = data.get("fonts") or {}
    if not isinstance(fonts, dict) or set(fonts) - {"body", "heading"}:
        raise ReportError(f"{source}: fonts takes 'body' and 'heading' font stacks")
    for key, value in fonts.items():
        if not isinstance(value, str) or not _FONT.match(value):
            raise ReportError(
                f'{source}: fonts.{key} must be a CSS font stack like "Lato, Arial, sans-serif"'
            )
    return replace(theme, fonts=replace(theme.fonts, **fonts), source=source)
