"""What the transparency dashboard has published of each closed quarter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuarterRelease(models.Model):
    """The induction figures of a closed quarter, as first published.

    They are published once and never recomputed: a record corrected later
    (a departure entered late, a waiver, a completion revoked) would change a
    unit's figure by one person between two days' files, and the difference
    would tell that person's case.
    """

    quarter_start = models.DateField(_("first day of the quarter"), unique=True)
    quarter_end = models.DateField(_("last day of the quarter"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    # The published rows, withheld figures as null: [code, name, due,
    # on time, share] per unit and [code, name, due] per champion.
    units = models.JSONField(_("units"))
    champions = models.JSONField(_("champions"))

    class Meta:
        verbose_name = _("quarter release")
        verbose_name_plural = _("quarter releases")
        ordering = ["-quarter_start"]

    def __str__(self) -> str:
        return f"{self.quarter_start:%Y-%m-%d}–{self.quarter_end:%Y-%m-%d}"
