"""Forms of the trainer's pages: a cohort with its sessions, and a participant list."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField, BoundWidget
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import CoursePage
from lms.cohorts.models import Cohort, CohortMode, CohortSession, Participant
from lms.cohorts.participant_lists import (
    COLUMNS,
    PARTICIPANT_LIST,
    PASTED_COLUMNS,
    read_pasted,
)
from lms.lib.spreadsheets import EXTENSIONS, Sheet, SpreadsheetError, read_sheet
from lms.lib.widgets import DateInput

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


class SessionAttendanceForm(forms.Form):
    """Who is at one session: a box per participant, ticked if present."""

    present = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, participants: list[Participant], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.participants = participants
        self.fields["present"].choices = [
            (participant.pk, participant.person.full_name)
            for participant in participants
        ]

    def rows(self) -> list[tuple[Participant, BoundWidget]]:
        """Return each participant with their box, in the list's order."""
        return list(zip(self.participants, self["present"], strict=True))


class PaperResultsForm(forms.Form):
    """The paper sheet typed in: a box per participant and session, and scores.

    Sessions that may not be recorded (not held yet, or held when the
    trainer was not certified) are shown with their boxes disabled.
    """

    def __init__(
        self,
        *args,
        participants: list[Participant],
        sessions: list[CohortSession],
        refusals: Mapping[int, str | None],
        present: Collection[tuple[int, int]],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.participants = participants
        self.sessions = sessions
        self.open_sessions = [s for s in sessions if not refusals[s.pk]]
        for participant in participants:
            name = participant.person.full_name
            for session in sessions:
                self.fields[self.mark_name(session, participant)] = forms.BooleanField(
                    label=gettext_lazy("Session %(number)d: %(name)s")
                    % {"number": session.number, "name": name},
                    required=False,
                    initial=(session.pk, participant.pk) in present,
                    disabled=bool(refusals[session.pk]),
                )
            self.fields[self.score_name(participant)] = forms.IntegerField(
                label=gettext_lazy("Paper test score (%%) of %(name)s")
                % {"name": name},
                required=False,
                min_value=0,
                max_value=100,
                initial=participant.paper_score,
                # A text box keeps a mistyped value in view, next to its error.
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )

    @staticmethod
    def mark_name(session: CohortSession, participant: Participant) -> str:
        return f"present-{session.pk}-{participant.pk}"

    @staticmethod
    def score_name(participant: Participant) -> str:
        return f"score-{participant.pk}"

    def rows(self) -> list[tuple[Participant, list[BoundField], BoundField]]:
        """Return each participant with their boxes, session by session, and score."""
        return [
            (
                participant,
                [self[self.mark_name(s, participant)] for s in self.sessions],
                self[self.score_name(participant)],
            )
            for participant in self.participants
        ]

    def results(self) -> tuple[dict[int, set[int]], dict[int, int | None]]:
        """Return who was present at each session, and each participant's score.

        A session never recorded whose column is left empty is left out
        rather than recorded as everyone absent: on paper, an empty column
        is a sheet not typed in yet.
        """
        attended = {}
        for session in self.open_sessions:
            present = {
                participant.pk
                for participant in self.participants
                if self.cleaned_data[self.mark_name(session, participant)]
            }
            if present or session.recorded_at:
                attended[session.pk] = present
        scores = {
            participant.pk: self.cleaned_data[self.score_name(participant)]
            for participant in self.participants
        }
        return attended, scores
