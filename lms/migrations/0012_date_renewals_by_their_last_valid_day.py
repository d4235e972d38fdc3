from datetime import timedelta

from django.db import migrations

DAY = timedelta(days=1)
BATCH = 500


def shift_renewals(apps, by: timedelta) -> None:
    """Move every renew-by date, and the due date of renewals opened from it."""
    Assignment = apps.get_model("lms", "Assignment")
    renew_by_before = {}
    completed = []
    for assignment in Assignment.objects.filter(renew_by__isnull=False).iterator():
        key = (assignment.staff_id, assignment.requirement_id, assignment.cycle)
        renew_by_before[key] = assignment.renew_by
        assignment.renew_by += by
        completed.append(assignment)
    Assignment.objects.bulk_update(completed, ["renew_by"], batch_size=BATCH)
    # A renewal whose date HR moved (an extension) keeps its date.
    renewals = Assignment.objects.filter(cycle__gt=1, extensions__isnull=True)
    moved = []
    for renewal in renewals.iterator():
        key = (renewal.staff_id, renewal.requirement_id, renewal.cycle - 1)
        if renew_by_before.get(key) == renewal.due_on:
            renewal.due_on += by
            moved.append(renewal)
    Assignment.objects.bulk_update(moved, ["due_on"], batch_size=BATCH)


def date_renewals_by_their_last_valid_day(apps, schema_editor):
    """Make renew-by the last day the completion counts, as its certificate says.

    It was the first day the completion no longer counted, one day after the
    "valid until" its certificate prints; a renewal cycle opened from it was
    due that day too.
    """
    shift_renewals(apps, -DAY)


def date_renewals_by_the_day_after(apps, schema_editor):
    shift_renewals(apps, DAY)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0011_extraattempt"),
    ]

    operations = [
        migrations.RunPython(
            date_renewals_by_their_last_valid_day, date_renewals_by_the_day_after
        ),
    ]
