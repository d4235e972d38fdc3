"""A verification page's QR code is drawn once per address, not on every request."""

import pytest
from django.core.cache import cache

from lms.lib import qr

ADDRESS = "https://integridad.example.pe/verificar/GRC-VSFH-566F-YBEZ-4TAP-T/"


@pytest.fixture
def drawings(monkeypatch):
    """Count the codes drawn; start with nothing kept anywhere."""
    drawn = []
    draw = qr.draw_svg

    def counting(data):
        drawn.append(data)
        return draw(data)

    monkeypatch.setattr(qr, "draw_svg", counting)
    qr.qr_svg.cache_clear()
    cache.clear()
    yield drawn
    qr.qr_svg.cache_clear()


def test_the_same_address_is_drawn_once(drawings):
    first = qr.qr_svg(ADDRESS)

    assert first.startswith("<svg") and "<path" in first
    assert qr.qr_svg(ADDRESS) == first
    assert drawings == [ADDRESS]


def test_another_process_takes_it_from_the_shared_cache(drawings):
    first = qr.qr_svg(ADDRESS)
    qr.qr_svg.cache_clear()  # as a newly started worker

    assert qr.qr_svg(ADDRESS) == first
    assert drawings == [ADDRESS]


def test_each_address_has_its_own_code(drawings):
    other = ADDRESS.replace("4TAP", "4TAQ")

    assert qr.qr_svg(ADDRESS) != qr.qr_svg(other)
    assert drawings == [ADDRESS, other]


@pytest.mark.usefixtures("drawings")
def test_with_the_cache_unreachable_the_code_is_still_drawn(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }

    assert qr.qr_svg(ADDRESS).startswith("<svg")
