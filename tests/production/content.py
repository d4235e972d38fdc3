"""The stack tests' content: the citizens' course and learner accounts.

Run by tests/production/stack.py with the stack's production settings, as
an operator would create real content (no demo accounts, whose passwords
are published):

    LEARNER_PASSWORD=... python -m tests.production.content EMAIL...

Prints the course's id and path as JSON.
"""

import json
import os
import sys
from pathlib import Path

import django

COURSE_FILE = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "courses"
    / "ciudadano-por-la-integridad.json"
)
NAMES = [
    ("Rosa Elena", "Quispe Huamán"),
    ("Pedro Pablo", "Llanos Cabrera"),
    ("Carmen Rosa", "Vásquez Sánchez"),
    ("Jorge Luis", "Mendoza Cueva"),
    ("María Isabel", "Rojas Díaz"),
    ("Walter Hugo", "Terán Izquierdo"),
]


def main(emails: list[str], password: str) -> dict:
    django.setup()
    from allauth.account.models import EmailAddress
    from django.db import transaction

    from lms.demo import catalogue as demo_catalogue
    from lms.models import Person, User

    with transaction.atomic():
        catalogue = demo_catalogue.ensure_catalogue()
        data = json.loads(COURSE_FILE.read_text(encoding="utf-8"))
        [course] = demo_catalogue.ensure_courses(catalogue, {COURSE_FILE.name: data})
        for number, email in enumerate(emails):
            first_names, last_names = NAMES[number]
            user = User.objects.create_user(
                username=email.split("@")[0],
                email=email,
                password=password,
                first_name=first_names,
                last_name=last_names,
            )
            EmailAddress.objects.create(
                user=user, email=email, verified=True, primary=True
            )
            Person.objects.create(
                user=user,
                document_number=f"{42388604 + number}",
                first_names=first_names,
                last_names=last_names,
            )
    return {"id": course.pk, "path": course.url, "title": course.title}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:], os.environ["LEARNER_PASSWORD"])))  # noqa: T201
