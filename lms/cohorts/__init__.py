"""Trainer-led groups (cohorts): participants, attendance, completion, reach."""
