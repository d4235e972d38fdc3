"""The demo and its example staff file together: one Rosa Elena, not two."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from lms.models import Person, StaffMember

EXAMPLES = Path(settings.BASE_DIR) / "fixtures" / "staff"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["personal_ejemplo.csv", "personal_ejemplo.xlsx"])
def test_importing_the_example_into_the_demo_adds_no_second_rosa_elena(
    settings, tmp_path, name
):
    settings.DEBUG = True
    call_command("seed_demo", courses_dir=tmp_path, stdout=StringIO())
    people = Person.objects.count()
    out = StringIO()
    call_command("import_staff", str(EXAMPLES / name), stdout=out, stderr=StringIO())
    assert "Nuevos: 10" in out.getvalue()
    assert Person.objects.count() == people + 10
    rosa = Person.objects.filter(first_names="Rosa Elena", last_names="Quispe Huamán")
    assert rosa.count() == 1
    assert StaffMember.objects.filter(person__in=rosa).count() == 1
