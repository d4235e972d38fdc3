from django.db import migrations


def move_completions_to_replacements(apps, schema_editor):
    """Hand each re-issued certificate's completion to the certificate in force.

    Until now a replacement was issued without its completion, so revoking it
    left the completion standing. The last certificate of each chain of
    re-issues takes the completion over; the superseded ones let go of it.
    """
    Certificate = apps.get_model("certificates", "Certificate")
    superseded = Certificate.objects.filter(
        superseded_by__isnull=False, completion__isnull=False
    )
    for certificate in superseded:
        current = certificate
        while current.superseded_by_id:
            current = Certificate.objects.get(pk=current.superseded_by_id)
        completion_id = certificate.completion_id
        # One completion, one certificate: the old one lets go of it first.
        Certificate.objects.filter(pk=certificate.pk).update(completion=None)
        Certificate.objects.filter(pk=current.pk, completion=None).update(
            completion_id=completion_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0007_mark_stored_certificates_delivered"),
    ]

    operations = [
        migrations.RunPython(
            move_completions_to_replacements, migrations.RunPython.noop
        ),
    ]
