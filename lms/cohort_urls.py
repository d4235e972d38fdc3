"""Trainers' cohorts: dashboard, cohort pages, participant lists, self-enrolment."""

from django.urls import path

from lms import cohort_views

app_name = "cohorts"

urlpatterns = [
    path("formador/", cohort_views.dashboard, name="dashboard"),
    path("formador/grupos/nuevo/", cohort_views.create, name="create"),
    path("formador/grupos/<int:cohort_id>/", cohort_views.detail, name="detail"),
    path("formador/grupos/<int:cohort_id>/editar/", cohort_views.edit, name="edit"),
    path(
        "formador/grupos/<int:cohort_id>/participantes/",
        cohort_views.add_participants,
        name="add_participants",
    ),
    path(
        "formador/grupos/<int:cohort_id>/participantes/confirmar/",
        cohort_views.confirm_participants,
        name="confirm_participants",
    ),
    path(
        "formador/grupos/<int:cohort_id>/autoinscripcion/",
        cohort_views.self_enrolment,
        name="self_enrolment",
    ),
    path("formador/grupos/<int:cohort_id>/qr/", cohort_views.qr, name="qr"),
    path("grupos/unirse/<str:token>/", cohort_views.join, name="join"),
]
