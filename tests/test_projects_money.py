"""Property tests (hypothesis) of the money rules of 民生实事 (``luoshi.projects.money``), without a database:

- ``check_budget`` accepts exactly when the budget lines add up to the total, to the cent;
- ``amount`` gives back any valid amount (two places at most, not negative, not too large) whatever way it
  is written, and refuses negatives, floats, more than two places and what is not a number with an
  ``ActionError`` — never another exception, whatever it is given;
- ``check_flow`` accepts exactly when spent ≤ disbursed ≤ received ≤ budget (unless an overrun is allowed)
  and no figure is below the last report's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from luoshi.errors import ActionError
from luoshi.projects import money

CENT = Decimal("0.01")
LARGEST = money.LARGEST
PROPERTY = settings(max_examples=300, deadline=None, database=None)

# amounts of 万元 with at most two places, from 0 to what a DecimalField(14, 2) holds
amounts = st.decimals(min_value=0, max_value=LARGEST, places=2, allow_nan=False, allow_infinity=False)
small = st.decimals(min_value=0, max_value=Decimal("100000"), places=2, allow_nan=False, allow_infinity=False)


def _refused(call) -> str:
    with pytest.raises(ActionError) as caught:
        call()
    return str(caught.value)


# ------------------------------------------------------------------------------------------ budget


@PROPERTY
@given(
    lines=st.dictionaries(st.sampled_from(["中央", "省级", "州(市)级", "县级", "社会资本", "其他"]), small), total=small
)
@example(lines={"中央": Decimal("0.10"), "省级": Decimal("0.20")}, total=Decimal("0.30"))  # not 0.30000000000000004
def test_the_budget_is_accepted_exactly_when_its_lines_add_up_to_the_total(lines, total):
    if sum(lines.values(), Decimal(0)) == total:
        money.check_budget(total, lines)
    else:
        assert "与总投资" in _refused(lambda: money.check_budget(total, lines))


@PROPERTY
@given(lines=st.lists(small, min_size=1, max_size=6), cents=st.integers(min_value=-500, max_value=500))
def test_a_budget_off_by_any_cent_is_refused(lines, cents):
    named = {f"来源{i}": value for i, value in enumerate(lines)}
    total = sum(lines, Decimal("0.00"))
    money.check_budget(total, named)  # the sum itself: accepted
    assume(cents != 0)
    assert "不一致" in _refused(lambda: money.check_budget(total + cents * CENT, named))


# ------------------------------------------------------------------------------------------ amount


def _written(value: Decimal, style: int) -> str:
    """The same amount as a person or a cell might write it."""
    plain = f"{value:f}"
    if style == 1:
        return f"{value:,f}"  # 1,234.50
    if style == 2:
        return f"  {plain} 万元 "
    if style == 3:
        return f"{value.normalize():f}"  # 1234.5, 100
    return plain


@PROPERTY
@given(value=amounts, style=st.integers(min_value=0, max_value=3))
@example(value=Decimal("0.10"), style=0)
@example(value=LARGEST, style=1)
def test_an_amount_comes_back_exactly_as_written(value, style):
    got = money.amount(_written(value, style), "累计支出")
    assert got == value and got.as_tuple().exponent == -2 and isinstance(got, Decimal)
    assert money.amount(value, "累计支出") == value  # a Decimal as such
    if value == value.to_integral_value():
        assert money.amount(int(value), "累计支出") == value  # an integer cell


@PROPERTY
@given(value=st.decimals(max_value=Decimal("-0.01"), places=2, allow_nan=False, allow_infinity=False))
def test_a_negative_amount_is_refused(value):
    assert "不能为负数" in _refused(lambda: money.amount(f"{value:f}", "累计支出"))


@PROPERTY
@given(value=st.floats(allow_nan=True, allow_infinity=True))
@example(value=0.1)
@example(value=100.0)
def test_a_float_is_refused_even_a_whole_one(value):
    assert "浮点数" in _refused(lambda: money.amount(value, "累计支出"))


@PROPERTY
@given(value=st.decimals(min_value=0, max_value=Decimal("1e9"), places=6, allow_nan=False, allow_infinity=False))
def test_more_than_two_places_is_refused(value):
    assume(value != value.quantize(CENT))
    assert "两位小数" in _refused(lambda: money.amount(f"{value:f}", "累计支出"))


@PROPERTY
@given(text=st.text())
@example(text="abc")
@example(text="三千")
@example(text="1.2.3")
@example(text="Infinity")
@example(text="NaN")
@example(text="sNaN")
@example(text="1e30")
@example(text="1E+999999")
@example(text="-1e-999999")
def test_any_text_gives_a_valid_amount_or_an_action_error(text):
    try:
        got = money.amount(text, "累计支出")
    except ActionError as error:
        assert "累计支出" in str(error)
    else:
        assert Decimal(0) <= got <= LARGEST and got.as_tuple().exponent == -2


@PROPERTY
@given(
    raw=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.decimals(),
        st.text(alphabet="0123456789.,-+eE万元 ，_%"),
        st.binary(max_size=8),
        st.lists(st.integers(), max_size=2),
    )
)
def test_whatever_it_is_given_amount_raises_nothing_but_an_action_error(raw):
    try:
        got = money.amount(raw, "金额")
    except ActionError:
        return
    assert Decimal(0) <= got <= LARGEST and got.as_tuple().exponent == -2


@PROPERTY
@given(text=st.text(alphabet="0123456789.,-+eE%_ ", max_size=12))
@example(text="1e30")
def test_an_indicator_value_is_a_decimal_or_an_action_error(text):
    try:
        got = money.value(text, "完成值")
    except ActionError:
        return
    assert Decimal(0) <= got < Decimal("1e12") and got == got.quantize(Decimal("0.0001"))


# ------------------------------------------------------------------------------------------ flow


@PROPERTY
@given(
    budget=small,
    received=small,
    disbursed=small,
    spent=small,
    previous=st.none() | st.tuples(small, small, small),
    overrun=st.booleans(),
)
def test_the_flow_is_accepted_exactly_when_it_is_ordered_and_does_not_go_back(
    budget, received, disbursed, spent, previous, overrun
):
    ordered = overrun or spent <= disbursed <= received <= budget
    onward = previous is None or all(
        now >= before for now, before in zip((received, disbursed, spent), previous, strict=True)
    )

    def check():
        money.check_flow(received, disbursed, spent, budget=budget, previous=previous, overrun_allowed=overrun)

    if ordered and onward:
        check()
    else:
        assert "万元" in _refused(check)


@PROPERTY
@given(figures=st.lists(small, min_size=4, max_size=4))
def test_figures_in_order_and_not_going_back_always_pass(figures):
    spent, disbursed, received, budget = sorted(figures)
    money.check_flow(received, disbursed, spent, budget=budget, previous=(received, disbursed, spent))
    money.check_flow(received, disbursed, spent, budget=budget, previous=(Decimal(0), Decimal(0), Decimal(0)))


def test_a_huge_amount_is_too_large_and_minus_zero_is_zero():
    # 1e30 to the cent needs 33 digits: once a decimal.InvalidOperation, now the refusal
    assert "过大" in _refused(lambda: money.amount("1e30", "累计支出"))
    assert "过大" in _refused(lambda: money.value("1e30", "完成值"))
    assert str(money.amount("-0", "累计支出")) == "0.00"
