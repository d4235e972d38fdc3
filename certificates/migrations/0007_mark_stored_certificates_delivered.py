from django.db import migrations
from django.db.models import F


def mark_stored_certificates_delivered(apps, schema_editor):
    """Certificates with a stored PDF went out when they were issued.

    Until now delivery ran in the same process as the completion, so the
    recovery sweep must not e-mail them again. One without a PDF never got
    delivered and is left for the sweep.
    """
    Certificate = apps.get_model("certificates", "Certificate")
    Certificate.objects.exclude(pdf="").update(delivered_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0006_certificate_delivered_at"),
    ]

    operations = [
        migrations.RunPython(
            mark_stored_certificates_delivered, migrations.RunPython.noop
        ),
    ]
