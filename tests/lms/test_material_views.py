"""Downloading a course's material: who may, what they get, and the admin links."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, PageViewRestriction

from lms.wagtail_hooks.materials import material_buttons
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
def draft_course(catalogue):
    return CoursePageFactory(parent=catalogue, slug="borrador", live=False)


def test_a_trainer_downloads_the_participant_edition(client, trainer, course):
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


def test_a_trainer_downloads_the_facilitator_guide(client, trainer, course):
    client.force_login(trainer.person.user)

    response = client.get(url("materials:facilitator_pdf", course.pk))

    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="induccion-guia-del-facilitador.pdf"'
    )
    assert "private" in response["Cache-Control"]


def test_a_trainer_downloads_the_zip(client, trainer, course):
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
    client, request, course, name, who
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
    client, trainer, editor, course
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


def test_a_second_download_is_served_from_the_cache(
    client, trainer, course, django_assert_max_num_queries
):
    client.force_login(trainer.person.user)
    address = url("materials:facilitator_pdf", course.pk)
    first = b"".join(client.get(address).streaming_content)

    # Session, user, the staff check (two-factor), course, trainer check (the
    # trainer courses, the certification), view restrictions (two) and the
    # publication key: no lesson, image or question is read again.
    with django_assert_max_num_queries(9):
        again = b"".join(client.get(address).streaming_content)

    assert again == first


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
