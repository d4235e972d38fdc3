"""HTML to PDF: the only module that imports WeasyPrint.

Certificates, transcripts, attendance sheets and course material all render
through here. The font configuration is built and each stylesheet parsed
once per process, then reused: both cost more than a render itself.
"""

from __future__ import annotations

import base64
import functools
import logging
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles.finders import FileSystemFinder, find
from django.core.files.storage import default_storage
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)


class ForbiddenURL(ValueError):
    """A URL the renderer must not fetch."""


class StaticOnlyFetcher(URLFetcher):
    """Fetch data: URIs and the project's own static files, and nothing else.

    Documents carry text typed by learners, trainers and editors; whatever
    reaches the HTML, no file of the server and no remote host may end up in
    the PDF. WeasyPrint logs the ForbiddenURL raised here and leaves the
    resource out.
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
    fetcher: StaticOnlyFetcher


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
            roots = tuple(
                Path(root).resolve() for _prefix, root in FileSystemFinder().locations
            )
            _renderer = Renderer(FontConfiguration(), StaticOnlyFetcher(roots))
        return _renderer


def static_base_url(name: str) -> str:
    """Return the file URL of the folder holding the static file `name`."""
    path = find(name)
    if path is None:
        raise FileNotFoundError(f"Static file {name} not found.")
    return Path(path).resolve().parent.as_uri() + "/"


@functools.cache
def stylesheet(name: str) -> CSS:
    """Return the static stylesheet `name`, parsed once per process."""
    shared = renderer()
    base_url = static_base_url(name)
    return CSS(
        string=Path(url2pathname(urlsplit(base_url).path), Path(name).name).read_text(
            encoding="utf-8"
        ),
        base_url=base_url,
        url_fetcher=shared.fetcher,
        font_config=shared.font_config,
    )


def render_html_pdf(html: str, *, stylesheet_name: str | None = None) -> bytes:
    """Return `html` as a PDF, fetching only data: URIs and static files.

    `stylesheet_name` is a static stylesheet applied on top of the styles in
    the HTML, and the folder relative links in the HTML start from.
    """
    shared = renderer()
    base_url = static_base_url(stylesheet_name) if stylesheet_name else None
    document = HTML(string=html, base_url=base_url, url_fetcher=shared.fetcher)
    stylesheets = [stylesheet(stylesheet_name)] if stylesheet_name else None
    with _render_lock:
        return document.write_pdf(
            stylesheets=stylesheets, font_config=shared.font_config
        )


def stored_image_data_uri(name: str) -> str:
    """Return a file of the default storage as a data URI, or "" if unreadable."""
    if not name:
        return ""
    try:
        with default_storage.open(name) as file:
            data = file.read()
    except OSError:
        # An image deleted after it was chosen must not stop the document.
        logger.warning("Image %s is missing from storage.", name)
        return ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
