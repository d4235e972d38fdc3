"""Firms taking the business course: "Empresa por la Integridad".

A company is known by its RUC and acts through a representative, a person
with an account. Anyone may ask to represent a RUC; the request counts only
once the integrity officer has approved the representative's proof (a
vigencia de poder or a ficha RUC). The representative invites colleagues;
once the company is approved and the representative and as many of its
people as the business course asks for have completed it, the company earns
a certificate in its own name.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.people.identity import normalise_ruc
from lms.people.models import Person


def validate_ruc(value: str) -> None:
    if normalise_ruc(value) != value:
        raise ValidationError(_("Write the RUC as its 11 digits."), code="ruc_format")


class CompanyStatus(models.TextChoices):
    PENDING = "pending", _("In review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ProofKind(models.TextChoices):
    POWER_OF_ATTORNEY = "vigencia_poder", _("Vigencia de poder (SUNARP)")
    RUC_RECORD = "ficha_ruc", _("Ficha RUC (SUNAT)")


def proof_name(company: Company, filename: str) -> str:
    """Return an unguessable storage name, outside any folder served as media."""
    extension = filename.rpartition(".")[2].lower()
    return f"representacion/{uuid.uuid4().hex}.{extension}"


class CompanyQuerySet(models.QuerySet):
    def approved(self) -> CompanyQuerySet:
        return self.filter(status=CompanyStatus.APPROVED)


class Company(models.Model):
    # Several people may ask to represent one RUC; only one request is ever
    # approved (one_approved_company_per_ruc), so a stranger's request never
    # locks the real company out.
    ruc = models.CharField(
        _("RUC"), max_length=11, db_index=True, validators=[validate_ruc]
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
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CompanyStatus.choices,
        default=CompanyStatus.PENDING,
    )
    # Private: served only to the integrity officer, by a view that checks.
    proof = models.FileField(
        _("proof of representation"), upload_to=proof_name, blank=True
    )
    proof_kind = models.CharField(
        _("kind of proof"), max_length=20, choices=ProofKind.choices, blank=True
    )
    proof_uploaded_at = models.DateTimeField(
        _("proof uploaded at"), null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ruc"],
                condition=Q(status="approved"),
                name="one_approved_company_per_ruc",
            ),
            models.UniqueConstraint(
                fields=["ruc", "representative"],
                name="one_request_per_ruc_and_representative",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(reviewed_at__isnull=False),
                name="reviewed_company_has_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="rejected_company_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} (RUC {self.ruc})"

    @property
    def is_approved(self) -> bool:
        return self.status == CompanyStatus.APPROVED

    def awaits_proof(self) -> bool:
        """Whether the representative must (again) upload a proof."""
        return self.status == CompanyStatus.REJECTED or (
            self.status == CompanyStatus.PENDING and not self.proof
        )

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
