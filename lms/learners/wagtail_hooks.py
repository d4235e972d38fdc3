"""Wagtail hooks of the learner's pages: course and lesson pages, with her state."""

from wagtail import hooks

from courses.models import CoursePage, LessonPage
from lms.learners import views


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
