import gettext
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from lms.models import AssignmentStatus, Completion

PROJECT = Path(settings.BASE_DIR)
SOURCE_DIRS = ["lms", "courses", "certificates", "templates", "locale"]
CATALOGUE = Path("locale/es/LC_MESSAGES")


@pytest.mark.django_db
def test_the_interface_is_spanish_even_for_an_english_browser(client, catalogue):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="es">' in html
    assert "Ingresar" in html
    assert "Gobierno Regional de Cajamarca" in html


@pytest.mark.django_db
def test_a_visitor_can_switch_to_english(client, catalogue):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_spanish(client, catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="es">' in client.get("/").content.decode()


def test_dates_are_shown_day_month_year_in_lima_time_in_both_languages():
    moment = datetime(2026, 3, 9, 2, 30, tzinfo=ZoneInfo("UTC"))  # 8 March in Lima
    for language in ("es", "en"):
        with translation.override(language):
            local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
            assert formats.date_format(local, "SHORT_DATE_FORMAT") == "08/03/2026"


@pytest.mark.django_db
def test_my_courses_shows_the_completion_date_as_dd_mm_yyyy(
    learner_client, lessons_read
):
    Completion.objects.create(
        enrolment=lessons_read,
        completed_at=datetime(2026, 11, 3, 15, 0, tzinfo=ZoneInfo("UTC")),
        score=90,
    )
    html = learner_client.get(reverse("lms:my_courses")).content.decode()
    assert "03/11/2026" in html


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=True)


def test_every_interface_string_has_a_compiled_spanish_translation(tmp_path):
    """Extract strings afresh from a copy of the code: new ones must be translated."""
    for name in SOURCE_DIRS:
        shutil.copytree(PROJECT / name, tmp_path / name)
    shutil.copy(PROJECT / "manage.py", tmp_path)
    run(
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "es",
        "--add-location",
        "file",
        cwd=tmp_path,
    )
    po = tmp_path / CATALOGUE / "django.po"
    untranslated = run(
        "msgattrib", "--untranslated", "--no-obsolete", str(po), cwd=tmp_path
    )
    fuzzy = run("msgattrib", "--only-fuzzy", "--no-obsolete", str(po), cwd=tmp_path)
    missing = [
        line for line in untranslated.stdout.splitlines() if line.startswith("msgid ")
    ]
    assert missing == ['msgid ""'] or not missing, untranslated.stdout
    assert "msgid" not in fuzzy.stdout, fuzzy.stdout

    # The committed .mo must hold exactly what the committed .po says.
    committed_po = PROJECT / CATALOGUE / "django.po"
    fresh_mo = tmp_path / "fresh.mo"
    run("msgfmt", "--check", "-o", str(fresh_mo), str(committed_po), cwd=tmp_path)
    with (
        open(fresh_mo, "rb") as fresh,
        open(PROJECT / CATALOGUE / "django.mo", "rb") as shipped,
    ):
        assert (
            gettext.GNUTranslations(fresh)._catalog
            == gettext.GNUTranslations(shipped)._catalog
        )


def test_an_expired_assignment_is_not_called_overdue_in_spanish():
    # English tells them apart; in Spanish "Vencido" was both a lapsed
    # completion and a missed due date in HR's reports.
    with translation.override("es"):
        labels = {
            str(AssignmentStatus.EXPIRED.label),
            str(AssignmentStatus.OVERDUE.label),
        }

    assert labels == {"Caducada", "Vencida"}
