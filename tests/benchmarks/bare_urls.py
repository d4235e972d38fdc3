"""The project's URLs plus one bare view, for tests/benchmarks/test_http_benchmarks.py.

The bare view runs through the same middleware and server as every other page,
so it measures what the project's own views are compared against.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lms.urls import urlpatterns as project_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


# First, so that Wagtail's catch-all page route at the end never shadows it.
urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
