"""Reading and checking amounts of money (万元) and indicator values: exact decimals, never floats.

Pure functions: the actions, the forms, the list import and the API all read amounts through
``amount`` and check a period's figures through ``check_flow``, so one rule says what a valid figure is.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from luoshi.errors import ActionError

from .models import CENT

LARGEST = Decimal("999999999999.99")  # what a DecimalField(14, 2) holds


def amount(value, label: str, *, allow_empty: bool = False) -> Decimal:
    """An amount in 万元 from what a person typed or a cell held: a decimal of at most two places, not
    negative; ``label`` names it in the refusal. A float is refused: it is not an exact amount."""
    if isinstance(value, float):
        raise ActionError(f"{label}须为精确的数字 (请以文本或整数给出), 不能为浮点数")
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if text.endswith("万元"):
        text = text[:-2].strip()
    if not text:
        if allow_empty:
            return Decimal("0.00")
        raise ActionError(f"请填写{label}")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ActionError(f"{label}“{text}”不是数字") from None
    if not number.is_finite():
        raise ActionError(f"{label}“{text}”不是数字")
    if number < 0:
        raise ActionError(f"{label}不能为负数")
    if number > LARGEST:  # before quantizing: 1e30 to the cent exceeds the decimal context
        raise ActionError(f"{label}过大")
    if number != number.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ActionError(f"{label}最多保留两位小数 (万元)")
    return number.quantize(CENT).copy_abs()  # "-0" is 0.00


def value(raw, label: str) -> Decimal:
    """An indicator's target or actual value: a decimal, not negative (four places at most)."""
    if isinstance(raw, float):
        raise ActionError(f"{label}须为精确的数字, 不能为浮点数")
    text = str(raw if raw is not None else "").strip().replace(",", "").rstrip("%％")
    if not text:
        raise ActionError(f"请填写{label}")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ActionError(f"{label}“{text}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise ActionError(f"{label}应为不小于0的数字")
    if number >= Decimal("1e12"):  # before quantizing, as in ``amount``
        raise ActionError(f"{label}过大")
    if number != number.quantize(Decimal("0.0001")):
        raise ActionError(f"{label}最多保留四位小数")
    return number


def check_budget(total: Decimal, lines: dict[str, Decimal]) -> None:
    """The budget by source adds up to the total, to the cent."""
    added = sum(lines.values(), Decimal("0.00"))
    if added != total:
        raise ActionError(f"各资金来源合计 {added} 万元与总投资 {total} 万元不一致")


def check_flow(
    received: Decimal,
    disbursed: Decimal,
    spent: Decimal,
    *,
    budget: Decimal,
    previous: tuple[Decimal, Decimal, Decimal] | None = None,
    overrun_allowed: bool = False,
) -> None:
    """A period's cumulative figures: spent ≤ disbursed ≤ received (unless the office allowed an overrun),
    received within the budget, and none below the last report's (they are cumulative)."""
    if not overrun_allowed:
        if disbursed > received:
            raise ActionError(f"累计拨付 {disbursed} 万元超过累计到位 {received} 万元")
        if spent > disbursed:
            raise ActionError(f"累计支出 {spent} 万元超过累计拨付 {disbursed} 万元")
        if received > budget:
            raise ActionError(f"累计到位 {received} 万元超过总投资 {budget} 万元")
    if previous is not None:
        names = ("累计到位", "累计拨付", "累计支出")
        for name, now, before in zip(names, (received, disbursed, spent), previous, strict=True):
            if now < before:
                raise ActionError(f"{name} {now} 万元少于上期已报的 {before} 万元 (资金数为累计数)")
