"""Admin URLs of staff: a person's page and its actions, invitations, extension
requests (the learner's pages are in lms.learners.urls).

Registered in the Wagtail admin, which requires a staff role to open.
"""

from django.urls import path

from lms.staff import views

admin_urlpatterns = [
    path("personal/<int:staff_id>/", views.staff_detail, name="lms_staff_detail"),
    path(
        "personal/<int:staff_id>/assignments/<int:assignment_id>/extend/",
        views.extend,
        name="lms_staff_extend",
    ),
    path(
        "personal/<int:staff_id>/assignments/<int:assignment_id>/waive/",
        views.waive_assignment,
        name="lms_staff_waive",
    ),
    path(
        "personal/<int:staff_id>/enrolments/<int:enrolment_id>/grant-attempt/",
        views.grant_attempt,
        name="lms_staff_grant_attempt",
    ),
    path("personal/<int:staff_id>/invitar/", views.invite, name="lms_staff_invite"),
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
