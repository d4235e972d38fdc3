"""The floor: a bare Django project the project's pages are measured against.

tests/benchmarks/test_floors.py serves it with the same gunicorn settings as
the project (scripts/gunicorn.conf.py) on the same PostgreSQL table. Its only
view does what no verification can do without: one indexed lookup of a
certificate by its code, answered as JSON. Nothing else is installed: no
middleware, no sessions, no templates.
"""
