from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage


class PageTreeTests(WagtailPageTestCase):
    def test_the_catalogue_holds_only_courses(self):
        self.assertAllowedSubpageTypes(CataloguePage, {CoursePage})

    def test_a_course_holds_modules_and_lessons(self):
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage, LessonPage})
        self.assertAllowedParentPageTypes(CoursePage, {CataloguePage})

    def test_a_module_holds_only_lessons(self):
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})

    def test_lessons_are_leaves_under_a_course_or_module(self):
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage, ModulePage})

    def test_the_catalogue_sits_at_the_root(self):
        self.assertAllowedParentPageTypes(CataloguePage, {Page})
