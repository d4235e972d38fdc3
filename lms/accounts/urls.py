from django.urls import path

from lms.accounts import views

app_name = "accounts"

urlpatterns = [
    path("mi-cuenta/", views.account, name="account"),
    path("mi-cuenta/mis-datos.json", views.data_json, name="data_json"),
    path("mi-cuenta/mis-datos.pdf", views.data_pdf, name="data_pdf"),
    path("mi-cuenta/supresion/", views.erase, name="erase"),
    path("cuenta-suprimida/", views.erased, name="erased"),
    path("privacidad/", views.privacy_notice, name="privacy"),
]
