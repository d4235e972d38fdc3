"""Migrations 0007 and 0008 name these by this path; they live in lms.companies."""

from lms.companies.models import proof_name, validate_ruc

__all__ = ["proof_name", "validate_ruc"]
