"""Similar-question suggestions (trigrams on PostgreSQL, shared words elsewhere)."""

from pathlib import Path

import pytest

from answers import services
from answers.importers.page_text import parse_page_text
from answers.similar import distinctive_words, question_core, similar_questions

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "pq-texts"


@pytest.fixture
def real_questions():
    """The real questions in tests/data, each imported as staff would paste them."""
    for path in sorted(DATA.glob("*.txt")):
        services.questions_import_pages(records=parse_page_text(path.read_text(encoding="utf-8")))


def headings(results):
    return [question.heading for question in results]


@pytest.mark.parametrize(
    "heading,text,expected",
    [
        # The same question again finds itself first.
        (
            "Dental Services: Carers",
            "To ask the Secretary of State for Health and Social Care, what steps his "
            "Department is taking to ensure carers are prioritised for NHS dental care.",
            "Dental Services: Carers",
        ),
        # Reworded, with a different heading.
        (
            "Dentistry: carers",
            "To ask the Secretary of State for Health and Social Care, whether carers will "
            "be given priority access to NHS dentists.",
            "Dental Services: Carers",
        ),
        (
            "Free school meals",
            "To ask the Secretary of State for Education, what the cost would be of "
            "universal free school meals in primary schools.",
            "Primary Education: Free School Meals",
        ),
    ],
)
def test_finds_the_question_already_logged(real_questions, heading, text, expected):
    assert headings(similar_questions(heading=heading, text=text))[0] == expected


def test_unrelated_question_finds_nothing(real_questions):
    results = similar_questions(
        heading="Bus Services: Rural Areas",
        text="To ask the Secretary of State for Transport, what steps he is taking to "
        "support rural bus services.",
    )
    assert results == []


def test_same_department_boilerplate_alone_is_not_similar(real_questions):
    # Every DHSC question opens "To ask the Secretary of State for Health and
    # Social Care, what steps his Department is taking to": that is not a match.
    results = similar_questions(
        heading="Hospices: Finance",
        text="To ask the Secretary of State for Health and Social Care, what steps his "
        "Department is taking to fund hospices.",
    )
    assert results == []


def test_at_most_five_best_first(make_question):
    for n in range(8):
        make_question(
            heading=f"Infant Mortality {n}",
            text="To ask the Secretary of State for Health and Social Care, what steps he "
            f"is taking to reduce infant mortality in Romford {'and Havering' * (n % 3)}.",
        )
    results = similar_questions(
        heading="Infant Mortality",
        text="To ask the Secretary of State for Health and Social Care, what steps he is "
        "taking to reduce infant mortality in Romford.",
    )
    assert len(results) == 5
    scores = [question.similarity for question in results]
    assert scores == sorted(scores, reverse=True)


def test_the_question_itself_can_be_left_out(make_question):
    question = make_question(heading="Infant Mortality", text="To ask about infant deaths.")
    assert similar_questions(heading="Infant Mortality", text="To ask about infant deaths.")
    assert (
        similar_questions(
            heading="Infant Mortality", text="To ask about infant deaths.", exclude_pk=question.pk
        )
        == []
    )


def test_nothing_to_compare_returns_nothing(make_question):
    make_question()
    assert similar_questions(heading="", text="") == []
    assert similar_questions(heading=" ", text="To ask the Secretary of State for Education,") == []


def test_opening_formula_and_common_words_are_ignored():
    assert question_core(
        "To ask the Secretary of State for Education, what steps she is taking."
    ) == ("what steps she is taking.")
    assert question_core("To ask His Majesty's Government what plans they have.") == (
        "what plans they have."
    )
    assert distinctive_words("what steps his Department is taking on dentists") == {"dentist"}


def test_one_query(make_question, django_assert_num_queries):
    make_question(heading="Infant Mortality")
    with django_assert_num_queries(1):
        similar_questions(heading="Infant Mortality", text="To ask about infant deaths.")
