"""Companies: "Empresa por la Integridad" registration, pages and registry."""

from django.urls import path

from lms.companies import views

app_name = "companies"

urlpatterns = [
    path("empresas/", views.registry, name="registry"),
    path("empresas/registrar/", views.register, name="register"),
    path("empresas/unirse/<str:token>/", views.join, name="join"),
    path("empresas/<str:ruc>/", views.detail, name="detail"),
    path("empresas/<str:ruc>/invitar/", views.invite, name="invite"),
    path(
        "empresas/<str:ruc>/representacion/",
        views.upload_proof,
        name="upload_proof",
    ),
]
