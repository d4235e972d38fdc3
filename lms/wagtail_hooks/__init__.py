"""Wagtail hooks of lms, one module per area; importing them registers them."""

from lms.wagtail_hooks import imports, learning, reports, staff  # noqa: F401
