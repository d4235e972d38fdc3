"""Every e-mail the platform sends: one text, its HTML twin, one signature.

Templates are plain text: templates/emails/<name>_subject.txt and _body.txt,
allauth's under templates/account/email/ (lms.accounts.adapter), Wagtail's
under templates/wagtailadmin/notifications/ (lms.templatetags.emails).
`finish` puts the site's name in the subject and the organisation's signature
under the body; `build_message` adds an HTML part made from that same text, so
the two parts never say different things and a template written for text
alone gets its HTML too.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe
from django_tasks import task

# RFC 3676's signature separator: mail clients recognise it, and the HTML
# part sets what follows it apart as the footer.
SIGNATURE_SEPARATOR = "\n-- \n"


LINK_STYLE = "color:#9b1c1c;word-break:break-all;"


LIST_ITEM = "- "


def site_url() -> str:
    """Return the public site's address, with no trailing slash."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def render_email(name: str, context: dict) -> tuple[str, str]:
    """Return the finished subject and body of templates/emails/`name`_*.txt."""
    return finish(
        render_text(f"emails/{name}_subject.txt", context),
        render_text(f"emails/{name}_body.txt", context),
    )


def render_text(template_name: str, context: dict, *, language: str = "es") -> str:
    """Render a plain-text template, with no HTML escaping.

    A company called "Café & Hijos" stays so in a text e-mail, whether or not
    its template says autoescape off; the HTML part escapes it itself.
    """
    template = get_template(template_name).template
    # People read Spanish whatever language the command or the admin runs in.
    with translation.override(language):
        return template.render(Context(context, autoescape=False))


def finish(subject: str, body: str) -> tuple[str, str]:
    """Return the subject under the site's name and the body signed."""
    subject = " ".join(subject.split())
    prefix = f"[{settings.WAGTAIL_SITE_NAME}] "
    if not subject.startswith(prefix):
        subject = prefix + subject
    return subject, f"{body.strip()}{SIGNATURE_SEPARATOR}{signature()}\n"


def signature() -> str:
    with translation.override("es"):
        text = render_to_string(
            "emails/signature.txt",
            {"site_name": settings.WAGTAIL_SITE_NAME, "site_url": site_url()},
        )
    return text.strip()


def build_message(
    *, to: str | list[str], subject: str, body: str
) -> EmailMultiAlternatives:
    """Return the e-mail with `body` as its text part and HTML made from it."""
    message = EmailMultiAlternatives(
        subject, body, to=[to] if isinstance(to, str) else list(to)
    )
    message.attach_alternative(to_html(subject, body), "text/html")
    return message


def to_html(subject: str, body: str) -> str:
    """Return `body` in the shared HTML layout: escaped, its links clickable.

    Blank lines separate paragraphs; lines starting with "- " make a list.
    """
    text, _separator, signed = body.partition(SIGNATURE_SEPARATOR)
    with translation.override("es"):
        return render_to_string(
            "emails/layout.html",
            {
                "subject": subject,
                "site_name": settings.WAGTAIL_SITE_NAME,
                "site_url": site_url(),
                "blocks": [
                    block
                    for paragraph in re.split(r"\n\s*\n", text.strip())
                    for block in _blocks(paragraph.splitlines())
                ],
                "signature": _joined(signed.strip().splitlines()),
            },
        )


def _blocks(lines: list[str]) -> list[tuple[str, list[SafeString] | SafeString]]:
    """Split a paragraph's lines into runs of text and runs of list items."""
    blocks: list = []
    for line in lines:
        kind = "list" if line.startswith(LIST_ITEM) else "text"
        if not blocks or blocks[-1][0] != kind:
            blocks.append((kind, []))
        blocks[-1][1].append(line.removeprefix(LIST_ITEM) if kind == "list" else line)
    return [
        (kind, [_linked(item) for item in items] if kind == "list" else _joined(items))
        for kind, items in blocks
    ]


def _joined(lines: list[str]) -> SafeString:
    return mark_safe("<br>\n".join(_linked(line) for line in lines))


def _linked(line: str) -> SafeString:
    """Escape the line and make its addresses links."""
    html = urlize(line.strip(), autoescape=True)
    # Escaping turned every "<" of the text into "&lt;": each "<a " left is
    # one of urlize's own links.
    return mark_safe(html.replace("<a ", f'<a style="{LINK_STYLE}" '))


@task()
def send_email(to: str, subject: str, body: str) -> None:
    """Send one e-mail finished by render_email, with its HTML part.

    The job carries the text alone and the HTML is made here from it, so jobs
    queued before a change of layout are sent in the new one.
    """
    build_message(to=to, subject=subject, body=body).send()
