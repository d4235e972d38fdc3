"""Editors publish through "Revisión de contenidos", approved by integrity officers."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from tests.factories import UserFactory, with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = with_mfa(UserFactory(email="editora@example.pe", first_name="Elena"))
    user.groups.add(Group.objects.get(name="Editores"))
    return user


@pytest.fixture
def officer(integrity_officer):
    integrity_officer.groups.add(Group.objects.get(name="Oficina de integridad"))
    return integrity_officer


def submit(lesson: Page, editor) -> None:
    lesson.title = "Lección uno, revisada"
    lesson.save_revision(user=editor)
    lesson.get_workflow().start(lesson, editor)


def test_every_page_goes_through_the_review_named_in_spanish(lessons):
    workflow = lessons[0].get_workflow()
    assert workflow.name == "Revisión de contenidos"
    [task] = [task.specific for task in workflow.tasks]
    assert task.name == "Aprobación de la oficina de integridad"
    assert [group.name for group in task.groups.all()] == ["Oficina de integridad"]
    assert not Workflow.objects.filter(name__icontains="moderators").exists()


def test_editors_cannot_publish_by_themselves(lessons, editor):
    permissions = lessons[0].permissions_for_user(editor)
    assert permissions.can_edit() and not permissions.can_publish()


def test_the_integrity_office_is_told_in_spanish_with_the_sites_name(
    lessons, editor, officer
):
    mail.outbox.clear()
    submit(lessons[0], editor)
    [message] = [m for m in mail.outbox if officer.email in m.to]
    assert message.subject == (
        "[Integridad Cajamarca] «Lección uno, revisada» espera su revisión"
    )
    assert (
        "espera su revisión en la etapa «Aprobación de la oficina de integridad»"
        in (message.body)
    )


def test_approval_publishes_the_page_and_tells_the_editor(lessons, editor, officer):
    lesson = lessons[0]
    submit(lesson, editor)
    mail.outbox.clear()
    task_state = lesson.current_workflow_task_state
    task_state.task.specific.on_action(task_state, officer, "approve")
    lesson.refresh_from_db()
    assert lesson.title == "Lección uno, revisada" and lesson.live
    [message] = [m for m in mail.outbox if editor.email in m.to]
    assert (
        message.subject == "[Integridad Cajamarca] «Lección uno, revisada» fue aprobada"
    )


def test_the_edit_page_tells_the_editor_what_happens_next(client, lessons, editor):
    client.force_login(editor)
    page = client.get(f"/admin/pages/{lessons[0].pk}/edit/").content.decode()
    assert "Enviar a Revisión de contenidos" in page
    assert "La oficina de integridad recibe un correo" in page


def test_after_submitting_the_editor_is_told_who_reviews(client, lessons, editor):
    client.force_login(editor)
    lesson = lessons[0]
    data = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "minutes": 10,
            "body": streamfield([("text", rich_text("<p>Nuevo contenido</p>"))]),
            "comments": inline_formset([]),
            "action-submit": "1",
        }
    )
    response = client.post(f"/admin/pages/{lesson.pk}/edit/", data, follow=True)
    assert "La oficina de integridad ha sido avisada por correo" in (
        response.content.decode()
    )
