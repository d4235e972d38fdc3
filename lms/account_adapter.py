"""allauth's account adapter, with rate-limited logins on the audit trail."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from lms.audit import attempted_account, audit


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials) -> None:
        """Refuse a login over the failed-login limits, and say so in the trail."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            audit("login_throttled", request=request, **attempted_account(credentials))
            raise
