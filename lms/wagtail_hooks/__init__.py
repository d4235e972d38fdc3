"""Wagtail hooks of lms: Wagtail imports this module, which imports each concern's."""

from lms.companies import wagtail_hooks as companies  # noqa: F401
from lms.imports import wagtail_hooks as imports  # noqa: F401
from lms.learners import wagtail_hooks as learners  # noqa: F401
from lms.materials import wagtail_hooks as materials  # noqa: F401
from lms.reports import wagtail_hooks as reports  # noqa: F401
from lms.staff import wagtail_hooks as staff  # noqa: F401
from lms.trainers import wagtail_hooks as trainers  # noqa: F401
