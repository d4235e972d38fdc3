"""Certified trainers: who may be approved, approval, withdrawal, the public list.

The integrity officer approves a person holding a current completion of a
trainer course. Approval and withdrawal are rows of TrainerCertification and
entries of Wagtail's audit log, so who did what, and when, stays on record.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.models import Audience
from lms.learning.models import Completion
from lms.lib.dates import short_date
from lms.people.models import Person, User
from lms.trainers.models import Province, TrainerCertification

APPROVE_ACTION = "lms.trainer.approve"
WITHDRAW_ACTION = "lms.trainer.withdraw"


class TrainerError(Exception):
    """An approval, withdrawal or listing change that cannot be made, and why."""


def acting_certification(user: User, *, today: date) -> TrainerCertification | None:
    """Return the certification under which the user may act as a trainer today.

    The one rule every trainer page and action asks: approved, not
    withdrawn, and holding a current completion of the trainer course
    (`TrainerCertificationQuerySet.valid_on`).
    """
    return (
        TrainerCertification.objects.for_user(user)
        .valid_on(today)
        .select_related("person", "qualification__enrolment__course")
        .first()
    )


def eligible_qualifications(*, today: date) -> list[Completion]:
    """Return the completions an approval may name, by the holder's name.

    Each is the latest current completion of a trainer course, one per person
    and course, held by someone who is not a certified trainer now.
    """
    certified = TrainerCertification.objects.active().filter(
        person__user=OuterRef("enrolment__user")
    )
    completions = (
        Completion.objects.filter(
            enrolment__course__audience=Audience.TRAINERS, revoked_at__isnull=True
        )
        .exclude(Exists(certified))
        .select_related("enrolment__course", "enrolment__user__person")
        .order_by("enrolment", "-completed_at")
    )
    latest: dict[int, Completion] = {}
    for completion in completions:
        latest.setdefault(completion.enrolment_id, completion)
    current = [each for each in latest.values() if each.is_current(today=today)]
    return sorted(current, key=lambda each: _holder_sort_key(each.enrolment.user))


def _holder_sort_key(user: User) -> tuple[str, str]:
    person = getattr(user, "person", None)
    if person:
        return (person.last_names.lower(), person.first_names.lower())
    return (user.last_name.lower(), user.first_name.lower())


def approve_trainer(
    *,
    qualification: Completion,
    province: str,
    institution: str,
    listed_publicly: bool,
    by: User,
    now: datetime,
) -> TrainerCertification:
    """Make the holder of `qualification` a certified trainer, and log it."""
    institution = institution.strip()
    _check_qualification(qualification, today=timezone.localdate(now))
    if province not in Province.values:
        raise TrainerError(_("Choose one of the provinces of Cajamarca."))
    if not institution:
        raise TrainerError(_("Name the institution the trainer works with."))
    with transaction.atomic():
        person = Person.objects.for_user(qualification.enrolment.user)
        try:
            # A savepoint: the constraint one_active_trainer_certification
            # also catches an approval made meanwhile by someone else.
            with transaction.atomic():
                certification = TrainerCertification.objects.create(
                    person=person,
                    qualification=qualification,
                    province=province,
                    institution=institution,
                    listed_publicly=listed_publicly,
                    approved_at=now,
                    approved_by=by,
                )
        except IntegrityError:
            raise TrainerError(
                _(
                    "%(name)s is already a certified trainer: withdraw that "
                    "certification first."
                )
                % {"name": person.full_name}
            ) from None
        log(
            instance=certification,
            action=APPROVE_ACTION,
            user=by,
            timestamp=now,
            data={
                "person": person.full_name,
                "province": province,
                "institution": institution,
                "qualification": qualification.pk,
            },
        )
    return certification


def _check_qualification(completion: Completion, *, today: date) -> None:
    course = completion.enrolment.course
    if course.audience != Audience.TRAINERS:
        raise TrainerError(
            _("%(course)s is not a course for trainers.") % {"course": course.title}
        )
    if completion.revoked_at:
        raise TrainerError(
            _("That completion was revoked with its certificate: it qualifies no one.")
        )
    if not completion.is_current(today=today):
        raise TrainerError(
            _(
                "That completion lapsed on %(date)s: the person must complete "
                "the course again."
            )
            % {"date": short_date(completion.valid_until())}
        )


def withdraw_trainer(
    *, certification: TrainerCertification, reason: str, by: User, now: datetime
) -> TrainerCertification:
    """Withdraw the certification, keeping its row, and log who, when and why."""
    reason = reason.strip()
    if not reason:
        raise TrainerError(_("Give the reason for the withdrawal."))
    with transaction.atomic():
        # Locked, so of two withdrawals at once the second sees the first.
        current = TrainerCertification.objects.select_for_update().get(
            pk=certification.pk
        )
        if current.withdrawn_at:
            raise already_withdrawn(current)
        current.withdrawn_at = now
        current.withdrawn_by = by
        current.withdrawal_reason = reason
        current.save(
            update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
        )
        log(
            instance=current,
            action=WITHDRAW_ACTION,
            user=by,
            timestamp=now,
            data={"reason": reason},
        )
    return current


def already_withdrawn(certification: TrainerCertification) -> TrainerError:
    return TrainerError(
        _("%(name)s was already withdrawn on %(date)s by %(user)s.")
        % {
            "name": certification.person,
            "date": short_date(timezone.localdate(certification.withdrawn_at)),
            "user": certification.withdrawn_by,
        }
    )


def set_listing(*, certification: TrainerCertification, listed: bool) -> None:
    """Record the trainer's agreement to the public list, or its withdrawal."""
    certification.listed_publicly = listed
    certification.save(update_fields=["listed_publicly"])


# Validity of many certifications at once


def listed_by_province(*, today: date) -> list[tuple[str, list[TrainerCertification]]]:
    """Return every province, in order, with its trainers on the public list.

    Those are trainers who agreed to be listed and are certified today, by name.
    """
    listed = (
        TrainerCertification.objects.listed()
        .valid_on(today)
        .select_related("person")
        .order_by("person__last_names", "person__first_names")
    )
    by_province: dict[str, list[TrainerCertification]] = {
        province: [] for province in Province.values
    }
    for certification in listed:
        by_province[certification.province].append(certification)
    return [
        (Province(province).label, trainers)
        for province, trainers in by_province.items()
    ]
