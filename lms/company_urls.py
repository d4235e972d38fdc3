"""Companies: "Empresa por la Integridad" registration, pages and registry."""

from django.urls import path

from lms import company_views

app_name = "companies"

urlpatterns = [
    path("empresas/", company_views.registry, name="registry"),
    path("empresas/registrar/", company_views.register, name="register"),
    path("empresas/unirse/<str:token>/", company_views.join, name="join"),
    path("empresas/<str:ruc>/", company_views.detail, name="detail"),
    path("empresas/<str:ruc>/invitar/", company_views.invite, name="invite"),
    path(
        "empresas/<str:ruc>/representacion/",
        company_views.upload_proof,
        name="upload_proof",
    ),
]
