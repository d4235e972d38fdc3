from django.urls import path

from certificates import holder_views, views

app_name = "certificates"

urlpatterns = [
    path("verificar/", views.verify_form, name="verify_form"),
    path("verificar/<str:code>/", views.verify, name="verify"),
    path("mis-certificados/", holder_views.my_certificates, name="my_certificates"),
    path(
        "mis-certificados/<str:code>/pdf/",
        holder_views.download_pdf,
        name="download_pdf",
    ),
]
