"""QR codes for verification URLs: PNG for PDFs, SVG for web pages."""

import base64
import functools
import hashlib
import io

import qrcode
import qrcode.image.svg
from django.core.cache import cache

# Medium error correction survives a crease or a smudge on a printed page.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
# Drawing a code takes milliseconds of pure Python (trying the eight masks
# costs most), several times a whole verification page otherwise: each text's
# SVG is drawn once and kept in the shared cache, and the most recent ones in
# each process too. Bump the version when the drawing changes.
SVG_CACHE_VERSION = 1
SVG_CACHE_SECONDS = 30 * 24 * 60 * 60
SVG_KEPT_IN_PROCESS = 256


def _qr(data: str, **options) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=2, **options)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png_data_uri(data: str) -> str:
    """Return a PNG data URI: WeasyPrint draws a PNG faster than an SVG."""
    buffer = io.BytesIO()
    _qr(data, box_size=10).make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@functools.lru_cache(maxsize=SVG_KEPT_IN_PROCESS)
def qr_svg(data: str) -> str:
    """Return inline SVG markup, crisp at any size on a web page."""
    key = f"qr-svg:{SVG_CACHE_VERSION}:{hashlib.sha256(data.encode()).hexdigest()}"
    # Not get_or_set: with Redis down, django-redis's get answers None for
    # the "missing" marker, and the page would show "None" for its code.
    svg = cache.get(key)
    if svg is None:
        svg = draw_svg(data)
        cache.set(key, svg, SVG_CACHE_SECONDS)
    return svg


def draw_svg(data: str) -> str:
    image = _qr(data, image_factory=qrcode.image.svg.SvgPathImage).make_image()
    return image.to_string(encoding="unicode")
