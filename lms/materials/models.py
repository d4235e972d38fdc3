"""A course's material, stored once per published version of the course.

Rendering both PDFs and the ZIP takes seconds, too long for a request on a
slow connection: a task builds them when the course is published, or when
someone asks for them first, and the downloads are served from storage.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage

# What the build does, in order; a running build is at one of these steps.
STEPS = [
    _("participant's book"),
    _("facilitator's guide"),
    _("documents and images"),
]
# A build that has not moved for this long was lost (a worker stopped half
# way, a job dropped): it counts as failed and may be started again.
STALE_AFTER = timedelta(minutes=15)


def stored_name(edition: MaterialEdition, filename: str) -> str:
    """Return an unguessable storage name: the files hold the answers."""
    return f"material/{uuid.uuid4().hex}/{filename}"


class MaterialEdition(models.Model):
    """The participant's book, the facilitator's guide and the ZIP of a course.

    One per published version (`content_version`, see
    `lms.materials.documents.publication_key`) and language: the unique constraint keeps
    two requests arriving together from starting two builds.
    """

    class Status(models.TextChoices):
        NEW = "new", _("Not started")
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey(
        CoursePage,
        on_delete=models.CASCADE,
        related_name="material_editions",
        verbose_name=_("course"),
    )
    content_version = models.CharField(_("content version"), max_length=64)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    step = models.PositiveSmallIntegerField(_("step"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set by every change of status or step, so a lost build can be told.
    updated_at = models.DateTimeField(_("updated at"), auto_now_add=True)
    participant_pdf = models.FileField(
        _("participant's book"), upload_to=stored_name, blank=True
    )
    facilitator_pdf = models.FileField(
        _("facilitator's guide"), upload_to=stored_name, blank=True
    )
    archive = models.FileField(_("ZIP"), upload_to=stored_name, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("material edition")
        verbose_name_plural = _("material editions")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "content_version", "language"],
                name="unique_material_edition_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.language} – {self.get_status_display()}"

    def is_ready(self) -> bool:
        return self.status == self.Status.DONE

    def is_lost(self, *, now: datetime) -> bool:
        """Return whether the build stopped moving long ago without finishing."""
        waiting = self.status in (self.Status.PENDING, self.Status.RUNNING)
        return waiting and self.updated_at < now - STALE_AFTER

    def has_failed(self, *, now: datetime) -> bool:
        return self.status == self.Status.FAILED or self.is_lost(now=now)

    def progress_message(self) -> str:
        """Return what the build is doing, as the progress page says it."""
        if self.status in (self.Status.NEW, self.Status.PENDING) or not self.step:
            return gettext("Preparing the material… waiting for its turn.")
        return gettext(
            "Preparing the material… step %(step)s of %(steps)s (%(name)s)."
        ) % {"step": self.step, "steps": len(STEPS), "name": STEPS[self.step - 1]}
