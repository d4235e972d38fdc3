"""The public list of certified trainers, and each trainer's consent to it."""

from django.urls import path

from lms import trainer_views

app_name = "trainers"

urlpatterns = [
    path("formadores/", trainer_views.trainer_list, name="list"),
    path("formador/listado-publico/", trainer_views.listing, name="listing"),
]
