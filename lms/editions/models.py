"""Migration 0018 names `lms.editions.models.stored_name`; it lives in lms.materials."""

from lms.materials.models import stored_name

__all__ = ["stored_name"]
