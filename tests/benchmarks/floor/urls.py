"""The bare project's one view: a certificate by its code, as JSON."""

from django.db import connection
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path

COLUMNS = ("code", "holder_name", "course_title", "issued_on", "expires_on")


def certificate(request: HttpRequest, code: str) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM certificates_certificate "  # noqa: S608
            "WHERE code = %s",
            [code],
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return JsonResponse(dict(zip(COLUMNS, row, strict=True)))


urlpatterns = [path("api/v1/certificates/<str:code>", certificate)]
