"""Course material for offline teaching: participant PDF, facilitator guide, ZIP."""

from django.urls import path

from lms import material_views

app_name = "materials"

urlpatterns = [
    path(
        "cursos/<int:course_id>/material/participante.pdf",
        material_views.participant_pdf,
        name="participant_pdf",
    ),
    path(
        "cursos/<int:course_id>/material/guia-del-facilitador.pdf",
        material_views.facilitator_pdf,
        name="facilitator_pdf",
    ),
    path(
        "cursos/<int:course_id>/material.zip",
        material_views.material_zip,
        name="zip",
    ),
]
