"""Course material for offline teaching: participant PDF, facilitator guide, ZIP,
and the page that follows their build."""

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
    path(
        "cursos/<int:course_id>/material/",
        material_views.progress,
        name="progress",
    ),
    path(
        "cursos/<int:course_id>/material/estado.json",
        material_views.status,
        name="status",
    ),
    path(
        "cursos/<int:course_id>/material/preparar-de-nuevo",
        material_views.start_again,
        name="start_again",
    ),
]
