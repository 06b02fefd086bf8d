"""How a published figure is written: one formatter for the report, the score sheets, the
dashboard and `iaow status`, so a figure reads the same everywhere.

Rounding is half up on the exact value, as the scoring rule says:

- a stored double is taken at its exact binary value (0.725 is stored as
  0.72499999999999997779..., so it reads 72%, and 0.875 is stored exactly, so it reads 88%);
- it is rounded once, to the digits shown, never through an intermediate (a report that first
  rounded an interval end of 0.72451 to 72.5 and then to a whole number would publish 73);
- never half to even (Python's format() and round() do that: 0.625 would read 62%), and never
  through a float product (0.725 * 100 is the float 72.5, which "adds a half and floors" to 73).

Half up means half away from zero, for negative differences too (-0.0125 is -1.3 points), and
a figure that rounds to zero is never "-0". Integers, Decimals and Fractions are exact already.
Every function takes None, NaN, pandas' NA and NaT as "no figure" and writes `MISSING`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

MISSING = "–"  # an en dash: no figure (no relevant case, nothing published yet)
RANGE = "–"  # an en dash between the two ends of an interval

# A context whose precision never rounds a double's exact expansion (up to some 770 digits): the
# only rounding done in it is the one quantize() is asked for, half up.
_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, rounding=ROUND_HALF_UP,
                         traps=[decimal.InvalidOperation, decimal.Overflow, decimal.DivisionByZero])


def missing(value: Any) -> bool:
    """None, NaN, pandas' NA/NaT: no figure."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (str, bytes, numbers.Rational, Decimal)):
        return isinstance(value, Decimal) and value.is_nan()
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT or bool(pd.isna(value))
    except (TypeError, ValueError, ImportError):
        return False


def exact(value: Any) -> Fraction:
    """The exact value of a number: a double at its binary value, a Decimal, Fraction or integer as it is."""
    as_decimal = _exact_decimal(value)
    return Fraction(value) if as_decimal is None else Fraction(as_decimal)


def _exact_decimal(value: Any) -> Decimal | None:
    """The exact value as a Decimal; None for a fraction such as 1/3, which has no finite one."""
    if type(value) is int:
        return Decimal(value)
    if type(value) is float and math.isfinite(value):
        return Decimal(value)
    if isinstance(value, bool):
        raise TypeError("a boolean is not a figure")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    if isinstance(value, numbers.Rational):
        return None
    number = float(value)  # numpy and pandas scalars, float32 too: exact as doubles
    if math.isinf(number):
        raise ValueError(f"not a finite figure: {value!r}")
    return Decimal(number)  # exact: every double is a finite decimal


def _round(value: Any, digits: int, shift: int = 0) -> Decimal:
    """`value` times 10**shift, rounded once, half away from zero, to `digits` decimals."""
    exact_value = _exact_decimal(value)
    if exact_value is None:  # a Fraction: the same rule in integers
        scaled = exact(value) * Fraction(10) ** (shift + digits)
        magnitude = math.floor(abs(scaled) + Fraction(1, 2))
        return Decimal(-magnitude if scaled < 0 else magnitude).scaleb(-digits)
    rounded = exact_value.scaleb(shift, _EXACT).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP, _EXACT)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # never "-0"


def round_half_up(value: Any, digits: int = 0) -> Decimal:
    """`value` rounded once, half away from zero, to `digits` decimals, from its exact value."""
    return _round(value, digits)


def percentage(fraction: Any, digits: int = 0) -> Decimal | None:
    """A 0-1 fraction as a percentage, rounded half up once on its exact value: 0.875 -> 88,
    0.725 (stored as 0.72499999999999997779...) -> 72; None when there is no figure."""
    if missing(fraction):
        return None
    return _round(fraction, digits, shift=2)


def percentage_value(fraction: Any, digits: int = 1) -> float | int | None:
    """The same percentage as a number, for the CSV tables (`ci_low_pct`, one decimal: 72.5):
    an int for whole numbers, a float with exactly the rounded decimal's digits otherwise."""
    value = percentage(fraction, digits)
    if value is None:
        return None
    return int(value) if digits <= 0 else float(value)


def _grouped(value: Decimal) -> str:
    return f"{value:,}"


def percent(fraction: Any, digits: int = 0, unit: str = "%") -> str:
    """'83%' from a 0-1 fraction (a share: percent(0.875, 1) is '87.5%'); '–' when there is none."""
    value = percentage(fraction, digits)
    return MISSING if value is None else f"{_grouped(value)}{unit}"


def published_percent(score_pct: Any, unit: str = "%") -> str:
    """A percentage published as a whole number (score_pct, pooled_score_pct) as it is: '79%'."""
    return MISSING if missing(score_pct) else f"{_grouped(round_half_up(score_pct))}{unit}"


def interval_ends(low: Any, high: Any, digits: int = 0) -> tuple[str, str] | None:
    """The two ends of an interval of 0-1 fractions as percentages ('72', '88'); None when either is missing."""
    if missing(low) or missing(high):
        return None
    return _grouped(percentage(low, digits)), _grouped(percentage(high, digits))


def interval(low: Any, high: Any, digits: int = 0, separator: str = RANGE, unit: str = "%") -> str:
    """A 95% interval of 0-1 fractions: '72–88%' (the report writes it '72–88' after the score,
    the charts '72-88'); '–' when either end is missing. Each end is rounded on its own exact value."""
    ends = interval_ends(low, high, digits)
    return MISSING if ends is None else f"{ends[0]}{separator}{ends[1]}{unit}"


def points(difference: Any, digits: int = 1, unit: str = " pp") -> str:
    """A difference of 0-1 scores in percentage points, signed: '+3.2 pp', '-11.0 pp'."""
    value = percentage(difference, digits)
    if value is None:
        return MISSING
    return f"{'-' if value < 0 else '+'}{_grouped(abs(value))}{unit}"


def number(value: Any, digits: int = 0, signed: bool = False) -> str:
    """A plain figure with thousands separators: '1,234', '12.5', '+0.4' (signed)."""
    if missing(value):
        return MISSING
    rounded = round_half_up(value, digits)
    sign = ("-" if rounded < 0 else "+") if signed else ("-" if rounded < 0 else "")
    return f"{sign}{_grouped(abs(rounded))}"


def count(value: Any) -> str:
    """A count of cases, people or cells: '1,234'."""
    return number(value, 0)


def measure(value: Any, unit: str | None, signed: bool = False, suffix: bool = True) -> str:
    """A context figure in its unit: persons whole, percentages and rates to one decimal. With
    `suffix`, a percentage reads '12.3%' and a signed one (a difference) '+1.2 pp'; without it
    the bare number, for a table whose unit has a column of its own."""
    if missing(value):
        return MISSING
    if unit == "persons":
        return number(value, 0, signed)
    text = number(value, 1, signed)
    if not suffix or unit != "percent":
        return text
    return f"{text} pp" if signed else f"{text}%"


def timestamp(value: Any) -> str:
    """A publication time in UTC, to the minute: '2026-11-22 12:00 UTC'. A naive time is taken as UTC."""
    if missing(value):
        return MISSING
    if not isinstance(value, dt.datetime):
        import pandas as pd

        value = pd.Timestamp(value).to_pydatetime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def day(value: Any) -> str:
    """A date as ISO 8601: '2013-06-03'."""
    if missing(value):
        return MISSING
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else str(value)
