import json
from pathlib import Path

import pytest
from django.conf import settings

from courses.importing import import_course

pytestmark = pytest.mark.django_db

DEMO_COURSE = (
    Path(settings.BASE_DIR)
    / "fixtures"
    / "courses"
    / "ciudadano-por-la-integridad.json"
)
HOSTILE_HTML = (
    "<p>Texto <b>en negrita</b></p><script>window.__xss=1</script>"
    '<img src=x onerror="window.__xss=1">'
    '<a href="javascript:window.__xss=1">enlace</a>'
)


def course_data(body: list[dict]) -> dict:
    data = json.loads(DEMO_COURSE.read_text(encoding="utf-8"))
    data["modules"] = data["modules"][:1]
    data["modules"][0]["lessons"] = [
        {**data["modules"][0]["lessons"][0], "slug": "hostil", "body": body}
    ]
    return data


def test_imported_rich_text_keeps_formatting_and_loses_scripts(catalogue):
    course = import_course(
        catalogue,
        course_data(
            [
                {"type": "text", "value": HOSTILE_HTML},
                {
                    "type": "note",
                    "value": {"kind": "info", "title": "", "text": HOSTILE_HTML},
                },
            ]
        ),
    )

    text, note = course.lessons().get(slug="hostil").body
    for html in (str(text.value), str(note.value["text"])):
        assert "<b>en negrita</b>" in html
        assert "<script" not in html
        assert "onerror" not in html
        assert "javascript:" not in html
        assert "enlace" in html
