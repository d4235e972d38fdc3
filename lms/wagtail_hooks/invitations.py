"""Wagtail hooks: invitations (being written)."""
