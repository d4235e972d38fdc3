"""Attendance sheets (phone and paper) and paper results of a cohort."""

app_name = "attendance"

urlpatterns: list = []
