"""A person's training transcript: courses, certificates and assignments, as PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.template.loader import render_to_string

from certificates.models import Certificate, Status
from lms.lib.pdf import render_html_pdf
from lms.models import Assignment, AssignmentStatus, Completion, Enrolment, StaffMember

TEMPLATE = "certificates/transcript_pdf.html"


@dataclass(frozen=True)
class Transcript:
    staff: StaffMember
    enrolments: QuerySet[Enrolment]
    certificates: list[tuple[Certificate, Status]]
    assignments: list[tuple[Assignment, str]]
    printed_on: date


def transcript_for(staff: StaffMember, *, today: date) -> Transcript:
    """Gather everything the person has learnt and owes, as of `today`."""
    person = staff.person
    return Transcript(
        staff=staff,
        enrolments=enrolments_with_results(person.user_id),
        certificates=[
            (certificate, certificate.status(today=today))
            for certificate in Certificate.objects.for_person(person).order_by(
                "course_title", "period"
            )
        ],
        assignments=[
            (assignment, AssignmentStatus(assignment.status).label)
            for assignment in Assignment.objects.filter(staff=staff)
            .with_status(today=today)
            .select_related("requirement")
            .order_by("requirement__name", "cycle")
        ],
        printed_on=today,
    )


def enrolments_with_results(user_id: int | None) -> QuerySet[Enrolment]:
    """Return the account's enrolments with lessons read and latest completion."""
    if user_id is None:
        return Enrolment.objects.none()
    latest = Completion.objects.filter(enrolment=OuterRef("pk")).order_by(
        "-completed_at"
    )
    return (
        Enrolment.objects.filter(user_id=user_id)
        .select_related("course")
        .annotate(
            lessons_read=Count("lesson_progress", distinct=True),
            completed_at=Subquery(latest.values("completed_at")[:1]),
            score=Subquery(latest.values("score")[:1]),
        )
        .order_by("course__title")
    )


def render_transcript_pdf(transcript: Transcript) -> bytes:
    """Return the transcript as an A4 PDF, through lms.lib.pdf.

    The shared fetcher (data URIs and static files only) and font set are
    reused; the transcript's page style is in its own template.
    """
    return render_html_pdf(render_to_string(TEMPLATE, {"transcript": transcript}))
