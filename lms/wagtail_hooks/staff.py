"""Wagtail hooks: staff (being written)."""
