"""Certificate PDFs: the only module that imports WeasyPrint.

The stylesheet is parsed and the font configuration built once per process,
then reused for every certificate: both cost more than the render itself.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles.finders import FileSystemFinder, find
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from certificates.models import Certificate
from certificates.qr import qr_png_data_uri

logger = logging.getLogger(__name__)

TEMPLATE = "certificates/certificate_pdf.html"
STYLESHEET = "certificates/certificate.css"


class ForbiddenURL(ValueError):
    """A URL the certificate renderer must not fetch."""


class StaticOnlyFetcher(URLFetcher):
    """Fetch data: URIs and the project's own static files, and nothing else.

    Certificates carry text typed by learners; whatever reaches the HTML,
    no file of the server and no remote host may end up in the PDF.
    WeasyPrint logs the ForbiddenURL raised here and leaves the resource out.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.roots = roots

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return the resource at `url`, or raise ForbiddenURL."""
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.static_path(url)
            content_type = mimetypes.guess_type(path.name)[0]
            return URLFetcherResponse(
                path.as_uri(),
                body=path.read_bytes(),
                headers={"Content-Type": content_type or "application/octet-stream"},
            )
        raise ForbiddenURL(f"Only data: URIs and static files are fetched: {url}")

    def static_path(self, url: str) -> Path:
        """Return the real path of a file URL inside a static root."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ForbiddenURL(f"Files on other hosts are not fetched: {url}")
        # resolve() follows symlinks and "..", so neither can lead outside.
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ForbiddenURL(f"Not a static file of this project: {url}")
        return path


@dataclass(frozen=True)
class Renderer:
    """What every render in the process shares."""

    font_config: FontConfiguration
    stylesheet: CSS
    fetcher: StaticOnlyFetcher
    base_url: str


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()
# Pango's font map, shared through the font configuration, is not documented
# as safe for concurrent use, so renders in one process take turns.
_render_lock = threading.Lock()


def renderer() -> Renderer:
    """Return the process's renderer, built on first use."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = _build_renderer()
        return _renderer


def _build_renderer() -> Renderer:
    """Parse the stylesheet and gather the system fonts, once per process."""
    css_path = find(STYLESHEET)
    if css_path is None:
        raise FileNotFoundError(f"Static file {STYLESHEET} not found.")
    roots = tuple(
        Path(root).resolve() for _prefix, root in FileSystemFinder().locations
    )
    fetcher = StaticOnlyFetcher(roots)
    base_url = Path(css_path).resolve().parent.as_uri() + "/"
    font_config = FontConfiguration()
    stylesheet = CSS(
        string=Path(css_path).read_text(encoding="utf-8"),
        base_url=base_url,
        url_fetcher=fetcher,
        font_config=font_config,
    )
    return Renderer(
        font_config=font_config,
        stylesheet=stylesheet,
        fetcher=fetcher,
        base_url=base_url,
    )


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """Return the certificate as a one-page A4 landscape PDF."""
    return render_html_pdf(
        certificate_html(certificate), stylesheets=[renderer().stylesheet]
    )


def render_html_pdf(html: str, *, stylesheets: list | None = None) -> bytes:
    """Return `html` as a PDF, with the shared safe fetcher and fonts."""
    shared = renderer()
    document = HTML(string=html, base_url=shared.base_url, url_fetcher=shared.fetcher)
    with _render_lock:
        return document.write_pdf(
            stylesheets=stylesheets, font_config=shared.font_config
        )


def certificate_html(certificate: Certificate) -> str:
    """Return the certificate's HTML, every image inlined as a data URI."""
    return render_to_string(TEMPLATE, certificate_context(certificate))


def certificate_context(certificate: Certificate) -> dict[str, object]:
    """Return the template context: texts formatted for print, images inlined."""
    url = certificate.verification_url()
    issuer = certificate.issuer or {}
    return {
        "certificate": certificate,
        "issuer_name": issuer.get("name", ""),
        "logo": stored_image_data_uri(issuer.get("logo", "")),
        "signatories": [
            {
                "name": signatory.get("name", ""),
                "post": signatory.get("post", ""),
                "signature": stored_image_data_uri(signatory.get("signature", "")),
            }
            for signatory in issuer.get("signatories", [])
        ],
        "hours": hours_text(certificate.hours),
        "issued_on": date_text(certificate.issued_on),
        "issued_on_iso": certificate.issued_on.isoformat(),
        "expires_on": date_text(certificate.expires_on),
        "qr": qr_png_data_uri(url),
        "verification_url": url,
        "short_url": short_url(url, certificate.code),
    }


def stored_image_data_uri(name: str) -> str:
    """Return a file of the default storage as a data URI, or "" if unreadable."""
    if not name:
        return ""
    try:
        with default_storage.open(name) as file:
            data = file.read()
    except OSError:
        # An image deleted after issue must not stop the certificate.
        logger.warning("Certificate image %s is missing from storage.", name)
        return ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def hours_text(hours: Decimal | float | int) -> str:
    """Return "1 hora", "4 horas" or "4.5 horas", with a decimal point as in Peru."""
    number = Decimal(str(hours)).normalize()
    # normalize() writes 10 as 1E+1; the "f" format writes it back as 10.
    return f"{number:f} hora" if number == 1 else f"{number:f} horas"


def date_text(day: date | None) -> str:
    """Return the date as dd/mm/aaaa, or "" for no date."""
    return day.strftime("%d/%m/%Y") if day else ""


def short_url(url: str, code: str) -> str:
    """Return the verification page without scheme or code, for people to type."""
    bare = url.split("://", 1)[-1]
    page, found, _rest = bare.rpartition(code)
    return page if found else bare
