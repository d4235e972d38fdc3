"""Roles in the admin: the integrity officer gives HR officers and unit heads
their units, and every change is in the audit log."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.models import OrganisationRole, Role
from tests.admin_helpers import is_denied, signed_in
from tests.factories import UserFactory, grant, with_mfa

pytestmark = pytest.mark.django_db


def role_form(user, role: str, unit=None) -> dict:
    return {"user": user.pk, "role": role, "organisation": unit.pk if unit else ""}


@pytest.fixture
def newcomer(db):
    return UserFactory(email="nuevo.rrhh@example.pe", first_name="Nora")


def test_the_integrity_officer_makes_someone_hr_officer_of_a_unit(
    client, integrity_officer, newcomer, units
):
    response = signed_in(client, integrity_officer).post(
        reverse("lms_roles:add"), role_form(newcomer, Role.HR_OFFICER, units["a"])
    )
    assert response.status_code == 302
    role = OrganisationRole.objects.get(user=newcomer)
    assert role.organisation == units["a"]
    entry = ModelLogEntry.objects.get(action="wagtail.create")
    assert entry.user_id == integrity_officer.pk and entry.object_id == str(role.pk)
    # The role asks for a second factor, then opens the admin, scoped to the unit.
    signed_in(client, newcomer)
    response = client.get(reverse("lms_staff:index"))
    assert response.url == reverse("mfa_activate_totp")
    with_mfa(newcomer)
    assert client.get(reverse("lms_staff:index")).status_code == 200


def test_a_scoped_role_needs_a_unit(client, integrity_officer, newcomer):
    response = signed_in(client, integrity_officer).post(
        reverse("lms_roles:add"), role_form(newcomer, Role.UNIT_HEAD)
    )
    assert response.context["form"].errors["organisation"] == [
        "Choose the unit this role covers (with the units under it)."
    ]
    assert not OrganisationRole.objects.filter(user=newcomer).exists()


def test_the_integrity_officer_role_takes_no_unit(
    client, integrity_officer, newcomer, units
):
    signed_in(client, integrity_officer)
    response = client.post(
        reverse("lms_roles:add"),
        role_form(newcomer, Role.INTEGRITY_OFFICER, units["a"]),
    )
    assert response.context["form"].errors["organisation"] == [
        "The integrity officer covers every unit: leave the unit empty."
    ]
    client.post(reverse("lms_roles:add"), role_form(newcomer, Role.INTEGRITY_OFFICER))
    assert OrganisationRole.objects.get(user=newcomer).organisation is None


def test_a_role_held_already_is_refused(client, integrity_officer, hr_a, units):
    signed_in(client, integrity_officer)
    expected = {
        Role.HR_OFFICER: "Role with this User, Role and Unit already exists.",
        Role.INTEGRITY_OFFICER: "This user already holds this role.",
    }
    for user, role, unit in [
        (hr_a, Role.HR_OFFICER, units["a"]),
        (integrity_officer, Role.INTEGRITY_OFFICER, None),
    ]:
        response = client.post(reverse("lms_roles:add"), role_form(user, role, unit))
        assert response.context["form"].non_field_errors() == [expected[role]]
    assert OrganisationRole.objects.count() == 2


def test_changing_and_removing_a_role_is_logged(client, integrity_officer, hr_a, units):
    role = OrganisationRole.objects.get(user=hr_a)
    signed_in(client, integrity_officer)
    client.post(
        reverse("lms_roles:edit", args=[role.pk]),
        role_form(hr_a, Role.HR_OFFICER, units["b"]),
    )
    role.refresh_from_db()
    assert role.organisation == units["b"]
    client.post(reverse("lms_roles:delete", args=[role.pk]))
    assert not OrganisationRole.objects.filter(pk=role.pk).exists()
    actions = ModelLogEntry.objects.filter(object_id=str(role.pk)).values_list(
        "action", flat=True
    )
    assert set(actions) == {"wagtail.edit", "wagtail.delete"}


def test_hr_officers_and_unit_heads_cannot_see_or_change_roles(
    client, hr_a, unit_head_a, newcomer, units
):
    role = OrganisationRole.objects.get(user=hr_a)
    for user in [hr_a, unit_head_a]:
        signed_in(client, user)
        assert is_denied(client.get(reverse("lms_roles:index")))
        assert is_denied(
            client.post(
                reverse("lms_roles:add"),
                role_form(newcomer, Role.INTEGRITY_OFFICER),
            )
        )
        assert is_denied(
            client.post(
                reverse("lms_roles:edit", args=[role.pk]),
                role_form(hr_a, Role.HR_OFFICER, units["root"]),
            )
        )
        assert is_denied(client.post(reverse("lms_roles:delete", args=[role.pk])))
    role.refresh_from_db()
    assert role.organisation == units["a"]
    assert not OrganisationRole.objects.filter(user=newcomer).exists()


def test_learners_and_visitors_are_kept_out(client, learner):
    url = reverse("lms_roles:index")
    assert client.get(url).url.startswith(reverse("account_login"))
    client.force_login(learner)
    assert client.get(url).url.startswith(reverse("account_login"))


def test_the_listing_shows_each_role_and_its_unit(
    client, integrity_officer, hr_a, unit_head_a
):
    html = signed_in(client, integrity_officer).get(reverse("lms_roles:index"))
    text = html.content.decode()
    for words in ["Ana RRHH", "HR officer", "Unit head", "All units"]:
        assert words in text


def test_the_listing_costs_the_same_queries_for_2_or_12_roles(
    client, integrity_officer, units, django_assert_max_num_queries
):
    signed_in(client, integrity_officer)
    grant(UserFactory(), Role.HR_OFFICER, units["a"])
    url = reverse("lms_roles:index")
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    queries_for_two = len(two)
    for _ in range(10):
        grant(UserFactory(), Role.UNIT_HEAD, units["b"])
    with django_assert_max_num_queries(queries_for_two):
        response = client.get(url)
    assert len(response.context["object_list"]) == 12
