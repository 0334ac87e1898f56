"""View model + charts → HTML (Jinja2) → PDF (WeasyPrint).

WeasyPrint is imported on first use and its ``FontConfiguration`` and the report stylesheet are
created once per process and reused (WeasyPrint's import alone costs most of a second). Templates
come from the package (``reports/templates``); a user template directory, when given, is searched
first, so any template can be overridden by a file of the same name.

Byte-identical output: the date printed is the wave's (or ``report_date``), the PDF carries no
creation or modification date, chart SVG ids are salted with a constant, and nothing random is used.
Fonts are subset for every PDF, by HarfBuzz when ``libharfbuzz-subset`` is installed, otherwise by
fontTools, which stamps the ``head`` table of each subset with the clock (``head.modified``); while a
PDF is written, ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention fontTools honours) is set to
the bundled font's own timestamp unless the caller set it, so both paths give the same bytes on
every run.

Nothing is fetched from outside the package: every ``HTML`` and ``CSS`` object gets
:func:`reports.fetch.url_fetcher`.

Accessibility: every PDF is tagged (WeasyPrint's ``pdf_tags``): a structure tree in document
order (the template's reading order), ``H1``–``H3``, tables with ``TH``/``TD`` (``<th scope="row">``
makes a row header), ``/Figure`` with ``/Alt`` from each image's ``alt``, ``/Lang`` from
``<html lang>``, the ``<title>`` as document title shown by the viewer (``DisplayDocTitle``).
``ReportOptions.pdfua`` writes PDF/UA-1 and refuses a report without a language, a title or a
figure's alternative text (:func:`accessibility_problems`); with ``pdfa`` as well, PDF/A-3a with
the PDF/UA-1 identification added to its XMP metadata.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from questionnaires.errors import ReportError
from reports import formatting
from reports.fetch import url_fetcher
from reports.options import ReportOptions

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "PLACEHOLDER_ALT",
    "accessibility_problems",
    "figures_without_alt",
    "html_to_pdf",
    "pdf_variant",
    "render_html",
    "stylesheet_path",
]

PACKAGE_DIR = Path(__file__).parent
TEMPLATES = {"team": "team.html", "individual": "individual.html", "trend": "trend.html"}


def stylesheet_path() -> Path:
    """The one CSS file of every report.

    Returns
    -------
    pathlib.Path
        ``reports/static/report.css``.
    """
    return PACKAGE_DIR / "static" / "report.css"


@dataclass
class _Engine:
    """Per-process WeasyPrint state: font configuration and the parsed stylesheet."""

    font_config: Any
    css: Any
    fetcher: Any
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
        fetcher = url_fetcher()
        try:
            fc = FontConfiguration()
            with _refusals(fetcher):
                css = CSS(filename=str(stylesheet_path()), font_config=fc, url_fetcher=fetcher)
        finally:
            logger.removeHandler(handler)
        _ENGINE = _Engine(fc, css, fetcher, tuple(r.getMessage() for r in handler.records))
        atexit.register(_release_engine)
    return _ENGINE


def _release_engine() -> None:
    """Drop the font configuration while the interpreter still works: its finaliser deletes a
    temporary folder and fails noisily when it runs during shutdown."""
    global _ENGINE
    _ENGINE = None


def environment(template_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment: sandboxed (a user template cannot reach Python internals, the
    file system or the view model's mutating methods), autoescaping on, strict undefined,
    formatting filters. A user template that tries gives a :class:`ReportError`."""
    key = str(template_dir or "")
    if key in _ENVS:
        return _ENVS[key]
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise ReportError(f"template directory {str(template_dir)!r} does not exist")
        loaders.append(jinja2.FileSystemLoader(str(template_dir), followlinks=False))
    loaders.append(jinja2.PackageLoader("reports", "templates"))
    # User templates are untrusted code: the sandbox refuses attribute access to internals
    # (``__globals__``, ``__subclasses__``, ``os``) and mutation of the view model.
    env = ImmutableSandboxedEnvironment(
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
    """Fill the template of ``vm.kind`` (team, individual, trend) with the view model and charts.

    Parameters
    ----------
    vm : TeamReport or IndividualReport or TrendReport
        The report's view model (:mod:`reports.views`).
    charts : dict of str to str
        Chart name → ``data:`` URI (:mod:`reports.charts`).
    options : ReportOptions
        Theme and template options.

    Returns
    -------
    str
        The report as HTML.
    """
    import jinja2
    from jinja2.exceptions import SecurityError
    from markupsafe import Markup

    env = environment(options.template_dir)
    where = f" in {options.template_dir}" if options.template_dir else ""
    try:
        template = env.get_template(TEMPLATES[vm.kind])
        # Theme CSS is built from validated values only (hex colours, a font-stack pattern).
        return template.render(
            vm=vm,
            charts=charts,
            theme=options.theme,
            theme_css=Markup(options.theme.css_variables()),
        )
    except SecurityError as exc:
        raise ReportError(
            f"a report template{where} tried something templates may not do ({exc}); "
            "templates may only format the view model"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise ReportError(
            f"report template {exc.filename or exc.name or '?'}, line {exc.lineno}: {exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise ReportError(f"a report template{where} uses an unknown name: {exc.message}") from None


# Warnings about the machine, not about the report: a missing optional system library.
_ENVIRONMENT_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)
# WeasyPrint's tagger logs this for an image without ``alt``; :func:`accessibility_problems`
# reports it by figure name instead (the message carries the whole data: URI).
_MISSING_ALT = "has no required alt description"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.getMessage().startswith(_ENVIRONMENT_WARNINGS):
            self.records.append(record)


def _not_missing_alt(record: logging.LogRecord) -> bool:
    """Logger filter: drop WeasyPrint's missing-alt error (a report without ``pdfua`` may have
    a chart without alternative text; :func:`accessibility_problems` names it)."""
    return _MISSING_ALT not in record.getMessage()


#: Alternative texts that say nothing about the figure (compared case-folded, without
#: punctuation): a figure with one of these counts as having none.
PLACEHOLDER_ALT = frozenset(
    {"chart", "image", "img", "figure", "graph", "graphic", "picture", "diagram", "plot", "logo"}
)


def _says_something(alt: str | None) -> bool:
    words = "".join(c for c in (alt or "").casefold() if c.isalnum() or c.isspace()).split()
    return bool(words) and " ".join(words) not in PLACEHOLDER_ALT


class _Scan(HTMLParser):
    """``<html lang>``, ``<title>`` and the images (``<img>``, ``<svg>``) without a usable
    alternative text, named by ``data-figure``, the enclosing ``<figure>``'s classes, the
    image's class or its ``src`` (shortened)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title: list[str] = []
        self.missing: list[str] = []
        self._figures: list[str] = []
        self._svg: list[tuple[str, list[str]]] = []
        self._in: str | None = None  # "title" (document) or "svgtitle"

    def _name(self, attrs: dict[str, str | None]) -> str:
        for candidate in (attrs.get("data-figure"), *reversed(self._figures), attrs.get("class")):
            if candidate and candidate.strip():
                return " ".join(candidate.split())
        src = attrs.get("src") or "an image without src"
        return src if len(src) <= 40 else src[:39] + "…"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html" and self.lang is None:
            self.lang = (a.get("lang") or "").strip()
        elif tag == "title":
            self._in = "svgtitle" if self._svg else "title"
        elif tag == "figure":
            self._figures.append(" ".join((a.get("class") or "").replace("chart", " ").split()))
        elif tag == "img" and not _says_something(a.get("alt")):
            self.missing.append(self._name(a))
        elif tag == "svg":
            self._svg.append((self._name(a), []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in = None
        elif tag == "figure" and self._figures:
            self._figures.pop()
        elif tag == "svg" and self._svg:
            name, title = self._svg.pop()
            if not _says_something("".join(title)):
                self.missing.append(name)

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title.append(data)
        elif self._in == "svgtitle" and self._svg and len(self._svg[-1][1]) == 0:
            self._svg[-1][1].append(data)


def _scan(html: str) -> _Scan:
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return scan


def figures_without_alt(html: str) -> tuple[str, ...]:
    """The images of a report that have no alternative text, or only a placeholder.

    An ``<img>`` needs an ``alt`` and an inline ``<svg>`` a ``<title>`` that says something:
    empty or one of :data:`PLACEHOLDER_ALT` ("chart", "image" …) does not count. These are the
    ``/Figure`` elements that would get no ``/Alt`` (or a useless one) in the tagged PDF.

    Parameters
    ----------
    html : str
        The report's HTML (:func:`render_html`).

    Returns
    -------
    tuple of str
        One name per such image, in document order: its ``data-figure``, the classes of the
        enclosing ``<figure>`` (without ``chart``), its ``class``, or its shortened ``src``.

    Examples
    --------
    >>> figures_without_alt('<figure class="chart radar"><img src="r.svg" alt="Chart"></figure>')
    ('radar',)
    >>> figures_without_alt('<img src="r.svg" alt="Decision Authority is rated highest">')
    ()
    """
    return tuple(_scan(html).missing)


def accessibility_problems(html: str) -> tuple[str, ...]:
    """What stops the HTML from becoming an accessible (PDF/UA-1) PDF, one sentence each.

    A missing or empty ``<html lang>``, a missing or empty ``<title>`` (the document title a
    viewer shows), and every image of :func:`figures_without_alt`.

    Parameters
    ----------
    html : str
        The report's HTML.

    Returns
    -------
    tuple of str
        Empty when none.
    """
    scan = _scan(html)
    problems = []
    if not scan.lang:
        problems.append('the document has no language (<html lang="en">)')
    if not "".join(scan.title).strip():
        problems.append("the document has no title (<title>)")
    problems += [
        f"figure {name!r} has no alternative text that states its message (alt)"
        for name in scan.missing
    ]
    return tuple(problems)


def pdf_variant(options: ReportOptions) -> str | None:
    """The WeasyPrint PDF variant of ``options``; every variant and ``None`` are tagged.

    ``pdfa`` and ``pdfua``: ``"pdf/a-3a"`` (PDF/A-3, accessible level, with the PDF/UA-1
    identification added); ``pdfa``: ``"pdf/a-3b"``; ``pdfua``: ``"pdf/ua-1"``; neither:
    ``None`` (a tagged PDF 1.7 that claims no conformance).

    Parameters
    ----------
    options : ReportOptions
        The report options.

    Returns
    -------
    str or None
        The variant.

    Examples
    --------
    >>> pdf_variant(ReportOptions(pdfua=True)), pdf_variant(ReportOptions())
    ('pdf/ua-1', None)
    """
    if options.pdfa:
        return "pdf/a-3a" if options.pdfua else "pdf/a-3b"
    return "pdf/ua-1" if options.pdfua else None


_PDFUA_ID = (
    b'<rdf:Description xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" rdf:about="" '
    b'pdfuaid:part="1" />'
)


def _add_pdfua_id(_document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: the PDF/UA-1 identification in the XMP of a PDF/A file."""
    reference = pdf.catalog["Metadata"]  # b"12 0 R"
    stream = pdf.objects[int(reference.split()[0])].stream
    content = b"\n".join(stream)
    stream[:] = [content.replace(b"</rdf:RDF>", _PDFUA_ID + b"</rdf:RDF>", 1)]


@contextlib.contextmanager
def _refusals(fetcher: Any) -> Iterator[None]:
    """Give back the :class:`~reports.fetch.RefusedURL` that stopped a WeasyPrint render, or
    that WeasyPrint caught and logged (nested SVG images): any refusal fails the render."""
    from weasyprint.urls import FatalURLFetchingError

    fetcher.refused.clear()
    try:
        yield
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        if isinstance(cause, ReportError):
            raise cause from None
        raise ReportError(f"the report could not load a resource: {cause or exc}") from None
    if fetcher.refused:
        raise fetcher.refused[0]


_EPOCH_LOCK = threading.Lock()
_FONT_EPOCH: str | None = None


def _font_epoch() -> str:
    """The bundled Regular font's ``head.modified`` as Unix seconds (fontTools counts from 1904)."""
    global _FONT_EPOCH
    if _FONT_EPOCH is None:
        from fontTools.misc.timeTools import epoch_diff
        from fontTools.ttLib import TTFont

        with TTFont(str(PACKAGE_DIR / "fonts" / "Lato-Regular.ttf"), lazy=True) as font:
            _FONT_EPOCH = str(int(font["head"].modified + epoch_diff))
    return _FONT_EPOCH


@contextlib.contextmanager
def fixed_font_timestamp() -> Iterator[None]:
    """While active, fonts subset by fontTools carry the bundled font's date, not the clock's.

    fontTools recomputes ``head.modified`` from :func:`time.time` whenever it saves a font, unless
    ``SOURCE_DATE_EPOCH`` is set; a value the caller set is kept. The variable is restored after.
    """
    with _EPOCH_LOCK:
        if "SOURCE_DATE_EPOCH" in os.environ:
            yield
            return
        os.environ["SOURCE_DATE_EPOCH"] = _font_epoch()
        try:
            yield
        finally:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def html_to_pdf(html: str, options: ReportOptions | None = None, strict: bool = False) -> bytes:
    """Lay out the HTML with the report stylesheet and return PDF bytes.

    Parameters
    ----------
    html : str
        The report's HTML (:func:`render_html`).
    options : ReportOptions, optional
        ``pdfa`` selects PDF/A-3b, ``pdfua`` PDF/UA-1, both PDF/A-3a + PDF/UA-1
        (:func:`pdf_variant`); the PDF is tagged either way. ``None`` = the defaults.
    strict : bool, default False
        Turn any WeasyPrint warning (unsupported CSS, missing image) into a :class:`ReportError`,
        so a broken template cannot pass silently.

    Returns
    -------
    bytes
        The PDF, byte-identical for identical inputs.

    Raises
    ------
    questionnaires.errors.ReportError
        On a WeasyPrint warning with ``strict``, a refused URL (:class:`reports.fetch.RefusedURL`),
        or with ``pdfua`` any of :func:`accessibility_problems` (nothing is laid out then).
    """
    from weasyprint import HTML

    # fontTools complains about the fonts' 1904-based timestamps; harmless, and not ours to fix
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    options = options or ReportOptions()
    if options.pdfua and (problems := accessibility_problems(html)):
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ReportError(
            f"the report cannot be written as PDF/UA-1: {'; '.join(problems[:5])}{more}; "
            "give every figure an alternative text that states its message (the figure "
            "macro's alt), or write the report without PDF/UA conformance (it is tagged "
            "either way)"
        )
    variant = pdf_variant(options)
    eng = _engine()
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    logger.addFilter(_not_missing_alt)
    try:
        with _refusals(eng.fetcher):
            doc = HTML(string=html, base_url=str(PACKAGE_DIR), url_fetcher=eng.fetcher).render(
                stylesheets=[eng.css], font_config=eng.font_config
            )
            with fixed_font_timestamp():
                pdf: bytes = doc.write_pdf(
                    pdf_variant=variant,
                    pdf_tags=True,
                    finisher=_add_pdfua_id if variant == "pdf/a-3a" else None,
                )
    finally:
        logger.removeFilter(_not_missing_alt)
        logger.removeHandler(handler)
    warnings = [*eng.warnings, *(r.getMessage() for r in handler.records)]
    if strict and warnings:
        msgs = "; ".join(warnings[:5])
        raise ReportError(f"the report layout produced warnings: {msgs}")
    return pdf
