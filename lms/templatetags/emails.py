"""Tags for e-mail templates that others render: Wagtail's notifications."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from lms.lib.emails import SIGNATURE_SEPARATOR, render_text, signature, to_html

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag
def email_signature() -> SafeString:
    """Return the organisation's signature with its separator, as finish adds."""
    return mark_safe(SIGNATURE_SEPARATOR + signature())


@register.simple_tag(takes_context=True)
def email_html(context: template.Context, name: str) -> SafeString:
    """Return the HTML twin of wagtailadmin/notifications/`name` (.txt).

    Wagtail renders each notification's HTML from a template of its own; this
    one makes it from the text, as every other e-mail of the site, in the
    language Wagtail wrote the text in: the recipient's.
    """
    user = context.get("user")
    language = user.wagtail_userprofile.get_preferred_language() if user else "es"
    flat = context.flatten()
    prefix = f"wagtailadmin/notifications/{name}"
    subject = render_text(f"{prefix}_subject.txt", flat, language=language)
    body = render_text(f"{prefix}.txt", flat, language=language)
    return mark_safe(to_html(" ".join(subject.split()), body))
