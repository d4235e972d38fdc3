"""Certified trainers: the registry, its admin and the public list."""
