"""Wagtail hooks: reports (being written)."""
