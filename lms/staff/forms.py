"""Forms of extension requests: asking for a date, and HR's answer."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from courses.dates import validate_plausible_date
from courses.models import CoursePage
from lms.lib.widgets import DateInput
from lms.people.identity import DocumentType, normalise_document_number
from lms.people.models import Person
from lms.staff.models import (
    Assignment,
    Organisation,
    OrganisationRole,
    Role,
    StaffMember,
    TrainingRequirement,
)
from lms.staff.policies import staff_policy
from lms.staff.scopes import identity_error, unseen_record_error


class ExtensionRequestForm(forms.Form):
    requested_due_on = forms.DateField(
        label=_("new due date"),
        widget=DateInput,
        validators=[validate_plausible_date],
        error_messages={"required": _("Choose the date you ask for.")},
    )
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the extension is needed.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown as labels on the learner's page; the admin's templates and
        # error messages capitalise these shared lower-case names themselves.
        for field in self.fields.values():
            field.label = capfirst(field.label)


class GrantForm(forms.Form):
    granted_due_on = forms.DateField(
        label=_("new due date"),
        widget=DateInput,
        validators=[validate_plausible_date],
        error_messages={"required": _("Choose the date you grant.")},
    )
    answer = forms.CharField(
        label=_("answer (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DenyForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the extension is denied.")},
    )


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, assignment: Assignment) -> str:
        return _("%(requirement)s (due %(date)s)") % {
            "requirement": assignment.requirement.name,
            "date": date_format(assignment.due_on, "SHORT_DATE_FORMAT"),
        }


class LearnerExtensionRequestForm(ExtensionRequestForm):
    """The learner's own request: which of their pending training, and why.

    Only the learner's open assignments with no request waiting are choices,
    so a tampered POST naming anyone else's is an invalid choice.
    """

    assignment = AssignmentChoiceField(
        label=_("training"),
        queryset=Assignment.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the training."),
            "invalid_choice": _("Choose one of your pending trainings."),
        },
    )

    field_order = ["assignment", "requested_due_on", "reason"]

    def __init__(self, *args, assignments: QuerySet[Assignment], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments


# A change to any of these is a transfer or an appointment: requirements that
# newly apply count their days from the day it took effect (StaffMember.moved_on),
# which HR gives, or else the day it is saved.
MOVE_FIELDS = {"unit", "regime", "is_senior_official"}


PERSON_FIELDS = ["document_type", "document_number", "first_names", "last_names"]


class StaffMemberForm(WagtailAdminModelForm):
    """A staff record with the identity of its person, matched by document."""

    document_type = forms.ChoiceField(
        label=_("document type"), choices=DocumentType.choices
    )
    document_number = forms.CharField(label=_("document number"), max_length=20)
    first_names = forms.CharField(label=_("first names"), max_length=150)
    last_names = forms.CharField(label=_("last names"), max_length=150)

    class Meta:
        model = StaffMember
        fields = [
            "email",
            "unit",
            "post",
            "regime",
            "is_senior_official",
            "hired_on",
            "left_on",
            "moved_on",
        ]

    field_order = PERSON_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Units outside the user's scope are not choices, so a tampered POST
        # naming one is refused as an invalid choice.
        self.scope = staff_policy.scope(self.for_user, ["add", "change"])
        self.fields["unit"].queryset = self.scope.organisations().order_by("path")
        self.fields["email"].required = True
        if self.instance.pk:
            for name in PERSON_FIELDS:
                self.initial[name] = getattr(self.instance.person, name)

    def clean(self) -> dict:
        cleaned = super().clean()
        self.person = self._person(cleaned)
        hired_on, left_on = cleaned.get("hired_on"), cleaned.get("left_on")
        if hired_on and left_on and left_on < hired_on:
            self.add_error("left_on", _("The end date cannot be before the hire date."))
        return cleaned

    def _person(self, cleaned: dict) -> Person | None:
        """Return the person the document names, new or already known.

        Errors name nobody: the document may belong to someone outside the
        user's units (lms.staff.scopes.identity_error).
        """
        kind, raw = cleaned.get("document_type"), cleaned.get("document_number")
        if not (kind and raw):
            return None
        try:
            number = normalise_document_number(kind, raw)
        except ValidationError as error:
            self.add_error("document_number", error)
            return None
        cleaned["document_number"] = number
        known = (
            Person.objects.filter(document_type=kind, document_number=number)
            .select_related("staff_record__unit")
            .first()
        )
        own = self.instance.person if self.instance.pk else None
        person = known or own or Person(document_type=kind, document_number=number)
        record = getattr(known, "staff_record", None)
        if record is not None and record.pk != self.instance.pk:
            error = (
                _("This document already has a staff record: edit that record.")
                if self.scope.covers(record.unit)
                else unseen_record_error()
            )
        elif own is not None and known is not None and known.pk != own.pk:
            error = _("This document belongs to another person.")
        elif known is None and own is not None and not self.scope.owns_identity(own):
            error = _(
                "This person has an account: their document is changed only by "
                "the integrity officer."
            )
        else:
            error = identity_error(
                self.scope,
                person,
                first_names=cleaned.get("first_names", ""),
                last_names=cleaned.get("last_names", ""),
            )
        if error:
            self.add_error("document_number", error)
        return person

    def save(self, commit: bool = True) -> StaffMember:
        person = self.person
        # A person HR does not own is linked as they are (lms.staff.scopes).
        if self.scope.owns_identity(person):
            for name in PERSON_FIELDS:
                setattr(person, name, self.cleaned_data[name])
            person.save()
        self.instance.person = person
        if (
            self.instance.pk
            and MOVE_FIELDS & set(self.changed_data)
            and "moved_on" not in self.changed_data
        ):
            self.instance.moved_on = timezone.localdate()
        return super().save(commit)


class OrganisationForm(WagtailAdminModelForm):
    """A unit, placed under a parent unit of the tree (none: a root)."""

    parent = forms.ModelChoiceField(
        label=_("parent unit"),
        queryset=Organisation.objects.order_by("path"),
        required=False,
        help_text=_("Leave empty for the top of the tree."),
    )

    class Meta:
        model = Organisation
        fields = ["code", "name", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].label_from_instance = indented
        if self.instance.pk:
            self.initial["parent"] = self.instance.get_parent()

    def clean_parent(self) -> Organisation | None:
        parent = self.cleaned_data["parent"]
        if parent and self.instance.pk and parent.path.startswith(self.instance.path):
            raise ValidationError(
                _("A unit cannot be moved under itself or one of its sub-units.")
            )
        return parent

    def save(self, commit: bool = True) -> Organisation:
        unit, parent = self.instance, self.cleaned_data["parent"]
        if unit.pk is None:
            return (
                parent.add_child(instance=unit)
                if parent
                else unit.add_root(instance=unit)
            )
        unit.save()
        # The tree keeps siblings sorted by name (node_order_by), so a move or
        # a new name puts the unit back in its sorted place.
        if {"parent", "name"} & set(self.changed_data):
            if parent:
                unit.move(parent, "sorted-child")
            else:
                unit.move(Organisation.get_first_root_node(), "sorted-sibling")
        unit.refresh_from_db()
        return unit


def indented(unit: Organisation) -> str:
    """Return the unit's name indented by its depth, for choices of the tree."""
    return f"{'— ' * (unit.depth - 1)}{unit.name} ({unit.code})"


class TrainingRequirementForm(WagtailAdminModelForm):
    course = forms.ModelChoiceField(
        label=_("course"), queryset=CoursePage.objects.live().order_by("title")
    )

    class Meta:
        model = TrainingRequirement
        fields = [
            "name",
            "course",
            "senior_officials_only",
            "regime",
            "organisation",
            "due_days",
            "recertify_months",
            "applies_from",
            "is_active",
        ]
        widgets = {"applies_from": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("path")
        self.fields["organisation"].label_from_instance = indented
        self.fields["due_days"].validators.append(min_one)
        self.fields["due_days"].widget.attrs["min"] = 1

    def clean(self) -> dict:
        cleaned = super().clean()
        course, months = cleaned.get("course"), cleaned.get("recertify_months")
        if course and months and outlasts(course.validity_months, months):
            self.add_error(
                "recertify_months",
                _(
                    "%(course)s stays valid for %(validity)s, longer than the "
                    "%(months)s months set here. A learner can only retake it "
                    "from %(window)s days before the completion lapses, so nobody "
                    "could renew in time. Renew every %(validity)s or more."
                )
                % {
                    "course": course.title,
                    "validity": validity_label(course.validity_months),
                    "months": months,
                    "window": settings.RENEWAL_WINDOW_DAYS,
                },
            )
        return cleaned


def min_one(value: int) -> None:
    if value is not None and value < 1:
        raise ValidationError(_("Give at least one day to complete the course."))


def outlasts(validity_months: int | None, recertify_months: int) -> bool:
    """Say whether a course's completion outlasts the renewal period asked."""
    return validity_months is None or validity_months > recertify_months


def validity_label(validity_months: int | None) -> str:
    if validity_months is None:
        return str(_("ever (it never expires)"))
    return str(_("%(months)s months") % {"months": validity_months})


class OrganisationRoleForm(WagtailAdminModelForm):
    """A role over a unit; the integrity officer's covers every unit."""

    class Meta:
        model = OrganisationRole
        fields = ["user", "role", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("path")
        self.fields["organisation"].label_from_instance = indented

    def clean(self) -> dict:
        cleaned = super().clean()
        role, unit = cleaned.get("role"), cleaned.get("organisation")
        if self._duplicate(cleaned):
            self.add_error(None, _("This user already holds this role."))
        elif role == Role.INTEGRITY_OFFICER and unit is not None:
            self.add_error(
                "organisation",
                _("The integrity officer covers every unit: leave the unit empty."),
            )
        elif role and role != Role.INTEGRITY_OFFICER and unit is None:
            self.add_error(
                "organisation",
                _("Choose the unit this role covers (with the units under it)."),
            )
        return cleaned

    def _duplicate(self, cleaned: dict) -> bool:
        # The unique constraint checks scoped roles; it cannot see duplicates
        # of the integrity officer's role, whose unit is NULL.
        if cleaned.get("role") != Role.INTEGRITY_OFFICER:
            return False
        same = OrganisationRole.objects.filter(
            user=cleaned.get("user"), role=Role.INTEGRITY_OFFICER
        )
        return same.exclude(pk=self.instance.pk).exists()


class ExtendDueDateForm(forms.Form):
    new_due_on = forms.DateField(
        label=_("new due date"),
        widget=AdminDateInput,
        validators=[validate_plausible_date],
    )
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class GrantAttemptForm(forms.Form):
    """Why another attempt is granted: kept with the grant, and required."""

    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why another attempt is granted.")},
    )
