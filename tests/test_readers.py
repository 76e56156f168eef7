"""Reading report files: encodings, .docx, .pdf, and one clear line for every file we cannot read."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import struct
import subprocess
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.cli import main
from luoshi.text.model import InputError
from luoshi.text.pipeline import decompose
from luoshi.text.readers import decode_bytes, read_bytes_report, read_report

SHORT = "深入推进教育高质量发展。加快建设高质量教育体系,加强优质教育资源供给。"


@pytest.fixture
def cli():
    """``luoshi.cli.main``."""
    return main


def assert_refused(cli, capsys, argv, *fragments):
    """Exit status 2, nothing on stdout and exactly one line on stderr containing ``fragments``."""
    status = cli(argv)
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("luoshi: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# --- plain text in every encoding ---------------------------------------------------------------

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with BOM": lambda text: text.encode("utf-8-sig"),
    "utf-16 LE with BOM": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16 BE with BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-16 LE without BOM": lambda text: text.encode("utf-16-le"),
    "utf-16 BE without BOM": lambda text: text.encode("utf-16-be"),
    "utf-32 with BOM": lambda text: text.encode("utf-32"),
    "gb18030": lambda text: text.encode("gb18030"),
    "gbk": lambda text: text.encode("gbk"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_supported_encoding_reads_as_the_same_text(encoding, sample_text, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(ENCODINGS[encoding](sample_text))
    assert read_report(path) == sample_text


def test_it_prefers_utf8_when_the_bytes_are_also_valid_gb18030():
    data = "中文".encode()
    data.decode("gb18030")  # the same bytes are valid GB18030 too
    assert decode_bytes(data) == "中文"


def test_it_strips_the_byte_order_mark_and_keeps_everything_else():
    text = "\u3000\u3000第一段,\r\n第二段。\r\n"
    assert decode_bytes(text.encode("utf-8-sig")) == text


def test_a_file_cut_inside_its_last_character_reads_without_it():
    assert decode_bytes((SHORT + "中").encode("utf-8")[:-1]) == SHORT


def test_damaged_utf8_is_refused_with_the_position(sample_text):
    data = sample_text.encode("utf-8")
    at = len(sample_text[:100].encode("utf-8"))  # a character boundary
    damaged = data[:at] + b"\xff" + data[at:]
    with pytest.raises(InputError, match=f"第 {at} 字节"):
        decode_bytes(damaged, "report.txt")


def test_undecodable_text_is_refused():
    with pytest.raises(InputError, match="UTF-8"):
        decode_bytes(b"\x81\x30\xff\xfe abc" * 10)


def test_reading_from_stdin(monkeypatch, sample_text):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(sample_text.encode("gb18030"))))
    assert read_report("-") == sample_text


def test_uploaded_bytes_are_read_without_a_path(make_docx):
    assert read_bytes_report(SHORT.encode("gb18030"), "报告.txt") == SHORT
    assert read_bytes_report(make_docx(SHORT), "报告.docx") == SHORT


# --- .docx --------------------------------------------------------------------------------------


def test_docx_gives_paragraphs_and_table_rows_in_body_order(make_docx, tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(
        make_docx(
            "政府工作报告",
            "深入推进教育高质量发展。加快建设高质量教育体系。",
            [["序号", "任务"], ["1", "新增高新技术企业3家以上。"]],
            "提升科技创新水平。",
        )
    )
    assert read_report(path).split("\n") == [
        "政府工作报告",
        "深入推进教育高质量发展。加快建设高质量教育体系。",
        "序号 | 任务",
        "1 | 新增高新技术企业3家以上。",
        "提升科技创新水平。",
    ]


def test_docx_reads_a_merged_table_cell_once(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "合并单元格"
    table.cell(0, 2).text = "右侧"
    path = tmp_path / "merged.docx"
    document.save(path)
    assert read_report(path).split("\n") == ["合并单元格 | 右侧"]


def test_docx_keeps_tracked_insertions_and_drops_tracked_deletions(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    paragraph = document.add_paragraph("加快建设")
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t>高质量</w:t></w:r></w:ins>'))
    paragraph._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>旧</w:delText></w:r></w:del>')
    )
    paragraph.add_run("教育体系。")
    path = tmp_path / "tracked.docx"
    document.save(path)
    assert read_report(path) == "加快建设高质量教育体系。"


def test_docx_is_recognised_by_content_whatever_its_name(make_docx, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(make_docx(SHORT))
    assert read_report(path) == SHORT


def docx_with_declared_size(size: int) -> bytes:
    """A valid-looking .docx whose word/document.xml claims ``size`` bytes once unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    data = bytearray(buffer.getvalue())
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:  # central directory entries
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == b"word/document.xml":
            struct.pack_into("<I", data, start + 24, size)  # uncompressed size
        start += 4
    return bytes(data)


def test_a_docx_zip_bomb_declaring_a_huge_size_is_refused(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_with_declared_size(4_000_000_000))
    with pytest.raises(InputError, match="压缩炸弹"):
        read_report(path)


def test_a_docx_zip_bomb_with_an_extreme_compression_ratio_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 20_000_000)
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match="压缩炸弹"):
        read_report(path)


# --- .pdf ---------------------------------------------------------------------------------------


def chinese_pdf(lines: list[str], *, password: str | None = None) -> bytes:
    """A PDF with a text layer in reportlab's built-in STSong-Light CID font (no font file needed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=password)
    pdf.setFont("STSong-Light", 12)
    y = 780
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only a picture of text, as a scanner makes it."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 380, 60), fill="black")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawImage(ImageReader(image), 60, 500, width=400, height=200)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_pdf_text_layer_in_chinese_is_read_back(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(chinese_pdf(["深入推进教育高质量发展。", "新增高新技术企业、科技型企业3家以上。"]))
    text = read_report(path)
    assert "深入推进教育高质量发展。" in text
    assert "新增高新技术企业、科技型企业3家以上。" in text


def test_a_scanned_pdf_without_text_layer_asks_for_ocr(cli, capsys, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    assert_refused(cli, capsys, ["decompose", str(path)], "没有文字层", "OCR")


def test_an_encrypted_pdf_asks_for_an_unencrypted_file(cli, capsys, tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(chinese_pdf([SHORT], password="secret"))
    assert_refused(cli, capsys, ["decompose", str(path)], "加密", "密码")


def test_a_damaged_pdf_is_refused(cli, capsys, tmp_path, monkeypatch):
    # in this process another test may have configured logging to stderr (Django's settings do);
    # the real-process test below checks that stderr stays one line without any such setup
    monkeypatch.setattr(logging.getLogger("pypdf"), "propagate", False)
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nnot really a pdf\n")
    assert_refused(cli, capsys, ["decompose", str(path)], "PDF")


def test_a_damaged_pdf_gives_one_line_in_a_real_process_too(tmp_path):
    """Without pytest's logging capture, pypdf's repair notes must not reach stderr."""
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nnot really a pdf\n")
    result = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "decompose", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("luoshi: ")


# --- refusals: one line, exit status 2 ----------------------------------------------------------


def test_a_missing_file_is_named(cli, capsys, tmp_path):
    path = tmp_path / "nowhere.txt"
    assert_refused(cli, capsys, ["decompose", str(path)], f"找不到文件 {path}", "请检查路径")


def test_a_directory_is_refused(cli, capsys, tmp_path):
    assert_refused(cli, capsys, ["decompose", str(tmp_path)], "目录")


@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n", "\ufeff".encode()])
def test_an_empty_file_is_refused(cli, capsys, tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert_refused(cli, capsys, ["decompose", str(path)], "文件为空")


def test_random_bytes_with_nuls_are_refused_as_binary(cli, capsys, tmp_path):
    path = tmp_path / "random.txt"
    path.write_bytes(b"\x00\x01\x02\xff" + bytes(range(256)) * 8)
    assert_refused(cli, capsys, ["decompose", str(path)], "二进制")


def test_text_riddled_with_control_characters_is_refused_as_binary():
    with pytest.raises(InputError, match="二进制"):
        decode_bytes(("报告\x01\x02\x03\x04" * 50).encode())


def test_a_png_is_refused_as_a_picture(cli, capsys, tmp_path):
    from PIL import Image

    path = tmp_path / "report.txt"
    Image.new("RGB", (10, 10)).save(path, format="PNG")
    assert_refused(cli, capsys, ["decompose", str(path)], "PNG", "OCR")


def test_an_old_word_doc_asks_to_save_as_docx(cli, capsys, tmp_path):
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    assert_refused(cli, capsys, ["decompose", str(path)], "请另存为 .docx 或 .txt")


def test_a_web_page_saved_as_doc_is_refused(tmp_path):
    path = tmp_path / "report.doc"
    path.write_text("<html><body>政府工作报告</body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"\.docx 或 \.txt"):
        read_report(path)


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text(SHORT, encoding="utf-8")
    with pytest.raises(InputError, match="不是 PDF"):
        read_report(path)


def test_a_zip_that_is_not_a_word_document_is_refused(cli, capsys, tmp_path):
    path = tmp_path / "report.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("report.txt", SHORT)
    assert_refused(cli, capsys, ["decompose", str(path)], "ZIP")


def test_a_file_over_the_size_limit_is_refused(cli, capsys, monkeypatch, sample_path):
    monkeypatch.setenv("LUOSHI_MAX_REPORT_BYTES", "1000")
    assert_refused(cli, capsys, ["decompose", str(sample_path)], "太大", "LUOSHI_MAX_REPORT_BYTES")


def test_stdin_over_the_size_limit_is_refused(cli, capsys, monkeypatch, sample_text):
    monkeypatch.setenv("LUOSHI_MAX_REPORT_BYTES", "1000")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(sample_text.encode())))
    assert_refused(cli, capsys, ["decompose", "-"], "标准输入", "太大")


def test_an_invalid_size_limit_setting_is_named(cli, capsys, monkeypatch, sample_path):
    monkeypatch.setenv("LUOSHI_MAX_REPORT_BYTES", "lots")
    assert_refused(cli, capsys, ["decompose", str(sample_path)], "LUOSHI_MAX_REPORT_BYTES")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_refused(cli, capsys, tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SHORT, encoding="utf-8")
    path.chmod(0)
    assert_refused(cli, capsys, ["decompose", str(path)], "没有权限")


# --- properties: nothing but InputError escapes -------------------------------------------------

FILENAMES = st.sampled_from(["report.txt", "report.docx", "report.pdf", "report.doc", "report", "报告.TXT"])
MAGIC_PREFIXES = st.sampled_from(
    [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xd0\xcf\x11\xe0"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=MAGIC_PREFIXES, data=st.binary(max_size=2000), filename=FILENAMES)
def test_arbitrary_bytes_either_read_or_raise_input_error(prefix, data, filename):
    try:
        text = read_bytes_report(prefix + data, filename)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(text, str)


@settings(max_examples=300)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_either_decode_or_raise_input_error(data):
    with contextlib.suppress(InputError):
        assert isinstance(decode_bytes(data), str)


REPORT_CHARACTERS = "一二三四五六七八九十()（）,，。、;:!?“”%0123456789 \n\r\t\u3000年月以上左右建成推进发展是要第其次—【】主要预期目标为图摄"
REPORTISH = st.text(
    alphabet=st.sampled_from(list(REPORT_CHARACTERS)) | st.characters(),
    max_size=400,
)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=1000), text=REPORTISH)
def test_decoded_bytes_and_arbitrary_text_decompose_or_raise_input_error(data, text):
    try:
        decoded = decode_bytes(data)
    except InputError:
        decoded = None
    for candidate in (decoded, text):
        if candidate is None:
            continue
        with contextlib.suppress(InputError):
            decompose(candidate)
