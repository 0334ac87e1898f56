"""What a report may load while it is laid out: the package's own files and ``data:`` URIs, nothing else.

Every WeasyPrint ``HTML`` and ``CSS`` object of the project is built with :func:`url_fetcher`. A
rendered report can reach neither the network nor the local disk outside the ``reports`` package:
a user template, a theme or an SVG logo that refers to ``http://…``, ``file:///home/…`` or a path
that climbs out of the package stops the render with a :class:`~questionnaires.errors.ReportError`
naming the reference. (A fetcher that only returned an error would let WeasyPrint log a warning
and carry on, which hides the attempt.)

Rules, in order:

1. ``data:`` URIs are decoded in memory (no I/O).
2. ``file:`` URLs are served when the resolved path (symlinks followed) lies inside the package
   folder, is a regular file, and has a suffix of :data:`ALLOWED_SUFFIXES`.
3. Every other URL (any scheme: ``http``, ``https``, ``ftp``, another ``file`` path) is refused.
"""

from __future__ import annotations

import base64
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from questionnaires.errors import ReportError

__all__ = ["ALLOWED_SUFFIXES", "PACKAGE_DIR", "RefusedURL", "check_url", "url_fetcher"]

PACKAGE_DIR = Path(__file__).resolve().parent

#: Package files a report may load, with their media types.
ALLOWED_SUFFIXES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class RefusedURL(ReportError):
    """A report referred to something outside the package (a URL or a local file).

    Parameters
    ----------
    url : str
        The reference as the template or theme wrote it (kept as :attr:`url`).
    why : str
        Why it is refused, e.g. ``"network access"``.
    """

    def __init__(self, url: str, why: str) -> None:
        self.url = url
        super().__init__(
            f"the report refers to {_show(url)}, which it may not load ({why}); reports "
            "load only their own package files and data: URIs — embed images in the theme's "
            "logo file or as data: URIs"
        )


def _show(url: str, limit: int = 120) -> str:
    """The reference as the user wrote it, quoted, control characters escaped, shortened."""
    text = url if len(url) <= limit else url[: limit - 1] + "…"
    return repr(text)


def check_url(url: str) -> tuple[str, Path | None]:
    """Decide whether ``url`` may be loaded by a report.

    Only ``data:`` URIs and files inside the package (of :data:`ALLOWED_SUFFIXES`) may be loaded.

    Parameters
    ----------
    url : str
        A URL WeasyPrint was asked to fetch.

    Returns
    -------
    kind : str
        ``"data"`` or ``"file"``.
    path : pathlib.Path or None
        The package file for ``"file"``, ``None`` for ``"data"``.

    Raises
    ------
    RefusedURL
        For a network URL, another scheme or host, a file outside the package or of another
        suffix, or an unreadable path.

    Examples
    --------
    >>> check_url("data:text/plain;base64,aGk=")[0]
    'data'
    >>> check_url("http://127.0.0.1:8765/beacon.png")
    Traceback (most recent call last):
    ...
    reports.fetch.RefusedURL: the report refers to 'http://127.0.0.1:8765/beacon.png', which it may not load (network access); reports load only their own package files and data: URIs — embed images in the theme's logo file or as data: URIs
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return "data", None
    if scheme != "file":
        why = "network access" if scheme in ("http", "https", "ftp", "ws", "wss") else "scheme"
        if why == "scheme":
            why = f"the {scheme!r} scheme is not allowed" if scheme else "not an absolute URL"
        raise RefusedURL(url, why)
    parsed = urllib.parse.urlsplit(url)
    if parsed.netloc not in ("", "localhost"):
        raise RefusedURL(url, "a file on another host")
    try:
        path = Path(urllib.request.url2pathname(parsed.path)).resolve()
    except (OSError, RuntimeError, ValueError):
        raise RefusedURL(url, "an unreadable path") from None
    if not path.is_relative_to(PACKAGE_DIR):
        raise RefusedURL(url, "a local file outside the report package")
    if path.suffix.lower() not in ALLOWED_SUFFIXES or not path.is_file():
        raise RefusedURL(url, "not a report resource")
    return "file", path


def _decode_data_uri(url: str) -> tuple[bytes, str]:
    header, _, payload = url[5:].partition(",")
    parts = header.split(";")
    mime = parts[0] or "text/plain"
    try:
        if "base64" in parts[1:]:
            body = base64.b64decode(urllib.parse.unquote_to_bytes(payload), validate=False)
        else:
            body = urllib.parse.unquote_to_bytes(payload)
    except ValueError:
        raise RefusedURL(url, "a malformed data: URI") from None
    return body, mime


def url_fetcher() -> Any:
    """A WeasyPrint URL fetcher applying the rules of this module; a refusal stops the render.

    WeasyPrint turns an exception in a fetcher with ``fail_on_errors`` into
    ``FatalURLFetchingError`` whose cause is our :class:`RefusedURL`; :func:`raise_refusal`
    in :mod:`reports.render` gives that cause back to the caller.

    Returns
    -------
    weasyprint.urls.URLFetcher or callable
        The fetcher to pass as ``url_fetcher=``.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _PackageFetcher(URLFetcher):  # type: ignore[misc]
        refused: list[RefusedURL]

        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                kind, path = check_url(url)
            except RefusedURL as exc:
                # Kept as well as raised: WeasyPrint's SVG renderer swallows fetch errors of
                # nested images, and html_to_pdf must still stop the render.
                self.refused.append(exc)
                raise
            if kind == "data":
                body, mime = _decode_data_uri(url)
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            assert path is not None
            mime = ALLOWED_SUFFIXES[path.suffix.lower()]
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    fetcher = _PackageFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)
    fetcher.refused = []
    return fetcher
