"""The one formatter of published figures (flows/core/figures.py), against hand-computed cases.

The rule: round half up (half away from zero) once, on the exact value of what is stored. Every
expected value below was worked out by hand from the exact binary value of the double, which is
written out where it decides the result, e.g. Decimal(0.725) = 0.72499999999999997779553950749686919...
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from flows.core import figures
from flows.core.figures import MISSING

NO_FIGURE = [None, float("nan"), np.nan, pd.NA, pd.NaT, np.float64("nan"), Decimal("NaN")]


# ------------------------------------------------------------------ the exact value and rounding


def test_a_double_is_taken_at_its_exact_binary_value():
    assert figures.exact(0.725) == Fraction(Decimal("0.72499999999999997779553950749686919152736663818359375"))
    assert figures.exact(0.875) == Fraction(7, 8)
    assert figures.exact(Decimal("0.725")) == Fraction(29, 40)  # a Decimal is exact as written
    assert figures.exact(Fraction(2, 3)) == Fraction(2, 3)
    assert figures.exact(np.int64(2**62 + 1)) == 2**62 + 1  # no detour through a double
    assert figures.exact(np.float32(0.1)) == Fraction(float(np.float32(0.1)))


@pytest.mark.parametrize(("value", "digits", "rounded"), [
    (72.5, 0, "73"),  # exactly half: up
    (73.5, 0, "74"),  # exactly half: up again (half to even would say 74 here and 72 above)
    (62.5, 0, "63"),  # Python's round() and format() say 62
    (-62.5, 0, "-63"),  # half away from zero
    (-1.25, 1, "-1.3"),
    (1.25, 1, "1.3"),  # '{:.1f}'.format(1.25) says 1.2
    (2.675, 2, "2.67"),  # the double 2.675 is 2.67499999999999982236431605997495353221893310546875
    (Decimal("2.675"), 2, "2.68"),  # the decimal 2.675 is exactly half
    (Fraction(1, 3), 3, "0.333"),
    (Fraction(-1, 6), 2, "-0.17"),
    (0.0004, 1, "0.0"),
    (-0.0004, 1, "0.0"),  # never "-0.0"
    (-0.04, 0, "0"),
    (1234567.891, 1, "1234567.9"),
    (7, 1, "7.0"),
])
def test_round_half_up(value, digits, rounded):
    assert figures.round_half_up(value, digits) == Decimal(rounded)
    assert str(figures.round_half_up(value, digits)) == rounded


def test_no_figure_is_no_figure():
    for value in NO_FIGURE:
        assert figures.missing(value), value
        assert figures.percentage(value) is None
        assert figures.percentage_value(value) is None
        for format_ in (figures.percent, figures.published_percent, figures.points, figures.number, figures.count,
                        figures.timestamp, figures.day):
            assert format_(value) == MISSING, (format_, value)
        assert figures.interval(value, 0.5) == figures.interval(0.5, value) == MISSING
        assert figures.interval_ends(value, 0.5) is None
        assert figures.measure(value, "percent") == MISSING
    for value in (0, 0.0, "", "text", False, dt.date(2013, 6, 3), Decimal("1"), Fraction(1, 2)):
        assert not figures.missing(value), value


def test_infinity_is_not_a_figure():
    with pytest.raises(ValueError):
        figures.percent(math.inf)


# ------------------------------------------------------------------ percentages


@pytest.mark.parametrize(("fraction", "shown"), [
    (0.725, "72%"),  # 0.72499999999999997779...: 72, though 0.725 * 100 is the float 72.5
    (0.875, "88%"),  # exactly 7/8: 87.5, half up
    (0.625, "63%"),  # exactly 5/8: 62.5; half to even would say 62
    (0.825, "82%"),  # 0.82499999999999995559...
    (0.8249, "82%"),
    (0.835, "83%"),  # 0.83499999999999996447...
    (0.785, "79%"),  # 0.78500000000000003108...
    (0.0851063829787234, "9%"),  # 8.51...: 9 (rounded first to 8.5, then half to even, it read 8)
    (0.7548430735930737, "75%"),  # 75.48...: 75 (through 75.5 it read 76)
    (1.0, "100%"),
    (0.0, "0%"),
    (-0.0001, "0%"),
    (12.345, "1,235%"),  # 12.34500000000000063948...: 1,234.50000000000006...
])
def test_percent_whole(fraction, shown):
    assert figures.percent(fraction) == shown


def test_the_cases_above_are_decided_by_the_exact_decimal_expansion():
    assert Decimal(0.725) < Decimal("0.725") and Decimal(0.825) < Decimal("0.825") and Decimal(0.835) < Decimal("0.835")
    assert Decimal(0.785) > Decimal("0.785") and Decimal(12.345) > Decimal("12.345")
    assert Decimal(0.875) == Decimal("0.875") and Decimal(0.625) == Decimal("0.625")
    assert 0.725 * 100 == 72.5 and math.floor(0.725 * 100 + 0.5) == 73  # why "add a half and floor" is wrong
    assert f"{62.5:.0f}" == "62" and round(0.625 * 100) == 62  # why format() and round() are wrong


def test_percent_with_decimals_and_units():
    assert figures.percent(0.875, 1) == "87.5%"
    assert figures.percent(0.95833, 1) == "95.8%"
    assert figures.percent(0.1147) == "11%"
    assert figures.percent(0.1147, 1) == "11.5%"
    assert figures.percent(0.125, unit="") == "13"
    assert figures.percentage(0.725) == Decimal(72)
    assert figures.percentage(0.72451, 1) == Decimal("72.5")
    assert figures.percentage(Fraction(1, 3), 2) == Decimal("33.33")


def test_percentage_value_for_the_csv_tables():
    assert figures.percentage_value(0.72451) == 72.5  # one decimal by default
    assert figures.percentage_value(0.7) == 70.0 and str(figures.percentage_value(0.7)) == "70.0"
    assert figures.percentage_value(0.72451, 0) == 72 and isinstance(figures.percentage_value(0.72451, 0), int)
    assert figures.percentage_value(0.030749, 2) == 3.07  # null_score_se_pp: two decimals
    assert figures.percentage_value(0.03075, 2) == 3.07  # Decimal(0.03075) = 0.03074999999999999955591...
    assert figures.percentage_value(-0.01235) == -1.2  # Decimal(-0.01235) = -0.01234999999999999973...
    assert figures.percentage_value(-0.0125) == -1.3  # Decimal(-0.0125) = -0.01250000000000000069...
    assert str(figures.percentage_value(-0.0004)) == "0.0"  # no negative zero in a CSV


def test_published_percent_is_the_published_whole_number():
    assert figures.published_percent(79) == "79%"
    assert figures.published_percent(np.int32(0)) == "0%"
    assert figures.published_percent(100.0) == "100%"
    assert figures.published_percent(79, unit="") == "79"


# ------------------------------------------------------------------ intervals


def test_interval_ends_are_each_rounded_once():
    # 0.72451 is 72.451%: 72, though rounded to one decimal first (72.5) it would read 73
    assert figures.interval(0.72451, 0.875) == "72–88%"
    assert figures.interval_ends(0.72451, 0.875) == ("72", "88")
    assert figures.interval(0.725, 0.625) == "72–63%"  # each end on its own, whatever their order
    assert figures.interval(0.0851063829787234, 0.32) == "9–32%"
    assert figures.interval(0.8254444920663003, 0.9) == "83–90%"  # 82.54...: through 82.5 and half to even it read 82


def test_interval_decorations():
    assert figures.interval(0.72, 0.85, unit="") == "72–85"
    assert figures.interval(0.72, 0.85, separator="-", unit="") == "72-85"
    assert figures.interval(0.72451, 0.87549, digits=1) == "72.5–87.5%"
    assert figures.interval(0, 1) == "0–100%"


# ------------------------------------------------------------------ differences, numbers, counts, measures


@pytest.mark.parametrize(("difference", "shown"), [
    (0.032, "+3.2 pp"),
    (-0.11, "-11.0 pp"),
    (-0.0125, "-1.3 pp"),  # half away from zero (and the double is a hair beyond -0.0125)
    (-0.01235, "-1.2 pp"),  # the double is -0.012349999999999999...: not a half
    (0.00049, "+0.0 pp"),
    (-0.00049, "+0.0 pp"),  # rounds to zero: no sign of its own
    (0, "+0.0 pp"),
    (12.5, "+1,250.0 pp"),
])
def test_points(difference, shown):
    assert figures.points(difference) == shown


def test_points_units_and_digits():
    assert figures.points(-0.11, unit="") == "-11.0"
    assert figures.points(-0.11, unit=" points") == "-11.0 points"
    assert figures.points(0.03456, 2) == "+3.46 pp"
    assert figures.points(-0.035, 0) == "-4 pp"  # Decimal(-0.035) = -0.035000000000000003330...: -3.5000...03


def test_number_and_count():
    assert figures.number(1234567.891) == "1,234,568"
    assert figures.number(1234567.891, 1) == "1,234,567.9"
    assert figures.number(-55355900.0) == "-55,355,900"
    assert figures.number(0.4, 1, signed=True) == "+0.4"
    assert figures.number(-0.04, 1, signed=True) == "+0.0"
    assert figures.number(-2.5, 0, signed=True) == "-3"
    assert figures.number(2.5) == "3"
    assert figures.count(85) == "85"
    assert figures.count(1234) == "1,234"
    assert figures.count(np.int64(7631)) == "7,631"
    assert figures.count(12.0) == "12"


@pytest.mark.parametrize(("value", "unit", "signed", "suffix", "shown"), [
    (7.25, "percent", False, True, "7.3%"),  # exactly 7.25: half up ('{:.1f}' says 7.2)
    (7.25, "percent", False, False, "7.3"),
    (-0.65, "percent", True, True, "-0.7 pp"),
    (-0.65, "percent", True, False, "-0.7"),
    (1317800.0, "persons", False, True, "1,317,800"),
    (-54758112.0, "persons", True, True, "-54,758,112"),
    (1234.56, "rate_per_1000", False, True, "1,234.6"),
    (0.05, "rate_per_1000", True, True, "+0.1"),  # Decimal(0.05) = 0.05000000000000000277...
    (0.15, "rate_per_1000", True, True, "+0.1"),  # Decimal(0.15) = 0.1499999999999999944488848768742172978818416595458984375
    (12.0, None, False, True, "12.0"),
])
def test_measure(value, unit, signed, suffix, shown):
    assert figures.measure(value, unit, signed=signed, suffix=suffix) == shown


# ------------------------------------------------------------------ times and dates


def test_timestamp_in_utc_to_the_minute():
    assert figures.timestamp(dt.datetime(2026, 11, 22, 12, 0, 59, tzinfo=dt.timezone.utc)) == "2026-11-22 12:00 UTC"
    assert figures.timestamp(dt.datetime(2026, 11, 22, 12, 0)) == "2026-11-22 12:00 UTC"  # naive: taken as UTC
    assert figures.timestamp(pd.Timestamp("2026-07-01 13:30", tz="Europe/London")) == "2026-07-01 12:30 UTC"
    assert figures.timestamp(np.datetime64("2026-11-22T12:00")) == "2026-11-22 12:00 UTC"


def test_day():
    assert figures.day(dt.date(2013, 6, 3)) == "2013-06-03"
    assert figures.day(dt.datetime(2013, 6, 3, 23, 0)) == "2013-06-03"
    assert figures.day("2013-06-03") == "2013-06-03"


def test_extreme_doubles_are_rounded_exactly_too():
    assert figures.percent(5e-324) == "0%"  # the smallest subnormal: 4.94...e-324, some 750 significant digits
    assert figures.points(-5e-324) == "+0.0 pp"
    assert figures.number(1e22) == "10,000,000,000,000,000,000,000"  # 1e22 is exactly representable
    assert figures.number(2.0**70 + 0.0) == "1,180,591,620,717,411,303,424"
    assert figures.percent(Fraction(1, 8)) == "13%" and figures.points(Fraction(-1, 800)) == "-0.1 pp"  # -0.125 points
