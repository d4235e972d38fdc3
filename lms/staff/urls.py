"""Admin URLs of extension requests (the learner's page is in lms.learners.urls)."""

from django.urls import path

from lms.staff import views

admin_urlpatterns = [
    path("solicitudes-de-prorroga/", views.index, name=views.INDEX),
    path(
        "solicitudes-de-prorroga/<int:request_id>/conceder/",
        views.grant,
        name="lms_extension_requests_grant",
    ),
    path(
        "solicitudes-de-prorroga/<int:request_id>/denegar/",
        views.deny,
        name="lms_extension_requests_deny",
    ),
    path(
        "personal/<int:staff_id>/assignments/<int:assignment_id>/request-extension/",
        views.ask,
        name="lms_staff_request_extension",
    ),
]
