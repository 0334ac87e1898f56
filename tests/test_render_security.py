"""What a rendered report may load (issue 8, finding 1), client logos as untrusted input (finding 6),
and byte-identical PDFs on both font-subsetting paths (issue 9, item 1).

A local HTTP server counts every request it gets; a "secret" PNG outside the package stands for a
private file. Nothing may reach either.
"""

from __future__ import annotations

import ast
import http.server
import io
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from test_reports_support import scored

from questionnaires.errors import ReportError
from reports import ReportOptions
from reports.fetch import RefusedURL, check_url
from reports.logo import MAX_BYTES, load_logo, sanitise_svg
from reports.render import html_to_pdf
from reports.theme import load_theme

ROOT = Path(__file__).resolve().parents[1]
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf50000003010100c9fe92ef0000000049454e44ae426082"
)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG_1PX)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server():
    _Counter.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Counter.hits
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def secret(tmp_path) -> Path:
    path = tmp_path / "private" / "secret.png"
    path.parent.mkdir()
    path.write_bytes(PNG_1PX)
    return path


def _page(body: str) -> str:
    from reports.theme import DEFAULT_THEME

    head = f"<style>{DEFAULT_THEME.css_variables()}</style>"
    return (
        f"<!doctype html><html lang='en'><head>{head}</head><body><p>Report</p>{body}</body></html>"
    )


# -- the URL fetcher ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="{url}/beacon.png">',
        '<link rel="stylesheet" href="{url}/x.css">',
        '<div style="background: url({url}/bg.png)">x</div>',
        "<style>@import url({url}/imp.css);</style>",
        "<style>@font-face {{ font-family: X; src: url({url}/f.ttf); }} p {{ font-family: X; }}</style>",
    ],
)
def test_a_report_never_fetches_from_the_network(server, tag):
    url, hits = server
    with pytest.raises(RefusedURL, match=r"127\.0\.0\.1") as exc:
        html_to_pdf(_page(tag.format(url=url)))
    assert "network access" in str(exc.value)
    assert hits == []


def test_a_report_never_opens_a_local_file_outside_the_package(secret):
    with pytest.raises(RefusedURL, match="outside the report package"):
        html_to_pdf(_page(f'<img src="{secret.as_uri()}">'))


def test_a_relative_path_climbing_out_of_the_package_is_refused(secret):
    rel = os.path.relpath(secret, ROOT / "reports")
    with pytest.raises(RefusedURL, match="outside the report package"):
        html_to_pdf(_page(f'<img src="{rel}">'))


def test_a_symlink_inside_the_package_to_a_private_file_is_refused(tmp_path, secret):
    link = ROOT / "reports" / "static" / f"link-{os.getpid()}.png"
    link.symlink_to(secret)
    try:
        with pytest.raises(RefusedURL, match="outside the report package"):
            check_url(link.as_uri())
    finally:
        link.unlink()


def test_the_package_s_own_fonts_and_data_uris_still_load():
    import base64

    png = "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()
    import pypdf

    pdf = html_to_pdf(_page(f'<img src="{png}" alt="dot">'), strict=True)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = [str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()]
    assert any("Centric-Lato" in f for f in fonts)  # the @font-face file of the package loaded
    assert len(page.images) == 1


@pytest.mark.parametrize(
    "url, why",
    [
        ("ftp://example.org/x.png", "network access"),
        ("file://otherhost/etc/passwd", "another host"),
        ("javascript:alert(1)", "'javascript' scheme"),
        ("file:///etc/passwd", "outside the report package"),
    ],
)
def test_check_url_names_the_reference_and_the_reason(url, why):
    with pytest.raises(RefusedURL) as exc:
        check_url(url)
    assert why in str(exc.value) and exc.value.url == url


def _weasyprint_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("HTML", "CSS"):
                calls.append(node)
    return calls


def test_every_weasyprint_call_in_the_code_passes_the_project_fetcher():
    found = 0
    for package in ("assessment", "reports", "scoring", "questionnaires"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for call in _weasyprint_calls(tree):
                found += 1
                keywords = {k.arg for k in call.keywords}
                assert "url_fetcher" in keywords, (
                    f"{path}:{call.lineno} renders without url_fetcher"
                )
    assert found >= 2  # the stylesheet and the page


def test_every_weasyprint_object_of_a_real_render_uses_the_fetcher(monkeypatch):
    import weasyprint

    from reports import render_team_pdf

    seen: list[object] = []
    for cls in (weasyprint.HTML, weasyprint.CSS):
        original = cls.__init__

        def spy(self, *args, _original=original, **kwargs):
            seen.append(kwargs.get("url_fetcher"))
            _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", spy)
    import reports.render as render

    monkeypatch.setattr(render, "_ENGINE", None)  # the stylesheet is built again, under the spy
    inst, rs, wr = scored()
    render_team_pdf(wr, rs, inst, ReportOptions())
    assert len(seen) >= 2
    assert all(type(f).__name__ == "_PackageFetcher" for f in seen)


# -- SVG logos (finding 1) and logo files (finding 6) -------------------------------------------


def _hostile_svg(secret: Path, url: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="200" height="60" onload="alert(1)">'
        f'<image href="{secret.as_uri()}" width="60" height="60"/>'
        f'<image xlink:href="{url}/beacon.png"/>'
        "<script>alert(2)</script>"
        f'<rect width="10" height="10" style="fill: url({url}/p.svg#g)"/>'
        f"<style>@import url({url}/s.css); rect {{ fill: url(#ok) }}</style>"
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
        f'<set attributeName="href" to="{url}/late.png"/>'
        '<rect id="ok" width="20" height="20" fill="#1F3A5F"/>'
        "</svg>"
    )


def test_a_theme_svg_logo_cannot_fetch_urls_or_embed_local_files(tmp_path, server, secret):
    """The reproduction of finding 1, through the CLI as a consultant would run it."""
    from click.testing import CliRunner

    from assessment.cli import cli
    from assessment.io.writers import write_csv
    from assessment.synthetic import northwind

    url, hits = server
    (tmp_path / "logo.svg").write_text(_hostile_svg(secret, url), encoding="utf-8")
    theme = tmp_path / "t.yaml"
    theme.write_text("client: Acme\nlogo: logo.svg\n", encoding="utf-8")
    data = tmp_path / "r.csv"
    write_csv(northwind(), data)
    out = tmp_path / "me.pdf"
    result = CliRunner().invoke(
        cli,
        ["report", "individual", str(data), "--respondent", "NW-E01", "--theme", str(theme),
         "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert hits == []
    assert "Warning: " in result.output and "logo logo.svg: removed <script>" in result.output
    pdf = out.read_bytes()
    assert secret.as_uri().encode() not in pdf
    import pypdf

    images = [im for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for im in page.images]
    assert images == []  # the logo is vector; the secret PNG was never embedded


def test_svg_sanitiser_removes_what_runs_or_loads_and_keeps_the_drawing(secret):
    clean, notes = sanitise_svg(_hostile_svg(secret, "http://127.0.0.1:9").encode(), "logo.svg")
    text = clean.decode()
    for gone in ("127.0.0.1", "file:", "script", "onload", "foreignObject", "<set", "@import"):
        assert gone not in text, gone
    assert 'fill="#1F3A5F"' in text and "url(#ok)" in text
    assert len(notes) >= 7 and all(n.startswith("logo.svg: removed") for n in notes)


def test_svg_logo_keeps_an_embedded_png_data_uri():
    import base64

    png = "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{png}"/></svg>'
    clean, notes = sanitise_svg(svg.encode(), "logo.svg")
    assert png in clean.decode() and notes == ()


@pytest.mark.parametrize(
    "body, message",
    [
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DOCTYPE or entities",
        ),
        ("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "not a well-formed SVG file (line 1"),
        ("<html><body>hi</body></html>", "root element is <html>"),
    ],
)
def test_svg_logo_with_entities_or_not_svg_is_a_located_error(tmp_path, body, message):
    (tmp_path / "logo.svg").write_text(body, encoding="utf-8")
    with pytest.raises(ReportError, match=r"logo logo\.svg") as exc:
        load_logo("logo.svg", "t.yaml", tmp_path)
    assert message in str(exc.value)


def test_theme_logo_url_is_refused_and_shown_unmangled(tmp_path):
    theme = tmp_path / "t.yaml"
    theme.write_text("logo: http://127.0.0.1:8765/logo.svg\n", encoding="utf-8")
    with pytest.raises(ReportError) as exc:
        load_theme(theme)
    assert "'http://127.0.0.1:8765/logo.svg'" in str(exc.value)
    assert "not a URL" in str(exc.value)


def test_theme_logo_symlink_to_a_non_svg_is_reported_not_silently_dropped(tmp_path):
    (tmp_path / "notes.txt").write_text("private notes\n", encoding="utf-8")
    (tmp_path / "logo.svg").symlink_to(tmp_path / "notes.txt")
    theme = tmp_path / "t.yaml"
    theme.write_text("logo: logo.svg\n", encoding="utf-8")
    with pytest.raises(ReportError, match="not a well-formed SVG file"):
        load_theme(theme)


def test_theme_logo_png_that_is_not_a_png_is_reported(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"GIF89a not a png")
    with pytest.raises(ReportError, match="is not a PNG image"):
        load_logo("logo.png", "t.yaml", tmp_path)


def test_theme_logo_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "logo.svg")
    with pytest.raises(ReportError, match="not a regular file"):
        load_logo("logo.svg", "t.yaml", tmp_path)


def test_theme_logo_larger_than_the_cap_is_refused(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_BYTES)
    with pytest.raises(ReportError, match="larger than 2 MB"):
        load_logo("logo.png", "t.yaml", tmp_path)


def test_theme_keeps_the_sanitiser_notes_for_the_user(tmp_path):
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', encoding="utf-8"
    )
    theme = tmp_path / "t.toml"
    theme.write_text('logo = "logo.svg"\n', encoding="utf-8")
    loaded = load_theme(theme)
    assert loaded.logo_data_uri.startswith("data:image/svg+xml;base64,")
    assert loaded.logo_notes == (f"{theme}: logo logo.svg: removed <script>",)


# -- byte-identical PDFs on the fontTools path (issue 9, item 1) --------------------------------

_RENDER_ON_FONTTOOLS = """
import logging, sys, time
sys.path[:0] = ['.', 'tests']
import weasyprint.pdf.fonts as fonts
fonts.harfbuzz_subset = None          # the fontTools path, as on a machine without libharfbuzz-subset0
_clock = time.time
time.time = lambda: _clock() + {offset}  # a later run: fontTools stamps subsets with the clock
seen = []
class Seen(logging.Handler):
    def emit(self, record):
        seen.append(record.getMessage())
logging.getLogger('weasyprint').addHandler(Seen())
from test_reports_support import scored
from reports import render_individual_pdf
inst, rs, wr = scored()
pdf = render_individual_pdf(wr, rs, inst, rs.respondents[7].id)
assert any(m.startswith('Using fontTools') for m in seen), seen
open({out!r}, 'wb').write(pdf)
"""


def test_two_processes_a_day_apart_render_the_same_bytes_on_the_fonttools_path(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    outs = []
    for offset in (0, 86_400):
        out = tmp_path / f"run-{offset}.pdf"
        code = _RENDER_ON_FONTTOOLS.format(offset=offset, out=str(out))
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_the_font_timestamp_is_restored_after_a_render():
    from reports.render import fixed_font_timestamp

    before = os.environ.get("SOURCE_DATE_EPOCH")
    with fixed_font_timestamp():
        inside = os.environ.get("SOURCE_DATE_EPOCH")
    assert os.environ.get("SOURCE_DATE_EPOCH") == before
    assert inside == (before or "124675200")  # Lato subset's head.modified, 1973-12-14


@pytest.mark.parametrize("text", ["1: x\n", "1: x\nb: y\n", "null: x\n"])
def test_theme_with_a_number_or_null_key_is_a_report_error_not_a_type_error(tmp_path, text):
    theme = tmp_path / "t.yaml"
    theme.write_text(text, encoding="utf-8")
    with pytest.raises(ReportError, match="unknown theme key"):
        load_theme(theme)


def test_theme_logo_path_with_a_nul_character_is_a_report_error(tmp_path):
    theme = tmp_path / "t.yaml"
    theme.write_text('logo: "a\\0.svg"\n', encoding="utf-8")
    with pytest.raises(ReportError, match="NUL character"):
        load_theme(theme)


def test_theme_with_an_empty_client_has_no_client_not_the_word_none(tmp_path):
    theme = tmp_path / "t.yaml"
    theme.write_text("client:\n", encoding="utf-8")
    assert load_theme(theme).client == ""


# -- the hostile review's findings on templates and the sanitiser ---------------------------------


def test_a_user_template_cannot_run_python_or_read_files(tmp_path):
    """Review finding 1: ``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` ran code."""
    from reports import render_team_pdf

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "team.html").write_text(
        "<p>{{ cycler.__init__.__globals__.os.popen('id').read() }}</p>", encoding="utf-8"
    )
    inst, rs, wr = scored()
    with pytest.raises(ReportError, match="tried something templates may not do"):
        render_team_pdf(wr, rs, inst, ReportOptions(template_dir=folder))


def test_a_user_template_cannot_change_the_view_model(tmp_path):
    from reports import render_team_pdf

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "team.html").write_text("{{ vm.findings.append('x') }}", encoding="utf-8")
    inst, rs, wr = scored()
    with pytest.raises(ReportError):
        render_team_pdf(wr, rs, inst, ReportOptions(template_dir=folder))


def test_a_user_template_may_still_format_the_view_model(tmp_path):
    import pypdf

    from reports import render_individual_pdf

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "individual.html").write_text(
        "<html lang='en'><body><h1>Custom {{ vm.kind | upper }}</h1></body></html>",
        encoding="utf-8",
    )
    inst, rs, wr = scored()
    pdf = render_individual_pdf(
        wr, rs, inst, rs.respondents[0].id, ReportOptions(template_dir=folder)
    )
    assert "Custom INDIVIDUAL" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_template_syntax_error_names_the_file_and_line(tmp_path):
    from reports import render_team_pdf

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "team.html").write_text("<p>\n{% if %}\n</p>", encoding="utf-8")
    inst, rs, wr = scored()
    with pytest.raises(ReportError, match=r"team\.html, line 2"):
        render_team_pdf(wr, rs, inst, ReportOptions(template_dir=folder))


def test_a_utf16_svg_logo_with_an_entity_is_refused(tmp_path):
    """Review finding 8: the DOCTYPE check read raw bytes, so UTF-16 slipped through."""
    svg = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "AAAA">]>'
    svg += '<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>'
    (tmp_path / "logo.svg").write_bytes(svg.encode("utf-16"))
    with pytest.raises(ReportError, match="DOCTYPE or entities"):
        load_logo("logo.svg", "t.yaml", tmp_path)


def test_an_svg_posing_as_a_png_data_uri_inside_a_logo_is_removed():
    import base64

    inner = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x.png"/></svg>'
    )
    fake = "data:image/png;base64," + base64.b64encode(inner).decode()
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{fake}"/></svg>'
    clean, notes = sanitise_svg(svg.encode(), "logo.svg")
    assert fake not in clean.decode() and len(notes) == 1


@pytest.mark.parametrize(
    "style",
    [
        '<style>@\\69mport "http://127.0.0.1:9/s.css";</style>',
        "<style>rect { fill: u\\72l(http://127.0.0.1:9/p.svg) }</style>",
        '<rect style="fill:u\\rl(http://127.0.0.1:9/p.svg)"/>',
        '<rect style="fill: image-set(&quot;http://127.0.0.1:9/a.png&quot; 1x)"/>',
    ],
)
def test_css_escapes_and_image_set_cannot_hide_a_reference_in_a_logo(style):
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">{style}</svg>'
    clean, notes = sanitise_svg(svg.encode(), "logo.svg")
    assert "127.0.0.1" not in clean.decode() and notes


def test_a_refused_image_nested_in_an_svg_still_stops_the_render(server):
    """WeasyPrint logs and skips a failed fetch inside an SVG; the fetcher's own record stops it."""
    import base64

    url, hits = server
    inner = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}/n.png"/></svg>'
    uri = "data:image/svg+xml;base64," + base64.b64encode(inner.encode()).decode()
    with pytest.raises(RefusedURL, match="network access"):
        html_to_pdf(_page(f'<img src="{uri}">'))
    assert hits == []
