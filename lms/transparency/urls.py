"""The public transparency dashboard and its open data (no login)."""

from django.urls import path

from lms.transparency import views

app_name = "transparency"

urlpatterns = [
    path("transparencia/", views.dashboard, name="dashboard"),
    path(
        "transparencia/datos/diccionario/",
        views.dictionary,
        name="dictionary",
    ),
    path(
        "transparencia/datos/diccionario.json",
        views.dictionary_json,
        name="dictionary_json",
    ),
    path(
        "transparencia/datos/<slug:dataset>.csv",
        views.dataset_csv,
        name="dataset_csv",
    ),
    path(
        "transparencia/datos/<slug:dataset>.json",
        views.dataset_json,
        name="dataset_json",
    ),
]
