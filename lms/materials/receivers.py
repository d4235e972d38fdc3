"""Publishing a course, or any page of it, builds its material ahead of time."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from courses.models import CoursePage
from lms.materials.editions import build_when_published


@receiver(page_published)
def build_material_of_published_course(sender, instance, **kwargs) -> None:
    if not settings.BUILD_MATERIAL_ON_PUBLISH:
        return
    course = CoursePage.objects.ancestor_of(instance, inclusive=True).first()
    if course is None:
        return
    # After the commit: the version to build must be the one just published,
    # and a course published with all its lessons at once is built once.
    transaction.on_commit(
        partial(
            build_when_published,
            course_id=course.pk,
            language=settings.LANGUAGE_CODE,
        )
    )
