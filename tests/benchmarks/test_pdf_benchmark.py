"""Speed and memory of certificate PDFs, against WeasyPrint on its own.

Run only on request (the default run deselects the `benchmark` marker); `-s`
shows the figures printed below, next to pytest-benchmark's own table:

    .venv/bin/pytest tests/benchmarks/test_pdf_benchmark.py -m benchmark -s

The speed test renders one realistic certificate with render_certificate_pdf,
and the very same HTML with a bare WeasyPrint call sharing its stylesheet and
font configuration: the ratio of the two medians is what the project adds
(template, QR code, inlined images, restricted fetcher), aimed at 1.2 or less.
No wall-clock limit is asserted. The memory test asserts that a worker's
resident memory stops growing once warm, as a leak would show after 300 PDFs.
"""

from __future__ import annotations

import gc
import statistics
import time
from datetime import date
from decimal import Decimal

import pytest
from weasyprint import HTML

from certificates.codes import new_code
from certificates.models import Certificate
from certificates.pdf import (
    STYLESHEET,
    certificate_html,
    render_certificate_pdf,
)
from lms.lib.pdf import renderer, static_base_url, stylesheet
from lms.models import Person

pytestmark = pytest.mark.benchmark

ROUNDS = 30
WARMUP_ROUNDS = 3
MEMORY_WARMUP_RENDERS = 20
MEMORY_RENDERS = 300
# Generous: a warm worker moves by a few MB as allocators settle; a leak of
# even 150 KB a certificate would cross it.
MAX_GROWTH_MB = 40


@pytest.fixture(autouse=True)
def production_host(settings):
    """A production-length URL makes a QR code of production size."""
    settings.WAGTAILADMIN_BASE_URL = "https://integridad.regioncajamarca.gob.pe"


@pytest.fixture
def certificate(course) -> Certificate:
    """The sample certificate of the README: two signatories, no images."""
    person = Person.objects.create(
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
        document_number="42388604",
    )
    return Certificate.objects.create(
        code=new_code("GRC"),
        person=person,
        course=course,
        holder_name=person.full_name,
        holder_document=person.masked_document(),
        certificate_title="Certificado",
        course_title="Módulo de Inducción en Integridad",
        hours=Decimal("4.0"),
        score=85,
        issued_on=date(2026, 11, 22),
        expires_on=date(2028, 11, 21),
        issuer={
            "name": "Gobierno Regional de Cajamarca",
            "logo": "",
            "signatories": [
                {
                    "name": "Juan Carlos Ramírez Chávez",
                    "post": "Gobernador Regional",
                    "signature": "",
                },
                {
                    "name": "María del Pilar Vásquez Cabrera",
                    "post": "Jefa de la Oficina de Integridad Institucional",
                    "signature": "",
                },
            ],
        },
    )


def resident_mb() -> float:
    """Return this process's resident memory now (not its peak), in MB."""
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("No VmRSS line in /proc/self/status")


@pytest.mark.django_db
def test_render_certificate_pdf_against_bare_weasyprint(benchmark, certificate):
    shared = renderer()
    html = certificate_html(certificate)
    bare_timings = []

    def render_bare_then_hand_over() -> tuple[tuple, dict]:
        # Runs untimed by pytest-benchmark before each of its rounds, so the
        # two renders alternate and share whatever load the machine has.
        start = time.perf_counter()
        HTML(string=html, base_url=static_base_url(STYLESHEET)).write_pdf(
            stylesheets=[stylesheet(STYLESHEET)], font_config=shared.font_config
        )
        bare_timings.append(time.perf_counter() - start)
        return (certificate,), {}

    benchmark.pedantic(
        render_certificate_pdf,
        setup=render_bare_then_hand_over,
        rounds=ROUNDS,
        warmup_rounds=WARMUP_ROUNDS,
    )
    if not benchmark.stats:
        return  # --benchmark-disable: nothing was measured
    ours = benchmark.stats.stats.median
    bare = statistics.median(bare_timings[WARMUP_ROUNDS:])
    benchmark.extra_info["bare_weasyprint_median_s"] = bare
    print(  # noqa: T201
        f"\nCertificate PDF, median of {ROUNDS}: "
        f"render_certificate_pdf {ours * 1000:.1f} ms, "
        f"bare WeasyPrint {bare * 1000:.1f} ms, "
        f"overhead ratio {ours / bare:.2f} (target <= 1.2)"
    )


@pytest.mark.django_db
def test_a_worker_does_not_grow_over_300_renders(certificate):
    for _render in range(MEMORY_WARMUP_RENDERS):
        render_certificate_pdf(certificate)
    warm = resident_mb()

    for _render in range(MEMORY_RENDERS):
        render_certificate_pdf(certificate)
    after = resident_mb()

    print(  # noqa: T201
        f"\nResident memory: {warm:.1f} MB after {MEMORY_WARMUP_RENDERS} renders, "
        f"{after:.1f} MB after {MEMORY_RENDERS} more, growth {after - warm:+.1f} MB"
    )
    assert after - warm < MAX_GROWTH_MB
