"""The certified trainers' admin: the integrity officer's registry, approval
and withdrawal; everyone else is refused and nothing changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.issuance import issue_for_completion
from lms.models import Person, Province, TrainerCertification
from lms.trainers import registry
from lms.trainers.registry import TrainerError
from tests.admin_helpers import is_denied, messages_of, signed_in
from tests.factories import UserFactory, certified_trainer, completion, with_mfa

pytestmark = pytest.mark.django_db

INDEX = reverse("lms_trainers:index")
APPROVE = reverse("lms_trainers:add")


def withdraw_url(certification: TrainerCertification) -> str:
    return reverse("lms_trainers:withdraw", args=[certification.pk])


def history_url(certification: TrainerCertification) -> str:
    return reverse("lms_trainers:history", args=[certification.pk])


def row_of(html: str, name: str) -> str:
    """Return the text of the listing's table row naming `name`."""
    rows = [row.split("</tr>")[0] for row in html.split("<tr")[1:]]
    rows = [row for row in rows if name in row]
    assert len(rows) == 1, f"{name} is in {len(rows)} rows"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0]))


@pytest.fixture
def editor(db):
    """Someone who opens the admin (to edit pages, say) but holds no role."""
    user = UserFactory(email="editora@example.pe")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return with_mfa(user)


@pytest.fixture
def candidate(trainer_course):
    """Someone who completed the trainer course last week, with a DNI."""
    user = UserFactory(
        email="candidata@example.pe", first_name="Lucía", last_name="Chávez"
    )
    Person.objects.create(
        user=user,
        document_number="45678912",
        first_names="Lucía",
        last_names="Chávez Ruiz",
    )
    return completion(user, trainer_course, at=timezone.now() - timedelta(days=7))


def approval_form(qualification, **fields) -> dict:
    return {
        "qualification": qualification.pk,
        "province": Province.CELENDIN,
        "institution": "Municipalidad Provincial de Celendín",
        "listed_publicly": "on",
        **fields,
    }


# The registry


def test_the_registry_shows_each_trainer_with_their_qualification(
    client, integrity_officer, trainer, other_trainer, english
):
    Person.objects.filter(pk=trainer.person_id).update(document_number="41234567")
    certificate = issue_for_completion(trainer.qualification)
    registry.withdraw_trainer(
        certification=other_trainer,
        reason="Renunció.",
        by=integrity_officer,
        now=timezone.now(),
    )
    response = signed_in(client, integrity_officer).get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    approved = (timezone.localdate() - timedelta(days=30)).strftime("%d/%m/%Y")
    carmen = row_of(html, "Carmen Vásquez")
    for text in [
        "DNI *****567",
        "Jaén",
        "Universidad Nacional de Jaén",
        certificate.code,
        f"{approved} by Olga OII",
    ]:
        assert text in carmen
    # The last two columns: status, and whether the trainer is valid today.
    assert carmen.strip().endswith("Active Yes")
    assert "41234567" not in html
    otto = row_of(html, "Otto")
    assert "Chota" in otto
    assert otto.strip().endswith(f"Withdrawn on {today} by Olga OII No")
    # A qualification without a certificate shows none, without failing.
    assert " - " in otto


def test_the_registry_filters_by_province_and_status(
    client, integrity_officer, trainer, other_trainer
):
    signed_in(client, integrity_officer)
    html = client.get(INDEX, {"province": Province.CHOTA}).content.decode()
    assert "Otto" in html and "Carmen" not in html
    registry.withdraw_trainer(
        certification=trainer,
        reason="Renunció.",
        by=integrity_officer,
        now=timezone.now(),
    )
    html = client.get(INDEX, {"status": "withdrawn"}).content.decode()
    assert "Carmen" in html and "Otto" not in html
    html = client.get(INDEX, {"status": "active"}).content.decode()
    assert "Otto" in html and "Carmen" not in html


def test_the_registry_is_in_the_integrity_officers_menu_only(
    client, integrity_officer, hr_a
):
    home = reverse("wagtailadmin_home")
    assert INDEX in signed_in(client, integrity_officer).get(home).content.decode()
    assert INDEX not in signed_in(client, hr_a).get(home).content.decode()


def add_trainers(count: int, course, officer) -> None:
    """Add `count` trainers, some with a certificate and some withdrawn."""
    for number in range(count):
        user = UserFactory(first_name=f"Formador {number}")
        certification = certified_trainer(
            user,
            course,
            approved_by=officer,
            approved_at=timezone.now() - timedelta(days=10),
        )
        if number % 2:
            issue_for_completion(certification.qualification)
        if number % 3 == 0:
            registry.withdraw_trainer(
                certification=certification,
                reason="Retirado.",
                by=officer,
                now=timezone.now(),
            )


# Every admin request: session, user, the user's and their groups'
# permissions, roles, Wagtail's user profile; the admin menu's own checks;
# then the paginator's count, the page of rows (people, qualifications,
# certificates and users joined), and the people's enrolments and
# completions that decide "valid today".
LIST_QUERIES = 14


def test_the_registry_costs_the_same_queries_for_few_and_many_trainers(
    client, integrity_officer, trainer_course, django_assert_max_num_queries
):
    signed_in(client, integrity_officer)
    add_trainers(2, trainer_course, integrity_officer)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(INDEX).status_code == 200
    add_trainers(18, trainer_course, integrity_officer)
    with django_assert_max_num_queries(LIST_QUERIES):
        html = client.get(INDEX).content.decode()
    assert html.count("Formador ") >= 20


# Approving


def test_the_approval_form_offers_eligible_people_with_masked_documents(
    client, integrity_officer, candidate, trainer
):
    html = signed_in(client, integrity_officer).get(APPROVE).content.decode()
    completed = timezone.localdate(candidate.completed_at).strftime("%d/%m/%Y")
    assert (
        f"Lucía Chávez Ruiz · DNI *****912 · "
        f"Formación de Formadores en Integridad · {completed}"
    ) in html
    assert "45678912" not in html
    # A certified trainer is not offered again.
    assert f'value="{trainer.qualification.pk}"' not in html


def test_the_integrity_officer_approves_a_trainer(
    client, integrity_officer, candidate, english
):
    response = signed_in(client, integrity_officer).post(
        APPROVE, approval_form(candidate)
    )
    assert response.status_code == 302 and response.url == INDEX
    certification = TrainerCertification.objects.get()
    assert certification.person.document_number == "45678912"
    assert certification.qualification == candidate
    assert certification.province == Province.CELENDIN
    assert certification.listed_publicly is True
    assert certification.approved_by == integrity_officer
    assert messages_of(response) == ["Lucía Chávez Ruiz is now a certified trainer."]
    entry = ModelLogEntry.objects.get(action=registry.APPROVE_ACTION)
    assert entry.user_id == integrity_officer.pk
    assert entry.object_id == str(certification.pk)


def test_an_approval_without_an_institution_writes_nothing(
    client, integrity_officer, candidate, english
):
    response = signed_in(client, integrity_officer).post(
        APPROVE, approval_form(candidate, institution="  ")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["institution"] == ["This field is required."]
    assert not TrainerCertification.objects.exists()
    assert not ModelLogEntry.objects.filter(action=registry.APPROVE_ACTION).exists()


def test_a_completion_not_offered_cannot_be_posted(
    client, integrity_officer, trainer, learner, course
):
    """Another course's completion, or a certified trainer's, is not a choice."""
    other_course = completion(learner, course, at=timezone.now())
    signed_in(client, integrity_officer)
    for qualification in [other_course, trainer.qualification]:
        response = client.post(APPROVE, approval_form(qualification))
        assert response.status_code == 400
        assert "qualification" in response.context["form"].errors
    assert TrainerCertification.objects.count() == 1


def test_a_refusal_of_the_registry_is_shown_on_the_form(
    client, integrity_officer, candidate, monkeypatch
):
    def refuse(**kwargs):
        raise TrainerError("Lucía Chávez Ruiz is already a certified trainer.")

    monkeypatch.setattr(registry, "approve_trainer", refuse)
    response = signed_in(client, integrity_officer).post(
        APPROVE, approval_form(candidate)
    )
    assert response.status_code == 400
    assert "Lucía Chávez Ruiz is already a certified trainer." in (
        response.content.decode()
    )


def test_with_no_one_eligible_the_form_says_so(client, integrity_officer, english):
    html = signed_in(client, integrity_officer).get(APPROVE).content.decode()
    assert "No one can be approved now" in html
    assert 'name="institution"' not in html


# Withdrawing


def test_withdrawal_asks_for_confirmation_and_a_reason(
    client, integrity_officer, trainer, english
):
    signed_in(client, integrity_officer)
    page = client.get(withdraw_url(trainer))
    assert page.status_code == 200
    assert "Carmen Vásquez" in page.content.decode()
    refused = client.post(withdraw_url(trainer), {"reason": "  "})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"] == ["This field is required."]
    trainer.refresh_from_db()
    assert trainer.is_active


def test_the_integrity_officer_withdraws_a_trainer(
    client, integrity_officer, trainer, english
):
    response = signed_in(client, integrity_officer).post(
        withdraw_url(trainer), {"reason": "Dejó la región."}
    )
    assert response.status_code == 302 and response.url == INDEX
    assert messages_of(response) == ["Carmen Vásquez is no longer a certified trainer."]
    trainer.refresh_from_db()
    assert trainer.withdrawn_by == integrity_officer
    assert trainer.withdrawal_reason == "Dejó la región."
    history = client.get(history_url(trainer)).content.decode()
    assert "Withdraw certified trainer" in history
    assert "Certified trainer withdrawn: Dejó la región." in history


def test_an_active_row_offers_withdrawal_and_a_withdrawn_one_does_not(
    client, integrity_officer, trainer, other_trainer
):
    registry.withdraw_trainer(
        certification=other_trainer,
        reason="Renunció.",
        by=integrity_officer,
        now=timezone.now(),
    )
    html = signed_in(client, integrity_officer).get(INDEX).content.decode()
    assert withdraw_url(trainer) in html
    assert withdraw_url(other_trainer) not in html


def test_a_withdrawn_trainer_cannot_be_withdrawn_again(
    client, integrity_officer, trainer, english
):
    signed_in(client, integrity_officer)
    client.post(withdraw_url(trainer), {"reason": "Primera."})
    response = client.post(withdraw_url(trainer), {"reason": "Segunda."})
    assert response.status_code == 302
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert messages_of(response)[-1] == (
        f"Carmen Vásquez was already withdrawn on {today} by Olga OII."
    )
    trainer.refresh_from_db()
    assert trainer.withdrawal_reason == "Primera."


def test_the_history_shows_the_approval_with_a_readable_label(
    client, integrity_officer, candidate, english
):
    signed_in(client, integrity_officer).post(APPROVE, approval_form(candidate))
    certification = TrainerCertification.objects.get()
    html = client.get(history_url(certification)).content.decode()
    assert "Approve certified trainer" in html
    assert (
        "Approved as a certified trainer in Celendín, Municipalidad Provincial "
        "de Celendín"
    ) in html


def test_a_superuser_may_use_the_registry(client, trainer):
    admin = with_mfa(UserFactory(is_superuser=True, is_staff=True))
    assert signed_in(client, admin).get(INDEX).status_code == 200


# Everyone else


@pytest.fixture
def refused_requests(trainer, candidate):
    return [
        ("get", INDEX, {}),
        ("get", APPROVE, {}),
        ("post", APPROVE, approval_form(candidate)),
        ("get", withdraw_url(trainer), {}),
        ("post", withdraw_url(trainer), {"reason": "Por nada."}),
        ("get", history_url(trainer), {}),
    ]


def assert_nothing_changed(trainer) -> None:
    assert list(TrainerCertification.objects.all()) == [trainer]
    trainer.refresh_from_db()
    assert trainer.is_active


@pytest.mark.parametrize("who", ["hr_a", "unit_head_a", "editor"])
def test_admin_users_without_the_role_are_refused(
    client, request, who, trainer, refused_requests
):
    signed_in(client, request.getfixturevalue(who))
    for method, url, data in refused_requests:
        assert is_denied(getattr(client, method)(url, data)), (method, url)
    assert_nothing_changed(trainer)


@pytest.mark.parametrize("who", ["trainer_user", "learner"])
def test_users_without_the_admin_are_sent_to_log_in(
    client, request, who, trainer, refused_requests
):
    signed_in(client, request.getfixturevalue(who))
    for method, url, data in refused_requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        assert messages_of(response)[-1] == (
            "You do not have permission to access the admin."
        )
    assert_nothing_changed(trainer)


def test_anonymous_visitors_are_sent_to_log_in(client, trainer, refused_requests):
    for method, url, data in refused_requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert_nothing_changed(trainer)
