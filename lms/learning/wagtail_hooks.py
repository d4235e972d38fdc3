"""Wagtail hooks: the integrity office's page of learners out of attempts."""

from wagtail import hooks

from courses.models import CoursePage, LessonPage
from lms.learning import extra_attempts, views


@hooks.register("register_admin_urls")
def register_extra_attempt_urls():
    return extra_attempts.urlpatterns


@hooks.register("register_admin_menu_item")
def register_extra_attempt_menu_item():
    return extra_attempts.menu_item()


# Wagtail checks view restrictions (private or group-only pages) in its own
# on_serve_page wrapper; order=100 puts this one inside it, so those checks
# run first. Editors' previews do not pass through this chain.
@hooks.register("on_serve_page", order=100)
def serve_with_learner_state(next_serve):
    """Let lms serve course and lesson pages, which know nothing of learners."""

    def serve(page, request, serve_args, serve_kwargs):
        if isinstance(page, LessonPage):
            return views.lesson(request, page)
        if isinstance(page, CoursePage):
            return views.course(request, page)
        return next_serve(page, request, serve_args, serve_kwargs)

    return serve
