"""The learner's word for HR's status of a requirement: the same rule, reworded."""

from datetime import date

import pytest

from lms.models import AssignmentStatus
from lms.staff.obligations import ObligationStatus, obligation_status

DUE = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("hr_status", "today", "expected"),
    [
        (AssignmentStatus.PENDING, date(2026, 3, 10), ObligationStatus.PENDING),
        (AssignmentStatus.IN_PROGRESS, date(2026, 3, 23), ObligationStatus.PENDING),
        # Due soon from the first day a reminder goes out (REMINDER_DAYS_BEFORE).
        (AssignmentStatus.PENDING, date(2026, 3, 24), ObligationStatus.DUE_SOON),
        (AssignmentStatus.IN_PROGRESS, DUE, ObligationStatus.DUE_SOON),
        (AssignmentStatus.OVERDUE, date(2026, 4, 1), ObligationStatus.OVERDUE),
        (AssignmentStatus.EXPIRED, date(2028, 4, 1), ObligationStatus.OVERDUE),
        (AssignmentStatus.COMPLETED, date(2026, 4, 1), ObligationStatus.MET),
    ],
)
def test_the_status_follows_hrs_and_the_reminders_window(
    settings, hr_status, today, expected
):
    settings.REMINDER_DAYS_BEFORE = 7
    assert obligation_status(hr_status, DUE, today=today) == expected
