"""Who uses the platform: accounts (User) and the persons behind them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import TitleForm
from lms.people.identity import DocumentType, mask_document_number


def full_name_of(first_names: str, last_names: str) -> str:
    """Return a person's full name, as lists and exports show it."""
    return f"{first_names} {last_names}".strip()


class User(AbstractUser):
    email = models.EmailField(_("email address"), unique=True)
    # When a role, a trainer certification, an admin permission or an
    # authenticator of the account last changed: sessions keep the account's
    # staff standing (lms.accounts.staff_security) until this moves.
    standing_changed_at = models.DateTimeField(null=True, editable=False)

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class PersonManager(models.Manager):
    def for_user(self, user: User) -> Person:
        """Return the account's person, made from the account's name if missing."""
        person, _created = self.get_or_create(
            user=user,
            defaults={
                "first_names": user.first_name or user.email,
                "last_names": user.last_name,
            },
        )
        return person


class Person(models.Model):
    """Someone who learns and holds certificates, known by an identity document.

    Certificates belong to the person, not to an account or a job, so a
    transfer, a rehire or a new e-mail address keeps them.
    """

    document_type = models.CharField(
        _("document type"),
        max_length=1,
        choices=DocumentType.choices,
        default=DocumentType.DNI,
    )
    # Empty only for accounts that predate identity documents (administrators).
    document_number = models.CharField(_("document number"), max_length=12, blank=True)
    first_names = models.CharField(_("first names"), max_length=150)
    last_names = models.CharField(_("last names"), max_length=150)
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("account"),
    )
    # Nobody is assumed a man: until the person chooses, titles that name
    # their holder read without gender.
    title_form = models.CharField(
        _("certificate titles read"),
        max_length=10,
        choices=TitleForm.choices,
        default=TitleForm.NEUTRAL,
    )
    # When the person had their account erased: what still names them (a
    # certificate valid then) is anonymised once it lapses (lms.accounts.erasure).
    erased_at = models.DateTimeField(
        _("erased at"), null=True, blank=True, editable=False
    )

    objects = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"],
                condition=~Q(document_number=""),
                name="unique_identity_document",
            )
        ]
        # Staff lists, trainer lists and HR reports sort by last names: with
        # the index a page of 50 reads about 50 people instead of sorting all.
        indexes = [models.Index(fields=["last_names"], name="person_last_names")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name_of(self.first_names, self.last_names)

    def masked_document(self) -> str:
        if not self.document_number:
            return ""
        label = DocumentType(self.document_type).label
        return f"{label} {mask_document_number(self.document_number)}"
