"""Trainers' cohorts: dashboard, cohort pages, participant lists, self-enrolment."""

app_name = "cohorts"

urlpatterns: list = []
