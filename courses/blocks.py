"""StreamField blocks for lesson bodies and the assessment question bank."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageBlock(blocks.StructBlock):
    """An image that every reader can perceive: the alt text is required."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("Image")


class VideoBlock(blocks.StructBlock):
    """An embedded video with its transcript, for slow connections and deaf readers."""

    video = EmbedBlock(label=_("Video URL"), max_width=800)
    transcript = blocks.TextBlock(
        label=_("Transcript"),
        help_text=_("Full text of what is said in the video."),
    )

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        label = _("Video")


class DocumentBlock(blocks.StructBlock):
    """A file the learner can download, such as the text of a law."""

    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/document_block.html"
        label = _("Downloadable document")


class NoteBlock(blocks.StructBlock):
    """A highlighted box: a tip, a warning or the legal basis of a rule."""

    kind = blocks.ChoiceBlock(
        label=_("Note type"),
        choices=[
            ("info", _("Information")),
            ("warning", _("Warning")),
            ("legal", _("Legal basis")),
        ],
        default="info",
    )
    title = blocks.CharBlock(label=_("Title"), required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "blocks/note_block.html"
        label = _("Highlighted note")


class DilemmaChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Choice"))
    feedback = blocks.TextBlock(label=_("Feedback"))
    recommended = blocks.BooleanBlock(label=_("Recommended choice"), required=False)


class DilemmaBlock(blocks.StructBlock):
    """An ungraded integrity case: each choice reveals its own feedback."""

    case = blocks.TextBlock(label=_("Case"))
    question = blocks.CharBlock(label=_("Question"))
    choices = blocks.ListBlock(DilemmaChoiceBlock(), label=_("Choices"), min_num=2)

    class Meta:
        icon = "help"
        template = "blocks/dilemma_block.html"
        label = _("Integrity dilemma")


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    note = NoteBlock()
    dilemma = DilemmaBlock()


class AnswerOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Option"))
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)


class ChoiceQuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Question"))
    options = blocks.ListBlock(AnswerOptionBlock(), label=_("Options"), min_num=2)
    explanation = blocks.TextBlock(
        label=_("Explanation"), help_text=_("Shown to the learner after submitting.")
    )

    #: How many options may be marked correct: (minimum, maximum or None).
    correct_range: tuple[int, int | None] = (1, None)

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["correct"])
        low, high = self.correct_range
        if correct < low or (high is not None and correct > high):
            raise StructBlockValidationError(
                block_errors={"options": ValidationError(self.correct_range_message)}
            )
        return value


class SingleChoiceQuestionBlock(ChoiceQuestionBlock):
    correct_range = (1, 1)
    correct_range_message = _("Mark exactly one option as correct.")

    class Meta:
        icon = "radio-full"
        label = _("Single answer question")


class MultipleChoiceQuestionBlock(ChoiceQuestionBlock):
    correct_range = (1, None)
    correct_range_message = _("Mark at least one option as correct.")

    class Meta:
        icon = "list-ul"
        label = _("Multiple answer question")


class TrueFalseQuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Statement"))
    answer = blocks.BooleanBlock(
        label=_("The statement is true"), required=False, default=False
    )
    explanation = blocks.TextBlock(
        label=_("Explanation"), help_text=_("Shown to the learner after submitting.")
    )

    class Meta:
        icon = "tick"
        label = _("True or false question")


class QuestionBankBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
