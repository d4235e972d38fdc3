"""Models of lms: learning (accounts, progress, completions), staff, requirements."""

from lms.models.learning import (
    Attempt,
    Completion,
    Enrolment,
    EnrolmentQuerySet,
    LessonProgress,
    Person,
    PersonManager,
    User,
)
from lms.models.requirements import (
    Assignment,
    AssignmentQuerySet,
    AssignmentStatus,
    ClosedReason,
    DueDateExtension,
    Reminder,
    ReminderKind,
    TrainingRequirement,
    renewal_window,
)
from lms.models.staff import (
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Regime,
    Role,
    StaffMember,
)

__all__ = [
    "Assignment",
    "AssignmentQuerySet",
    "AssignmentStatus",
    "Attempt",
    "ClosedReason",
    "Completion",
    "DueDateExtension",
    "Enrolment",
    "EnrolmentQuerySet",
    "LessonProgress",
    "Organisation",
    "OrganisationKind",
    "OrganisationRole",
    "Person",
    "PersonManager",
    "Regime",
    "Reminder",
    "ReminderKind",
    "Role",
    "StaffMember",
    "TrainingRequirement",
    "User",
    "renewal_window",
]
