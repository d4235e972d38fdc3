"""Wagtail hooks: a course page's links to its material for offline teaching."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.models import Page

from courses.models import CoursePage
from lms.materials.documents import may_download_material
from lms.people.models import User

# (URL name in the materials namespace, label, icon)
LINKS = [
    ("participant_pdf", _("Participant PDF"), "doc-full"),
    ("facilitator_pdf", _("Facilitator's guide"), "doc-full-inverse"),
    ("zip", _("Material ZIP"), "download"),
]
# After Wagtail's own page actions, which stop at 70.
FIRST_PRIORITY = 80


def material_buttons(page: Page, user: User) -> Iterator[Button]:
    """Yield the download links of a live course the user may download."""
    if not (isinstance(page, CoursePage) and page.live):
        return
    if not may_download_material(user, page):
        return
    for offset, (name, label, icon) in enumerate(LINKS):
        yield Button(
            label,
            reverse(f"materials:{name}", args=[page.pk]),
            icon_name=icon,
            priority=FIRST_PRIORITY + offset,
        )


@hooks.register("register_page_header_buttons")
def page_header_material_buttons(page, user, view_name, next_url=None):
    yield from material_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def page_listing_material_buttons(page, user, next_url=None):
    yield from material_buttons(page, user)
