"""Issue 10, items 1 to 5: the fixes from the reconciliation with an independent implementation. Every case is
hand-made (not the public samples) and its expected figure is worked out by hand beside it. Items 6 and 7
(coverage) are in test_coverage.py."""

from __future__ import annotations

from .golden import GoldenCouncil
from .test_indicators_care import placements


# ------------------------------------------------------------------------------------------ item 1
def test_same_carer_changes_neither_add_nor_remove_a_placement(council: GoldenCouncil) -> None:
    # At 31 March 2024 the 12 months run from 1 April 2023.
    placements(council, "A", [("2021-01-01", "2022-06-01", "S", "U4"),  # ended before the year
                              ("2022-06-01", None, "T", "U4")])  # fmt: skip
    # A: one placement all year; it began with T (the carer moved house), so it continues the S placement with
    # the same carer. 1 placement (the old rule dropped every T placement: 0).
    placements(council, "B", [("2022-01-01", "2022-10-01", "S", "U4"),
                              ("2022-10-01", "2023-06-25", "T", "U4"),  # open on 1 April 2023
                              ("2023-06-25", "2024-03-17", "P", "U6"),
                              ("2024-03-17", None, "P", "K2")])  # fmt: skip
    # B: the T placement open on 1 April (with the S before it, one carer), then moves on 25 June and 17 March:
    # 3 placements, counted (the old rule: 2, not counted).
    placements(council, "C", [("2023-05-01", "2023-08-01", "S", "U4"),
                              ("2023-08-01", "2023-11-01", "T", "U4"),  # same carer: not a new placement
                              ("2023-11-01", None, "P", "U6")])  # fmt: skip
    # C: S and T are one carer, then P: 2 placements.
    figure = council.figure("cla_3plus_placements", "2024-03-31")
    assert (figure.numerator, figure.denominator, figure.value) == (1, 3, 33.0)  # B of A, B, C: 33.3% -> 33
    detail = {r["person_id"]: r["detail"] for r in council.units("cla_3plus_placements", "2024-03-31")}
    assert detail == {"A": "1 placement in 12 months", "B": "3 placements in 12 months",
                      "C": "2 placements in 12 months"}  # fmt: skip
    # Counting same-carer moves (the setting): A 1 (its S ended before the year), B 3 (T, P, P), C 3 (S, T, P).
    every = council.figure("cla_3plus_placements", "2024-03-31", count_same_carer_moves=True)
    assert (every.numerator, every.denominator, every.value) == (2, 3, 67.0)  # 66.7% -> 67


def test_a_t_placement_whose_earlier_placement_is_not_held(council: GoldenCouncil) -> None:
    # One year of SSDA903 returns holds only the episodes open in the year: D's T placement, open on 1 April
    # 2023, is the first placement of the period of care the store has. It is D's placement (1), and for
    # long-term stability it counts from its own start (the carer's earlier placement is not known).
    placements(council, "D", [("2019-06-01", None, "T", "U4")])
    detail = {r["person_id"]: r["detail"] for r in council.units("cla_3plus_placements", "2024-03-31")}
    assert detail == {"D": "1 placement in 12 months"}
    # Stability at 31 March 2024: under 16 (born 1 June 2015), in care since 1 June 2019 (4 years 10 months,
    # at least 2.5 years), with the same carer since 1 June 2019 (at least 2 years): 1 of 1.
    stable = council.figure("cla_long_term_stability", "2024-03-31")
    assert (stable.numerator, stable.denominator, stable.value) == (1, 1, 100.0)


def test_long_term_stability_joins_same_carer_placements(council: GoldenCouncil) -> None:
    # E: with carer X since 1 Jan 2020 (S), X moved house on 1 Jan 2023 (T): same carer for 4 years 3 months.
    placements(council, "E", [("2020-01-01", "2023-01-01", "S", "U4"), ("2023-01-01", None, "T", "U4")])
    # F: in care since 1 Jan 2020, a new carer on 1 Jan 2023 (P): 1 year 3 months with the current carer.
    placements(council, "F", [("2020-01-01", "2023-01-01", "S", "U4"), ("2023-01-01", None, "P", "U4")])
    stable = council.figure("cla_long_term_stability", "2024-03-31")
    assert (stable.numerator, stable.denominator, stable.value) == (1, 2, 50.0)  # E of E and F
