"""Firms taking the business course: "Empresa por la Integridad".

A company is known by its RUC and acts through a representative, a person
with an account. The representative invites colleagues; once the
representative and as many of the company's people as the business course
asks for have completed it, the company earns a certificate in its own name.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.identity import normalise_ruc
from lms.models.learning import Person


def validate_ruc(value: str) -> None:
    if normalise_ruc(value) != value:
        raise ValidationError(_("Write the RUC as its 11 digits."), code="ruc_format")


class Company(models.Model):
    ruc = models.CharField(
        _("RUC"), max_length=11, unique=True, validators=[validate_ruc]
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    representative = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="represented_companies",
        verbose_name=_("representative"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return f"{self.legal_name} (RUC {self.ruc})"

    def is_represented_by(self, user) -> bool:
        """Whether `user` acts for the company (its representative's account)."""
        return user.is_authenticated and self.representative.user_id == user.pk


class CompanyMember(models.Model):
    """A colleague the representative invited to take the business course."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="members"
    )
    email = models.EmailField(_("email"))
    invited_at = models.DateTimeField(_("invited at"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the invited colleague accepts with their own account.
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="company_memberships",
        verbose_name=_("person"),
    )
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "email"], name="one_invitation_per_company_email"
            ),
            models.UniqueConstraint(
                fields=["company", "person"],
                condition=Q(person__isnull=False),
                name="one_membership_per_company_person",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(joined_at__isnull=False),
                name="joined_member_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.company}"
