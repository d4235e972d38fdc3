"""The consent each account gave to the privacy notice, kept as evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """An account's acceptance of one version of the privacy notice.

    Written once and never edited: Ley 29733 puts on the controller the
    burden of showing that consent was given, when, and to which text. An
    erased account keeps its rows (they name no one once it is anonymised).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("account"),
    )
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.notice_version}"
