"""Background jobs of the offline editions: the immediate backend runs them at once."""

from django_tasks import task

from lms.materials.models import MaterialEdition


@task()
def build_material_edition(edition_id: int) -> None:
    # Imported here: building imports this module to enqueue this task.
    from lms.materials.editions import build_edition

    build_edition(MaterialEdition.objects.get(pk=edition_id))
