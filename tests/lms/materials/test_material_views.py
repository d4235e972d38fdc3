"""Downloading a course's material: who may, what they get, the page that
follows its build, and the admin links."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, PageViewRestriction

from lms.materials import documents, editions
from lms.materials.models import MaterialEdition
from lms.materials.wagtail_hooks import material_buttons
from tests.factories import CoursePageFactory, UserFactory, with_mfa

pytestmark = pytest.mark.django_db

VIEWS = ["materials:participant_pdf", "materials:facilitator_pdf", "materials:zip"]


def url(name: str, course_id: int) -> str:
    return reverse(name, args=[course_id])


@pytest.fixture
def editor(catalogue):
    """A course editor: may edit the pages under the catalogue, nothing more."""
    group = Group.objects.create(name="Editores de cursos")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group,
        page=catalogue,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    user = with_mfa(UserFactory(email="editora@example.pe"))
    user.groups.add(group)
    return user


@pytest.fixture
def superuser(db):
    return with_mfa(
        UserFactory(email="admin@example.pe", is_superuser=True, is_staff=True)
    )


@pytest.fixture
def built(course):
    """The course's material, built as the publishing of the course builds it."""
    edition = editions.edition_for(course=course, language="es")
    editions.start(edition=edition)
    editions.build_edition(edition)
    return edition


@pytest.fixture
def ready(course):
    """A current edition whose files are stand-ins: nothing is rendered."""
    edition = MaterialEdition.objects.create(
        course=course,
        content_version=documents.publication_key(course),
        language="es",
        status=MaterialEdition.Status.DONE,
        step=3,
    )
    for field in ["participant_pdf", "facilitator_pdf", "archive"]:
        getattr(edition, field).save(field, ContentFile(field.encode()), save=False)
    edition.save()
    return edition


@pytest.fixture
def draft_course(catalogue):
    return CoursePageFactory(parent=catalogue, slug="borrador", live=False)


def test_a_trainer_downloads_the_participant_edition(client, trainer, course, built):
    client.force_login(trainer.person.user)

    response = client.get(url("materials:participant_pdf", course.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="induccion-participante.pdf"'
    )
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_trainer_downloads_the_facilitator_guide(client, trainer, course, built):
    client.force_login(trainer.person.user)

    response = client.get(url("materials:facilitator_pdf", course.pk))

    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="induccion-guia-del-facilitador.pdf"'
    )
    assert "private" in response["Cache-Control"]


def test_a_trainer_downloads_the_zip(client, trainer, course, built):
    client.force_login(trainer.person.user)

    response = client.get(url("materials:zip", course.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="induccion-material.zip"'
    )
    assert "private" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "LEEME.txt",
        "induccion-guia-del-facilitador.pdf",
        "induccion-participante.pdf",
    ]


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_editors_of_the_course_download_its_material(
    client, request, course, ready, name, who
):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(name, course.pk)).status_code == 200


@pytest.mark.parametrize("name", VIEWS)
def test_a_learner_is_refused(client, learner, course, name):
    client.force_login(learner)

    assert client.get(url(name, course.pk)).status_code == 403


@pytest.mark.parametrize("name", VIEWS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, course, name):
    response = client.get(url(name, course.pk))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_withdrawn_trainer_is_refused(client, trainer, integrity_officer, course):
    trainer.withdrawn_at = timezone.now()
    trainer.withdrawn_by = integrity_officer
    trainer.withdrawal_reason = "Dejó la institución."
    trainer.save()
    client.force_login(trainer.person.user)

    assert client.get(url("materials:participant_pdf", course.pk)).status_code == 403


@pytest.mark.parametrize("name", VIEWS)
def test_unpublished_courses_and_other_pages_are_not_found(
    client, trainer, course, lessons, draft_course, name
):
    client.force_login(trainer.person.user)

    for page_id in [draft_course.pk, lessons[0].pk, course.get_parent().pk, 99999]:
        assert client.get(url(name, page_id)).status_code == 404


def test_a_course_restricted_to_some_readers_is_for_its_editors_only(
    client, trainer, editor, course, ready
):
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )
    address = url("materials:participant_pdf", course.pk)

    client.force_login(trainer.person.user)
    assert client.get(address).status_code == 403
    client.force_login(editor)
    assert client.get(address).status_code == 200


def test_the_material_is_not_changed_by_a_post(client, trainer, course):
    client.force_login(trainer.person.user)

    assert client.post(url("materials:participant_pdf", course.pk)).status_code == 405


def test_a_current_edition_is_streamed_without_building_again(
    client, trainer, course, built, monkeypatch, django_assert_max_num_queries
):
    def must_not_build(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(editions, "build_edition", must_not_build)
    monkeypatch.setattr(editions, "queue_build", must_not_build)
    client.force_login(trainer.person.user)

    # Session, user (the staff check is kept in the session), course, trainer
    # check (the trainer courses, the certification), view restrictions (two),
    # the publication key and the edition: no lesson, image or question is read.
    with django_assert_max_num_queries(9):
        response = client.get(url("materials:facilitator_pdf", course.pk))
        streamed = b"".join(response.streaming_content)

    with built.facilitator_pdf.open("rb") as stored:
        assert streamed == stored.read()


@pytest.fixture
def queued(monkeypatch):
    """The builds queued, none of them run."""
    jobs = []
    monkeypatch.setattr(
        editions, "build_material_edition", SimpleNamespace(enqueue=jobs.append)
    )
    return jobs


def edition_of(course, **values) -> MaterialEdition:
    """Return the course's current edition, in the state `values` give."""
    return MaterialEdition.objects.create(
        course=course,
        content_version=documents.publication_key(course),
        language="es",
        **values,
    )


def test_a_download_asked_for_before_its_edition_leads_to_the_progress_page(
    client, trainer, course, django_capture_on_commit_callbacks, queued
):
    """The page is sent first; its first look at the status starts the build."""
    client.force_login(trainer.person.user)
    progress_url = url("materials:progress", course.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url("materials:zip", course.pk))
        page = client.get(response.url)

    assert response.status_code == 302
    assert response.url == progress_url
    assert queued == []
    html = page.content.decode()
    assert "Preparando el material… en espera de su turno." in html
    refresh = f'content="2; url={progress_url}?seguir=1"'
    assert f'<noscript><meta http-equiv="refresh" {refresh}></noscript>' in html
    assert "js/material_progress.js" in html
    assert f'data-material-status="{url("materials:status", course.pk)}"' in html
    assert "no-store" in page["Cache-Control"]

    with django_capture_on_commit_callbacks(execute=True):
        status = client.get(url("materials:status", course.pk)).json()
        client.get(url("materials:status", course.pk))
        client.get(f"{progress_url}?seguir=1")

    edition = MaterialEdition.objects.get()
    assert queued == [edition.pk]
    assert status["message"] == "Preparando el material… en espera de su turno."


def test_without_javascript_the_page_refresh_starts_the_build(
    client, trainer, course, django_capture_on_commit_callbacks, queued
):
    client.force_login(trainer.person.user)
    progress_url = url("materials:progress", course.pk)

    with django_capture_on_commit_callbacks(execute=True):
        client.get(progress_url)
        assert queued == []
        client.get(f"{progress_url}?seguir=1")

    assert queued == [MaterialEdition.objects.get().pk]


def test_the_progress_page_and_its_status_tell_the_step_being_built(
    client, trainer, course
):
    edition_of(course, status=MaterialEdition.Status.RUNNING, step=2)
    client.force_login(trainer.person.user)

    html = client.get(url("materials:progress", course.pk)).content.decode()
    status = client.get(url("materials:status", course.pk)).json()

    message = "Preparando el material… paso 2 de 3 (guía del facilitador)."
    assert message in html
    assert '<progress max="3" value="2">' in html
    assert url("materials:zip", course.pk) not in html
    assert status == {
        "ready": False,
        "failed": False,
        "step": 2,
        "steps": 3,
        "message": message,
    }


def test_a_ready_edition_turns_the_progress_page_into_the_links(
    client, trainer, course, ready
):
    client.force_login(trainer.person.user)

    html = client.get(url("materials:progress", course.pk)).content.decode()
    status = client.get(url("materials:status", course.pk)).json()

    assert "El material está listo." in html
    for name in VIEWS:
        assert f'href="{url(name, course.pk)}"' in html
    assert "refresh" not in html and "material_progress.js" not in html
    assert (status["ready"], status["failed"]) == (True, False)


@pytest.mark.parametrize("name", ["materials:progress", "materials:status"])
def test_the_progress_is_refused_to_a_learner(client, learner, course, name):
    edition_of(course, status=MaterialEdition.Status.RUNNING, step=1)
    client.force_login(learner)

    assert client.get(url(name, course.pk)).status_code == 403
    assert client.post(url("materials:start_again", course.pk)).status_code == 403


def test_a_stored_file_is_refused_to_a_learner(client, learner, course, ready):
    client.force_login(learner)

    for name in VIEWS:
        assert client.get(url(name, course.pk)).status_code == 403


@pytest.mark.parametrize(
    "name", ["materials:progress", "materials:status", "materials:start_again"]
)
def test_the_progress_sends_an_anonymous_visitor_to_log_in(client, course, name):
    ask = client.post if name == "materials:start_again" else client.get
    response = ask(url(name, course.pk))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not MaterialEdition.objects.exists()


def test_two_requests_arriving_together_start_one_build(
    client, trainer, course, django_capture_on_commit_callbacks, monkeypatch, queued
):
    """Both looked before either wrote: the constraint lets one row in."""
    real_get = QuerySet.get
    missed = []

    def get_before_the_other_wrote(self, *args, **kwargs):
        if self.model is MaterialEdition and not missed:
            # This request looks; the other looks, finds nothing and writes.
            missed.append(True)
            other = editions.edition_for(course=course, language="es")
            editions.start(edition=other)
            raise MaterialEdition.DoesNotExist
        return real_get(self, *args, **kwargs)

    client.force_login(trainer.person.user)
    with django_capture_on_commit_callbacks(execute=True):
        monkeypatch.setattr(QuerySet, "get", get_before_the_other_wrote)
        response = client.get(url("materials:status", course.pk))

    assert response.status_code == 200
    assert MaterialEdition.objects.count() == 1
    assert queued == [MaterialEdition.objects.get().pk]


def test_a_failed_build_says_so_and_can_be_started_again(
    client, trainer, course, django_capture_on_commit_callbacks, monkeypatch, queued
):
    edition = edition_of(course, status=MaterialEdition.Status.FAILED, error="boom")
    client.force_login(trainer.person.user)

    html = client.get(url("materials:progress", course.pk)).content.decode()
    assert "No se pudo preparar el material." in html
    assert "boom" not in html
    assert "refresh" not in html
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url("materials:start_again", course.pk))
        client.post(url("materials:start_again", course.pk))  # a second click

    assert again.url == url("materials:progress", course.pk)
    edition.refresh_from_db()
    assert (edition.status, edition.step, edition.error) == ("pending", 0, "")
    assert queued == [edition.pk]
    html = client.get(again.url).content.decode()
    assert "Preparando el material… en espera de su turno." in html


def test_a_build_started_while_the_queue_is_down_fails_saying_so(
    client, trainer, course, django_capture_on_commit_callbacks, queue_down
):
    client.force_login(trainer.person.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("materials:status", course.pk))

    status = client.get(url("materials:status", course.pk)).json()
    assert (status["ready"], status["failed"]) == (False, True)
    html = client.get(url("materials:progress", course.pk)).content.decode()
    assert "No se pudo preparar el material." in html
    assert "Volver a intentar" in html
    assert MaterialEdition.objects.get().status == MaterialEdition.Status.FAILED


def test_the_admin_shows_the_links_on_a_course(client, editor, course):
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))

    assert response.status_code == 200
    for name in VIEWS:
        assert url(name, course.pk) in response.content.decode()


def test_the_admin_listing_offers_the_links_for_each_course(
    client, editor, course, trainer_course
):
    client.force_login(editor)

    response = client.get(
        reverse("wagtailadmin_explore", args=[course.get_parent().pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    for page in [course, trainer_course]:
        for name in VIEWS:
            assert url(name, page.pk) in html


def test_the_links_are_only_for_live_courses_and_allowed_users(
    trainer, learner, editor, course, lessons, draft_course
):
    trainer_user = trainer.person.user

    assert [button.url for button in material_buttons(course, trainer_user)] == [
        url(name, course.pk) for name in VIEWS
    ]
    assert len(list(material_buttons(course, editor))) == 3
    assert list(material_buttons(course, learner)) == []
    assert list(material_buttons(lessons[0], editor)) == []
    assert list(material_buttons(draft_course, editor)) == []
