import datetime as dt

import pytest

from conflictmap.dates import DAY_FIRST, MONTH_FIRST, decide_order, read_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-05-09", dt.date(2020, 5, 9)),
        ("2020/05/09", dt.date(2020, 5, 9)),
        ("2018-06-03 00:00:00.000", dt.date(2018, 6, 3)),
        ("09 May 2020", dt.date(2020, 5, 9)),
        ("9 May 2020", dt.date(2020, 5, 9)),
        ("9-May-20", dt.date(2020, 5, 9)),
        ("09-May-2020", dt.date(2020, 5, 9)),
        ("May 9, 2020", dt.date(2020, 5, 9)),
        ("09/05/2020", dt.date(2020, 5, 9)),
        ("9.5.2020", dt.date(2020, 5, 9)),
        ("٠٩/٠٥/٢٠٢٠", dt.date(2020, 5, 9)),
        ("٢٠٢٠-٠٥-٠٩", dt.date(2020, 5, 9)),
        ("9 أيار 2020", dt.date(2020, 5, 9)),
        ("9 مايو 2020", dt.date(2020, 5, 9)),
        ("3 تشرين الأول 2019", dt.date(2019, 10, 3)),
    ],
)
def test_reads_every_listed_form(text, expected):
    assert read_date(text).value == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2020-13-01", "31/02/2020", "May 2020"])
def test_unreadable(text):
    assert read_date(text).value is None


def test_month_first_when_file_says_so():
    assert read_date("05/09/2020", MONTH_FIRST).value == dt.date(2020, 5, 9)


def test_order_decided_by_evidence():
    assert decide_order(["01/02/2020", "25/02/2020"]) == (DAY_FIRST, None)
    assert decide_order(["01/02/2020", "02/25/2020"])[0] == MONTH_FIRST


def test_all_ambiguous_is_said_out_loud():
    order, warning = decide_order(["01/02/2020", "03/04/2020"])
    assert order == DAY_FIRST
    assert "day first" in warning and "YYYY-MM-DD" in warning


def test_iso_only_needs_no_warning():
    assert decide_order(["2020-01-02"]) == (DAY_FIRST, None)
