"""Django's PostgreSQL backend, checking a kept connection without a round trip."""
