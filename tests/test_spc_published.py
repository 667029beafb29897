"""cscperf's statistical process control checked against published worked examples of the NHS "Making Data
Count" method, from NHSRplotthedots, the NHS-R Community's implementation of the Making Data Count Excel tools
(https://github.com/nhs-r-community/NHSRplotthedots):

1. England's monthly A&E attendances, April 2016 to March 2019 (NHSRdatasets::ae_attendances summed by month),
   and the 4-hour performance (1 - breaches / attendances) with limits fixed on the first 12 months: the
   package's integration tests, tests/testthat/test-integration_tests.R, whose expected results are stored in
   tests/testthat/_snaps/integration_tests.md (R serialised data, read back to the full double precision
   quoted below; commit 0c096d8).
2. Twenty standard normal draws, R's rnorm(20) after set.seed(123): tests/testthat/test-ptd_spc_standard.R and
   tests/testthat/_snaps/ptd_spc.md (means and limits printed to 3 significant figures, whole and split in two).
3. "It only reports special cause for 2 of 3 points close to limits when they are on the same side of the
   mean": tests/testthat/test-ptd_spc_standard.R.

NHSRplotthedots screens moving ranges above 3.267 times their mean by default, which the Excel tools do not;
in these examples no moving range is that large (the largest is 2.77 times the mean), so its limits are the
Excel method's, and cscperf's must equal them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cscperf.analysis.spc import analyse

# The first day of each month, April 2016 to March 2019, as the package dates them.
PERIODS = [dt.date(2016 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(36)]

ATTENDANCES = [
    1867781, 2070340, 1958802, 2079034, 1932901, 1952464, 2001816, 1907871, 1944567, 1895272, 1735619, 2015834,
    1949762, 2066789, 1994056, 2073944, 1924663, 1925961, 2044137, 1976971, 2003954, 2000086, 1820012, 2049785,
    1984369, 2164458, 2093942, 2179896, 1997854, 2005695, 2079492, 2037847, 2047518, 2113413, 1954947, 2167550,
]  # fmt: skip

PERFORMANCE = [
    0.9003512724457525, 0.9027555860390081, 0.9055994429248081, 0.9028524786030435, 0.909763097023593,
    0.9064786853944554, 0.8905308979446662, 0.8837903610883545, 0.8617594559611471, 0.851413411900772,
    0.8753090395991286, 0.9000949482943537, 0.9051525263083392, 0.8970035160821932, 0.9072518525056468,
    0.9034785895858326, 0.9029928875860346, 0.8966609396555797, 0.8994186788850258, 0.8876655246839736,
    0.8498503458662225, 0.8529918213516818, 0.8504476893558943, 0.8462121637147311, 0.8857248828216929,
    0.9039011151983545, 0.9076297242234981, 0.8931949047110505, 0.8972702710007838, 0.8894368286304747,
    0.8900933497219513, 0.8760446687116353, 0.8644632183941728, 0.843525141560121, 0.8422525009629417,
    0.8660427671795345,
]  # fmt: skip

# The package's point_type for each month of the performance chart ("c" common cause, "i" special cause
# improvement, "x" special cause concern). Reading it: months 1-6 are six above the mean (not a run); January
# 2017 is below the lower limit; March to October 2017 are eight above the mean (a run); November 2017 to April
# 2018 are six below (not a run) apart from the four beyond the lower limit; from September 2018 seven below.
# December 2016 is close to the lower limit, but its only close neighbour (January 2017) is beyond the limit,
# which does not count towards two of three.
PERFORMANCE_POINT_TYPES = "cccccccccxciiiiiiiicxxxxcccccxxxxxxx"
SIGNALS = {"c": None, "i": "improvement", "x": "concern"}


def test_ae_attendances_mean_and_limits() -> None:
    result = analyse(PERIODS, [float(v) for v in ATTENDANCES], improvement="higher")
    (segment,) = result.segments
    assert segment.limits is not None
    assert segment.limits.mean == pytest.approx(2000538.9444444445, rel=1e-12)
    assert segment.limits.lower == pytest.approx(1731844.3644444444, rel=1e-12)
    assert segment.limits.upper == pytest.approx(2269233.5244444446, rel=1e-12)
    assert all(p.signal is None for p in result.points)  # the package: common_cause for every month
    assert result.variation_icon == "common_cause"


def test_ae_attendances_rebased_in_april_2017() -> None:
    # ptd_spc(..., rebase = as.Date("2017-04-01")): the 12 months to March 2017, then the 24 from April 2017
    result = analyse(PERIODS, [float(v) for v in ATTENDANCES], improvement="higher", breaks=[dt.date(2017, 4, 1)])
    first, second = result.segments
    assert first.limits is not None and second.limits is not None
    assert (first.points, second.points) == (12, 24)
    assert first.limits.mean == pytest.approx(1946858.4166666667, rel=1e-12)
    assert first.limits.lower == pytest.approx(1639947.374848485, rel=1e-12)
    assert first.limits.upper == pytest.approx(2253769.4584848485, rel=1e-12)
    assert second.limits.mean == pytest.approx(2027379.2083333333, rel=1e-12)
    assert second.limits.lower == pytest.approx(1772921.0639855072, rel=1e-12)
    assert second.limits.upper == pytest.approx(2281837.3526811595, rel=1e-12)
    assert all(p.signal is None for p in result.points)


def test_ae_performance_with_limits_fixed_on_12_months() -> None:
    # ptd_spc(ae_all(), performance, period, fix_after_n_points = 12); improvement direction: increase
    result = analyse(PERIODS, PERFORMANCE, improvement="higher", baseline_points=12)
    (segment,) = result.segments
    assert segment.limits is not None and segment.baseline_points == 12
    assert segment.limits.mean == pytest.approx(0.8908915564349236, rel=1e-12)
    assert segment.limits.lower == pytest.approx(0.8614049789074258, rel=1e-12)
    assert segment.limits.upper == pytest.approx(0.9203781339624213, rel=1e-12)
    assert [p.signal for p in result.points] == [SIGNALS[c] for c in PERFORMANCE_POINT_TYPES]
    assert result.variation_icon == "concern_low"
    # the runs: exactly 6 above (months 1-6) and 6 below (months 20-25) are not signals; 8 and 7 are
    assert [i for i, p in enumerate(result.points) if "run" in p.rules] == [*range(11, 19), *range(29, 36)]


RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
             -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
             0.49785048, -1.96661716, 0.70135590, -0.47279141]  # fmt: skip


def test_twenty_normal_draws() -> None:
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=i + 1) for i in range(20)]
    result = analyse(days, RNORM_123, improvement="higher", target=0.5)
    limits = result.segments[0].limits
    assert limits is not None and limits.upper is not None and limits.lower is not None
    assert (f"{limits.mean:.3g}", f"{limits.lower:.3g}", f"{limits.upper:.3g}") == ("0.142", "-3.01", "3.29")
    assert all(p.signal is None for p in result.points)
    assert result.assurance_icon == "hit_and_miss"  # a target of 0.5 lies inside the limits
    # the package's facetted example: the first ten and the last ten, each with its own limits
    split = analyse(days, RNORM_123, improvement="higher", breaks=[days[10]])
    shown = []
    for s in split.segments:
        assert s.limits is not None and s.limits.lower is not None and s.limits.upper is not None
        shown.append((f"{s.limits.mean:.3g}", f"{s.limits.lower:.3g}", f"{s.limits.upper:.3g}"))
    assert shown == [("0.0746", "-2.6", "2.75"), ("0.209", "-3.28", "3.7")]


def test_two_close_points_on_opposite_sides_of_the_mean_are_common_cause() -> None:
    # 1, -1, 1, -1, ... (16 points) with the last two 5.5 and -5.5: mean 0, mean moving range
    # (13 x 2 + 6.5 + 11) / 15 = 2.9, limits +/- 7.714, close beyond +/- 5.143: both last points are close to a
    # limit, but to different ones
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=i + 1) for i in range(16)]
    result = analyse(days, data, improvement="higher")
    limits = result.segments[0].limits
    assert limits is not None and limits.mean_moving_range == pytest.approx(2.9)
    assert [p.signal for p in result.points[-2:]] == [None, None]
