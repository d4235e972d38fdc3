"""The catalogue's course list, rendered once per language until an editor publishes.

Everyone who opens the home page sees the same list, and it changes only
when a page is published, unpublished, moved, deleted or restricted, or the
site's address changes. Rendering it cost two queries, a cache read for the
site's root paths and a card per course on every visit; now it costs one
cache read. The template (courses/catalogue_page.html) keeps the fragment
under FRAGMENT with the language and the catalogue's id.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.models import CataloguePage

# The name the template's {% cache %} tag gives the fragment.
FRAGMENT = "catalogue-courses"


def forget(**kwargs) -> None:
    cache.delete_many(
        [
            make_template_fragment_key(FRAGMENT, [language, catalogue])
            for catalogue in CataloguePage.objects.values_list("pk", flat=True)
            for language, _name in settings.LANGUAGES
        ]
    )


def connect() -> None:
    """Forget the fragment whenever what it shows may have changed."""
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget, dispatch_uid=f"catalogue-cache-{id(signal)}")
    for model in (PageViewRestriction, Site):
        post_save.connect(forget, sender=model, dispatch_uid=f"catalogue-save-{model}")
    for model in (Page, PageViewRestriction, Site):
        post_delete.connect(forget, sender=model, dispatch_uid=f"catalogue-del-{model}")
