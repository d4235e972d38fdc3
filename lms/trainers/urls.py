"""The public list of certified trainers, and each trainer's consent to it."""

from django.urls import path

from lms.trainers import views

app_name = "trainers"

urlpatterns = [
    path("formadores/", views.trainer_list, name="list"),
    path("formador/listado-publico/", views.listing, name="listing"),
]
