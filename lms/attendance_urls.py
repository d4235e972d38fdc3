"""Attendance sheets (phone and paper) and paper results of a cohort."""

from django.urls import path

from lms import attendance_views

app_name = "attendance"

urlpatterns = [
    path(
        "formador/grupos/<int:cohort_id>/sesiones/<int:session_id>/asistencia/",
        attendance_views.session_sheet,
        name="session",
    ),
    path(
        "formador/grupos/<int:cohort_id>/hoja-de-asistencia.pdf",
        attendance_views.sheet_pdf,
        name="sheet_pdf",
    ),
    path(
        "formador/grupos/<int:cohort_id>/resultados-en-papel/",
        attendance_views.paper_results,
        name="paper",
    ),
]
