"""QR codes for verification URLs: PNG for PDFs, SVG for web pages."""

import base64
import io

import qrcode
import qrcode.image.svg

# Medium error correction survives a crease or a smudge on a printed page.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M


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


def qr_svg(data: str) -> str:
    """Return inline SVG markup, crisp at any size on a web page."""
    image = _qr(data, image_factory=qrcode.image.svg.SvgPathImage).make_image()
    return image.to_string(encoding="unicode")
