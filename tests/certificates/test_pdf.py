"""Certificate PDFs, read back with poppler-utils and a QR decoder.

Needs Debian's poppler-utils (pdftotext, pdfinfo, pdfimages, pdfdetach,
pdftoppm). WeasyPrint is never mocked: every test renders a real PDF.
"""

from __future__ import annotations

import ctypes.util
import logging
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import wagtail_factories
import zxingcpp
from PIL import Image

from certificates import pdf
from certificates.checks import HARFBUZZ_SUBSET_MISSING, check_harfbuzz_subset
from certificates.codes import new_code
from certificates.models import Certificate
from certificates.pdf import STYLESHEET, hours_text, render_certificate_pdf, short_url
from lms.lib.pdf import ForbiddenURL, StaticOnlyFetcher, renderer, static_base_url
from lms.models import Person

SITE_URL = "https://integridad.regioncajamarca.gob.pe"
HOSTILE_NAME = '<img src="file:///etc/passwd">'
PASSWD_LINE = "root:x:0:0"


@pytest.fixture(autouse=True)
def production_host(settings):
    """Put the production host in verification URLs, as printed on paper."""
    settings.WAGTAILADMIN_BASE_URL = SITE_URL


@pytest.fixture
def person(db):
    return Person.objects.create(
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
        document_number="42388604",
    )


@pytest.fixture
def make_certificate(person, course):
    """Return a function creating a certificate, fields overridable."""

    def make(**fields) -> Certificate:
        values = {
            "code": new_code("GRC"),
            "person": person,
            "course": course,
            "holder_name": person.full_name,
            "holder_document": person.masked_document(),
            "certificate_title": "Certificado",
            "course_title": "Módulo de Inducción en Integridad",
            "hours": Decimal("4.0"),
            "score": 85,
            "issued_on": date(2026, 11, 22),
            "expires_on": date(2028, 11, 21),
            "issuer": issuer(),
        }
        return Certificate.objects.create(**(values | fields))

    return make


def issuer(logo: str = "", signature: str = "") -> dict:
    return {
        "name": "Gobierno Regional de Cajamarca",
        "logo": logo,
        "signatories": [
            {
                "name": "Juan Carlos Ramírez Chávez",
                "post": "Gobernador Regional",
                "signature": signature,
            },
            {
                "name": "María del Pilar Vásquez Cabrera",
                "post": "Jefa de la Oficina de Integridad Institucional",
                "signature": "",
            },
        ],
    }


def saved(pdf_bytes: bytes, folder: Path) -> Path:
    file = folder / "certificado.pdf"
    file.write_bytes(pdf_bytes)
    return file


def poppler(*args: str | Path) -> str:
    return subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, check=True
    ).stdout


def pdf_text(pdf_bytes: bytes, folder: Path) -> str:
    """Return the PDF's text with every run of whitespace made one space."""
    text = poppler("pdftotext", saved(pdf_bytes, folder), "-")
    return " ".join(text.split())


def image_count(pdf_bytes: bytes, folder: Path) -> int:
    """Return how many images the PDF draws (soft masks not counted)."""
    listing = poppler("pdfimages", "-list", saved(pdf_bytes, folder))
    rows = listing.splitlines()[2:]
    return sum(1 for row in rows if row.split()[2] == "image")


def test_the_pdf_prints_holder_course_title_code_and_dates(make_certificate, tmp_path):
    certificate = make_certificate()

    text = pdf_text(render_certificate_pdf(certificate), tmp_path)

    assert "Rosa Elena Quispe Huamán" in text
    assert "DNI *****604" in text
    assert certificate.certificate_title.upper() in text  # set in capitals
    assert "por haber aprobado el curso Módulo de Inducción en Integridad" in text
    assert "con una duración de 4 horas" in text
    assert "calificación de 85 %" in text
    assert "Fecha de emisión: 22/11/2026" in text
    assert "Válido hasta el 21/11/2028" in text
    assert certificate.code in text
    assert "GOBIERNO REGIONAL DE CAJAMARCA" in text
    assert "Juan Carlos Ramírez Chávez" in text
    assert "Jefa de la Oficina de Integridad Institucional" in text


def test_a_certificate_without_expiry_says_nothing_of_validity(
    make_certificate, tmp_path
):
    certificate = make_certificate(expires_on=None)

    text = pdf_text(render_certificate_pdf(certificate), tmp_path)

    assert "Fecha de emisión: 22/11/2026" in text
    assert "Válido hasta" not in text


def test_fractional_hours_are_printed_with_a_decimal_point_and_no_score_is_left_out(
    make_certificate, tmp_path
):
    certificate = make_certificate(hours=Decimal("4.5"), score=None)

    text = pdf_text(render_certificate_pdf(certificate), tmp_path)

    assert "con una duración de 4.5 horas" in text
    assert "calificación" not in text


@pytest.mark.parametrize(
    ("hours", "printed"),
    [
        (Decimal("4.0"), "4 horas"),
        (Decimal("4.5"), "4.5 horas"),
        (Decimal("10.0"), "10 horas"),
        (Decimal("1.0"), "1 hora"),
        (2, "2 horas"),
    ],
)
def test_hours_read_as_peru_writes_them(hours, printed):
    assert hours_text(hours) == printed


def test_the_short_url_is_the_verification_page_without_scheme_or_code():
    url = f"{SITE_URL}/verificar/GRC-7K3F-9QXM-2HDP-WZ4A-Y/"

    assert short_url(url, "GRC-7K3F-9QXM-2HDP-WZ4A-Y") == (
        "integridad.regioncajamarca.gob.pe/verificar/"
    )


def test_the_page_is_a4_landscape(make_certificate, tmp_path):
    pdf_bytes = render_certificate_pdf(make_certificate())

    info = poppler("pdfinfo", saved(pdf_bytes, tmp_path))

    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()
    assert float(width) == pytest.approx(841.89, abs=0.01)
    assert float(height) == pytest.approx(595.28, abs=0.01)


def test_the_qr_code_opens_the_verification_url(make_certificate, tmp_path):
    certificate = make_certificate()
    pdf_file = saved(render_certificate_pdf(certificate), tmp_path)

    poppler("pdftoppm", "-r", "150", "-png", "-singlefile", pdf_file, tmp_path / "p")
    barcodes = zxingcpp.read_barcodes(Image.open(tmp_path / "p.png"))

    assert [barcode.text for barcode in barcodes] == [certificate.verification_url()]
    assert certificate.verification_url() == (
        f"{SITE_URL}/verificar/{certificate.code}/"
    )


def test_the_same_certificate_renders_to_the_same_bytes(make_certificate):
    certificate = make_certificate()

    assert render_certificate_pdf(certificate) == render_certificate_pdf(certificate)


def test_markup_in_a_name_is_printed_as_text_and_fetches_nothing(
    make_certificate, tmp_path
):
    certificate = make_certificate(holder_name=HOSTILE_NAME)
    pdf_bytes = render_certificate_pdf(certificate)

    text = pdf_text(pdf_bytes, tmp_path)

    assert HOSTILE_NAME in text
    assert PASSWD_LINE not in text
    assert image_count(pdf_bytes, tmp_path) == 1  # the QR code alone


def test_html_that_slips_past_the_template_still_fetches_nothing(
    make_certificate, tmp_path, monkeypatch, caplog
):
    hostile = (
        '<link rel="attachment" href="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/passwd">adjunto</a>'
        '<img src="file:///etc/passwd"><img src="http://example.com/x.png">'
        '<p style="background: url(../../lms/settings/base.py)">texto</p>'
    )
    monkeypatch.setattr(pdf, "certificate_html", lambda certificate: hostile)

    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf_bytes = render_certificate_pdf(make_certificate())

    attachments = poppler("pdfdetach", "-list", saved(pdf_bytes, tmp_path))
    assert attachments.startswith("0 embedded files")
    assert image_count(pdf_bytes, tmp_path) == 0
    assert PASSWD_LINE not in pdf_text(pdf_bytes, tmp_path)
    assert caplog.text.count("ForbiddenURL") == 5


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/",
        "https://example.com/logo.png",
        "ftp://example.com/logo.png",
        "file://example.com/etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_data_and_static_files(url):
    with pytest.raises(ForbiddenURL):
        renderer().fetcher.fetch(url)


@pytest.mark.parametrize("dots", ["..", "%2e%2e"])
def test_the_fetcher_refuses_a_static_path_climbing_out_with_dots(dots):
    escaping = static_base_url(STYLESHEET) + f"{dots}/{dots}/lms/settings/base.py"

    with pytest.raises(ForbiddenURL):
        renderer().fetcher.fetch(escaping)


def test_the_fetcher_refuses_a_symlink_out_of_a_static_root(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (tmp_path / "secret.txt").write_text(PASSWD_LINE)
    (root / "innocent.css").symlink_to(tmp_path / "secret.txt")
    fetcher = StaticOnlyFetcher((root.resolve(),))

    with pytest.raises(ForbiddenURL):
        fetcher.fetch((root / "innocent.css").as_uri())


def test_the_fetcher_serves_the_project_static_files_and_data_uris():
    fetcher = renderer().fetcher

    stylesheet = fetcher.fetch(static_base_url(STYLESHEET) + "certificate.css")
    data = fetcher.fetch("data:text/plain;base64,SG9sYQ==")

    assert stylesheet.content_type == "text/css"
    assert b"@page" in stylesheet.read()
    assert data.read() == b"Hola"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_logo_and_signature_from_storage_are_embedded(
    make_certificate, media, tmp_path
):
    logo = wagtail_factories.ImageFactory(file__width=300, file__height=300)
    signature = wagtail_factories.ImageFactory(file__width=600, file__height=200)
    plain = make_certificate()
    illustrated = make_certificate(
        period=2,
        issuer=issuer(logo=logo.file.name, signature=signature.file.name),
    )

    without = image_count(render_certificate_pdf(plain), tmp_path)
    with_images = image_count(render_certificate_pdf(illustrated), tmp_path)

    assert without == 1
    assert with_images == 3


def test_an_image_missing_from_storage_is_left_out_with_a_warning(
    make_certificate, media, tmp_path, caplog
):
    certificate = make_certificate(issuer=issuer(logo="original_images/gone.png"))

    with caplog.at_level(logging.WARNING, logger="certificates.pdf"):
        pdf_bytes = render_certificate_pdf(certificate)

    assert image_count(pdf_bytes, tmp_path) == 1
    assert "original_images/gone.png" in caplog.text


def test_the_harfbuzz_check_is_silent_when_the_library_is_installed():
    assert ctypes.util.find_library("harfbuzz-subset"), "this machine needs it"
    assert check_harfbuzz_subset() == []


def test_the_harfbuzz_check_warns_when_the_library_is_missing(monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)

    [warning] = check_harfbuzz_subset()

    assert warning.id == HARFBUZZ_SUBSET_MISSING
    assert "apt-get install libharfbuzz-subset0" in warning.hint
