"""The change cursor: numbers that commit out of order are read again until they appear."""

from kb.feed import ChangeCursor


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_number_skipped_over_is_read_again_until_it_appears() -> None:
    cursor = ChangeCursor(10, clock=Clock())
    assert cursor.read_from == 10
    assert cursor.unseen([11, 13]) == {11, 13}
    cursor.advance([11, 13])
    assert (cursor.seq, cursor.holes, cursor.read_from) == (13, [12], 11)
    assert cursor.unseen([13]) == set()  # read again from the hole on: 13 is not applied twice
    assert cursor.unseen([12, 13, 14]) == {12, 14}
    cursor.advance([12, 13, 14])
    assert (cursor.seq, cursor.holes, cursor.read_from) == (14, [], 14)


def test_a_hole_older_than_any_transaction_is_given_up() -> None:
    clock = Clock()
    cursor = ChangeCursor(0, hole_timeout=60.0, clock=clock)
    cursor.advance([3])
    assert cursor.holes == [1, 2]
    clock.now = 30.0
    cursor.advance(())
    assert cursor.holes == [1, 2]
    clock.now = 61.0
    cursor.advance(())
    assert (cursor.holes, cursor.read_from) == ([], 3)


def test_rewinding_reads_the_changes_after_a_rebuild_again() -> None:
    cursor = ChangeCursor(0, clock=Clock())
    cursor.advance([1, 2, 5])
    cursor.rewind(2)
    assert (cursor.seq, cursor.holes, cursor.read_from) == (2, [], 2)
    assert cursor.unseen([3, 5]) == {3, 5}
    cursor.rewind(9)  # never forward
    assert cursor.seq == 2
