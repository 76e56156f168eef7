"""Normalisation: raw report text → clean paragraphs, page furniture dropped and listed.

What arrives is rarely clean: full-width punctuation, CRLF, PDF extractions hard-wrapped at a fixed
width with paragraphs indented by two ideographic spaces, newspaper pages whose paragraphs are cut
across columns and pages, continuation marks, newspaper names, bylines, dates and adverts. This
module undoes all of that and returns paragraphs whose spans index the normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .model import Span
from .rhetoric import calls_to_unite

# Full-width forms of the ASCII range (U+FF01–U+FF5E) become half-width, as NFKC would; 。、“” stay.
_WIDTH: dict[int, int | str | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update(
    {
        0x3000: " ",  # ideographic space (kept at line starts separately, for indentation)
        0x00A0: " ",
        0x2002: " ",
        0x2003: " ",
        0x2009: " ",
        0x200B: None,
        0x200C: None,
        0x200D: None,
        0x2060: None,
        0xFEFF: None,
        0xFE50: ",",  # small form variants seen in some PDFs
        0xFE51: "、",
        0xFE52: ".",
        0xFE54: ";",
        0xFE55: ":",
        0xFE56: "?",
        0xFE57: "!",
        0x2215: "/",
        0xFF61: "。",
        0xFF64: "、",
    }
)

TERMINAL = "。!?;…"
CLOSERS = "”’」』)》】\"'"
SENTENCE = re.compile(r"[^。!?]+(?:[。!?]+[”’」』)》】]*)?|[。!?]+[”’」』)》】]*")
# enumerations: the first item (一是, 一要, 第一, 首先,) and the ones after it (二是, 第二, 其次…).
# A sentence that opens one and goes on with the next after a semicolon, "一是…;二是…;三是…。", is
# that many sentences (tasks); "推进…,一要…;二要…。" stays one.
_OPENS = r"一[是要](?=[^,:、])|第一[,、]|首先[,、]"
_GOES_ON = r"[二三四五六七八九十]{1,2}[是要](?=[^,:、])|第[二三四五六七八九十]{1,2}[,、]|其次|再次|最后"
ENUMERATION_OPENS = re.compile(f"^(?:{_OPENS})")
ENUMERATION_GOES_ON = re.compile(f"^(?:{_GOES_ON})")
ENUMERATION_CUT = re.compile(f"(?<=;)(?=\\s*(?:{_GOES_ON}))")

PART_HEADING = re.compile(r"^(?:第)?([一二三四五六七八九十]{1,3})(?:\s*[、.]|部分\s*[、.:]?)\s*(\S.*)$")
SECTION_HEADING = re.compile(r"^\(\s*([一二三四五六七八九十]{1,3})\s*\)\s*(\S.*)$")
# a theme's own number: "1." "1、" "(1)" "①", a leading dash "——", or an enumeration opening a
# paragraph: "一要" "二是"
NUMBERED_THEME = re.compile(
    r"^(?:\d{1,2}\s*[.、]|\(\s*\d{1,2}\s*\)|[①-⑳]|——|[一二三四五六七八九十]{1,2}(?:要|是)(?=[^,:、]))"
    r"\s*(?P<body>\S.*)$"
)

ADVERT = re.compile(r"(广告|公益|热线|服务电话|订阅|扫码|二维码|公众号|http|www\.|\.com|\.cn|宣$)")
ADDRESS = re.compile(r"^(各位代表|各位委员|同志们|各位政协委员)")


@dataclass(frozen=True)
class Paragraph:
    text: str
    span: Span


@dataclass(frozen=True)
class Normalized:
    text: str
    paragraphs: tuple[Paragraph, ...]
    dropped: tuple[str, ...]
    warnings: tuple[str, ...]


@cache
def _furniture() -> re.Pattern[str]:
    """One pattern for every line of data/furniture.txt, each matched against a whole line."""
    data = resources.files("luoshi.text").joinpath("data/furniture.txt").read_text("utf-8")
    lines = [line.strip() for line in data.splitlines() if line.strip() and not line.startswith("#")]
    return re.compile("|".join(f"(?:{line})" for line in lines))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff0-\uffff]")


_BLANKS = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_INDENT = re.compile(r"^\ufeff?(?:\u3000|[ \t\u00a0]{2}|\t)")


_NARROWABLE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_WIDTH)) + "]+")


# every character one of the four passes above would change, but for the plain space (_BLANKS
# changes only runs of it): text without one comes through them as it is
_UNUSUAL = re.compile(
    "["
    + _NARROWABLE.pattern[1:-2]  # its class, without "]+"
    + _CONTROL.pattern[1:-1]
    + r"\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\r\u2028\u2029\x0b\x0c\x85"
    + "]"
)


def _narrow(text: str) -> str:
    """The characters of _WIDTH translated, as _NARROWABLE.sub would: one str.replace for each
    distinct one (none of them is what another becomes)."""
    runs = _NARROWABLE.findall(text)
    for char in set("".join(runs)):
        to = _WIDTH[ord(char)]
        text = text.replace(char, chr(to) if isinstance(to, int) else to or "")
    return text


def clean_chars(raw: str) -> str:
    """Unify line breaks and character widths; strip control and zero-width characters."""
    text = _NARROWABLE.sub(lambda m: m.group().translate(_WIDTH), _NEWLINES.sub("\n", raw))
    return _CONTROL.sub("", text)


def display_width(line: str) -> int:
    """Columns a line takes in a fixed-width layout: every non-ASCII character counts two."""
    return 2 * len(line) - len(line.encode("ascii", "ignore"))


def is_heading(line: str) -> bool:
    return bool(PART_HEADING.match(line) or SECTION_HEADING.match(line))


def ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in TERMINAL + "!?:"


_SENTENCE_PUNCT = re.compile(r"[。!?;]")
_STRAY_CLOSE = re.compile(r"[。!?;,、”’)》]+")


def is_short_title(line: str, limit: int = 30) -> bool:
    """A short line with no sentence punctuation inside: a title or a standalone theme."""
    body = line.rstrip("。").strip()
    return 0 < len(body) <= limit and not _SENTENCE_PUNCT.search(body)


def is_furniture(line: str) -> bool:
    if len(line) > 60 and ends_sentence(line):
        return False  # a long sentence is content, whatever words it holds
    if _furniture().match(line):
        return True
    return len(line) <= 30 and not ends_sentence(line) and bool(ADVERT.search(line))


def _join(left: str, right: str) -> str:
    """Join two pieces of one paragraph: no space between CJK, one space between Latin words."""
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return left + " " + right
    return left + right


def _wrap_width(lines: list[str]) -> int | None:
    """The fixed line width of a hard-wrapped text, or None if lines are not hard-wrapped."""
    widths = [w for w in map(display_width, lines) if w >= 30]
    if len(widths) < 4:
        return None
    counts: dict[int, int] = {}
    for w in widths:
        counts[w] = counts.get(w, 0) + 1
    modal = max(counts, key=lambda w: (counts[w], w))
    near = sum(c for w, c in counts.items() if abs(w - modal) <= 3)
    over = sum(c for w, c in counts.items() if w > modal + 3)  # a wrapped text has no longer line
    return modal if near >= 0.3 * len(widths) and over <= 0.1 * len(widths) else None


def _blocks(lines: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    blocks: list[list[tuple[str, bool]]] = [[]]
    for line, indented in lines:
        if line:
            blocks[-1].append((line, indented))
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _paragraphs_of_block(block: list[tuple[str, bool]], width: int | None, indent_mode: bool) -> list[str]:
    """Re-join the hard-wrapped lines of one block into paragraphs."""
    paras: list[str] = []
    last = ""  # the line before, as it stands (a paragraph's width is no line's)
    for line, indented in block:
        if not paras:
            paras.append(line)
            last = line
            continue
        prev = paras[-1]
        if _STRAY_CLOSE.fullmatch(line):  # a heading's closing 。 pushed to its own line
            paras[-1] = prev + line
            last += line
            continue
        if is_heading(line):
            new = True
        elif indent_mode:
            new = indented
        elif (is_heading(prev) or NUMBERED_THEME.match(prev) or is_short_title(prev)) and not _looks_wrapped(
            prev, width
        ):
            new = True  # a heading or a standalone theme ends its line
        elif not ends_sentence(prev):
            new = False
        else:
            new = not _looks_wrapped(last, width)
        if new:
            paras.append(line)
        else:
            paras[-1] = _join(prev, line)
        last = line
    return paras


def _looks_wrapped(line: str, width: int | None) -> bool:
    return width is not None and display_width(line) >= width - 3


# a web page copied without its line breaks: paragraphs run on in one line, each still opening
# with its two ideographic spaces
_RUN_ON_LINE = re.compile(r"[^\n]{400,}")
_RUN_ON_INDENT = re.compile(r"(?<=[^\s\u3000])(?=\u3000\u3000)")


def _break_run_on_lines(raw: str) -> str:
    """Put each paragraph of a run-on line on a line of its own (at its ideographic indent)."""

    def split(m: re.Match[str]) -> str:
        line = m.group()
        return _RUN_ON_INDENT.sub("\n", line) if line.count("\u3000\u3000") >= 3 else line

    return _RUN_ON_LINE.sub(split, raw)


def normalize(raw: str) -> Normalized:
    dropped: list[str] = []
    warnings: list[str] = []
    lines: list[tuple[str, bool]] = []
    if "\u3000\u3000" in raw:
        raw = _break_run_on_lines(raw)
    if _UNUSUAL.search(raw) is None:  # the usual clean text: one pass instead of five
        clean = _BLANKS.sub(" ", raw) if "  " in raw else raw
    else:
        raw = _NEWLINES.sub("\n", raw)
        clean = _BLANKS.sub(" ", _CONTROL.sub("", _narrow(raw)))  # clean_chars(raw), newlines done
    for raw_line, line, tidy in zip(raw.split("\n"), clean.split("\n"), _tidy_spaces(clean).split("\n"), strict=True):
        line = line.strip()
        if line and is_furniture(line):
            dropped.append(line)
            continue
        lines.append((tidy.strip(), bool(_INDENT.match(raw_line))))

    lines = _drop_running_heads(lines, dropped)
    content = [line for line, _ in lines if line]
    width = _wrap_width(content)
    indented_count = sum(1 for line, ind in lines if line and ind)
    indent_mode = indented_count >= 3 and indented_count >= 0.05 * max(1, len(content)) and width is not None

    paras: list[str] = []
    for block in _blocks(lines):
        paras.extend(_paragraphs_of_block(block, width, indent_mode))

    paras = _rejoin_cut_paragraphs(paras)
    paras = _drop_repeated_running_heads(paras, dropped)
    paras, tail = _split_trailer(paras)
    dropped.extend(tail)

    out: list[Paragraph] = []
    pos = 0
    pieces: list[str] = []
    for para in paras:
        if pieces:
            pieces.append("\n")
            pos += 1
        out.append(Paragraph(para, (pos, pos + len(para))))
        pieces.append(para)
        pos += len(para)
    if width is not None and not indent_mode:
        warnings.append(f"文本按固定宽度({width})折行, 已按句末标点重新拼接段落")
    return Normalized("".join(pieces), tuple(out), tuple(dropped), tuple(warnings))


_SPACE = re.compile(r" (?=[^\x00-\x7f]|[,.;:!?%)])")


def _tidy_spaces(text: str) -> str:
    """Drop spaces after CJK characters before CJK or punctuation (PDF extraction artefacts); keep
    them between Latin words."""
    return _SPACE.sub(lambda m: "" if m.start() and text[m.start() - 1] > "\x7f" else " ", text)


def _drop_running_heads(lines: list[tuple[str, bool]], dropped: list[str]) -> list[tuple[str, bool]]:
    """A short title line repeated on every page (某某省人民政府工作报告) is a running head: every
    occurrence after the first goes, and the first too unless it opens the text (the title)."""
    counts: dict[str, int] = {}
    for line, _ in lines:
        if line and len(line) <= 24 and "报告" in line and is_short_title(line):
            counts[line] = counts.get(line, 0) + 1
    heads = {line for line, count in counts.items() if count >= 2}
    if not heads:
        return lines
    first_content = next((line for line, _ in lines if line), None)
    out, seen = [], set()
    for line, indented in lines:
        if line in heads and (line in seen or line != first_content):
            dropped.append(line)
            out.append(("", False))  # a page break: the paragraph may go on below it
            continue
        seen.add(line)
        out.append((line, indented))
    return out


def _rejoin_cut_paragraphs(paras: list[str]) -> list[str]:
    """Join paragraphs cut across newspaper columns or pages: the first part ends mid-sentence."""
    out: list[str] = []
    for para in paras:
        if out and _is_cut(out[-1]) and not is_heading(para) and not is_furniture(para):
            out[-1] = _join(out[-1], para)
        else:
            out.append(para)
    return out


def _is_cut(para: str) -> bool:
    if ends_sentence(para) or (is_heading(para) and len(para) <= 30):
        return False
    # a short line without sentence punctuation is a title or a standalone theme, not a cut paragraph
    return not (is_short_title(para) and not para.endswith((",", "、")))


def _drop_repeated_running_heads(paras: list[str], dropped: list[str]) -> list[str]:
    """A short title repeated on every page (政府工作报告) is kept once, as the title."""
    seen: set[str] = set()
    out = []
    for para in paras:
        if is_short_title(para, 20) and "报告" in para:
            if para in seen:
                dropped.append(para)
                continue
            seen.add(para)
        out.append(para)
    return out


def _split_trailer(paras: list[str]) -> tuple[list[str], list[str]]:
    """Everything after the closing rhetoric (各位代表! … 而团结奋斗!) is not report content."""
    closing = None
    for i, para in enumerate(paras):
        if is_closing(para):
            closing = i
    if closing is None:
        return paras, []
    return paras[: closing + 1], paras[closing + 1 :]


def is_closing(para: str) -> bool:
    """The closing call of a report: an address followed by 让我们…奋斗/努力!, or 我们要更加紧密地
    团结在……周围,……而不懈奋斗!"""
    if not para.rstrip(CLOSERS).endswith("!"):
        return False
    return "让我们" in para or (bool(ADDRESS.match(para)) and "奋斗" in para[-40:]) or calls_to_unite(para)


def split_sentences(text: str, offset: int = 0) -> list[tuple[str, Span]]:
    """Sentences ending in 。!? (closing quotes kept with them); spans offset into the document."""
    # the pattern's matches tile the text (every character is in one), so each span starts where
    # the one before ended
    out = []
    start = offset
    for piece in SENTENCE.findall(text):
        end = start + len(piece)
        if piece[0] == " " or piece[-1] == " ":
            stripped = piece.strip()
            if stripped:
                first = start + len(piece) - len(piece.lstrip())
                out.append((stripped, (first, first + len(stripped))))
                if ENUMERATION_OPENS.match(stripped):
                    _cut_enumeration(out)
        else:
            out.append((piece, (start, end)))
            if ENUMERATION_OPENS.match(piece):
                _cut_enumeration(out)
        start = end
    return out


def _cut_enumeration(out: list[tuple[str, Span]]) -> None:
    """Cut the last sentence of ``out`` where each enumerated clause after a semicolon starts."""
    text, (first, _end) = out[-1]
    cuts = [m.start() for m in ENUMERATION_CUT.finditer(text)]
    if not cuts:
        return
    out.pop()
    for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True):
        piece = text[a:b]
        stripped = piece.strip()
        if stripped:
            at = first + a + len(piece) - len(piece.lstrip())
            out.append((stripped, (at, at + len(stripped))))
