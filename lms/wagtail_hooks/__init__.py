"""Wagtail hooks of lms, one module per area; importing them registers them."""

from lms.staff import wagtail_hooks as staff_concern  # noqa: F401
from lms.wagtail_hooks import (  # noqa: F401
    attempts,
    companies,
    imports,
    invitations,
    learning,
    materials,
    reports,
    staff,
    trainers,
)
