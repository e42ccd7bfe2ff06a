"""The three-way merge of a stale edit, field by field (answers.merge)."""

import datetime

import pytest

from answers.merge import comparable, read_base, sign_base, three_way

NAMES = ["uin", "heading", "date_tabled"]
BASE = {"uin": "", "heading": "Old", "date_tabled": datetime.date(2025, 2, 12)}


def merge(theirs, yours, base=BASE):
    return three_way(
        base=None if base is None else read_base(sign_base(base)),
        theirs={**BASE, **theirs},
        yours={**BASE, **yours},
        names=NAMES,
    )


@pytest.mark.parametrize(
    "theirs,yours,values,conflicts,kept",
    [
        # Only they changed the UIN, only you the heading: both kept.
        ({"uin": "29000"}, {"heading": "New"}, {"uin": "29000", "heading": "New"}, [], ["uin"]),
        # Both made the same change: no conflict.
        ({"heading": "Same"}, {"heading": "Same"}, {"heading": "Same"}, [], []),
        # Both changed it differently: a conflict, yours held until chosen.
        ({"heading": "Theirs"}, {"heading": "Yours"}, {"heading": "Yours"}, ["heading"], []),
        # A date only they changed.
        (
            {"date_tabled": datetime.date(2025, 2, 13)},
            {},
            {"date_tabled": datetime.date(2025, 2, 13)},
            [],
            ["date_tabled"],
        ),
    ],
)
def test_three_way(theirs, yours, values, conflicts, kept):
    result = merge(theirs, yours)
    assert {name: result.values[name] for name in values} == values
    assert result.conflicts == conflicts
    assert result.kept_theirs == kept


def test_without_a_base_every_difference_is_a_conflict():
    result = merge({"uin": "29000"}, {"heading": "New"}, base=None)
    assert result.conflicts == ["uin", "heading"]


def test_a_forged_base_is_no_base():
    assert read_base("not-signed") is None
    assert read_base(sign_base(BASE) + "x") is None


def test_comparable_treats_blank_and_none_alike_and_ignores_line_endings():
    assert comparable(None) == comparable("") == comparable(False) == ""
    assert comparable("a\r\nb ") == comparable("a\nb")
    assert comparable(datetime.date(2025, 2, 12)) == "2025-02-12"
