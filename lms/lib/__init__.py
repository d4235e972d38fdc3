"""Helpers with no models that several concerns use (ARCHITECTURE.md, lms/lib)."""
