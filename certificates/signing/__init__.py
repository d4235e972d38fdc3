"""Signed credentials: keys, Open Badges credentials, status list, well-known paths."""
