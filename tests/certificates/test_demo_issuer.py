import json

import pytest
from django.core.management import call_command

from certificates.demo import DEMO_SIGNATORIES
from certificates.models import Certificate, IssuerSettings
from certificates.pdf import render_certificate_pdf
from tests.lms.demo.test_seed_demo import COURSE
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_course_dir(settings, tmp_path):
    settings.DEBUG = True
    course = {
        **COURSE,
        "slug": "ciudadano-por-la-integridad",
        "validity_months": 24,
    }
    (tmp_path / "ciudadano.json").write_text(json.dumps(course), encoding="utf-8")
    return tmp_path


def test_a_demo_certificate_is_signed_by_the_readmes_signatories(
    citizen_course_dir,
):
    call_command("seed_demo", courses_dir=citizen_course_dir)

    certificate = Certificate.objects.get(person__user__email__startswith="ciudadano")
    pdf = render_certificate_pdf(certificate)

    text = pdf_text(pdf)
    for name, post, _file in DEMO_SIGNATORIES:
        assert name in text
        assert post in text
    # The logo and the signatures are SVG drawings, copied onto the certificate.
    assert certificate.issuer["logo"].endswith(".svg")
    assert [each["signature"][-4:] for each in certificate.issuer["signatories"]] == [
        ".svg",
        ".svg",
    ]


def test_an_issuer_the_editor_set_up_is_left_alone(citizen_course_dir):
    call_command("seed_demo", courses_dir=citizen_course_dir)
    issuer = IssuerSettings.objects.get()
    issuer.signatories = [
        ("signatory", {"name": "Otra Persona", "post": "Gerente", "signature": None})
    ]
    issuer.save()

    call_command("seed_demo", courses_dir=citizen_course_dir)

    issuer.refresh_from_db()
    assert [block.value["name"] for block in issuer.signatories] == ["Otra Persona"]
