"""Forms of the attendance pages: the phone sheet and the paper results grid."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django import forms
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.translation import gettext_lazy as _

from lms.models import CohortSession, Participant


class SessionAttendanceForm(forms.Form):
    """Who is at one session: a box per participant, ticked if present."""

    present = forms.TypedMultipleChoiceField(
        label=_("Present"),
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
                    label=_("Session %(number)d: %(name)s")
                    % {"number": session.number, "name": name},
                    required=False,
                    initial=(session.pk, participant.pk) in present,
                    disabled=bool(refusals[session.pk]),
                )
            self.fields[self.score_name(participant)] = forms.IntegerField(
                label=_("Paper test score (%%) of %(name)s") % {"name": name},
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
