"""Every model of the lms app, from the concern folder that defines it.

Django finds the models of `lms` here, and code outside lms imports them from
here; inside lms each concern imports from the concern that owns the model, so
that the import-linter layers hold. Ordered as the layers are, lowest first.
"""

# isort: off
from lms.people.models import (
    Person,
    PersonManager,
    User,
)
from lms.learning.models import (
    Attempt,
    Completion,
    Enrolment,
    EnrolmentQuerySet,
    ExtraAttempt,
    LessonProgress,
    renewal_window,
)
from lms.staff.models import (
    Assignment,
    AssignmentQuerySet,
    AssignmentStatus,
    ClosedReason,
    DueDateExtension,
    ExtensionRequest,
    ExtensionRequestQuerySet,
    ExtensionRequestStatus,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Regime,
    Reminder,
    ReminderKind,
    Role,
    StaffImport,
    StaffMember,
    TrainingRequirement,
)
from lms.trainers.models import (
    Province,
    TrainerCertification,
)
from lms.cohorts.models import (
    Attendance,
    Cohort,
    CohortMode,
    CohortSession,
    JoinedVia,
    Participant,
)
from lms.materials.models import (
    MaterialEdition,
)
from lms.companies.models import (
    Company,
    CompanyMember,
    CompanyStatus,
    ProofKind,
)
from lms.transparency.models import (
    QuarterRelease,
)
from lms.accounts.models import (
    Consent,
)
# isort: on

__all__ = [
    "Assignment",
    "AssignmentQuerySet",
    "AssignmentStatus",
    "Attempt",
    "Attendance",
    "ClosedReason",
    "Cohort",
    "CohortMode",
    "CohortSession",
    "Company",
    "CompanyMember",
    "CompanyStatus",
    "Completion",
    "Consent",
    "DueDateExtension",
    "Enrolment",
    "EnrolmentQuerySet",
    "ExtensionRequest",
    "ExtensionRequestQuerySet",
    "ExtensionRequestStatus",
    "ExtraAttempt",
    "JoinedVia",
    "LessonProgress",
    "MaterialEdition",
    "Organisation",
    "OrganisationKind",
    "OrganisationRole",
    "Participant",
    "Person",
    "PersonManager",
    "ProofKind",
    "Province",
    "QuarterRelease",
    "Regime",
    "Reminder",
    "ReminderKind",
    "Role",
    "StaffImport",
    "StaffMember",
    "TrainerCertification",
    "TrainingRequirement",
    "User",
    "renewal_window",
]
