"""Course content as Wagtail pages: catalogue → course → (module →) lesson."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses import quizzes
from courses.blocks import LessonBodyBlock, QuestionBankBlock
from courses.dates import MAX_PERIOD_MONTHS, add_months, last_day_counting
from courses.search import with_plain_copies


class Audience(models.TextChoices):
    PUBLIC_SERVANTS = "public_servants", _("New public servants")
    SENIOR_OFFICIALS = "senior_officials", _("Governors and senior officials")
    TRAINERS = "trainers", _("Integrity trainers")
    CITIZENS = "citizens", _("Citizens")
    BUSINESSES = "businesses", _("Businesses")


class ResultReveal(models.TextChoices):
    """What the result of a failed attempt shows while attempts remain."""

    SCORE = "score", _("The score only")
    MISTAKES = "mistakes", _("Which questions were wrong, with their explanations")
    ANSWERS = "answers", _("Every question's correct options")


class TitleForm(models.TextChoices):
    """How a certificate title reads for its holder, who chooses it."""

    MASCULINE = "masculine", _("Masculine (for example «Ciudadano por la Integridad»)")
    FEMININE = "feminine", _("Feminine (for example «Ciudadana por la Integridad»)")
    NEUTRAL = (
        "neutral",
        _(
            "Without gender (for example «Integrante de la Ciudadanía por la "
            "Integridad»)"
        ),
    )


class CataloguePage(Page):
    """The public home page: every published course, grouped by audience."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = with_plain_copies(Page.search_fields)
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1
    # How long the rendered course list is kept at most: courses.catalogue_cache
    # forgets it as soon as a page is published or changed otherwise.
    list_cache_seconds = 24 * 60 * 60

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        """Find the page a path names in two queries, not two per tree level.

        Wagtail walks the path one slug at a time, each step a query for the
        child and one for its specific type: six for a lesson. Every page
        stores its path of slugs (url_path), so the deepest page under this
        one whose url_path starts the request's path is one query away; it
        then routes what is left of the path, as Wagtail's walk would have.
        """
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[:length])
            for length in range(1, len(path_components) + 1)
        ]
        deepest = (
            Page.objects.descendant_of(self)
            .filter(url_path__in=prefixes)
            .order_by("-depth")
            .specific()
            .first()
        )
        if deepest is None:
            return super().route(request, path_components)
        return deepest.route(request, path_components[deepest.depth - self.depth :])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A callable, which the template calls only when its cached fragment
        # has expired: public() reads the view restrictions as it is built.
        context["courses"] = self.listed_courses
        return context

    def listed_courses(self):
        return CoursePage.objects.child_of(self).live().public().order_by("path")


class CoursePage(Page):
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    summary = models.TextField(_("summary"), help_text=_("Shown in the catalogue."))
    learning_outcomes = models.TextField(
        _("learning outcomes"), help_text=_("One outcome per line.")
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    mandatory_for_staff = models.BooleanField(_("mandatory for staff"), default=False)
    validity_months = models.PositiveSmallIntegerField(
        _("validity in months"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the certificate never expires."),
        validators=[MaxValueValidator(MAX_PERIOD_MONTHS)],
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, validators=[MinValueValidator(1)]
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Drawn at random from the question bank for each attempt."),
    )
    result_reveals = models.CharField(
        _("a failed attempt's result shows"),
        max_length=10,
        choices=ResultReveal.choices,
        default=ResultReveal.MISTAKES,
        help_text=_(
            "Showing the correct options lets a learner memorise them for the "
            "next attempt. Once the learner passes or has no attempts left, the "
            "result shows every correct option."
        ),
    )
    certificate_title = models.CharField(
        _("certificate title"),
        max_length=200,
        help_text=_(
            "As it reads for a man, or for anyone if it names no person "
            "(«Constancia de …»)."
        ),
    )
    # A title that names its holder ("Ciudadano por la Integridad") agrees
    # with the holder's choice (Person.title_form); empty variants fall back
    # to the title above, which suits titles that name no person.
    certificate_title_feminine = models.CharField(
        _("certificate title for a woman"),
        max_length=200,
        blank=True,
        help_text=_("For example «Ciudadana por la Integridad». Empty: as above."),
    )
    certificate_title_neutral = models.CharField(
        _("certificate title without gender"),
        max_length=200,
        blank=True,
        help_text=_(
            "For holders who choose no gender, for example «Integrante de la "
            "Ciudadanía por la Integridad». Empty: as above."
        ),
    )
    cohort_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance required in a trainer-led group (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "A participant of a group completes the course with at least this "
            "share of its sessions attended and the assessment passed."
        ),
    )
    question_bank = StreamField(
        QuestionBankBlock(), blank=True, verbose_name=_("question bank")
    )
    company_completions_required = models.PositiveSmallIntegerField(
        _("people of a company who must complete it"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "For a business course: how many of a company's people, its "
            "representative included, must complete it for the company's "
            "certificate."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("audience"),
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        FieldRowPanel([FieldPanel("estimated_hours"), FieldPanel("validity_months")]),
        FieldPanel("mandatory_for_staff"),
        MultiFieldPanel(
            [
                FieldPanel("certificate_title"),
                FieldPanel("certificate_title_feminine"),
                FieldPanel("certificate_title_neutral"),
            ],
            heading=_("Certificate title"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("pass_mark"),
                        FieldPanel("max_attempts"),
                        FieldPanel("questions_per_attempt"),
                    ]
                ),
                FieldPanel("result_reveals"),
                FieldPanel("question_bank"),
            ],
            heading=_("Final assessment"),
        ),
        FieldPanel("cohort_attendance_percent"),
        FieldPanel("company_completions_required"),
    ]
    search_fields = with_plain_copies(
        [
            *Page.search_fields,
            index.SearchField("summary"),
            index.SearchField("learning_outcomes"),
            index.FilterField("audience"),
        ]
    )
    # The question bank is left out on purpose: its answers must stay secret.
    api_fields = [
        APIField("audience"),
        APIField("summary"),
        APIField("learning_outcomes"),
        APIField("estimated_hours"),
        APIField("mandatory_for_staff"),
        APIField("validity_months"),
        APIField("pass_mark"),
        APIField("max_attempts"),
        APIField("certificate_title"),
        APIField("certificate_title_feminine"),
        APIField("certificate_title_neutral"),
        APIField("cohort_attendance_percent"),
        APIField("company_completions_required"),
    ]
    parent_page_types = ["courses.CataloguePage"]
    subpage_types = ["courses.ModulePage", "courses.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def clean(self) -> None:
        super().clean()
        if self.question_bank and self.questions_per_attempt > len(self.question_bank):
            raise ValidationError(
                {
                    "questions_per_attempt": ngettext(
                        "The bank has only %(count)d question.",
                        "The bank has only %(count)d questions.",
                        len(self.question_bank),
                    )
                    % {"count": len(self.question_bank)}
                }
            )

    def certificate_title_for(self, form: str) -> str:
        """Return the certificate title as it reads in the holder's chosen form."""
        variants = {
            TitleForm.FEMININE: self.certificate_title_feminine,
            TitleForm.NEUTRAL: self.certificate_title_neutral,
        }
        return variants.get(form) or self.certificate_title

    def outcomes(self) -> list[str]:
        return [
            line.strip() for line in self.learning_outcomes.splitlines() if line.strip()
        ]

    def lessons(self) -> models.QuerySet[LessonPage]:
        """Return the published lessons in reading order, across modules."""
        return LessonPage.objects.live().descendant_of(self).order_by("path")

    def outline(self) -> list[tuple[ModulePage | None, list[LessonPage]]]:
        """Return the published lessons grouped under their modules, in order."""
        modules = {
            module.path: module for module in ModulePage.objects.child_of(self).live()
        }
        sections: list[tuple[ModulePage | None, list[LessonPage]]] = []
        for lesson in self.lessons().defer_streamfields():
            module = modules.get(lesson.path[: -Page.steplen])
            if not sections or sections[-1][0] is not module:
                sections.append((module, []))
            sections[-1][1].append(lesson)
        return sections

    def validity_ends(self, completed_on: date) -> date | None:
        """Return the last day a completion on `completed_on` counts, or None."""
        return last_day_counting(completed_on, self.validity_months)

    def earliest_completion_counting_on(self, day: date) -> date | None:
        """Return the earliest completion day still counting on `day`, or None.

        None if completions never lapse. The same day `validity_months`
        earlier has always lapsed, and `validity_ends` only grows with the
        day: stepping on from it crosses at most the few days by which the
        months' ends differ.
        """
        if not self.validity_months:
            return None
        completed_on = add_months(day, -self.validity_months)
        while self.validity_ends(completed_on) < day:
            completed_on += timedelta(days=1)
        return completed_on

    def questions(self) -> list[quizzes.Question]:
        return quizzes.questions_from_stream(self.question_bank)


class ModulePage(Page):
    """A group of lessons inside a course; it has no learning state of its own."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = with_plain_copies(Page.search_fields)
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        return redirect(self.get_parent().url + f"#modulo-{self.pk}")


class LessonPage(Page):
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=15, validators=[MinValueValidator(1)]
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("minutes"),
        FieldPanel("body"),
    ]
    search_fields = with_plain_copies([*Page.search_fields, index.SearchField("body")])
    api_fields = [APIField("summary"), APIField("minutes")]
    parent_page_types = ["courses.CoursePage", "courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    def course(self) -> CoursePage:
        return CoursePage.objects.ancestor_of(self).get()
