"""Trainers' cohorts: who runs them, their figures, and how people join them.

People join a cohort in two ways: the trainer's list of documents (matched
to the people the platform knows, and invited by email when they have no
account yet) or the cohort's self-enrolment link. Either way the place is a
`Participant` tied to the person's enrolment in the cohort's course, so the
completion the course's rules grant later is an ordinary one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.cohorts.completion import evaluate_cohort, with_attendance, with_rates
from lms.cohorts.models import Cohort, CohortSession, JoinedVia, Participant
from lms.cohorts.participant_lists import ListedPerson
from lms.learning.models import Attempt
from lms.learning.progress import enrol
from lms.lib.emails import render_email, send_email, site_url
from lms.lib.spreadsheets import RowError
from lms.people.models import Person, User
from lms.staff.invitations import open_account
from lms.trainers.models import TrainerCertification

# Cohorts and their sessions


def cohort_for_trainer(certification: TrainerCertification, cohort_id: int) -> Cohort:
    """Return a cohort taught under this certification; any other is a 404.

    `certification` is the one `lms.trainers.registry.acting_certification` found, so
    a cohort of a withdrawn certification is a 404 even to its own trainer.
    """
    cohorts = Cohort.objects.filter(trainer=certification).select_related(
        "course", "trainer__person", "trainer__qualification__enrolment__course"
    )
    return get_object_or_404(cohorts, pk=cohort_id)


@transaction.atomic
def save_cohort(
    *,
    cohort: Cohort,
    sessions: Sequence[CohortSession],
    now: datetime,
    removed: Sequence[CohortSession] = (),
) -> Cohort:
    """Save the cohort, its new and changed sessions, and drop the removed ones.

    The completion rule counts every session, so fewer sessions may now
    complete participants (and issue their certificates): the cohort is
    evaluated again, as after recording attendance.
    """
    cohort.save()
    for session in removed:
        session.delete()
    existing = [session.pk for session in sessions if session.pk]
    if existing:
        # Park the changed sessions above every number in use, so that two
        # sessions swapping numbers never meet the unique constraint midway.
        in_use = CohortSession.objects.filter(cohort=cohort).aggregate(Max("number"))
        top = max(in_use["number__max"] or 0, *(s.number for s in sessions))
        CohortSession.objects.filter(pk__in=existing).update(number=F("number") + top)
    for session in sessions:
        session.cohort = cohort
        session.save()
    evaluate_cohort(cohort=cohort, now=now)
    return cohort


def set_self_enrolment(*, cohort: Cohort, is_open: bool) -> None:
    cohort.self_enrolment_open = is_open
    cohort.save(update_fields=["self_enrolment_open"])


def is_full(cohort: Cohort) -> bool:
    """Whether every place of the cohort is taken."""
    return cohort.participants.count() >= cohort.capacity


def join_url(cohort: Cohort) -> str:
    """Return the absolute self-enrolment link, as the QR code carries it."""
    return site_url() + cohort.join_path()


# Figures


def with_figures(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Add the number of sessions, all and recorded, to the attendance figures.

    `lms.cohorts.completion.with_rates` gives participants, completions and the two
    rates; every count is made in the same single query.
    """
    recorded = Q(sessions__recorded_at__isnull=False)
    return (
        with_rates(cohorts)
        .select_related("course")
        .defer("course__question_bank")
        .annotate(
            session_count=Count("sessions"),
            recorded_count=Count("sessions", filter=recorded),
        )
    )


def participants_of(cohort: Cohort) -> list[Participant]:
    """Return the cohort's participants with their attendance and test passed.

    Attendance is `lms.cohorts.completion.with_attendance`'s, the completion rule's
    own. The test counts as passed online (any passed attempt of the
    enrolment) or on paper (a score the trainer typed in, at the course's
    pass mark).
    """
    passed_online = Exists(
        Attempt.objects.filter(enrolment=OuterRef("enrolment"), passed=True)
    )
    participants = (
        Participant.objects.filter(cohort=cohort)
        .select_related("person")
        .annotate(
            assessment_passed=ExpressionWrapper(
                passed_online | Q(paper_score__gte=cohort.course.pass_mark),
                output_field=BooleanField(),
            )
        )
    )
    return with_attendance(participants, cohort=cohort)


# Joining by the trainer's list


@dataclass
class Placement:
    """A listed person and the account their place will hang on."""

    listed: ListedPerson
    person: Person | None
    # The address an account is opened with, for people without one.
    email: str = ""
    # Whether the person is already one of the trainer's participants.
    known_to_trainer: bool = False

    @property
    def name(self) -> str:
        """Return the name the trainer may see: the list's, unless already theirs.

        A document typed alone must not turn into the name the platform knows.
        """
        if self.person and self.known_to_trainer:
            return self.person.full_name
        return self.listed.full_name


@dataclass
class ParticipantPlan:
    """What a participant list would do, worked out before anything is written."""

    enrol: list[Placement] = field(default_factory=list)
    invite: list[Placement] = field(default_factory=list)
    already: list[Placement] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def places(self) -> list[Placement]:
        return self.enrol + self.invite


def plan_participants(
    *, cohort: Cohort, people: Sequence[ListedPerson]
) -> ParticipantPlan:
    """Match the listed people to persons and accounts; check the whole list."""
    plan = ParticipantPlan()
    known = _known_people(people)
    in_cohort = set(cohort.participants.values_list("person_id", flat=True))
    for listed in people:
        person = known.get(listed.key)
        if person and person.pk in in_cohort:
            plan.already.append(Placement(listed, person))
        elif person and person.user_id:
            plan.enrol.append(Placement(listed, person))
        else:
            plan.invite.append(_invitation(listed, person, plan.errors))
    _check_emails(plan)
    theirs = set(
        Participant.objects.filter(
            cohort__trainer__person=cohort.trainer.person_id,
            person__in=[person.pk for person in known.values()],
        ).values_list("person_id", flat=True)
    )
    for placement in [*plan.places, *plan.already]:
        placement.known_to_trainer = getattr(placement.person, "pk", None) in theirs
    free = cohort.capacity - len(in_cohort)
    if len(plan.places) > free:
        message = _(
            "The cohort has %(free)s free places and the list adds %(count)s people."
        ) % {"free": max(free, 0), "count": len(plan.places)}
        plan.errors.append(RowError(None, "", message))
    return plan


def _known_people(people: Sequence[ListedPerson]) -> dict[tuple[str, str], Person]:
    numbers = {listed.document_number for listed in people}
    found = Person.objects.filter(document_number__in=numbers).select_related(
        "staff_record", "user"
    )
    return {(person.document_type, person.document_number): person for person in found}


def _invitation(
    listed: ListedPerson, person: Person | None, errors: list[RowError]
) -> Placement:
    """Return the place of someone without an account, noting what is missing."""
    staff = getattr(person, "staff_record", None) if person else None
    on_record = staff.email if staff else ""
    # HR's institutional address wins: it is the one the record is known by.
    email = on_record or listed.email
    if person is not None and not on_record:
        # A person already on record is opened an account only at an address
        # on record: the list's would hand their certificates to its writer.
        message = _(
            "This person cannot be invited at an address written on the list: "
            "ask them to sign up and join with the cohort's link."
        )
        errors.append(RowError(listed.row, "correo", message))
        return Placement(listed, person, "")
    if person is None:
        for column, value in (
            ("nombres", listed.first_names),
            ("apellidos", listed.last_names),
        ):
            if not value:
                message = _("The person is new to the platform: write their names.")
                errors.append(RowError(listed.row, column, message))
    if not email:
        message = _("The person has no account yet: write an email to invite them.")
        errors.append(RowError(listed.row, "correo", message))
    return Placement(listed, person, email)


def _check_emails(plan: ParticipantPlan) -> None:
    """Refuse an address written twice, or one that already has an account."""
    first_seen: dict[str, int] = {}
    for placement in plan.invite:
        email = placement.email.lower()
        if not email:
            continue
        if email in first_seen:
            message = _("This email is already in row %(row)s.") % {
                "row": first_seen[email]
            }
            plan.errors.append(RowError(placement.listed.row, "correo", message))
        first_seen.setdefault(email, placement.listed.row)
    taken = set(
        User.objects.annotate(lower=Lower("email"))
        .filter(lower__in=first_seen)
        .values_list("lower", flat=True)
    ) | set(
        EmailAddress.objects.annotate(lower=Lower("email"))
        .filter(lower__in=first_seen)
        .values_list("lower", flat=True)
    )
    for placement in plan.invite:
        if placement.email.lower() in taken:
            message = _(
                "This email belongs to another account. Ask the person to join "
                "with the cohort's link instead."
            )
            plan.errors.append(RowError(placement.listed.row, "correo", message))


def add_participants(
    *, cohort: Cohort, people: Sequence[ListedPerson], now: datetime
) -> ParticipantPlan:
    """Enrol the whole list, inviting those without an account, or nobody.

    Returns the plan carried out, or the errors that stopped it. People
    already in the cohort are skipped, so the same list twice adds nobody.
    """
    try:
        with transaction.atomic():
            locked = _locked(cohort)
            plan = plan_participants(cohort=locked, people=people)
            if plan.errors:
                return plan
            for placement in plan.invite:
                _open_account(placement)
            for placement in plan.places:
                _place(locked, placement.person, JoinedVia.LIST, now=now)
            for placement in plan.invite:
                _send_invitation(placement, cohort=locked)
    except IntegrityError:
        # An account or a place was taken by someone else meanwhile.
        message = _(
            "Accounts or participants changed while enrolling; nothing was "
            "written. Try again."
        )
        return ParticipantPlan(errors=[RowError(None, "", message)])
    return plan


def _locked(cohort: Cohort) -> Cohort:
    """Re-read the cohort under a row lock: its places are taken one at a time."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    locked.course, locked.trainer = cohort.course, cohort.trainer
    return locked


def _open_account(placement: Placement) -> None:
    """Open an account without a password for the placement's person."""
    listed = placement.listed
    person = placement.person or Person.objects.create(
        document_type=listed.document_type,
        document_number=listed.document_number,
        first_names=listed.first_names,
        last_names=listed.last_names,
    )
    # Unverified: the invitation only sets a password; allauth asks the
    # person to confirm the address at their first login.
    open_account(person, placement.email, password=None, verified=False)
    placement.person = person


def _place(cohort: Cohort, person: Person, via: str, *, now: datetime) -> Participant:
    enrolment = enrol(user=person.user, course=cohort.course)
    return Participant.objects.create(
        cohort=cohort, person=person, enrolment=enrolment, joined_via=via, joined_at=now
    )


def _send_invitation(placement: Placement, *, cohort: Cohort) -> None:
    user = placement.person.user
    subject, body = render_email(
        "cohort_invitation",
        {
            "person": placement.person,
            "trainer": cohort.trainer.person,
            "cohort": cohort,
            "course": cohort.course,
            "link": password_link(user),
            "days": max(settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60), 1),
            "site_url": site_url(),
        },
    )
    transaction.on_commit(partial(send_email.enqueue, user.email, subject, body))


def password_link(user: User) -> str:
    """Return allauth's link to choose a password, as its reset email sends."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return site_url() + path


# Joining by the self-enrolment link


class JoinError(Exception):
    """The link cannot give a place; the message says why."""


def join_cohort(
    *, cohort: Cohort, user: User, now: datetime
) -> tuple[Participant, bool]:
    """Give the user a place through the link; return it and whether it is new.

    The cohort's row lock makes two requests for its last place take turns,
    so the second one finds it full.
    """
    with transaction.atomic():
        locked = _locked(cohort)
        person = Person.objects.for_user(user)
        place = Participant.objects.filter(cohort=locked, person=person).first()
        if place:
            return place, False
        if not locked.self_enrolment_open:
            raise JoinError(_("The trainer has closed this cohort's link."))
        if is_full(locked):
            raise JoinError(_("This cohort is full."))
        # As on the trainer's list: a lapsed trainer takes no new participants.
        if not locked.trainer.is_valid_on(timezone.localdate(now)):
            raise JoinError(
                _(
                    "The trainer's certification is not valid today, so the "
                    "cohort takes no new participants. Ask your trainer."
                )
            )
        return _place(locked, person, JoinedVia.LINK, now=now), True
