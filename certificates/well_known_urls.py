from django.urls import path

from certificates import well_known

app_name = "well_known"

urlpatterns = [
    path("did.json", well_known.did_document, name="did"),
    path("jwks.json", well_known.jwks, name="jwks"),
]
