"""The page-text parser against real page texts, their quirks and arbitrary input.

The samples under tests/data are verbatim copies of real pages (layouts A, B
and C of /work/shared/pq-texts, and the seed) with hand-checked ground truth;
the parser is pure, so no database is involved.
"""

import datetime
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answers.importers.page_text import PageRecord, PageTextError, parse_page_text

DATA = Path(__file__).parent / "data"
SAMPLE_FILES = sorted((DATA / "pq-texts").glob("*.txt")) + sorted((DATA / "seed").glob("*.txt"))
JSON_KEYS = [
    "heading",
    "date_tabled",
    "asking_member",
    "asking_member_party",
    "constituency",
    "house",
    "department",
    "question_text",
    "answered_by",
    "minister_role",
    "date_answered",
    "answer_text",
    "uin",
]
FURNITURE = ("View Source", "Reticulating Splines")


def _text(name: str) -> str:
    path = DATA / "seed" / name if name.startswith("infant") else DATA / "pq-texts" / name
    return path.read_text(encoding="utf-8")


def _expected(txt_path: Path) -> dict:
    truth = json.loads(txt_path.with_suffix(".json").read_text(encoding="utf-8"))
    truth.pop("source_url")
    # The ground-truth files were written before the uin field existed; none of
    # the samples shows a UIN, so the page-faithful value is None.
    truth.setdefault("uin", None)
    return truth


def _only(text: str) -> PageRecord:
    records = parse_page_text(text)
    assert len(records) == 1
    return records[0]


SAMPLE_TEXTS = [path.read_text(encoding="utf-8") for path in SAMPLE_FILES]


# --- the samples against their ground truth ------------------------------------


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_matches_ground_truth(path):
    record = _only(path.read_text(encoding="utf-8"))
    got = record.to_json_dict()
    expected = _expected(path)
    assert list(got) == JSON_KEYS
    for field in JSON_KEYS:
        assert got[field] == expected[field], field


def test_samples_cover_every_layout():
    # A guard on the fixture set itself: the suite means to exercise A, B and C.
    texts = "\n".join(SAMPLE_TEXTS)
    assert "(asked on " in texts and "Written Question\n" in texts and "Asked on: " in texts


def test_listing_of_every_sample_returns_all_records_in_order():
    listing = "\n\n".join(SAMPLE_TEXTS)
    records = parse_page_text(listing)
    assert [r.to_json_dict() for r in records] == [_expected(p) for p in SAMPLE_FILES]


def test_listing_of_parallel_parliament_entries_as_the_site_spaces_them():
    names = ["012.txt", "014.txt", "018.txt", "023.txt"]
    listing = "\n\n".join(_text(n).rstrip("\n") for n in names)
    records = parse_page_text(listing)
    assert [r.heading for r in records] == [_only(_text(n)).heading for n in names]
    assert [r.to_json_dict() for r in records] == [_expected(DATA / "pq-texts" / n) for n in names]


def test_listing_of_parliament_uk_entries_without_blank_lines_between():
    # On parliament.uk the next "Q" follows the previous answer directly.
    names = ["029.txt", "033.txt", "035.txt", "031.txt"]
    listing = "".join(_text(n) for n in names)
    records = parse_page_text(listing)
    assert [r.to_json_dict() for r in records] == [_expected(DATA / "pq-texts" / n) for n in names]


def test_page_preamble_before_the_first_entry_is_ignored():
    preamble = (
        "Written questions and answers\n\nShow\nby:\nFind by:\nClose\n\nUIN\n\n"
        "Unique Identifying Number – Every written question in the House of Commons has a UIN.\n"
        "Showing 1-20 out of 462\nResults per page 20 | 50 | 100\nExpand all answers\n"
        "Print selected\n"
    )
    record = _only(preamble + _text("029.txt"))
    assert record.to_json_dict() == _expected(DATA / "pq-texts" / "029.txt")


# --- line endings, spacing ------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_windows_line_endings_indentation_and_non_breaking_spaces(path):
    text = path.read_text(encoding="utf-8")
    messy = "\ufeff" + "\r\n".join(
        "  " + line.replace(" ", "\u00a0") + " \t" for line in text.split("\n")
    )
    assert _only(messy).to_json_dict() == _expected(path)


# --- quirks -----------------------------------------------------------------------

A_PAGE = """Schools: Heating

(asked on {date}) - View Source

Question to the Department for Education:

{question}


Answered by
Baroness Barran Portrait
Baroness Barran
Parliamentary Under Secretary of State (Department for Education)
This question was answered on 30th July 2024

The department has made no assessment.

Reticulating Splines
"""
COMMONS_QUESTION = "To ask the Secretary of State for Education, what assessment she has made."


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("12th February 2025", datetime.date(2025, 2, 12)),
        ("1st March 2020", datetime.date(2020, 3, 1)),
        ("2nd March 2020", datetime.date(2020, 3, 2)),
        ("3rd March 2020", datetime.date(2020, 3, 3)),
        ("22nd March 2020", datetime.date(2020, 3, 22)),
        ("03 March 2020", datetime.date(2020, 3, 3)),
        ("Monday 23rd January 2023", datetime.date(2023, 1, 23)),
        ("23 Jan 2023", datetime.date(2023, 1, 23)),
    ],
)
def test_ordinal_zero_padded_and_weekday_dates(shown, expected):
    record = _only(A_PAGE.format(date=shown, question=COMMONS_QUESTION))
    assert record.date_tabled == expected


def test_zero_padded_parliament_uk_dates():
    record = _only(_text("033.txt"))
    assert record.date_tabled == datetime.date(2020, 4, 24)
    assert record.date_answered == datetime.date(2020, 6, 5)  # "05 June 2020"


def test_listing_date_is_the_answer_date():
    record = _only(_text("012.txt"))  # "Monday 23rd January 2023"
    assert record.date_tabled is None
    assert record.date_answered == datetime.date(2023, 1, 23)


def test_missing_role_line_leaves_role_empty():
    record = _only(_text("011.txt"))
    assert record.answered_by == "Sam Gyimah"
    assert record.minister_role is None


def test_role_after_a_dash_in_a_listing_entry():
    record = _only(_text("014.txt"))
    assert (record.answered_by, record.minister_role) == ("Lord Hermer", "Attorney General")


def test_role_with_nested_brackets():
    record = _only(_text("023.txt"))
    assert record.answered_by == "Baroness Williams of Trafford"
    assert record.minister_role == (
        "Captain of the Honourable Corps of Gentlemen-at-Arms (HM Household) "
        "(Chief Whip, House of Lords)"
    )


def test_peer_has_a_party_and_no_constituency():
    record = _only(_text("023.txt"))
    assert record.asking_member == "Lord Taylor of Warwick"
    assert record.asking_member_party == "Non-affiliated"
    assert record.constituency is None
    assert record.house == "Lords"


def test_peer_shown_with_a_different_peerage_and_a_commons_looking_question():
    entry = _text("012.txt").replace(
        "Jessica Morden (Labour - Newport East)",
        "Baroness Garden of Frognal (Liberal Democrat - Life peer)",
    )
    record = _only(entry)
    assert record.asking_member == "Baroness Garden of Frognal"
    assert record.asking_member_party == "Liberal Democrat"
    assert record.constituency is None
    assert record.house == "Lords"  # a peer asked it, whatever the wording


def test_party_with_brackets_stays_whole():
    entry = _text("012.txt").replace(
        "Jessica Morden (Labour - Newport East)", "Dawn Butler (Labour (Co-op) - Brent East)"
    )
    record = _only(entry)
    assert record.asking_member == "Dawn Butler"
    assert record.asking_member_party == "Labour (Co-op)"
    assert record.constituency == "Brent East"


def test_honorific_kept_as_displayed():
    assert _only(_text("029.txt")).answered_by == "Mr Robert Goodwill"
    assert _only(_text("033.txt")).answered_by == "Ms Nadine Dorries"


def test_holding_answer_line_is_metadata():
    record = _only(_text("033.txt"))
    assert record.is_holding is True
    assert record.date_holding_answer == datetime.date(2020, 4, 29)
    assert "Holding answer" not in record.answer_text


def test_grouped_questions_line_is_metadata():
    record = _only(_text("035.txt"))
    assert record.grouped_uins == ("16197",)
    assert "Grouped" not in record.answer_text
    several = _text("035.txt").replace(
        "Grouped Questions: 16197", "Grouped Questions: 16197, 16198"
    )
    assert _only(several).grouped_uins == ("16197", "16198")


def test_no_holding_or_grouped_metadata_by_default():
    record = _only(_text("029.txt"))
    assert (record.is_holding, record.date_holding_answer, record.grouped_uins) == (False, None, ())


def test_holding_answer_in_a_listing_entry():
    entry = _text("018.txt").replace(
        "Minister of State (Minister for Europe)\n",
        "Minister of State (Minister for Europe)\n\nHolding answer received on 26 January 2018\n",
    )
    record = _only(entry)
    assert record.is_holding and record.date_holding_answer == datetime.date(2018, 1, 26)
    assert record.answer_text == _only(_text("018.txt")).answer_text


def test_unanswered_parliament_uk_entry():
    record = _only(_text("031.txt"))
    assert (record.answered_by, record.date_answered, record.answer_text) == (None, None, None)
    assert record.minister_role is None


def test_unanswered_question_page():
    page = _text("001.txt")
    unanswered = page[: page.index("Answered by")] + "Reticulating Splines\nRelated questions\n"
    record = _only(unanswered)
    assert (record.answered_by, record.date_answered, record.answer_text) == (None, None, None)
    assert record.question_text == _only(page).question_text


def test_awaiting_answer_notice_is_not_part_of_the_question():
    page = _text("001.txt")
    unanswered = page[: page.index("Answered by")] + "Awaiting Answer\n"
    record = _only(unanswered)
    assert record.question_text == _only(page).question_text
    assert record.answer_text is None


def test_lords_parliament_uk_entry_with_a_member_and_holding_answer():
    entry = (
        "Q\nAsked by Lord Ouseley\nAsked on: 08 May 2019\nDepartment for Education\n"
        "Social Mobility\nLords\nTo ask Her Majesty's Government what assessment they have made.\n"
        "A\nAnswered by: Lord Agnew of Oulton\nAnswered on: 22 May 2019\n"
        "Holding answer received on 21 May 2019\n\nSocial mobility is a top priority.\n"
    )
    record = _only(entry)
    assert (record.asking_member, record.constituency, record.house) == (
        "Lord Ouseley",
        None,
        "Lords",
    )
    assert (record.answered_by, record.date_answered) == (
        "Lord Agnew of Oulton",
        datetime.date(2019, 5, 22),
    )
    assert record.is_holding and record.date_holding_answer == datetime.date(2019, 5, 21)
    assert record.answer_text == "Social mobility is a top priority."


def test_unanswered_listing_entry_keeps_its_date_as_the_tabling_date():
    entry = _text("012.txt")
    record = _only(entry[: entry.index("Answered by")])
    assert (record.answered_by, record.date_answered, record.answer_text) == (None, None, None)
    # With no answer, the only date the entry can be showing is the asking date.
    assert record.date_tabled == datetime.date(2023, 1, 23)


def test_flattened_table_cells_are_paragraphs():
    answer = _only(_text("018.txt")).answer_text
    assert "2010-11\n\n2011-12" in answer
    assert "£4,496\n\nThe vast majority" in answer


def test_lines_without_a_blank_between_stay_one_paragraph():
    page = A_PAGE.format(date="1st May 2024", question=COMMONS_QUESTION).replace(
        "The department has made no assessment.\n",
        "Region\tSchools\nNorth\t12\nSouth\t9\n\nClosing paragraph.\n",
    )
    assert _only(page).answer_text == "Region Schools\nNorth 12\nSouth 9\n\nClosing paragraph."


def test_curly_apostrophes_kept():
    assert "people’s mental health" in _only(_text("011.txt")).answer_text
    assert "The King’s Portrait Scheme" in _only(_text("014.txt")).question_text


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_page_furniture_never_reaches_a_field(path):
    record = _only(path.read_text(encoding="utf-8"))
    for field, value in record.to_json_dict().items():
        if not isinstance(value, str):
            continue
        for furniture in FURNITURE:
            assert furniture not in value, field
        assert "Close" not in value.split("\n"), field
        assert not value.endswith("Portrait"), field


def test_named_day_popup_is_furniture():
    record = _only(_text("033.txt"))
    assert record.asking_member == "Ben Lake"
    assert record.constituency == "Ceredigion"
    for value in record.to_json_dict().values():
        assert "'Named day' questions" not in str(value)


def test_parallel_parliament_named_day_popup_is_furniture():
    popup = (
        "Named day\n"
        "Written questions are answered within five sitting days, or on a named day "
        "if the member asks for one.\n"
        "Close\n\n"
    )
    page = _text("001.txt").replace("Question to the", popup + "Question to the")
    assert _only(page).to_json_dict() == _expected(DATA / "pq-texts" / "001.txt")


def test_answer_that_talks_about_named_days_keeps_every_word():
    assert "Named Day Written Questions on the named day" in _only(_text("012.txt")).answer_text


def test_lords_question_page():
    question = "To ask His Majesty's Government what assessment they have made of school heating."
    record = _only(A_PAGE.format(date="1st May 2024", question=question))
    assert record.house == "Lords"
    assert record.question_text == question
    assert record.answered_by == "Baroness Barran"
    assert (
        record.minister_role == "Parliamentary Under Secretary of State (Department for Education)"
    )


def test_commons_question_page():
    record = _only(A_PAGE.format(date="1st May 2024", question=COMMONS_QUESTION))
    assert record.house == "Commons"
    assert record.department == "Department for Education"


def test_question_page_labelled_written_question_with_an_asking_member():
    page = "Written Question\n" + _text("001.txt").replace(
        "Question to the",
        "Asked by: Rupa Huq (Labour - Ealing Central and Acton)\n\nQuestion to the",
    )
    record = _only(page)
    assert record.heading == "Primary Education: Free School Meals"
    assert (record.asking_member, record.asking_member_party, record.constituency) == (
        "Rupa Huq",
        "Labour",
        "Ealing Central and Acton",
    )


# --- UINs -------------------------------------------------------------------------


def test_no_uin_when_the_page_shows_none():
    assert all(_only(text).uin is None for text in SAMPLE_TEXTS)


def test_uin_on_the_q_line():
    assert _only("Q HL1234\n" + _text("031.txt")).uin == "HL1234"
    assert _only(_text("029.txt").replace("Q\n", "Q 12345\n", 1)).uin == "12345"


def test_uin_line_on_a_question_page():
    page = _text("001.txt").replace("Question to the", "UIN 12345\n\nQuestion to the")
    record = _only(page)
    assert record.uin == "12345"
    assert "12345" not in record.question_text


def test_uin_tag_closing_the_question():
    page = A_PAGE.format(
        date="1st May 2024",
        question="To ask His Majesty's Government whether they will act. [HL 1234]",
    )
    record = _only(page)
    assert record.uin == "HL1234"
    assert record.question_text == "To ask His Majesty's Government whether they will act."


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "\r\n"])
def test_empty_text_is_an_error(text):
    with pytest.raises(PageTextError, match="empty") as caught:
        parse_page_text(text)
    assert caught.value.line == 1


def test_prose_is_an_error_naming_the_line_and_what_was_expected():
    prose = (
        "Minutes of the parish council\n\nThe meeting opened at seven.\nApologies were received."
    )
    with pytest.raises(PageTextError) as caught:
        parse_page_text(prose)
    assert caught.value.line == 3
    assert str(caught.value).startswith("line 3: expected a date such as '(asked on ")
    assert "after the heading" in str(caught.value)


def test_question_page_with_a_broken_date():
    page = _text("001.txt").replace("24th July 2024", "31st February 2024")
    with pytest.raises(PageTextError) as caught:
        parse_page_text(page)
    assert caught.value.line == 3
    assert "expected a date" in str(caught.value)


def test_listing_entry_without_its_date():
    entry = _text("012.txt").replace("Monday 23rd January 2023\n", "")
    with pytest.raises(PageTextError) as caught:
        parse_page_text(entry)
    # Line 3 is now blank; line 4 ("Asked by: ...") is where a date was expected.
    assert caught.value.line == 4
    assert "'Monday 23rd January 2023'" in str(caught.value)


def test_parliament_uk_entry_without_asked_on():
    entry = _text("029.txt").replace("Asked on: 29 June 2017\n", "")
    with pytest.raises(PageTextError) as caught:
        parse_page_text(entry)
    assert caught.value.line == 4
    assert "Asked on: " in str(caught.value)


def test_parliament_uk_entry_without_its_house():
    entry = _text("029.txt").replace("Commons\n", "")
    with pytest.raises(PageTextError, match="'Commons' or 'Lords'"):
        parse_page_text(entry)


def test_question_page_without_a_question():
    page = A_PAGE.format(date="1st May 2024", question="")
    with pytest.raises(PageTextError, match="expected the question text"):
        parse_page_text(page)


def test_broken_entry_in_a_listing_is_reported():
    listing = _text("029.txt") + _text("033.txt").replace("Asked on: 24 April 2020\n", "")
    with pytest.raises(PageTextError, match="Asked on: "):
        parse_page_text(listing)


def test_error_is_a_value_error_that_survives_pickling():
    with pytest.raises(ValueError) as caught:
        parse_page_text("just one line")
    error = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert isinstance(error, PageTextError)
    assert (error.line, str(error)) == (caught.value.line, str(caught.value))


def test_non_text_is_an_error():
    with pytest.raises(PageTextError, match="string"):
        parse_page_text(b"Q\n")  # type: ignore[arg-type]


# --- arbitrary input: records or PageTextError, nothing else ---------------------


def _parses_or_explains(text: str) -> None:
    try:
        records = parse_page_text(text)
    except PageTextError as error:
        assert str(error)
        assert error.line is None or error.line >= 1
        return
    assert records
    for record in records:
        assert isinstance(record, PageRecord)
        assert list(record.to_json_dict()) == JSON_KEYS
        assert record.house in {"Commons", "Lords"}


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
sample_lines = st.sampled_from(SAMPLE_TEXTS + ["\n\n".join(SAMPLE_TEXTS)]).map(str.splitlines)


@SETTINGS
@given(st.text())
def test_arbitrary_text(text):
    _parses_or_explains(text)


@SETTINGS
@given(st.lists(st.sampled_from([line for t in SAMPLE_TEXTS for line in t.splitlines()])))
def test_arbitrary_sequences_of_real_lines(lines):
    _parses_or_explains("\n".join(lines))


@st.composite
def edited_samples(draw):
    """A real sample with lines deleted, duplicated or moved."""
    lines = draw(sample_lines)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "move"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        else:
            lines.insert(draw(st.integers(0, len(lines) - 1)), lines.pop(index))
    return "\n".join(lines)


@SETTINGS
@given(edited_samples())
def test_samples_with_lines_deleted_duplicated_or_moved(text):
    _parses_or_explains(text)


@SETTINGS
@given(sample_lines.flatmap(st.permutations))
def test_samples_with_lines_shuffled(lines):
    _parses_or_explains("\n".join(lines))


@st.composite
def samples_with_inserted_characters(draw):
    text = draw(st.sampled_from(SAMPLE_TEXTS))
    noise = st.text(alphabet=st.characters() | st.sampled_from("()[]:-–\n\r\u00a0QA"), max_size=4)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(noise) + text[at:]
    return text


@SETTINGS
@given(samples_with_inserted_characters())
def test_samples_with_random_characters_inserted(text):
    _parses_or_explains(text)
