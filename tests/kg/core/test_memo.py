"""kg.core.memo: a bounded memo whose entries can be saved and restored by name."""

from __future__ import annotations

import pickle

from kg.core import memo

calls: list[int] = []


@memo.memo(maxsize=2)
def square(n: int) -> int:
    calls.append(n)
    return n * n


def test_a_memo_answers_again_without_calling_and_forgets_its_oldest_entry() -> None:
    calls.clear()
    assert [square(2), square(2), square(3), square(4), square(2)] == [4, 4, 9, 16, 4]
    assert calls == [2, 3, 4, 2]  # 2 was the oldest of three: forgotten, made again


def test_restored_entries_answer_in_place_of_the_function() -> None:
    square(5)
    saved = pickle.loads(pickle.dumps(memo.values()))
    assert dict(saved[square.name])[(5,)] == 25
    saved[square.name] = [((7,), 1234)]  # what a saved file says is what the memo answers
    saved["kg.no_longer.defined"] = [((1,), 1)]  # code that is gone: ignored
    before = memo.computed()[square.name]
    memo.restore(saved)
    assert square(7) == 1234
    assert memo.computed()[square.name] == before
