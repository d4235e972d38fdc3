"""Course material for offline teaching: participant PDF, facilitator guide, ZIP,
and the page that follows their build.
"""

from django.urls import path

from lms.materials import views

app_name = "materials"

urlpatterns = [
    path(
        "cursos/<int:course_id>/material/participante.pdf",
        views.participant_pdf,
        name="participant_pdf",
    ),
    path(
        "cursos/<int:course_id>/material/guia-del-facilitador.pdf",
        views.facilitator_pdf,
        name="facilitator_pdf",
    ),
    path(
        "cursos/<int:course_id>/material.zip",
        views.material_zip,
        name="zip",
    ),
    path(
        "cursos/<int:course_id>/material/",
        views.progress,
        name="progress",
    ),
    path(
        "cursos/<int:course_id>/material/estado.json",
        views.status,
        name="status",
    ),
    path(
        "cursos/<int:course_id>/material/preparar-de-nuevo",
        views.start_again,
        name="start_again",
    ),
]
