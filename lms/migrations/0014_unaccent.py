"""PostgreSQL's unaccent, for searches that ignore accents (lms.search_terms).

SQLite is given the same function by the app on every connection.
"""

from django.db import migrations


def create_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A trusted extension since PostgreSQL 13: the database's owner may
        # create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("lms", "0013_quarterrelease")]

    operations = [
        migrations.RunPython(create_unaccent, migrations.RunPython.noop, elidable=False)
    ]
