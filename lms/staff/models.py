"""The record of each confirmed staff import, and whom it touched."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.staff import StaffMember


class StaffImportQuerySet(models.QuerySet):
    def touching(self, staff: models.QuerySet[StaffMember]) -> StaffImportQuerySet:
        """Imports that created, changed or closed any of `staff`."""
        through = StaffImport.staff.through.objects.filter(
            staffimport=models.OuterRef("pk"), staffmember__in=staff
        )
        return self.filter(models.Exists(through))


class StaffImport(models.Model):
    """A staff file applied to the records, kept so HR can find whom it touched.

    Unchanged rows are not linked: the people an import touched are those it
    created, changed or marked as leavers.
    """

    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    filename = models.CharField(_("file"), max_length=255)
    full = models.BooleanField(_("full list"), default=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    left = models.PositiveIntegerField(_("marked as leavers"), default=0)
    staff = models.ManyToManyField(
        StaffMember, related_name="imports", blank=True, verbose_name=_("staff")
    )

    objects = StaffImportQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")

    def __str__(self) -> str:
        when = timezone.localtime(self.imported_at).strftime("%d/%m/%Y %H:%M")
        return f"{self.filename} ({when})"
