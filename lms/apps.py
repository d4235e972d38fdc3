from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning")

    def ready(self) -> None:
        # Connect the signal handlers.
        from lms import audit_receivers, receivers  # noqa: F401
        from lms.editions import receivers as edition_receivers  # noqa: F401

        # Wagtail's exports and search boxes, the admin's listings included,
        # follow the same rules as ours.
        from lms.lib.sheet_names import name_wagtail_sheets
        from lms.search_terms import bound_admin_search, match_plain_text
        from lms.spreadsheet_cells import protect_wagtail_exports

        protect_wagtail_exports()
        name_wagtail_sheets()
        bound_admin_search()
        match_plain_text()
