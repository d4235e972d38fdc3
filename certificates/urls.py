from django.urls import path

from certificates import views
from certificates.verification import views as verification

app_name = "certificates"

urlpatterns = [
    path("verificar/", verification.verify_form, name="verify_form"),
    path("verificar/<str:code>/", verification.verify, name="verify"),
    path("mis-certificados/", views.my_certificates, name="my_certificates"),
    path(
        "mis-certificados/<str:code>/pdf/",
        views.download_pdf,
        name="download_pdf",
    ),
]
