"""Trainers' cohorts: dashboard, cohort pages, participant lists, self-enrolment."""

from django.urls import path

from lms.cohorts import views

app_name = "cohorts"


urlpatterns = [
    path("formador/", views.dashboard, name="dashboard"),
    path("formador/grupos/nuevo/", views.create, name="create"),
    path("formador/grupos/<int:cohort_id>/", views.detail, name="detail"),
    path("formador/grupos/<int:cohort_id>/editar/", views.edit, name="edit"),
    path(
        "formador/grupos/<int:cohort_id>/participantes/",
        views.add_participants,
        name="add_participants",
    ),
    path(
        "formador/grupos/<int:cohort_id>/participantes/confirmar/",
        views.confirm_participants,
        name="confirm_participants",
    ),
    path(
        "formador/grupos/<int:cohort_id>/autoinscripcion/",
        views.self_enrolment,
        name="self_enrolment",
    ),
    path("formador/grupos/<int:cohort_id>/qr/", views.qr, name="qr"),
    path("grupos/unirse/<str:token>/", views.join, name="join"),
]


# Attendance pages keep their own namespace, "attendance" (see lms/urls.py).
attendance_urlpatterns = [
    path(
        "formador/grupos/<int:cohort_id>/sesiones/<int:session_id>/asistencia/",
        views.session_sheet,
        name="session",
    ),
    path(
        "formador/grupos/<int:cohort_id>/hoja-de-asistencia.pdf",
        views.sheet_pdf,
        name="sheet_pdf",
    ),
    path(
        "formador/grupos/<int:cohort_id>/resultados-en-papel/",
        views.paper_results,
        name="paper",
    ),
]
