from django.urls import path

from certificates.signing import views

app_name = "well_known"

urlpatterns = [
    path("did.json", views.did_document, name="did"),
    path("jwks.json", views.jwks, name="jwks"),
]
