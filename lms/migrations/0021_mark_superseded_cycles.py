"""Clear `is_latest` on every cycle a later cycle of it supersedes.

0020 adds the column true on every row; a cycle is the latest of its person
and requirement unless one with a higher number exists. One UPDATE, so a
table of a million rows is marked in seconds; 0022 then lets the database
hold the rule.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef


def mark_superseded_cycles(apps, schema_editor):
    Assignment = apps.get_model("lms", "Assignment")
    later = Assignment.objects.filter(
        staff=OuterRef("staff"),
        requirement=OuterRef("requirement"),
        cycle__gt=OuterRef("cycle"),
    )
    Assignment.objects.filter(Exists(later)).update(is_latest=False)


class Migration(migrations.Migration):
    dependencies = [("lms", "0020_assignment_is_latest")]

    operations = [
        migrations.RunPython(mark_superseded_cycles, migrations.RunPython.noop)
    ]
