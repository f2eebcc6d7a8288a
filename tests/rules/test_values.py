"""A field's reading: the same as the primitive functions give, remembered or not."""

from __future__ import annotations

from datetime import date

from rules import values
from rules.dates import parse_date, parse_period
from rules.identity import is_valid_id, normalize_name, normalize_number


def test_list_value_normalises_and_sorts() -> None:
    assert (
        values.list_value("张三、 李四,张三；３６０１０２１９６５０６１２１２３８")
        == "360102196506121238|张三|李四"
    )


def test_reading_of_each_type() -> None:
    review = date(2026, 9, 30)
    values.clear()
    card = values.reading("id_number", "34110219700315241x", review)
    assert card["v"] == normalize_number("34110219700315241x")
    assert card["ok"] is is_valid_id("34110219700315241x", on=review)
    assert values.reading("name", " 安和市（青山）公司 ", review) == {
        "v": normalize_name(" 安和市（青山）公司 ")
    }
    day = parse_date("2026年3月")
    assert day is not None
    assert values.reading("month", "2026年3月", review) == {
        "v": "2026年3月",
        "d": day.toordinal(),
        "end": day.toordinal(),
        "age": 0,
    }
    assert values.reading("date", "2016.08.1?", review)["st"] == "unreadable"  # README §2.2
    period = parse_period("2016.08.15-长期")
    assert period is not None and period[2]
    assert values.reading("period", "2016.08.15-长期", review)["noend"] is True


def test_a_reading_depends_on_the_review_date_only_where_the_type_does() -> None:
    issued = "2016-10-01"  # ten years old on 2026-10-01
    before = values.reading("date", issued, date(2026, 9, 30))
    after = values.reading("date", issued, date(2026, 10, 1))
    assert before["d"] == after["d"]
    assert before["age"] != after["age"]
    assert values.reading("name", "甲", date(2026, 1, 1)) is values.reading("name", "甲", date(2027, 1, 1))
