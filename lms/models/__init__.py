"""Models of lms: learning, staff, requirements, trainers and cohorts."""

from lms.models.cohorts import (
    Attendance,
    Cohort,
    CohortMode,
    CohortSession,
    JoinedVia,
    Participant,
    Province,
    TrainerCertification,
)
from lms.models.companies import (
    Company,
    CompanyMember,
    CompanyStatus,
    ProofKind,
)
from lms.models.learning import (
    Attempt,
    Completion,
    Enrolment,
    EnrolmentQuerySet,
    ExtraAttempt,
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
from lms.models.transparency import QuarterRelease

# Models of the concern folders, after the ones they build on.
# isort: split
from lms.accounts.models import Consent
from lms.editions.models import MaterialEdition
from lms.staff.models import (
    ExtensionRequest,
    ExtensionRequestQuerySet,
    ExtensionRequestStatus,
    StaffImport,
)

__all__ = [
    "StaffImport",
    "Attendance",
    "Cohort",
    "CohortMode",
    "CohortSession",
    "JoinedVia",
    "Participant",
    "Province",
    "TrainerCertification",
    "Assignment",
    "AssignmentQuerySet",
    "AssignmentStatus",
    "Attempt",
    "ClosedReason",
    "Company",
    "Consent",
    "CompanyMember",
    "CompanyStatus",
    "ProofKind",
    "QuarterRelease",
    "MaterialEdition",
    "Completion",
    "DueDateExtension",
    "ExtensionRequest",
    "ExtensionRequestQuerySet",
    "ExtensionRequestStatus",
    "Enrolment",
    "EnrolmentQuerySet",
    "ExtraAttempt",
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
