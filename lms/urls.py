"""Root URLs. Public paths here are a contract: see README, "Public interfaces"."""

from django.conf import settings
from django.conf.urls.static import static
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents import urls as wagtaildocs_urls

from certificates.verification.api import api
from courses.search_terms import BoundedSearchFilter
from lms.cohorts.urls import attendance_urlpatterns
from lms.health import healthz


class CatalogueAPIViewSet(PagesAPIViewSet):
    """The published catalogue, searched with terms as short as any search box's."""

    filter_backends = [
        BoundedSearchFilter if backend is SearchFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]


class FaviconView(RedirectView):
    """/favicon.ico, which browsers and feed readers ask for without a link tag."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static_url("favicon.ico")


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CatalogueAPIViewSet)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    # The admin signs in through allauth's form, with its second factor and
    # rate limits; its own form would be a way around both.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    # Wagtail's login for private pages is the same plain form: same redirect.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v2/", api_router.urls),
    path("api/v1/", api.urls),
    path("", include("lms.learners.urls")),
    path("", include("lms.accounts.urls")),
    path("", include("lms.cohorts.urls")),
    path("", include((attendance_urlpatterns, "attendance"))),
    path("", include("lms.materials.urls")),
    path("", include("lms.trainers.urls")),
    path("", include("lms.transparency.urls")),
    path("", include("lms.companies.urls")),
    path("", include("certificates.urls")),
    path(".well-known/", include("certificates.signing.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
