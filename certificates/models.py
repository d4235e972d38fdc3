"""Certificates: who issues them, and the record of each one issued."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock

from courses.models import CoursePage
from lms.models import Company, Completion, Person


class SignatoryBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"))
    post = blocks.CharBlock(label=_("Post"))
    signature = ImageChooserBlock(label=_("Signature image"), required=False)

    class Meta:
        icon = "user"
        label = _("Signatory")


class IssuerFields(models.Model):
    """What a certificate says about who issues it."""

    issuer_name = models.CharField(_("issuer name"), max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signatories = StreamField(
        [("signatory", SignatoryBlock())], blank=True, verbose_name=_("signatories")
    )

    panels = [FieldPanel("issuer_name"), FieldPanel("logo"), FieldPanel("signatories")]

    class Meta:
        abstract = True


@register_setting(icon="doc-full")
class IssuerSettings(IssuerFields, BaseSiteSetting):
    """The issuer of every certificate, unless a course overrides it."""

    class Meta:
        verbose_name = _("certificate issuer")


class CourseIssuer(IssuerFields):
    """A course's own issuer details; empty fields fall back to the site's."""

    course = models.OneToOneField(
        CoursePage,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("course"),
    )

    panels = [FieldPanel("course"), *IssuerFields.panels]

    class Meta:
        verbose_name = _("course issuer")
        verbose_name_plural = _("course issuers")

    def __str__(self) -> str:
        return str(self.course)


class Status(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class RevocationReason(models.TextChoices):
    ISSUED_IN_ERROR = "error", _("Issued in error")
    FRAUD = "fraud", _("Fraud or misconduct in the assessment")
    DATA_CORRECTION = "data", _("Holder's data corrected")
    OTHER = "other", _("Other reason")


class CertificateQuerySet(models.QuerySet):
    def for_person(self, person: Person) -> CertificateQuerySet:
        """The person's own: not those issued to a company they represent."""
        return self.filter(person=person, company=None)

    def for_user(self, user) -> CertificateQuerySet:
        """The account's own certificates: not those of a company it represents."""
        return self.filter(person__user=user, company=None)

    def live(self) -> CertificateQuerySet:
        """Neither revoked nor replaced by a re-issue, though possibly expired."""
        return self.filter(revoked_at=None, superseded_by=None)

    def undelivered(self) -> CertificateQuerySet:
        """Certificates in force whose PDF and e-mail have not gone out yet."""
        return self.filter(delivered_at=None, revoked_at=None, superseded_by=None)


class Certificate(models.Model):
    """One certificate of one person for one course and validity period.

    Holder, course and issuer details are copied at issue, so later edits to
    names, courses or signatories never alter a certificate already issued.
    """

    code = models.CharField(_("code"), max_length=32, unique=True, editable=False)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("course"),
    )
    # The n-th certificate of this person for this course: a retake after
    # expiry opens the next period, and the constraint below allows one each.
    period = models.PositiveSmallIntegerField(_("validity period"), default=1)
    # What the certificate was earned by. A re-issue hands it on to the
    # replacement, so it always hangs on the certificate in force.
    completion = models.OneToOneField(
        Completion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
    )
    # A company's certificate: held by the company, earned through its
    # representative (`person`), whose name it carries.
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("company"),
    )
    representative_name = models.CharField(
        _("representative's name"), max_length=300, blank=True
    )
    holder_name = models.CharField(_("holder's name"), max_length=300)
    holder_document = models.CharField(
        _("holder's document (masked)"), max_length=40, blank=True
    )
    certificate_title = models.CharField(_("certificate title"), max_length=200)
    course_title = models.CharField(_("course title"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    issuer = models.JSONField(_("issuer"), default=dict)
    # Who taught it and where, for a completion in a trainer-led cohort:
    # trainer, trainer_code, place, partner. Empty for online learning.
    delivery = models.JSONField(_("taught by"), default=dict, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("revocation reason"),
        max_length=10,
        choices=RevocationReason.choices,
        blank=True,
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    pdf = models.FileField(_("PDF"), upload_to="certificados/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    # Set once the PDF is stored and the holder e-mailed: a job that runs
    # again, or one the recovery sweep queued, then does nothing.
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        permissions = [
            ("revoke_certificate", "Can revoke, re-issue and re-render certificates")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course", "period"],
                condition=Q(company__isnull=True),
                name="one_certificate_per_holder_course_period",
            ),
            models.UniqueConstraint(
                fields=["company", "course", "period"],
                condition=Q(company__isnull=False),
                name="one_certificate_per_company_course_period",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.holder_name}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.code])

    def verification_url(self) -> str:
        """Return the absolute public URL printed in the QR code."""
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.get_absolute_url()

    def status(self, *, today: date) -> Status:
        if self.revoked_at:
            return Status.REVOKED
        if self.superseded_by_id:
            return Status.SUPERSEDED
        if self.expires_on and self.expires_on < today:
            return Status.EXPIRED
        return Status.VALID

    def in_force(self) -> Certificate:
        """Return the certificate standing for this one: itself or its last re-issue."""
        current = self
        while current.superseded_by_id:
            current = current.superseded_by
        return current

    def covers(self, day: date) -> bool:
        """Whether `day` falls in this certificate's validity period."""
        return self.expires_on is None or day <= self.expires_on


class CertificateExport(models.Model):
    """A ZIP of the PDFs of the certificates matching an admin list filter."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The certificate list's filter query parameters, as given.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("certificates in total"), default=0)
    done = models.PositiveIntegerField(_("certificates done"), default=0)
    file = models.FileField(_("file"), upload_to="exportaciones/", blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("certificate export")
        verbose_name_plural = _("certificate exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.pk} – {self.get_status_display()}"

    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0
