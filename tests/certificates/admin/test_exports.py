"""Exporting the PDFs of the listed certificates as one ZIP file."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certificates.admin import exports
from certificates.admin.exports import build_export
from certificates.models import Certificate, CertificateExport
from tests.certificates.conftest import issue, people
from tests.factories import CoursePageFactory

pytestmark = pytest.mark.django_db

Status = CertificateExport.Status


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, export: CertificateExport | None = None) -> str:
    args = [export.pk] if export else []
    return reverse(f"certificate_exports:{name}", args=args)


def export_with(client, capture, **filters) -> CertificateExport:
    """Start an export from the list's filters and run its job to the end."""
    with capture(execute=True):
        response = client.post(url("start") + "?" + _encode(filters))
    export = CertificateExport.objects.get()
    assert response.status_code == 302
    assert response.url == url("progress", export)
    return export


def _encode(filters: dict) -> str:
    return "&".join(f"{key}={value}" for key, value in filters.items())


def zip_entries(export: CertificateExport) -> dict[str, bytes]:
    with export.file.open("rb") as file, zipfile.ZipFile(file) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_exporting_a_course_zips_exactly_its_certificates_stored_pdfs(
    officer_client, officer, course, catalogue, django_capture_on_commit_callbacks
):
    other_course = CoursePageFactory(parent=catalogue, title="Ética pública")
    first, second, third = people(3)
    mine = [
        issue(first, course, date(2026, 1, 5)),
        issue(second, course, date(2026, 2, 5)),
    ]
    issue(third, other_course, date(2026, 1, 5))
    export = export_with(
        officer_client, django_capture_on_commit_callbacks, course=course.pk
    )
    assert (export.status, export.total, export.done) == (Status.DONE, 2, 2)
    assert export.filters == {"course": str(course.pk)}
    assert export.requested_by == officer
    entries = zip_entries(export)
    assert sorted(entries) == sorted(f"{c.code}.pdf" for c in mine)
    for certificate in Certificate.objects.filter(course=course):
        data = entries[f"{certificate.code}.pdf"]
        assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
        assert data == certificate.pdf.read()


def test_the_issue_date_filter_limits_the_export_to_one_month(
    officer_client, course, django_capture_on_commit_callbacks
):
    first, second, third = people(3)
    issue(first, course, date(2026, 1, 31))
    inside = issue(second, course, date(2026, 2, 14))
    issue(third, course, date(2026, 3, 1))
    export = export_with(
        officer_client,
        django_capture_on_commit_callbacks,
        issued_on_from="2026-02-01",
        issued_on_to="2026-02-28",
    )
    assert list(zip_entries(export)) == [f"{inside.code}.pdf"]
    assert export.filters == {
        "issued_on_from": "2026-02-01",
        "issued_on_to": "2026-02-28",
    }


def test_the_list_offers_the_export_with_its_current_filter(officer_client, course):
    html = officer_client.get(
        reverse("certificates_admin:index"), {"course": course.pk, "page": 1}
    ).content.decode()
    assert f'href="{url("start")}?course={course.pk}"' in html
    assert "Export PDFs (ZIP)" in html


def test_the_export_takes_exactly_what_the_searched_list_shows(
    officer_client, course, django_capture_on_commit_callbacks
):
    first, second = people(2)
    found = issue(first, course, date(2026, 1, 5))
    left_out = issue(second, course, date(2026, 1, 5))
    index = reverse("certificates_admin:index")
    html = officer_client.get(index, {"q": first.document_number}).content.decode()
    assert found.code in html
    assert left_out.code not in html
    assert f'href="{url("start")}?q={first.document_number}"' in html
    export = export_with(
        officer_client, django_capture_on_commit_callbacks, q=first.document_number
    )
    assert list(zip_entries(export)) == [f"{found.code}.pdf"]


def test_starting_asks_to_confirm_with_the_number_of_matches(officer_client, course):
    issue(people(1)[0], course, timezone.localdate())
    response = officer_client.get(url("start"), {"course": course.pk})
    html = response.content.decode()
    assert "1 certificate matches the list" in html
    assert f'action="{url("start")}?course={course.pk}"' in html
    assert 'method="post"' in html
    assert not CertificateExport.objects.exists()


def test_the_progress_page_refreshes_with_done_and_total_until_done(officer_client):
    export = CertificateExport.objects.create(status=Status.RUNNING, total=5, done=2)
    html = officer_client.get(url("progress", export)).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "2 of 5" in html
    assert '<progress class="w-w-full" max="100" value="40">' in html
    assert url("download", export) not in html
    assert officer_client.get(url("download", export)).status_code == 404


def test_the_progress_page_links_the_zip_when_done(
    officer_client, course, django_capture_on_commit_callbacks
):
    certificate = issue(people(1)[0], course, timezone.localdate())
    export = export_with(
        officer_client, django_capture_on_commit_callbacks, course=course.pk
    )
    html = officer_client.get(url("progress", export)).content.decode()
    assert "http-equiv" not in html
    assert "1 of 1" in html
    assert "Done" in html
    assert url("download", export) in html
    response = officer_client.get(url("download", export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="certificados-{export.pk}.zip"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"{certificate.code}.pdf"]


def test_an_export_matching_nothing_completes_with_an_empty_zip(
    officer_client, course, django_capture_on_commit_callbacks
):
    export = export_with(
        officer_client, django_capture_on_commit_callbacks, course=course.pk
    )
    assert (export.status, export.total, export.done) == (Status.DONE, 0, 0)
    assert zip_entries(export) == {}
    html = officer_client.get(url("progress", export)).content.decode()
    assert "No certificate matches the filter: the ZIP file is empty." in html
    assert url("download", export) in html


def test_a_failing_render_marks_the_export_failed_with_the_message(
    officer_client, course, monkeypatch, django_capture_on_commit_callbacks
):
    issue(people(1)[0], course, timezone.localdate())

    def broken_store_pdf(certificate: Certificate) -> None:
        raise RuntimeError("WeasyPrint could not load the logo")

    monkeypatch.setattr(exports, "store_pdf", broken_store_pdf)
    export = export_with(
        officer_client, django_capture_on_commit_callbacks, course=course.pk
    )
    assert export.status == Status.FAILED
    assert export.error == "WeasyPrint could not load the logo"
    assert not export.file
    html = officer_client.get(url("progress", export)).content.decode()
    assert "The export failed: WeasyPrint could not load the logo" in html
    assert url("download", export) not in html
    assert officer_client.get(url("download", export)).status_code == 404


def test_an_export_is_built_only_once(
    officer_client, course, django_capture_on_commit_callbacks
):
    issue(people(1)[0], course, timezone.localdate())
    export = export_with(
        officer_client, django_capture_on_commit_callbacks, course=course.pk
    )
    build_export(CertificateExport.objects.get(pk=export.pk))
    export.refresh_from_db()
    assert (export.status, export.done) == (Status.DONE, 1)
    assert len(zip_entries(export)) == 1


def test_an_invalid_filter_is_refused_and_nothing_is_created(officer_client):
    response = officer_client.post(url("start") + "?issued_on_from=nope")
    assert response.status_code == 302
    assert response.url == reverse("certificates_admin:index") + (
        "?issued_on_from=nope"
    )
    assert not CertificateExport.objects.exists()


def test_users_without_the_permission_are_denied_everywhere_and_nothing_is_made(
    client, editor, course, django_capture_on_commit_callbacks
):
    done = CertificateExport.objects.create(status=Status.DONE)
    client.force_login(editor)
    home = reverse("wagtailadmin_home")
    index = client.get(reverse("certificates_admin:index")).content.decode()
    assert url("start") not in index
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for response in [
            client.get(url("start"), {"course": course.pk}),
            client.post(url("start") + f"?course={course.pk}"),
            client.get(url("progress", done)),
            client.get(url("download", done)),
        ]:
            assert (response.status_code, response.url) == (302, home)
    assert callbacks == []
    assert list(CertificateExport.objects.all()) == [done]


def test_progress_is_saved_every_few_certificates(
    officer_client, course, monkeypatch, django_capture_on_commit_callbacks
):
    for person in people(3):
        issue(person, course, timezone.localdate())
    seen = []
    store_pdf = exports.store_pdf

    def recording_store_pdf(certificate: Certificate) -> None:
        seen.append(CertificateExport.objects.values_list("done", flat=True).get())
        store_pdf(certificate)

    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(exports, "store_pdf", recording_store_pdf)
    export = export_with(
        officer_client, django_capture_on_commit_callbacks, course=course.pk
    )
    assert seen == [0, 0, 2]
    assert (export.status, export.done) == (Status.DONE, 3)
