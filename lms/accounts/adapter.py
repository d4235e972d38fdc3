"""allauth's account adapter: rate-limited logins on the audit trail, and
allauth's e-mails written like every other e-mail of the site.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.urls import reverse

from lms.lib.audit import attempted_account, audit
from lms.lib.emails import build_message, finish, render_text, site_url


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials) -> None:
        """Refuse a login over the failed-login limits, and say so in the trail."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            audit("login_throttled", request=request, **attempted_account(credentials))
            raise

    def get_http_user_agent(self, request) -> str:
        """Return the browser's name, empty rather than allauth's English."""
        return request.META.get("HTTP_USER_AGENT", "")

    def send_notification_mail(
        self, template_prefix: str, user, context: dict | None = None, email=None
    ) -> None:
        """Send a notice of a change to the account, greeting its owner by name."""
        context = {"user": user, **(context or {})}
        super().send_notification_mail(template_prefix, user, context, email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Send allauth's e-mail `template_prefix` as every e-mail of the site.

        Needs no request: allauth sends some notices once the transaction
        commits, and it names the site by the request's host ("127.0.0.1:8000")
        where this names it by WAGTAIL_SITE_NAME.
        """
        context = {
            "email": email,
            **context,
            "current_site": SimpleNamespace(
                name=settings.WAGTAIL_SITE_NAME, domain=urlsplit(site_url()).netloc
            ),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "reset_url": site_url() + reverse("account_reset_password"),
        }
        self.render_mail(template_prefix, email, context).send()

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict,
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """Render templates/`template_prefix`_*.txt in Spanish, signed, with HTML.

        As lms.lib.emails.render_email does for the site's own e-mails.
        """
        subject, body = finish(
            render_text(f"{template_prefix}_subject.txt", context),
            render_text(f"{template_prefix}_message.txt", context),
        )
        message = build_message(to=email, subject=subject, body=body)
        message.from_email = self.get_from_email()
        message.extra_headers.update(headers or {})
        return message
