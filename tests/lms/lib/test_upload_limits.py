"""Uploads larger than their page takes are refused before the body is read.

Each request declares a 200 MB body but sends a few bytes: the test client
fails loudly if anything tries to read past them, so a 413 with the Spanish
message shows the body was never read.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from certificates.verification.forms import MAX_UPLOAD_BYTES
from lms.models import Participant, StaffMember

HUGE = str(200 * 1024 * 1024)
REFUSAL = "El archivo enviado pesa más de"

pytestmark = pytest.mark.django_db


def declaring_huge(client, url: str, **data):
    return client.post(url, data, CONTENT_LENGTH=HUGE)


def test_verification_refuses_a_huge_pdf_unread(client):
    pdf = SimpleUploadedFile("certificado.pdf", b"%PDF-1.7")

    response = declaring_huge(
        client, reverse("certificates:verify", args=["ABC-123"]), pdf=pdf
    )

    assert response.status_code == 413
    assert REFUSAL in response.text
    assert filesizeformat(MAX_UPLOAD_BYTES) in response.text


def test_the_staff_import_refuses_a_huge_file_unread(client, hr_a):
    client.force_login(hr_a)
    upload = SimpleUploadedFile("personal.csv", b"dni\n")

    response = declaring_huge(client, reverse("lms_staff_import"), file=upload)

    assert response.status_code == 413
    assert REFUSAL in response.text
    assert StaffMember.objects.count() == 0


def test_a_participant_list_refuses_a_huge_file_unread(client, trainer_user, cohort):
    client.force_login(trainer_user)
    upload = SimpleUploadedFile("lista.csv", b"dni\n")
    url = reverse("cohorts:add_participants", args=[cohort.pk])

    response = declaring_huge(client, url, file=upload)

    assert response.status_code == 413
    assert REFUSAL in response.text
    assert Participant.objects.count() == 0


def test_an_upload_within_the_limit_is_read_as_before(client, hr_a):
    client.force_login(hr_a)
    upload = SimpleUploadedFile("personal.csv", b"dni\n")

    response = client.post(reverse("lms_staff_import"), {"file": upload})

    assert response.status_code == 200
    assert REFUSAL not in response.text
