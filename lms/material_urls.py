"""Course material for offline teaching: participant PDF, facilitator guide, ZIP."""

app_name = "materials"

urlpatterns: list = []
