"""The same report in another dress gives the same tasks: width, line ends, encodings, PDF wrapping, .docx.

Each variant goes through the reader when it is a file matter (encodings, .docx) and is compared,
task by task (code and text), with the decomposition of the plain sample.
"""

from __future__ import annotations

import re

import pytest

from luoshi.text.pipeline import decompose
from luoshi.text.readers import read_report

FULL_WIDTH = str.maketrans(
    {
        ",": "，",
        ";": "；",
        ":": "：",
        "!": "！",
        "?": "？",
        "(": "（",
        ")": "）",
        "%": "％",
        **{str(d): chr(ord("０") + d) for d in range(10)},
    }
)
WRAP_WIDTH = 38
INDENT = "\u3000\u3000"
# A numbered heading opens its paragraph: "(五)…。", "（五）…。", "二、…。"
HEADING = re.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)[^。\n]*。")


def paragraphs(text: str) -> list[str]:
    """Each non-blank line of the sample is a paragraph (the newspaper text puts blank lines between most)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def hard_wrapped(text: str, width: int = WRAP_WIDTH) -> str:
    """The text as a PDF extraction gives it: every paragraph indented by two ideographic spaces and
    cut into lines of ``width`` characters, no blank line between paragraphs, and the closing 。 of a
    numbered heading pushed alone onto the next line (headings are set in another font)."""
    lines: list[str] = []
    for paragraph in paragraphs(text):
        heading = HEADING.match(paragraph)
        if heading:
            lines += _wrap(INDENT + heading.group()[:-1], width)
            lines.append("。")
            rest = paragraph[heading.end() :]
            if rest:
                lines += _wrap(rest, width)
        else:
            lines += _wrap(INDENT + paragraph, width)
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def task_list(document) -> list[tuple[str, str]]:
    return [(task.code, task.text) for *_, task in document.tasks()]


@pytest.fixture(scope="module")
def expected(sample_text) -> list[tuple[str, str]]:
    tasks = task_list(decompose(sample_text))
    assert tasks, "the plain sample gives no tasks"
    return tasks


def assert_same_tasks(actual: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    for index, (got, want) in enumerate(zip(actual, expected, strict=False)):
        assert got == want, f"first difference at task {index}: {got} != {want}"
    assert len(actual) == len(expected), f"{len(actual)} tasks, expected {len(expected)}"


def test_the_wrapping_helper_makes_pdf_like_lines(sample_text):
    wrapped = hard_wrapped(sample_text)
    lines = wrapped.splitlines()
    assert "\n\n" not in wrapped
    assert max(len(line) for line in lines) == WRAP_WIDTH
    heading = next(i for i, line in enumerate(lines) if line.startswith(INDENT + "(五)"))
    assert lines[heading + 1] == "。"  # the heading fits one line; its 。 stands alone
    assert "".join(line.removeprefix(INDENT) for line in lines) == "".join(paragraphs(sample_text))


def test_full_width_punctuation_and_digits(sample_text, expected):
    assert_same_tasks(task_list(decompose(sample_text.translate(FULL_WIDTH))), expected)


def test_crlf_line_ends(sample_text, expected):
    assert_same_tasks(task_list(decompose(sample_text.replace("\n", "\r\n"))), expected)


def test_hard_wrapped_like_a_pdf_extraction(sample_text, expected):
    assert_same_tasks(task_list(decompose(hard_wrapped(sample_text))), expected)


@pytest.mark.parametrize(
    "encoding",
    [
        pytest.param(lambda text: text.encode("gb18030"), id="gb18030"),
        pytest.param(lambda text: text.encode("utf-8-sig"), id="utf-8 with BOM"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16"),
        pytest.param(lambda text: text.encode("utf-16-be"), id="utf-16 BE without BOM"),
    ],
)
def test_other_encodings_through_the_reader(encoding, sample_text, expected, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(encoding(sample_text))
    assert_same_tasks(task_list(decompose(read_report(path))), expected)


def test_word_document_through_the_reader(sample_text, expected, make_docx, tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(make_docx(*paragraphs(sample_text)))
    assert_same_tasks(task_list(decompose(read_report(path))), expected)
