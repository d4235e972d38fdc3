from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # Imported for their side effects: a system check and the signal receivers.
        from certificates import checks, receivers  # noqa: F401
