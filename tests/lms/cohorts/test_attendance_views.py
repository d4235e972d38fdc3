"""The trainer's attendance pages: phone sheet, printable sheet, paper results."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from lms.cohorts.attendance import record_attendance
from lms.models import Attendance, Cohort, CohortSession, Completion, Participant
from tests.certificates.test_pdf import pdf_text
from tests.lms.cohorts.test_attendance import held_cohort, join

pytestmark = pytest.mark.django_db

DOCUMENTS = ["45678123", "41234567", "70011222"]


@pytest.fixture
def held(trainer, course) -> Cohort:
    return held_cohort(trainer, course)


@pytest.fixture
def group(held) -> list[Participant]:
    return [
        join(held, first_names=first, last_names=last, document_number=document)
        for (first, last), document in zip(
            [("Ana", "Pérez Ruiz"), ("Luis", "Torres Díaz"), ("Eva", "Chávez Soto")],
            DOCUMENTS,
            strict=True,
        )
    ]


def in_english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def trainer_client(client, trainer, trainer_user):
    """The certified trainer, logged in as such (on a staff session)."""
    return in_english(client, trainer_user)


def sheet_url(cohort: Cohort, number: int = 1) -> str:
    session = cohort.sessions.get(number=number)
    return reverse("attendance:session", args=[cohort.pk, session.pk])


def paper_url(cohort: Cohort) -> str:
    return reverse("attendance:paper", args=[cohort.pk])


def pdf_url(cohort: Cohort) -> str:
    return reverse("attendance:sheet_pdf", args=[cohort.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def ticked(html: str, attribute: str) -> set[str]:
    """Return the `attribute` (value or name) of every ticked box on the page."""
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    return {
        re.search(rf'{attribute}="([^"]*)"', box).group(1)
        for box in boxes
        if " checked" in box
    }


def paper_post(cohort: Cohort, marks: dict, scores: dict) -> dict[str, str]:
    """Return the paper grid's POST: ticks by (session number, participant)."""
    sessions = {s.number: s.pk for s in cohort.sessions.all()}
    data = {
        f"present-{sessions[number]}-{participant.pk}": "on"
        for number, participant in marks
    }
    data |= {f"score-{p.pk}": str(score) for p, score in scores.items()}
    return data


# The phone sheet


def test_the_phone_sheet_lists_names_with_masked_documents_only(
    trainer_client, held, group
):
    response = trainer_client.get(sheet_url(held))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana Pérez Ruiz" in html and "DNI *****123" in html
    assert not any(document in html for document in DOCUMENTS)
    assert 'type="checkbox"' in html
    assert "Everyone present" in html


def test_saving_the_phone_sheet_records_everyone_and_returns_to_the_cohort(
    trainer_client, held, group, trainer_user
):
    response = trainer_client.post(sheet_url(held), {"present": [group[0].pk]})
    assert response.status_code == 302
    assert response.url == reverse("cohorts:detail", args=[held.pk])
    assert messages_of(response) == ["Attendance of session 1 saved."]
    session = held.sessions.get(number=1)
    assert dict(session.attendance.values_list("participant_id", "present")) == {
        group[0].pk: True,
        group[1].pk: False,
        group[2].pk: False,
    }
    assert session.recorded_by == trainer_user


def test_nobody_ticked_records_everyone_absent(trainer_client, held, group):
    response = trainer_client.post(sheet_url(held), {})
    assert response.status_code == 302
    assert not Attendance.objects.filter(present=True).exists()
    assert Attendance.objects.count() == 3


def test_a_recorded_sheet_says_by_whom_and_can_be_corrected(
    trainer_client, held, group, trainer_user
):
    session = held.sessions.get(number=1)
    record_attendance(
        session=session, present={group[0].pk}, by=trainer_user, now=timezone.now()
    )
    html = trainer_client.get(sheet_url(held)).content.decode()
    assert "Recorded by Carmen Vásquez" in html
    assert ticked(html, "value") == {str(group[0].pk)}
    trainer_client.post(sheet_url(held), {"present": [group[1].pk]})
    present = session.attendance.filter(present=True).values_list("participant_id")
    assert list(present) == [(group[1].pk,)]


def test_the_sheet_refuses_a_day_the_trainer_was_not_certified(
    trainer_client, held, group, trainer
):
    trainer.approved_at = timezone.now() - timedelta(days=1)
    trainer.save(update_fields=["approved_at"])
    refusal = "whose own certification was not valid on that date"
    page = trainer_client.get(sheet_url(held)).content.decode()
    assert refusal in page
    assert "Save attendance" not in page
    response = trainer_client.post(sheet_url(held), {"present": [group[0].pk]})
    assert response.status_code == 400
    assert refusal in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_participant_of_another_cohort_cannot_be_ticked(
    trainer_client, held, group, trainer, course
):
    elsewhere = join(held_cohort(trainer, course, name="Otro grupo"))
    response = trainer_client.post(sheet_url(held), {"present": [elsewhere.pk]})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_the_completion_of_a_participant_is_announced(
    trainer_client, held, group, course
):
    Participant.objects.filter(pk=group[0].pk).update(paper_score=90)
    for number in (1, 2):
        record_attendance(
            session=held.sessions.get(number=number),
            present={group[0].pk},
            by=held.trainer.person.user,
            now=timezone.now(),
        )
    response = trainer_client.post(sheet_url(held, 3), {"present": [group[0].pk]})
    assert messages_of(response) == [
        "Attendance of session 3 saved. 1 participant completed the course."
    ]
    assert Completion.objects.filter(enrolment__course=course).count() == 1


def test_the_cohort_page_states_the_rule_and_links_every_sheet(
    trainer_client, held, group, trainer_user
):
    record_attendance(
        session=held.sessions.get(number=1),
        present={group[0].pk},
        by=trainer_user,
        now=timezone.now(),
    )
    html = trainer_client.get(reverse("cohorts:detail", args=[held.pk])).content
    html = html.decode()
    percent = held.course.cohort_attendance_percent
    assert f"{percent} % of the sessions and a passed assessment" in html
    for number in (1, 2, 3):
        assert sheet_url(held, number) in html
    assert pdf_url(held) in html and paper_url(held) in html
    assert "1 of 3 present" in html


# The printable sheet


def test_the_printed_sheet_names_everyone_and_shows_no_full_document(
    trainer_client, held, group, tmp_path
):
    response = trainer_client.get(pdf_url(held))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for participant in group:
        assert participant.person.full_name in text
    assert "*****123" in text
    assert not any(document in text for document in DOCUMENTS)
    assert held.course.title in text and "Carmen Vásquez" in text
    assert "Universidad Nacional de Jaén" in text
    assert paper_url(held) in text
    assert re.search(r"\b1 ?/ ?1$", text)  # the page number, at the foot


# Paper results


def test_the_paper_grid_saves_several_sessions_and_scores(trainer_client, held, group):
    data = paper_post(
        held,
        marks=[(1, group[0]), (2, group[0]), (1, group[1])],
        scores={group[0]: 80, group[1]: 40},
    )
    response = trainer_client.post(paper_url(held), data)
    assert response.status_code == 302
    assert response.url == reverse("cohorts:detail", args=[held.pk])
    present = set(
        Attendance.objects.filter(present=True).values_list(
            "session__number", "participant"
        )
    )
    assert present == {(1, group[0].pk), (2, group[0].pk), (1, group[1].pk)}
    # The third session's column was left empty and is not recorded.
    recorded = held.sessions.filter(recorded_at__isnull=False)
    assert set(recorded.values_list("number", flat=True)) == {1, 2}
    assert recorded.first().source == CohortSession.Source.PAPER
    scores = dict(held.participants.values_list("pk", "paper_score"))
    assert scores == {group[0].pk: 80, group[1].pk: 40, group[2].pk: None}


@pytest.mark.parametrize("bad", ["120", "abc", "-5"])
def test_a_bad_score_is_shown_in_its_cell_and_nothing_is_saved(
    trainer_client, held, group, bad
):
    data = paper_post(held, marks=[(1, group[0])], scores={group[0]: 80})
    data[f"score-{group[1].pk}"] = bad
    response = trainer_client.post(paper_url(held), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was saved" in html
    assert html.count('class="cell-error"') == 1
    assert not Attendance.objects.exists()
    assert not Participant.objects.filter(paper_score__isnull=False).exists()


def test_the_grid_shows_what_was_recorded_and_why_a_column_is_closed(
    trainer_client, held, group, trainer_user
):
    held.sessions.filter(number=3).update(starts_at=timezone.now() + timedelta(days=2))
    record_attendance(
        session=held.sessions.get(number=1),
        present={group[2].pk},
        by=trainer_user,
        now=timezone.now(),
    )
    html = trainer_client.get(paper_url(held)).content.decode()
    session = held.sessions.get(number=1)
    assert ticked(html, "name") == {f"present-{session.pk}-{group[2].pk}"}
    assert "A session that has not taken place yet cannot be recorded." in html
    assert "45678123" not in html


# Who may use these pages


def anyone_else(who, client, other_trainer, hr_b):
    if who == "anonymous":
        return client
    user = other_trainer.person.user if who == "other trainer" else hr_b
    return in_english(client, user)


@pytest.mark.parametrize("who", ["other trainer", "hr of another unit", "anonymous"])
@pytest.mark.parametrize("page", ["sheet", "pdf", "paper"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_else_sees_or_changes_the_cohort(
    client, held, group, other_trainer, hr_b, who, page, method
):
    url = {"sheet": sheet_url, "pdf": pdf_url, "paper": paper_url}[page](held)
    visitor = anyone_else(who, client, other_trainer, hr_b)
    data = {"present": [group[0].pk]} | paper_post(
        held, marks=[(1, group[0])], scores={group[0]: 90}
    )
    response = getattr(visitor, method)(url, data if method == "post" else None)
    if who == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif who == "hr of another unit":
        assert response.status_code == 403  # not a trainer at all
    elif page == "pdf" and method == "post":
        assert response.status_code in (404, 405)
    else:
        assert response.status_code == 404
    assert not Attendance.objects.exists()
    assert not Participant.objects.filter(paper_score__isnull=False).exists()


# Queries stay the same whatever the cohort's size (each request includes the
# staff check of lms.accounts.staff_security, and the trainer check: her certification
# and the trainer courses it is judged by; a save checks again that the
# cohort's trainer may act today, before recording and before completing)


@pytest.mark.parametrize("size", [3, 12])
def test_the_phone_sheet_takes_a_fixed_number_of_queries(
    trainer_client, held, size, django_assert_max_num_queries
):
    group = [join(held) for _ in range(size)]
    with django_assert_max_num_queries(14):
        assert trainer_client.get(sheet_url(held)).status_code == 200
    with django_assert_max_num_queries(24):
        response = trainer_client.post(sheet_url(held), {"present": [group[0].pk]})
    assert response.status_code == 302


@pytest.mark.parametrize("size", [3, 12])
def test_the_paper_grid_takes_a_fixed_number_of_queries(
    trainer_client, held, size, django_assert_max_num_queries
):
    group = [join(held) for _ in range(size)]
    with django_assert_max_num_queries(15):
        assert trainer_client.get(paper_url(held)).status_code == 200
    data = paper_post(held, marks=[(1, p) for p in group], scores={group[0]: 50})
    with django_assert_max_num_queries(28):
        assert trainer_client.post(paper_url(held), data).status_code == 302
