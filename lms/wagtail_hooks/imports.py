"""Wagtail hooks: imports (being written)."""
