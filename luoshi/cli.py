"""The `luoshi` command: decompose, suggest, and the web application's demo / serve / manage."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from luoshi.text.model import InputError

if TYPE_CHECKING:
    from luoshi.text import Catalog, Document

EXIT_INPUT = 2


def _fail(message: str) -> int:
    print(f"luoshi: {message}", file=sys.stderr)
    return EXIT_INPUT


def cmd_decompose(args: argparse.Namespace) -> int:
    from luoshi.formats import render
    from luoshi.text import decompose, load_units
    from luoshi.text.readers import read_report

    units = load_units(args.units) if args.units else None
    document = _decompose_table(args, units)
    if document is None:
        text = read_report(args.path)
        document = decompose(text, units=units, year=args.year, kind=args.kind)
    fmt = args.format or _format_from_name(args.output) or "json"
    data = render(document, fmt)
    if args.output and args.output != "-":
        out = Path(args.output)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(out)
    elif fmt == "xlsx":
        if sys.stdout.isatty():
            return _fail("xlsx 是二进制格式, 请用 -o 文件名.xlsx 写入文件")
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _decompose_table(args: argparse.Namespace, units: Catalog | None) -> Document | None:
    """A rectification list given as a table: an .xlsx sheet, or a .docx whose body is such a table
    (with --kind auto or rectification). None: read the file as text."""
    from luoshi.text.readers import cell_text, max_report_bytes, read_docx_table, read_sheet
    from luoshi.text.sources import decompose_table, rows_of_sheet

    path = Path(args.path)
    suffix = path.suffix.lower()
    if args.path == "-" or suffix not in (".xlsx", ".docx") or not path.is_file():
        return None
    if suffix == ".docx" and args.kind not in ("auto", "rectification"):
        return None
    if path.stat().st_size > max_report_bytes():
        return None  # read_report refuses it with its own message
    data = path.read_bytes()
    if suffix == ".xlsx":
        if args.kind not in ("auto", "rectification"):
            raise InputError(f"{path} 是 Excel 表格: 只能按整改清单读取(--kind rectification)")
        table = [[cell_text(value) for value in row] for row in read_sheet(data, str(path))]
    else:
        found = read_docx_table(data, str(path))
        if found is None or not _has_rectification_header(found):
            return None
        table = found
    title, rows = rows_of_sheet(table)
    return decompose_table(rows, units=units, year=args.year, title=title)


def _has_rectification_header(table: list[list[str]]) -> bool:
    from luoshi.text.sources import has_table_header

    return has_table_header(table)


def _format_from_name(output: str | None) -> str | None:
    if not output or output == "-":
        return None
    suffix = Path(output).suffix.lower()
    return {".json": "json", ".md": "markdown", ".markdown": "markdown", ".xlsx": "xlsx"}.get(suffix)


def cmd_suggest(args: argparse.Namespace) -> int:
    from luoshi.text import load_units, suggest_units

    units = load_units(args.units)
    lines = args.text if args.text else (line.rstrip("\n") for line in sys.stdin)
    for line in lines:
        result = suggest_units(line, units)
        record = {
            "text": line,
            "leads": [s.to_dict() for s in result.leads],
            "co_units": [s.to_dict() for s in result.co_units],
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="luoshi", description="落实: 政府工作报告 → 责任清单")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("decompose", help="把一份工作报告分解为任务树")
    p.add_argument("path", help="报告文件 (.txt .docx .pdf; 整改清单也可 .xlsx) 或 - 表示标准输入")
    p.add_argument("--year", type=int, default=None, help="报告年份 (默认从文本推断)")
    p.add_argument("--units", default=None, help="单位目录 CSV, 用于地名解析和牵头单位建议")
    p.add_argument(
        "--kind",
        choices=["auto", "report", "meeting", "instruction", "rectification"],
        default="auto",
        help="来源类型: 工作报告、会议纪要、领导批示、整改清单 (默认从文本识别)",
    )
    p.add_argument("--format", choices=["json", "markdown", "xlsx"], default=None)
    p.add_argument("-o", "--output", default=None, help="输出文件 (默认标准输出)")
    p.set_defaults(func=cmd_decompose)

    p = sub.add_parser("suggest", help="为任务建议牵头单位和配合单位")
    p.add_argument("--units", required=True, help="单位目录 CSV")
    p.add_argument("text", nargs="*", help="任务文本; 省略时从标准输入每行读一条")
    p.set_defaults(func=cmd_suggest)

    for name, help_text in (
        ("demo", "一键演示: SQLite + 示例报告 + 演示账号, 在 127.0.0.1:8000 提供服务"),
        ("serve", "生产服务 (gunicorn, DATABASE_URL)"),
        ("manage", "Django 管理命令"),
    ):
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


WEB_COMMANDS = ("demo", "serve", "manage")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in WEB_COMMANDS:
        # the web commands parse their own options (argparse's REMAINDER refuses a leading option)
        from luoshi import webcli

        return getattr(webcli, argv[0])(argv[1:]) or 0
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except InputError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
