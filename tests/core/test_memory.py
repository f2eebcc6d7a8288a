"""The collector paused for bulk work, and what the work keeps frozen out of its sight."""

from __future__ import annotations

import gc
import threading
import weakref

from core.memory import paused_gc


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_concurrent_blocks_share_one_pause() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with paused_gc():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    with paused_gc():
        pass
    assert not gc.isenabled()  # the other thread is still inside
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_kept_objects_are_frozen_and_still_freed_by_reference_counting() -> None:
    frozen = gc.get_freeze_count()
    with paused_gc():
        pass
    assert gc.get_freeze_count() == frozen  # only a block that keeps what it made freezes
    try:
        with paused_gc(keep=True):
            kept = [_Node() for _ in range(1000)]
        assert gc.get_freeze_count() >= frozen + 1000
        gone = weakref.ref(kept[0])
        del kept
        assert gone() is None  # freed when its last reference went, frozen or not
    finally:
        gc.unfreeze()
    assert gc.isenabled()


class _Node:
    """A tracked object that a weak reference can watch."""
