"""Give Wagtail's default groups, workflow and task Spanish names.

Wagtail's own migrations create them in English ("Moderators approval",
"Editors"), and editors read those names on every page they submit. Only
the names Wagtail gave are changed: one an owner chose is left alone.
"""

from django.db import migrations

GROUPS = {"Moderators": "Oficina de integridad", "Editors": "Editores"}
TASK = ("Moderators approval", "Aprobación de la oficina de integridad")
WORKFLOW = ("Moderators approval", "Revisión de contenidos")


def rename(model, old: str, new: str) -> None:
    if not model.objects.filter(name=new).exists():
        model.objects.filter(name=old).update(name=new)


def name_in_spanish(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for old, new in GROUPS.items():
        rename(Group, old, new)
    rename(apps.get_model("wagtailcore", "Task"), *TASK)
    rename(apps.get_model("wagtailcore", "Workflow"), *WORKFLOW)


def name_in_english(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for old, new in GROUPS.items():
        rename(Group, new, old)
    rename(apps.get_model("wagtailcore", "Task"), *reversed(TASK))
    rename(apps.get_model("wagtailcore", "Workflow"), *reversed(WORKFLOW))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_certificate_title_forms"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(name_in_spanish, name_in_english)]
