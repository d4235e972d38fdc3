from django.urls import path

from lms.learners import views
from lms.staff import views as staff_views

app_name = "lms"

urlpatterns = [
    path("mis-cursos/", views.my_courses, name="my_courses"),
    path(
        "mi-cuenta/prorrogas/",
        staff_views.my_requests,
        name="extension_requests",
    ),
    path("cursos/<int:course_id>/inscribirse/", views.enrol, name="enrol"),
    path(
        "cursos/<int:course_id>/evaluacion/",
        views.assessment_overview,
        name="assessment",
    ),
    path(
        "lecciones/<int:lesson_id>/completar/",
        views.complete_lesson,
        name="complete_lesson",
    ),
    path("intentos/<int:attempt_id>/", views.attempt, name="attempt"),
    path(
        "invitacion/<uidb64>/<token>/",
        staff_views.accept_invitation,
        name="accept_invitation",
    ),
    path(
        "intentos/<int:attempt_id>/resultado/",
        views.attempt_result,
        name="attempt_result",
    ),
]
