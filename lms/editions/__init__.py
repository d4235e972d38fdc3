"""Offline course editions: the course's material, built ahead and stored."""
