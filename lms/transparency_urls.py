"""The public transparency dashboard and its open data (no login)."""

from django.urls import path

from lms import transparency_views

app_name = "transparency"

urlpatterns = [
    path("transparencia/", transparency_views.dashboard, name="dashboard"),
    path(
        "transparencia/datos/diccionario/",
        transparency_views.dictionary,
        name="dictionary",
    ),
    path(
        "transparencia/datos/diccionario.json",
        transparency_views.dictionary_json,
        name="dictionary_json",
    ),
    path(
        "transparencia/datos/<slug:dataset>.csv",
        transparency_views.dataset_csv,
        name="dataset_csv",
    ),
    path(
        "transparencia/datos/<slug:dataset>.json",
        transparency_views.dataset_json,
        name="dataset_json",
    ),
]
