"""Wagtail hooks: the integrity office's page of learners out of attempts."""

from wagtail import hooks

from lms import attempt_admin


@hooks.register("register_admin_urls")
def register_extra_attempt_urls():
    return attempt_admin.urlpatterns


@hooks.register("register_admin_menu_item")
def register_extra_attempt_menu_item():
    return attempt_admin.menu_item()
