"""The person page's buttons: a label and a small icon, not a giant clipped one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.admin_helpers import signed_in
from tests.factories import StaffMemberFactory

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.django_db]


def test_every_button_has_a_label_and_a_sized_icon(client, hr_a, units):
    staff = StaffMemberFactory(unit=units["a"])
    html = signed_in(client, hr_a).get(reverse("lms_staff_detail", args=[staff.pk]))
    html = html.content.decode()
    buttons = re.findall(
        r'<(?:a|button) class="button[^"]*"[^>]*>(.*?)</(?:a|button)>', html, re.S
    )
    with_icons = [button for button in buttons if "<svg" in button]
    assert len(with_icons) >= 2  # edit and transcript; invite without an account
    for button in with_icons:
        assert re.search(r'<svg class="icon [^"]*w-h-4 w-w-4', button)
        label = re.sub(r"<svg.*?</svg>", "", button, flags=re.S).strip()
        assert label in ("Edit record", "Transcript (PDF)", "Invite")
