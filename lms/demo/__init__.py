"""The demo site: catalogue, organisations and staff, the trainer cascade."""
