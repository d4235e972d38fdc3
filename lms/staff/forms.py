"""Forms of extension requests: asking for a date, and HR's answer."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from courses.dates import validate_plausible_date
from lms.lib.widgets import DateInput
from lms.models import Assignment


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
