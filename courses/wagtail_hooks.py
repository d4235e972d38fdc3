"""The editors' admin: what happens to their pages next, and their help menu."""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page


def _reviewed(request: HttpRequest, page: Page) -> str | None:
    """Return the page's workflow name if this user's changes go through it."""
    workflow = page.get_workflow()
    if workflow is None or page.permissions_for_user(request.user).can_publish():
        return None
    return workflow.name


@hooks.register("before_edit_page")
def explain_the_review(request: HttpRequest, page: Page) -> None:
    workflow = _reviewed(request, page)
    if request.method != "GET" or workflow is None:
        return
    if page.workflow_in_progress:
        text = _(
            "This page is in “%(workflow)s”: the integrity office reviews it and "
            "then publishes it or asks you for changes. You will get an e-mail "
            "either way; until then learners see the published version."
        )
    else:
        text = _(
            "When you finish, choose “Submit to %(workflow)s” (the arrow next to "
            "“Save draft”). The integrity office gets an e-mail, reviews the page "
            "and publishes it or asks you for changes; you get an e-mail with "
            "their decision."
        )
    messages.info(request, text % {"workflow": workflow})


@hooks.register("after_edit_page")
def say_what_happens_next(request: HttpRequest, page: Page) -> None:
    if request.POST.get("action-submit") and _reviewed(request, page):
        messages.info(
            request,
            _(
                "The integrity office has been notified by e-mail. Once it "
                "approves, the page is published and you get an e-mail; if it "
                "asks for changes, you get an e-mail saying which."
            ),
        )


@hooks.register("construct_help_menu")
def drop_wagtails_release_notes(request: HttpRequest, menu_items: list) -> None:
    """Leave out "What's new in Wagtail": English release notes for developers.

    Its label is also formatted once per process, in the language of the first
    request that builds the menu, so it could read in English on Spanish pages.
    """
    menu_items[:] = [
        item for item in menu_items if not item.name.startswith("whats-new-in-wagtail")
    ]
