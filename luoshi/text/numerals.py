"""Chinese numerals: the one place that reads them.

``cn_number`` reads a quantity (一百二十 -> 120, 两千 -> 2000, 二〇二三 -> 2023) for targets;
``heading_number`` reads the number of a part or section heading (一 -> 1, 十二 -> 12, "3" -> 3);
``heading_numeral`` writes one back (1 -> 一 … 10 -> 十).

Both readings follow the same positional rule: a digit is followed by at most one 十/百/千, these
descend inside a 万 group (一百二十, not 十百), a bare magnitude (千, 亿万) or two digits in a row
(十四五) is not a number, and a leading 十 means 一十 (十二 -> 12). Only a quantity may also be a
run of digits read one by one (二〇二三 -> 2023); a heading never is.
"""

from __future__ import annotations

DIGITS: dict[str, int] = dict(zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
SMALL: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
BIG: dict[str, int] = {"万": 10**4, "亿": 10**8}
# every character a Chinese numeral is written with, for regex classes and membership tests
CHARS = "".join(DIGITS) + "".join(SMALL) + "".join(BIG)
# the numerals of heading numbers 1 to 10, in order
HEADING_NUMERALS = "一二三四五六七八九十"


def positional(s: str) -> int | None:
    """Strict positional Chinese numeral: 一百二十 -> 120, 两千 -> 2000, 十二 -> 12, 三万五千 -> 35000.
    A bare magnitude (千, 亿万) or two digits in a row (十四五) is not a number."""
    total = 0  # finished 亿 groups
    section = 0  # finished 万 group inside the current 亿 group
    group = 0  # below 万
    digit: int | None = None
    last_small = 10**9  # the previous 十/百/千 in this group, to keep them descending
    for i, ch in enumerate(s):
        if ch in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS[ch]
        elif ch in SMALL:
            mult = SMALL[ch]
            if mult >= last_small:
                return None
            if digit is None:
                if ch != "十" or i != 0:
                    return None
                digit = 1
            group += digit * mult
            digit = None
            last_small = mult
        else:  # 万 / 亿
            mult = BIG[ch]
            value = group + (digit or 0)
            if mult == 10**4:
                if value == 0:
                    return None
                section = value * mult
            else:
                value += section
                if value == 0:
                    return None
                total = (total + value) * mult
                section = 0
            group, digit, last_small = 0, None, 10**9
    return total + section + group + (digit or 0)


def cn_number(s: str) -> int | None:
    """A quantity written in Chinese numerals (only ``CHARS``): positional, or a run of digits
    read one by one (二〇二三 -> 2023, but not with 两); ``None`` when it is neither."""
    if not s:
        return None
    if all(ch in DIGITS for ch in s):
        if len(s) == 1:
            return DIGITS[s]
        if "两" in s:
            return None
        return int("".join(str(DIGITS[ch]) for ch in s))  # 二〇二三 -> 2023
    return positional(s)


def heading_number(numeral: str | None) -> int | None:
    """The number of a part or section heading: 一 -> 1, 十二 -> 12, 二十 -> 20, "3" -> 3;
    ``None`` for no number or one that does not read (十十)."""
    if not numeral:
        return None
    if numeral.isdigit():
        return int(numeral)
    if not all(ch in CHARS for ch in numeral):
        return None
    return positional(numeral)


def heading_numeral(number: int) -> str | None:
    """The numeral a heading numbered 1 to 10 is written with (1 -> 一, 10 -> 十), else ``None``."""
    return HEADING_NUMERALS[number - 1] if 1 <= number <= len(HEADING_NUMERALS) else None
