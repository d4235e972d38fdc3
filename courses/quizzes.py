"""Drawing, checking and scoring assessment questions, with no database involved.

An attempt keeps a snapshot of the questions it drew (as plain dicts), so an
editor changing the bank mid-attempt never changes what a learner is scored on.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _


class InvalidAnswers(ValueError):
    """The submitted answers do not fit the attempt's questions."""


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    prompt: str
    options: tuple[Option, ...]
    explanation: str

    @classmethod
    def from_dict(cls, data: Mapping) -> Question:
        options = tuple(Option(**option) for option in data["options"])
        return cls(**{**data, "options": options})

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def allows_many(self) -> bool:
        return self.kind == "multiple_choice"

    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    chosen: frozenset[str]

    @property
    def is_correct(self) -> bool:
        return self.chosen == self.question.correct_ids()


@dataclass(frozen=True)
class Score:
    results: tuple[QuestionResult, ...]

    @property
    def correct(self) -> int:
        return sum(result.is_correct for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def percent(self) -> int:
        """Return the whole percentage, rounded down so a pass is never rounded up."""
        return self.correct * 100 // self.total if self.total else 0


def questions_from_stream(stream: Iterable) -> list[Question]:
    """Turn the course's question-bank StreamField into plain questions."""
    questions = []
    for block in stream:
        value = block.value
        if block.block_type == "true_false":
            options = (
                Option("true", _("True"), bool(value["answer"])),
                Option("false", _("False"), not value["answer"]),
            )
        else:
            options = tuple(
                Option(child.id, child.value["text"], bool(child.value["correct"]))
                for child in value["options"].bound_blocks
            )
        questions.append(
            Question(
                id=block.id,
                kind=block.block_type,
                prompt=value["prompt"],
                options=options,
                explanation=value["explanation"],
            )
        )
    return questions


def draw(bank: Sequence[Question], count: int, rng: random.Random) -> list[Question]:
    """Pick `count` questions in random order, shuffling the options of each."""
    drawn = rng.sample(list(bank), min(count, len(bank)))
    shuffled = []
    for question in drawn:
        options = list(question.options)
        if question.kind != "true_false":
            rng.shuffle(options)
        shuffled.append(Question(**{**question.__dict__, "options": tuple(options)}))
    return shuffled


def parse_answers(
    questions: Sequence[Question], submitted: Mapping[str, list[str]]
) -> dict[str, frozenset[str]]:
    """Check a submission against the attempt's questions and return its choices.

    `submitted` maps question ids to the option ids chosen. Anything that does
    not belong to the attempt is rejected rather than ignored, since it means a
    tampered or stale form.
    """
    by_id = {question.id: question for question in questions}
    unknown = set(submitted) - set(by_id)
    if unknown:
        raise InvalidAnswers(
            _("The answers include questions that are not part of this attempt.")
        )
    answers = {}
    for question in questions:
        chosen = frozenset(submitted.get(question.id, []))
        if not chosen:
            raise InvalidAnswers(_("Please answer every question before submitting."))
        if not chosen <= {option.id for option in question.options}:
            raise InvalidAnswers(
                _("An answer refers to an option that does not exist.")
            )
        if len(chosen) > 1 and not question.allows_many:
            raise InvalidAnswers(_("Only one option may be chosen for this question."))
        answers[question.id] = chosen
    return answers


def score(
    questions: Sequence[Question], answers: Mapping[str, frozenset[str]]
) -> Score:
    """Score all-or-nothing per question: a multiple choice needs the exact set."""
    return Score(
        tuple(
            QuestionResult(question, answers.get(question.id, frozenset()))
            for question in questions
        )
    )
