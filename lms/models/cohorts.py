"""Migration 0006 names `lms.models.cohorts.new_join_token`; it lives in lms.cohorts."""

from lms.cohorts.models import new_join_token

__all__ = ["new_join_token"]
