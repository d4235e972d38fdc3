"""How cohorts answer learning: their participants learn in class, and a
passed attempt completes the course under the cohort's rule (attendance too).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone

from lms.cohorts.completion import evaluate_cohort
from lms.cohorts.models import Cohort, Participant
from lms.learning.models import Enrolment
from lms.learning.signals import passed_in_class, taught_in_class


def _places_in_class(enrolment: Enrolment, *, today: date) -> QuerySet[Participant]:
    """Return the enrolment's places, not yet completed, in cohorts taught today.

    A cohort whose trainer may not act today counts for nothing: its
    participants learn online.
    """
    return Participant.objects.filter(
        enrolment=enrolment,
        completion=None,
        cohort__in=Cohort.objects.taught_on(today),
    )


@receiver(taught_in_class)
def in_a_cohort(sender, enrolment, today: date, **kwargs) -> bool:
    return _places_in_class(enrolment, today=today).exists()


@receiver(passed_in_class)
def evaluate_cohorts(sender, attempt, now, **kwargs) -> bool:
    """Evaluate each cohort the learner is in: its rule decides completion."""
    places = _places_in_class(attempt.enrolment, today=timezone.localdate(now))
    cohorts = [place.cohort for place in places.select_related("cohort__course")]
    for cohort in cohorts:
        evaluate_cohort(cohort=cohort, now=now)
    return bool(cohorts)
