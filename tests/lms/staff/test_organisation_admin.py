"""The unit tree in the admin: listed as a tree, added under a parent, moved,
and never deleted while people or sub-units belong to it."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.models import Organisation, OrganisationKind, StaffMember
from tests.admin_helpers import is_denied, signed_in
from tests.factories import StaffMemberFactory, organisation

pytestmark = pytest.mark.django_db


def listing(client) -> list[Organisation]:
    response = client.get(reverse("lms_organisations:index"))
    assert response.status_code == 200
    return list(response.context["object_list"])


def unit_form(parent: Organisation | None, **changes) -> dict:
    data = {
        "code": "OTI",
        "name": "Oficina de Tecnologías de la Información",
        "kind": OrganisationKind.OFFICE,
        "parent": parent.pk if parent else "",
    }
    return data | changes


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def test_the_tree_is_listed_in_order_with_indented_names_and_staff_counts(
    client, integrity_officer, units
):
    StaffMemberFactory.create_batch(2, unit=units["a1"])
    StaffMemberFactory(
        unit=units["a1"], hired_on=date(2020, 1, 1), left_on=date(2021, 1, 1)
    )
    signed_in(client, integrity_officer)
    rows = listing(client)
    # Siblings sort by name: Económico (B) before Social (A).
    assert rows == [units["root"], units["b"], units["a"], units["a1"]]
    assert [row.staff_count for row in rows] == [0, 0, 0, 2]
    html = client.get(reverse("lms_organisations:index")).content.decode()
    assert "— — Sub Gerencia de Promoción Empresarial (SGPE)" in html


def test_hr_sees_only_the_units_of_their_scope_read_only(client, hr_a, units):
    signed_in(client, hr_a)
    assert listing(client) == [units["a"], units["a1"]]
    html = client.get(reverse("lms_organisations:index")).content.decode()
    assert reverse("lms_organisations:edit", args=[units["a"].pk]) not in html
    assert reverse("lms_organisations:add") not in html


def test_the_listing_costs_the_same_queries_for_4_or_14_units(
    client, integrity_officer, units, django_assert_max_num_queries
):
    signed_in(client, integrity_officer)
    with CaptureQueriesContext(connection) as four:
        assert len(listing(client)) == 4
    queries_for_four = len(four)
    for number in range(10):
        organisation(f"U{number}", f"Unidad {number}", units["b"])
        StaffMemberFactory(unit=Organisation.objects.get(code=f"U{number}"))
    with django_assert_max_num_queries(queries_for_four):
        assert len(listing(client)) == 14


def test_a_unit_is_added_under_its_parent(client, integrity_officer, units):
    response = signed_in(client, integrity_officer).post(
        reverse("lms_organisations:add"), unit_form(units["a"])
    )
    assert response.status_code == 302
    added = Organisation.objects.get(code="OTI")
    assert added.get_parent() == units["a"]
    assert added.path.startswith(units["a"].path)


def test_a_unit_without_parent_becomes_a_root(client, integrity_officer, units):
    signed_in(client, integrity_officer).post(
        reverse("lms_organisations:add"), unit_form(None)
    )
    assert Organisation.objects.get(code="OTI").is_root()


def test_a_unit_moves_with_its_sub_units_and_staff(client, integrity_officer, units):
    member = StaffMemberFactory(unit=units["a1"])
    signed_in(client, integrity_officer).post(
        reverse("lms_organisations:edit", args=[units["a"].pk]),
        unit_form(units["b"], code="GRDS", name=units["a"].name),
    )
    moved = Organisation.objects.get(pk=units["a"].pk)
    assert moved.get_parent() == units["b"]
    sub_unit = Organisation.objects.get(pk=units["a1"].pk)
    assert sub_unit.get_parent() == moved
    b = Organisation.objects.get(pk=units["b"].pk)
    assert member in StaffMember.objects.within(b)


def test_a_unit_cannot_move_under_itself_or_a_sub_unit(
    client, integrity_officer, units
):
    signed_in(client, integrity_officer)
    edit_url = reverse("lms_organisations:edit", args=[units["a"].pk])
    for target in [units["a"], units["a1"]]:
        response = client.post(edit_url, unit_form(target, code="GRDS", name="GRDS"))
        assert response.context["form"].errors["parent"] == [
            "A unit cannot be moved under itself or one of its sub-units."
        ]
    assert Organisation.objects.get(pk=units["a"].pk).get_parent() == units["root"]


def test_a_unit_with_sub_units_or_staff_is_not_deleted(
    client, integrity_officer, units
):
    StaffMemberFactory(unit=units["b"])
    signed_in(client, integrity_officer)
    cases = {
        units["a"]: "Gerencia Regional de Desarrollo Social has sub-units",
        units["b"]: "has staff records, current or past",
    }
    for unit, message in cases.items():
        response = client.post(reverse("lms_organisations:delete", args=[unit.pk]))
        assert message in messages_of(response)[-1]
    assert Organisation.objects.count() == 4


def test_an_empty_unit_is_deleted(client, integrity_officer, units):
    signed_in(client, integrity_officer)
    client.post(reverse("lms_organisations:delete", args=[units["a1"].pk]))
    assert not Organisation.objects.filter(code="SGPE").exists()


def test_hr_cannot_add_edit_or_delete_units(client, hr_a, units):
    signed_in(client, hr_a)
    edit_url = reverse("lms_organisations:edit", args=[units["a"].pk])
    delete_url = reverse("lms_organisations:delete", args=[units["a1"].pk])
    assert is_denied(client.post(reverse("lms_organisations:add"), unit_form(None)))
    assert is_denied(client.post(edit_url, unit_form(units["b"], code="X")))
    assert is_denied(client.post(delete_url))
    assert Organisation.objects.count() == 4
    assert Organisation.objects.get(pk=units["a"].pk).code == "GRDS"


def test_hr_is_refused_their_units_history_and_404_on_others(client, hr_b, units):
    signed_in(client, hr_b)
    history = "lms_organisations:history"
    assert is_denied(client.get(reverse(history, args=[units["b"].pk])))
    assert client.get(reverse(history, args=[units["a"].pk])).status_code == 404


def test_learners_and_visitors_are_kept_out(client, learner, units):
    url = reverse("lms_organisations:index")
    assert client.get(url).url.startswith(reverse("account_login"))
    client.force_login(learner)
    assert client.get(url).url.startswith(reverse("account_login"))
