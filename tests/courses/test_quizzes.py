import random

import pytest

from courses.quizzes import InvalidAnswers, Option, Question, draw, parse_answers, score


def make_question(qid: str, kind: str = "single_choice", correct=("a",), options="abc"):
    return Question(
        id=qid,
        kind=kind,
        prompt=f"¿Pregunta {qid}?",
        options=tuple(Option(o, f"Opción {o}", o in correct) for o in options),
        explanation="Porque sí.",
    )


BANK = [make_question(str(n)) for n in range(10)]


def test_draw_picks_the_requested_number_of_distinct_questions():
    drawn = draw(BANK, 4, random.Random(1))
    assert len(drawn) == 4
    assert len({q.id for q in drawn}) == 4


def test_draw_order_differs_between_attempts():
    orders = {
        tuple(q.id for q in draw(BANK, 10, random.Random(seed))) for seed in range(5)
    }
    assert len(orders) > 1


def test_draw_shuffles_options_but_keeps_which_one_is_correct():
    drawn = draw(
        [make_question("q", options="abcd", correct=("c",))] * 1, 1, random.Random(3)
    )
    option = next(o for o in drawn[0].options if o.correct)
    assert option.id == "c"
    assert sorted(o.id for o in drawn[0].options) == ["a", "b", "c", "d"]


def test_draw_keeps_true_before_false():
    question = make_question(
        "tf", kind="true_false", correct=("true",), options=["true", "false"]
    )
    for seed in range(5):
        assert [o.id for o in draw([question], 1, random.Random(seed))[0].options] == [
            "true",
            "false",
        ]


def test_draw_never_asks_for_more_than_the_bank_holds():
    assert len(draw(BANK[:3], 8, random.Random(0))) == 3


def test_question_survives_a_round_trip_through_json():
    question = make_question("x", kind="multiple_choice", correct=("a", "b"))
    assert Question.from_dict(question.to_dict()) == question


def test_score_counts_a_multiple_choice_only_when_the_set_is_exact():
    multi = make_question("m", kind="multiple_choice", correct=("a", "b"))
    assert score([multi], {"m": frozenset({"a", "b"})}).correct == 1
    assert score([multi], {"m": frozenset({"a"})}).correct == 0
    assert score([multi], {"m": frozenset({"a", "b", "c"})}).correct == 0


def test_score_percent_rounds_down_so_nobody_passes_by_rounding():
    questions = [make_question(str(n)) for n in range(3)]
    answers = {"0": frozenset("a"), "1": frozenset("a"), "2": frozenset("b")}
    assert score(questions, answers).percent == 66


def test_parse_answers_returns_the_choices_per_question():
    questions = [make_question("1"), make_question("2", kind="multiple_choice")]
    assert parse_answers(questions, {"1": ["b"], "2": ["a", "c"]}) == {
        "1": frozenset({"b"}),
        "2": frozenset({"a", "c"}),
    }


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("submitted", "message"),
    [
        ({"1": ["a"], "99": ["a"]}, "not part of this attempt"),
        ({"1": ["zzz"]}, "option that does not exist"),
        ({"1": ["a", "b"]}, "Only one option"),
        ({}, "answer every question"),
        ({"1": []}, "answer every question"),
    ],
)
def test_parse_answers_rejects_tampered_or_incomplete_submissions(submitted, message):
    with pytest.raises(InvalidAnswers, match=message):
        parse_answers([make_question("1")], submitted)
