"""Every role's main pages, site and admin, show no English on a Spanish session.

Wagtail's own Spanish catalogue lacks many of the admin's strings, and some
names (groups, workflow, tasks) are data its migrations wrote in English; the
crawl reads what each person sees (text, labels, placeholders, the admin's
sidebar) and looks for words of the English interface.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page

from lms.models import CompanyMember, Enrolment, Person
from tests.factories import (
    StaffMemberFactory,
    UserFactory,
    approved_company,
    with_mfa,
)

pytestmark = pytest.mark.django_db

# Words of the English interfaces (Wagtail's, allauth's, ours) that are not
# also Spanish words: any of them in a page's visible text is a leak.
ENGLISH = set(
    """
    the and with your you this that has been have for from of to by is are not
    all more new search saved save draft edit delete submit cancel settings
    dashboard reports help users pages page workflow workflows approval
    moderators editors sheet live status actions add account recent updated
    created owner select choose filter filters sort previous next preview
    publish unpublish history comments password documents images snippets
    collections redirects sites view show hide close back loading warning yes
    today yesterday ago minutes hours days tasks task privacy notifications
    language profile name title type size date clear apply download upload
    export reset locked unlocked lock unlock private public site menu log sign
    out in on home courses course lesson certificates trainers companies groups
    people staff units items item results result there no found sorry welcome
    guide shortcuts
    """.split()
)
# Spanish words equal to an English one above, and names of products.
NOT_ENGLISH = {"no"}
# What people and editors typed, or addresses: not the interface's words.
IGNORED = re.compile(
    r"\S+@\S+|https?://\S+|/\S*|\b[a-z_]+\.[a-z_]+\b|\bWagtail\b|\bPDF\b|\bCSV\b"
)


class _Reader(HTMLParser):
    """Collect a page's text and labelling attributes, not its code."""

    CODE = {"script", "style", "template", "svg"}
    LABELS = {"placeholder", "aria-label", "title", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.inside_code = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.CODE:
            self.inside_code += 1
        self.texts += [value for name, value in attrs if name in self.LABELS and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.CODE and self.inside_code:
            self.inside_code -= 1

    def handle_data(self, data: str) -> None:
        if not self.inside_code and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(page: str) -> list[str]:
    """Return what a reader sees of `page`: its texts and labels, one by one."""
    reader = _Reader()
    reader.feed(page)
    return reader.texts + _sidebar_labels(page)


def visible_text(page: str) -> str:
    return " ".join(visible_texts(page))


def english_words(page: str) -> set[str]:
    text = IGNORED.sub(" ", visible_text(page))
    words = {word.lower() for word in re.findall(r"[A-Za-z]+", text)}
    return (words & ENGLISH) - NOT_ENGLISH


def english_texts(page: str) -> list[str]:
    """Return the page's texts and labels that hold English words."""
    return [text for text in visible_texts(page) if english_words(text)]


def _sidebar(page: str) -> object:
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        page,
        re.S,
    )
    return json.loads(found.group(1)) if found else {}


def _walk(data: object) -> Iterator[dict]:
    if isinstance(data, dict):
        yield data
        data = list(data.values())
    if isinstance(data, list):
        for value in data:
            yield from _walk(value)


def _sidebar_labels(page: str) -> list[str]:
    return [
        item["label"]
        for item in _walk(_sidebar(page))
        if isinstance(item.get("label"), str)
    ]


def sidebar_links(page: str) -> list[str]:
    return [
        item["url"]
        for item in _walk(_sidebar(page))
        if isinstance(item.get("url"), str) and item["url"].startswith("/admin/")
    ]


def crawl(client, start: list[str]) -> dict[str, list[str]]:
    """Visit `start` and the admin's sidebar links; return each page's leaks."""
    leaks, queue, seen = {}, list(start), set()
    while queue:
        url = queue.pop(0)
        if url in seen or "logout" in url:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        page = response.content.decode()
        queue.extend(sidebar_links(page))
        if found := english_texts(page):
            leaks[url] = found
    return leaks


@pytest.fixture
def world(course, lessons, units, hr_a, unit_head_a, integrity_officer, trainer):
    """One person of every role, and something on each of their pages."""
    # Wagtail's placeholder home page, which seed_demo deletes too.
    Page.objects.filter(depth=2, content_type__model="page").delete()
    learner = UserFactory(email="aprendiz@example.pe", first_name="Lucía")
    Enrolment.objects.create(user=learner, course=course)
    StaffMemberFactory(unit=units["a"], person=Person.objects.for_user(learner))
    editor = with_mfa(UserFactory(email="editora@example.pe", first_name="Elena"))
    editor.groups.add(Group.objects.get(name="Editores"))
    integrity_officer.groups.add(Group.objects.get(name="Oficina de integridad"))
    representative = UserFactory(email="empresa@example.pe", first_name="María")
    company = approved_company(
        ruc="20123456789",
        legal_name="Agro Jaén S.A.C.",
        address="Jr. Lima 1, Jaén",
        representative=Person.objects.for_user(representative),
    )
    member = UserFactory(email="colega@example.pe", first_name="Pedro")
    CompanyMember.objects.create(
        company=company,
        email=member.email,
        invited_at=timezone.now(),
        invited_by=representative,
        person=Person.objects.for_user(member),
        joined_at=timezone.now(),
    )
    lesson = lessons[0]
    return {
        "anonymous": (
            None,
            [
                "/",
                "/verificar/",
                "/empresas/",
                "/formadores/",
                "/transparencia/",
                "/accounts/login/",
                "/accounts/signup/",
                course.url,
            ],
        ),
        "learner": (
            learner,
            ["/mis-cursos/", "/mis-certificados/", course.url, lesson.url],
        ),
        "company member": (member, ["/mis-cursos/", f"/empresas/{company.ruc}/"]),
        "trainer": (trainer.person.user, ["/formador/", "/mis-cursos/"]),
        "hr": (hr_a, ["/admin/"]),
        "unit head": (unit_head_a, ["/admin/"]),
        "integrity officer": (integrity_officer, ["/admin/"]),
        "editor": (
            editor,
            [
                "/admin/",
                f"/admin/pages/{course.pk}/",
                f"/admin/pages/{lesson.pk}/edit/",
                "/admin/pages/search/?q=Lecci%C3%B3n",
            ],
        ),
    }


ROLES = [
    "anonymous",
    "learner",
    "company member",
    "trainer",
    "hr",
    "unit head",
    "integrity officer",
    "editor",
]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_the_role_shows_english(client, world, role):
    user, start = world[role]
    if user is not None:
        client.force_login(user)
    assert crawl(client, start) == {}


def test_an_english_first_visit_leaves_no_english_in_the_menus(client, world):
    """Wagtail builds its menus once per process, in the first visitor's language."""
    user, start = world["editor"]
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/admin/").status_code == 200
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert crawl(client, start) == {}


def test_the_detector_finds_wagtails_english():
    page = '<input placeholder="Search all pages…"><p>Saved</p><p>Guardado</p>'
    assert english_words(page) == {"search", "all", "pages", "saved"}
