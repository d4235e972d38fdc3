"""The public list of certified trainers."""

app_name = "trainers"

urlpatterns: list = []
