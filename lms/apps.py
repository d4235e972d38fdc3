from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning")

    def ready(self) -> None:
        # Importing the receivers' modules connects them; Wagtail's exports
        # and search boxes, the admin's listings included, follow our rules.
        from courses.search_terms import bound_admin_search, match_plain_text
        from lms.accounts import audit_receivers, receivers  # noqa: F401
        from lms.cohorts import receivers as cohort_receivers  # noqa: F401
        from lms.lib.sheet_names import name_wagtail_sheets
        from lms.lib.spreadsheet_cells import protect_wagtail_exports
        from lms.materials import receivers as material_receivers  # noqa: F401
        from lms.staff import receivers as staff_receivers  # noqa: F401

        protect_wagtail_exports()
        name_wagtail_sheets()
        bound_admin_search()
        match_plain_text()
