from wagtail import hooks

from courses.models import CoursePage, LessonPage
from lms import views


@hooks.register("before_serve_page")
def serve_with_learner_state(page, request, serve_args, serve_kwargs):
    """Let lms serve course and lesson pages, which know nothing of learners.

    Previews do not pass through this hook, so editors see the plain content.
    """
    if isinstance(page, LessonPage):
        return views.lesson(request, page)
    if isinstance(page, CoursePage):
        return views.course(request, page)
    return None
