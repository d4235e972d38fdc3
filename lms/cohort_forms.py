"""Forms of the trainer's pages: a cohort with its sessions, and a participant list."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import CoursePage
from lms.lib.widgets import DateInput
from lms.models import Cohort, CohortMode, CohortSession
from lms.participant_lists import (
    COLUMNS,
    PARTICIPANT_LIST,
    PASTED_COLUMNS,
    read_pasted,
)
from lms.spreadsheets import EXTENSIONS, Sheet, SpreadsheetError, read_sheet

MAX_SESSION_NUMBER = 200
# Blank session rows offered, since adding rows would need JavaScript.
EXTRA_SESSIONS_NEW = 2
EXTRA_SESSIONS_EDIT = 1


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "course",
            "name",
            "mode",
            "province",
            "district",
            "venue",
            "partner_institution",
            "capacity",
            "starts_on",
            "ends_on",
        ]
        widgets = {
            "mode": forms.RadioSelect,
            "starts_on": DateInput,
            "ends_on": DateInput,
        }
        help_texts = {
            "province": gettext_lazy("Required for a cohort taught in person."),
            "name": gettext_lazy("E.g. the course, the place and the month."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        courses = CoursePage.objects.live().public()
        if self.instance.course_id:
            # A course unpublished since keeps the cohort editable.
            courses |= CoursePage.objects.filter(pk=self.instance.course_id)
        self.fields["course"].queryset = courses.defer_streamfields().order_by("title")
        if self.instance.pk and self.instance.participants.exists():
            # Participants are enrolled in this course; it cannot change now.
            self.fields["course"].disabled = True
            self.fields["course"].help_text = _(
                "The course cannot change once the cohort has participants."
            )

    def clean(self):
        cleaned = super().clean()
        mode, province = cleaned.get("mode"), cleaned.get("province")
        if mode == CohortMode.IN_PERSON and not province:
            self.add_error(
                "province", _("Choose the province where the cohort is taught.")
            )
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The cohort cannot end before it starts."))
        capacity = cleaned.get("capacity")
        if capacity and self.instance.pk:
            enrolled = self.instance.participants.count()
            if capacity < enrolled:
                self.add_error(
                    "capacity",
                    _("The cohort already has %(count)s participants.")
                    % {"count": enrolled},
                )
        return cleaned


class SessionForm(forms.ModelForm):
    class Meta:
        model = CohortSession
        fields = ["number", "starts_at", "minutes", "topic"]
        widgets = {"starts_at": DateTimeInput}
        labels = {"starts_at": gettext_lazy("Date and time")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].max_value = MAX_SESSION_NUMBER
        self.fields["number"].widget.attrs["max"] = MAX_SESSION_NUMBER


class BaseSessionFormSet(forms.BaseInlineFormSet):
    """The cohort's sessions: at least one, numbered once each, within its dates."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra = EXTRA_SESSIONS_EDIT if self.instance.pk else EXTRA_SESSIONS_NEW
        # Blank rows come numbered after the sessions already planned.
        following = max((session.number for session in self.get_queryset()), default=0)
        self.initial_extra = [
            {"number": following + n} for n in range(1, self.extra + self.min_num + 1)
        ]

    def clean(self) -> None:
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue  # a blank row left empty
            if self._should_delete_form(form):
                self._check_removable(form.instance)
            elif not self._within_dates(form.cleaned_data.get("starts_at")):
                message = _("The session falls outside the cohort's dates.")
                form.add_error("starts_at", message)
        # Django's own check then refuses a number given to two sessions.
        super().clean()

    def _check_removable(self, session: CohortSession) -> None:
        if session.recorded_at:
            raise ValidationError(
                _(
                    "Session %(number)s has its attendance recorded and cannot "
                    "be removed."
                )
                % {"number": session.number}
            )

    def _within_dates(self, starts_at: datetime | None) -> bool:
        starts_on, ends_on = self.instance.starts_on, self.instance.ends_on
        # Unset when a form has errors, which are shown instead.
        if not (starts_at and starts_on and ends_on):
            return True
        return starts_on <= timezone.localdate(starts_at) <= ends_on


SessionFormSet = forms.inlineformset_factory(
    Cohort,
    CohortSession,
    form=SessionForm,
    formset=BaseSessionFormSet,
    min_num=1,
    validate_min=True,
    can_delete=True,
    can_delete_extra=False,
)


class ParticipantListForm(forms.Form):
    """A list of participants, pasted or uploaded as a file."""

    pasted = forms.CharField(
        label=gettext_lazy("Paste the list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One person per line: DNI, then, for people new to the platform, "
            "names, last names and email (%(columns)s), separated by commas or "
            "semicolons, or copied from a spreadsheet."
        )
        % {"columns": ", ".join(PASTED_COLUMNS)},
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload a file"),
        required=False,
        help_text=gettext_lazy(
            "CSV (UTF-8 or Latin-1, comma or semicolon) or Excel (.xlsx) with "
            "the columns %(columns)s; only dni is required."
        )
        % {"columns": ", ".join(COLUMNS)},
    )

    def clean(self):
        cleaned = super().clean()
        pasted, upload = cleaned.get("pasted", "").strip(), cleaned.get("file")
        if self.errors:
            return cleaned
        if not (pasted or upload):
            raise ValidationError(_("Paste a list or upload a file."))
        if pasted and upload:
            raise ValidationError(_("Paste a list or upload a file, not both."))
        try:
            cleaned["sheet"] = self._sheet(pasted, upload)
        except SpreadsheetError as error:
            raise ValidationError(str(error)) from None
        return cleaned

    def _sheet(self, pasted: str, upload) -> Sheet:
        if pasted:
            return read_pasted(pasted)
        if PurePath(upload.name).suffix.lower() not in EXTENSIONS:
            raise SpreadsheetError(_("Upload a CSV or Excel (.xlsx) file."))
        if upload.size > PARTICIPANT_LIST.bytes:
            raise SpreadsheetError(
                _("The file is %(size)s; lists up to %(limit)s can be read.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(PARTICIPANT_LIST.bytes),
                }
            )
        return read_sheet(upload.read(), upload.name, limits=PARTICIPANT_LIST)
