"""View model + charts → HTML (Jinja2) → PDF (WeasyPrint).

WeasyPrint is imported on first use and its ``FontConfiguration`` and the report stylesheet are
created once per process and reused (WeasyPrint's import alone costs most of a second). Templates
come from the package (``reports/templates``); a user template directory, when given, is searched
first, so any template can be overridden by a file of the same name.

Byte-identical output: the date printed is the wave's (or ``report_date``), the PDF carries no
creation or modification date, chart SVG ids are salted with a constant, and nothing random is used.
"""

from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.errors import ReportError
from reports import formatting
from reports.options import ReportOptions

if TYPE_CHECKING:
    import jinja2

__all__ = ["html_to_pdf", "render_html", "stylesheet_path"]

PACKAGE_DIR = Path(__file__).parent
TEMPLATES = {"team": "team.html", "individual": "individual.html", "trend": "trend.html"}


def stylesheet_path() -> Path:
    return PACKAGE_DIR / "static" / "report.css"


@dataclass
class _Engine:
    """Per-process WeasyPrint state: font configuration and the parsed stylesheet."""

    font_config: Any
    css: Any
    warnings: tuple[str, ...] = ()  # logged while the stylesheet was parsed


_ENGINE: _Engine | None = None
_ENVS: dict[str, jinja2.Environment] = {}


def _engine() -> _Engine:
    global _ENGINE
    if _ENGINE is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        logger = logging.getLogger("weasyprint")
        handler = _Collect()
        logger.addHandler(handler)
        try:
            fc = FontConfiguration()
            css = CSS(filename=str(stylesheet_path()), font_config=fc)
        finally:
            logger.removeHandler(handler)
        _ENGINE = _Engine(fc, css, tuple(r.getMessage() for r in handler.records))
        atexit.register(_release_engine)
    return _ENGINE


def _release_engine() -> None:
    """Drop the font configuration while the interpreter still works: its finaliser deletes a
    temporary folder and fails noisily when it runs during shutdown."""
    global _ENGINE
    _ENGINE = None


def environment(template_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment: autoescaping on, strict undefined, formatting filters."""
    key = str(template_dir or "")
    if key in _ENVS:
        return _ENVS[key]
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise ReportError(f"template directory {str(template_dir)!r} does not exist")
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.PackageLoader("reports", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        num=formatting.fmt_num,
        signed=formatting.fmt_signed,
        agi=formatting.fmt_agi,
        pct=formatting.fmt_pct,
        money=formatting.fmt_money,
        short_hash=formatting.short_hash,
        bdi=isolate,
    )
    _ENVS[key] = env
    return env


def isolate(text: object) -> Any:
    """User text isolated from its surroundings (Unicode UAX #9 §2.4): ``<bdi>`` around FSI …
    PDI (U+2068, U+2069). WeasyPrint ignores CSS ``unicode-bidi`` and has no ``<bdi>`` style, but
    Pango's bidi algorithm honours the isolate characters, so a right-to-left name cannot move
    the numbers beside it. Explicit overrides were already removed by
    :func:`reports.formatting.clean_text`. Use as ``{{ name | bdi }}``."""
    from markupsafe import Markup, escape

    return Markup(f"<bdi>\u2068{escape(text)}\u2069</bdi>")


def render_html(vm: Any, charts: dict[str, str], options: ReportOptions) -> str:
    """Fill the template of ``vm.kind`` (team, individual, trend) with the view model and charts."""
    from markupsafe import Markup

    env = environment(options.template_dir)
    template = env.get_template(TEMPLATES[vm.kind])
    # Theme CSS is built from validated values only (hex colours, a font-stack pattern).
    return template.render(
        vm=vm,
        charts=charts,
        theme=options.theme,
        theme_css=Markup(options.theme.css_variables()),
    )


# Warnings about the machine, not about the report: a missing optional system library.
_ENVIRONMENT_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.getMessage().startswith(_ENVIRONMENT_WARNINGS):
            self.records.append(record)


def html_to_pdf(html: str, options: ReportOptions | None = None, strict: bool = False) -> bytes:
    """Lay out the HTML with the report stylesheet and return PDF bytes.

    ``strict`` turns any WeasyPrint warning (unsupported CSS, missing image) into a
    :class:`ReportError`, so a broken template cannot pass silently.
    """
    from weasyprint import HTML

    # fontTools complains about the fonts' 1904-based timestamps; harmless, and not ours to fix
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    options = options or ReportOptions()
    eng = _engine()
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        doc = HTML(string=html, base_url=str(PACKAGE_DIR)).render(
            stylesheets=[eng.css], font_config=eng.font_config
        )
        pdf: bytes = doc.write_pdf(pdf_variant="pdf/a-3b" if options.pdfa else None)
    finally:
        logger.removeHandler(handler)
    problems = [*eng.warnings, *(r.getMessage() for r in handler.records)]
    if strict and problems:
        msgs = "; ".join(problems[:5])
        raise ReportError(f"the report layout produced warnings: {msgs}")
    return pdf
