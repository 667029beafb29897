"""Small-number suppression: the counts members may see, worked out by hand."""

from __future__ import annotations

from cscperf.disclosure import (
    DisclosurePolicy,
    count_words,
    n_of_d_words,
    suppress_breakdown,
    value_may_be_shown,
)


def test_counts_from_one_to_four_are_withheld_and_zero_is_shown() -> None:
    assert [count_words(n) for n in (0, 1, 4, 5, 12)] == ["0", "fewer than 5", "fewer than 5", "5", "12"]
    assert count_words(None) == "not available"


def test_one_small_cell_beside_a_total_takes_the_next_smallest_with_it() -> None:
    # Team A 20, B 3, C 7, D 9: B (3) is small; with the total 39 shown, B = 39 - 36 could be worked out,
    # so the next smallest non-zero cell, C (7), is withheld too. A and D stay.
    cells = suppress_breakdown({"A": 20, "B": 3, "C": 7, "D": 9})
    assert [(c.key, c.suppressed) for c in cells] == [("A", False), ("B", True), ("C", True), ("D", False)]
    assert cells[1].shown() == "fewer than 5"
    assert cells[0].shown() == "20"


def test_two_small_cells_need_no_secondary_and_zero_cells_are_never_used_for_it() -> None:
    cells = suppress_breakdown({"A": 2, "B": 0, "C": 3, "D": 40})
    assert [c.suppressed for c in cells] == [True, False, True, False]
    # one small cell, the only other non-zero one is taken; the zero is not a hiding place
    cells = suppress_breakdown({"A": 2, "B": 0, "C": 40})
    assert [c.suppressed for c in cells] == [True, False, True]


def test_without_a_total_shown_only_primary_suppression_applies() -> None:
    cells = suppress_breakdown({"A": 20, "B": 3, "C": 7}, total_shown=False)
    assert [c.suppressed for c in cells] == [False, True, False]


def test_threshold_is_configurable() -> None:
    policy = DisclosurePolicy(threshold=10)
    assert count_words(9, policy) == "fewer than 10"
    assert count_words(10, policy) == "10"
    assert not value_may_be_shown(9, policy)
    assert value_may_be_shown(0, policy)


def test_n_of_d_never_shows_a_small_numerator_or_denominator() -> None:
    assert n_of_d_words(12, 150, "plans") == "12 of 150 plans"
    assert n_of_d_words(4, 24, "plans") == "fewer than 5 of 24 plans"
    assert n_of_d_words(3, 4, "plans") == "fewer than 5 plans"
    assert n_of_d_words(0, 1629, "visits") == "0 of 1,629 visits"
